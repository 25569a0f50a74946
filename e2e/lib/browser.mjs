// Debian's Chromium driven by playwright-core; never a downloaded browser.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
export const SHOTS = resolve(import.meta.dirname, '..', 'screenshots');

export const SIZES = {
  phone: { width: 390, height: 844 },
  desktop: { width: 1280, height: 900 },
};

// Playwright gives every launch a fresh temporary --user-data-dir.
export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** A reporter's browser: JavaScript off, her language, her screen. */
export function reporterContext(browser, { lang, size }) {
  return browser.newContext({ javaScriptEnabled: false, locale: lang, viewport: SIZES[size] });
}

export function staffContext(browser, { lang, size }) {
  return browser.newContext({ javaScriptEnabled: false, locale: lang, viewport: SIZES[size] });
}

export async function screenshot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/**
 * Checks a page as it was served, with axe-core for WCAG 2.1 A and AA, in a
 * separate context where scripts may run (the pages themselves forbid them).
 * Returns the violations.
 */
export async function axeViolations(browser, page) {
  return axeViolationsOf(browser, page.url(), await page.content(), page.viewportSize());
}

export async function axeViolationsOf(browser, url, html, viewport) {
  const context = await browser.newContext({ bypassCSP: true, viewport });
  try {
    const probe = await context.newPage();
    await probe.route(url, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
    await probe.goto(url);
    await probe.addScriptTag({ path: AXE });
    const result = await probe.evaluate(() =>
      // eslint-disable-next-line no-undef
      axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }),
    );
    // Proof that the rules ran at all: a page always passes some of them.
    if (result.passes.length < 5) throw new Error(`axe evaluated almost nothing on ${url}`);
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
  } finally {
    await context.close();
  }
}

/** Presses Tab until `selector` has focus; fails if it is never reached. */
export async function tabTo(page, selector, limit = 150) {
  const target = page.locator(selector).first();
  for (let i = 0; i < limit; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`${selector} was not reachable with Tab`);
}

// Every journey completed with the keyboard alone, and a check that the
// accessibility check itself can fail.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startOmbud, HANDLER } from '../lib/ombud.mjs';
import { launch, reporterContext, staffContext, tabTo, axeViolationsOf } from '../lib/browser.mjs';
import { TEXT } from '../lib/journey.mjs';

let ombud;
let browser;
before(async () => {
  ombud = await startOmbud();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await ombud?.stop();
});

/** Presses a key that should load a new page, and waits for that page. */
async function pressAndWait(page, key) {
  const navigation = page.waitForNavigation({ waitUntil: 'load' });
  await page.keyboard.press(key);
  await navigation;
}

for (const [lang, size] of [['en', 'desktop'], ['zh-CN', 'phone']]) {
  test(`the reporter and the handler can do everything with the keyboard, ${lang}, ${size}`, async () => {
    const t = TEXT[lang];
    const reporter = await (await reporterContext(browser, { lang, size })).newPage();
    await reporter.goto(`${ombud.base}/`);
    await tabTo(reporter, 'a[href="/report"]');
    await pressAndWait(reporter, 'Enter');
    assert.ok(reporter.url().endsWith('/report'));

    // A radio group is entered with Tab and chosen with Space.
    await tabTo(reporter, 'input[name=category]');
    await reporter.keyboard.press('Space');
    await tabTo(reporter, '#description');
    await reporter.keyboard.type(t.description);
    await tabTo(reporter, '#person_0_name');
    await reporter.keyboard.type(t.person);
    // A client: outside the organisation (a select is changed with the arrow keys).
    await tabTo(reporter, '#person_0_side');
    await reporter.keyboard.press('ArrowDown');
    await reporter.keyboard.press('ArrowDown');
    assert.equal(await reporter.inputValue('#person_0_side'), 'external');
    await tabTo(reporter, 'input[name=request_leave]');
    await reporter.keyboard.press('Space');
    await tabTo(reporter, '#send-report');
    await pressAndWait(reporter, 'Enter');
    const receipt = (await reporter.textContent('#receipt')).trim();

    await tabTo(reporter, 'main a[href="/follow-up"]');
    await pressAndWait(reporter, 'Enter');
    await tabTo(reporter, '#receipt');
    await reporter.keyboard.type(receipt);
    await pressAndWait(reporter, 'Enter');
    assert.equal((await reporter.textContent('.report-text')).trim(), t.description);
    await tabTo(reporter, '#body');
    await reporter.keyboard.type(t.reply);
    await tabTo(reporter, 'form.reply button[type=submit]');
    await pressAndWait(reporter, 'Enter');
    assert.ok((await reporter.textContent('.message.from-reporter')).includes(t.reply));

    const handler = await (await staffContext(browser, { lang, size })).newPage();
    await handler.goto(`${ombud.base}/staff/sign-in`);
    await tabTo(handler, '#email');
    await handler.keyboard.type(HANDLER.email);
    await tabTo(handler, '#password');
    await handler.keyboard.type(HANDLER.password);
    await pressAndWait(handler, 'Enter');
    await tabTo(handler, 'table.inbox tbody a');
    await pressAndWait(handler, 'Enter');
    await tabTo(handler, 'form[action*="/acknowledge?"] button');
    await pressAndWait(handler, 'Enter');
    await tabTo(handler, '#body');
    await handler.keyboard.type(t.staffReply);
    await tabTo(handler, 'form.reply button[type=submit]');
    await pressAndWait(handler, 'Enter');

    await reporter.goto(`${ombud.base}/follow-up`);
    assert.ok((await reporter.textContent('.status')).includes(t.acknowledged));
    assert.ok((await reporter.textContent('.message.from-team')).includes(t.staffReply));
    await reporter.context().close();
    await handler.context().close();
  });
}

test('the accessibility check finds violations on a page that has them', async () => {
  const bad = '<!doctype html><html><head><title>x</title></head><body><img src="/static/none.png"><input type="text"><p style="color:#eee;background:#fff">faint</p></body></html>';
  const violations = await axeViolationsOf(browser, `${ombud.base}/axe-self-test`, bad, { width: 800, height: 600 });
  const ids = violations.map((v) => v.id);
  for (const expected of ['image-alt', 'label', 'color-contrast', 'html-has-lang']) {
    assert.ok(ids.includes(expected), `${expected} in ${ids}`);
  }
});

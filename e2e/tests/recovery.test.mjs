// Oversight enables the organisation recovery key in real Chromium with
// JavaScript off, in English on a desktop and in Chinese on a phone, each
// page checked by axe. Until it is enabled the page warns; nobody is ticked
// as a holder for her; one holder is too few for two approvals, and the page
// comes back saying so beside her choice, which it keeps; with three holders
// ticked, recovery is enabled, the sample case already filed is locked to it
// by her session, and `ombud recovery status` says the same.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startOmbud, OVERSIGHT } from '../lib/ombud.mjs';
import { launch, staffContext } from '../lib/browser.mjs';
import { look, submit, signIn } from '../lib/journey.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const WORDS = {
  en: {
    heading: 'Case recovery: no case lost to a forgotten password', warning: 'Recovery is not enabled',
    tooFew: 'Choose at least as many holders', enabled: 'Recovery is enabled',
  },
  'zh-CN': {
    heading: '案件恢复：不让任何案件因遗忘密码而丢失', warning: '尚未启用恢复',
    tooFew: '持有人数量不能少于', enabled: '已启用恢复',
  },
};

const MEMBERS = [
  { email: 'osei@e2e.example', password: 'e2e second member password', name: 'Samuel Osei' },
  { email: 'lin@e2e.example', password: 'e2e third member password', name: 'Lin Xiaoyu' },
];

for (const [lang, size] of [['en', 'desktop'], ['zh-CN', 'phone']]) {
  test(`an oversight member enables recovery with three holders, ${lang}, ${size}`, async () => {
    const ombud = await startOmbud();
    try {
      for (const member of MEMBERS) ombud.addStaff(member, 'oversight');
      const w = WORDS[lang];
      const tag = `${lang}-${size}-recovery`;
      await fetch(`${ombud.base}/api/v1/reports`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ category: 'other', description: 'A case filed before recovery was enabled.' }),
      });
      const page = await (await staffContext(browser, { lang, size })).newPage();
      await signIn(page, ombud.base, OVERSIGHT);
      await page.goto(`${ombud.base}/oversight/recovery`);
      assert.equal((await page.textContent('h1')).trim(), w.heading);
      assert.ok((await page.textContent('main')).includes(w.warning));
      assert.equal(await page.locator('input[name=holders]:checked').count(), 0, 'nobody is chosen for her');
      await look(browser, page, `${tag}-01-not-enabled`);

      const holders = page.locator('input[name=holders]');
      assert.equal(await holders.count(), 3);
      await holders.nth(1).check();
      await submit(page, '#split form');
      assert.ok((await page.textContent('#problem')).includes(w.tooFew));
      assert.equal(await page.locator('input[name=holders]:checked').count(), 1, 'her choice comes back');
      assert.ok(await holders.nth(1).isChecked());
      await look(browser, page, `${tag}-02-too-few`);

      await holders.nth(0).check();
      await holders.nth(2).check();
      await submit(page, '#split form');
      assert.ok((await page.textContent('#done')).includes(w.enabled));
      assert.equal((await page.textContent('#threshold')).trim(), '2 / 3');
      await look(browser, page, `${tag}-03-enabled`);

      // Her session locks the case filed before, in the background.
      let status = '';
      for (let i = 0; i < 50 && !status.includes('not yet locked to the recovery key: 0'); i++) {
        await new Promise((r) => setTimeout(r, 100));
        status = ombud.recoveryStatus();
      }
      assert.match(status, /recovery: enabled, 2 of 3 holders/);
      assert.match(status, /not yet locked to the recovery key: 0/);
    } finally {
      await ombud.stop();
    }
  });
}

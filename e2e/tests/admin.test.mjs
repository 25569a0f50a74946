// The administrator runs staff accounts in real Chromium with JavaScript off,
// on a desktop and a phone, each page checked by axe. This instance asks
// administrators and handlers for a second factor: the first time he signs
// in he sets it up from a QR code (its key as text, read here as a phone's
// authenticator app would), keeps his recovery codes, and after that types
// a code after his password. He lands on the staff list; an invitation sent
// without a role comes back with what he typed, then goes; the invited
// person chooses her password from her one-time link (a mismatch is said
// beside the field), sets up her own second factor and lands on her cases;
// the administrator disables her and she is signed out at once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startOmbud, ADMIN } from '../lib/ombud.mjs';
import { launch, staffContext } from '../lib/browser.mjs';
import { look, submit, signIn } from '../lib/journey.mjs';
import { authenticator } from '../lib/totp.mjs';

let ombud;
let browser;
before(async () => {
  ombud = await startOmbud({ secondFactor: ['admin', 'handler'] });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await ombud?.stop();
});

const WORDS = {
  en: {
    heading: 'Staff accounts', invited: 'The invitation was sent.', disabled: 'The account is disabled', welcome: 'Welcome to Ombud',
    setup: 'Set up your second factor', code: 'Enter the code from your authenticator app', codes: 'Your recovery codes',
  },
  'zh-CN': {
    heading: '员工账户', invited: '邀请已发送。', disabled: '账户已停用', welcome: '欢迎使用 Ombud',
    setup: '设置第二重验证', code: '请输入验证器应用中的验证码', codes: '您的恢复码',
  },
};

// The administrator's phone app, once he has set it up.
let adminApp;

/** On the setup page: the key read as text, a code typed, the recovery codes kept; answers the app. */
async function setUpSecondFactor(page, w, tag) {
  assert.equal((await page.textContent('h1')).trim(), w.setup);
  assert.equal(await page.locator('figure.qr svg').count(), 1, 'a QR code drawn on the server');
  await look(browser, page, `${tag}-setup`);
  const app = authenticator(await page.textContent('#secret'));
  await page.fill('#code', '000000');
  await submit(page);
  assert.equal(await page.locator('#code-error').count(), 1, 'a wrong code is said beside the field');
  await page.fill('#code', app.code());
  await submit(page);
  assert.equal((await page.textContent('h1')).trim(), w.codes);
  assert.equal(await page.locator('#recovery-codes li').count(), 10);
  await look(browser, page, `${tag}-recovery-codes`);
  await Promise.all([page.waitForLoadState('load'), page.click('main a.button')]);
  return app;
}

/** His password, then his code (or, the first time, setting it up). */
async function adminSignIn(page, w, tag) {
  await signIn(page, ombud.base, ADMIN);
  if (adminApp) {
    assert.equal((await page.textContent('h1')).trim(), w.code);
    await look(browser, page, `${tag}-code`);
    await page.fill('#code', adminApp.code());
    await submit(page);
  } else {
    adminApp = await setUpSecondFactor(page, w, `${tag}-admin`);
  }
}

for (const [lang, size] of [['en', 'desktop'], ['zh-CN', 'phone']]) {
  test(`the administrator invites, she joins from her link, he disables her, ${lang}, ${size}`, async () => {
    const w = WORDS[lang];
    const tag = `${lang}-${size}-admin`;
    const admin = await (await staffContext(browser, { lang, size })).newPage();
    await adminSignIn(admin, w, tag);
    assert.ok(admin.url().endsWith('/admin/staff'), `he starts at the staff list: ${admin.url()}`);
    assert.equal((await admin.textContent('h1')).trim(), w.heading);
    await look(browser, admin, `${tag}-01-staff`);

    // Sent without a role: every value comes back, the problem beside the role.
    const email = `li.na.${lang}.${size}@e2e.example`;
    await admin.fill('#invite-email', email);
    await admin.fill('#invite-name', '李娜 Li Na');
    await admin.selectOption('#invite-lang', 'zh-CN');
    await submit(admin, '#invite form');
    assert.equal(await admin.inputValue('#invite-email'), email);
    assert.equal(await admin.inputValue('#invite-name'), '李娜 Li Na');
    assert.equal(await admin.inputValue('#invite-lang'), 'zh-CN');
    assert.equal(await admin.locator('#invite-role-error').count(), 1);
    await look(browser, admin, `${tag}-02-invite-refused`);
    await admin.selectOption('#invite-role', 'handler');
    await submit(admin, '#invite form');
    assert.ok((await admin.textContent('#done')).includes(w.invited));
    await look(browser, admin, `${tag}-03-invited`);

    // She joins from a link the operator made for her (the mail carries the same).
    const joinEmail = `wang.${lang}.${size}@e2e.example`;
    const link = ombud.invite(joinEmail, 'Wang Fang', 'handler');
    const her = await (await staffContext(browser, { lang, size })).newPage();
    await her.goto(`${ombud.base}${link}`);
    assert.equal((await her.textContent('h1')).trim(), w.welcome);
    assert.ok((await her.textContent('main')).includes(joinEmail), 'whose account the link is for');
    await look(browser, her, `${tag}-04-welcome`);
    await her.fill('#password', 'her own long password');
    await her.fill('#again', 'her own long passwort');
    await submit(her);
    assert.equal(await her.locator('#password-error').count(), 1, 'the mismatch is said');
    await look(browser, her, `${tag}-05-welcome-mismatch`);
    await her.fill('#password', 'her own long password');
    await her.fill('#again', 'her own long password');
    await submit(her);
    await setUpSecondFactor(her, w, `${tag}-her`);
    assert.ok(her.url().endsWith('/staff/cases'), `she lands on her cases: ${her.url()}`);

    // The directory: a reporter's way of writing a name finds the person;
    // then the configuration, read-only.
    await admin.goto(`${ombud.base}/admin/directory`);
    await admin.fill('#q', '孙浩');
    await Promise.all([admin.waitForLoadState('load'), admin.click('#people form button')]);
    assert.ok((await admin.textContent('#people table')).includes('Sun Hao'), '孙浩 finds Sun Hao');
    await look(browser, admin, `${tag}-07-directory`);
    await admin.goto(`${ombud.base}/admin/configuration`);
    assert.equal(await admin.locator('main form[method=post]').count(), 0, 'nothing to change there');
    await look(browser, admin, `${tag}-08-configuration`);

    // He disables her from the list: her next page is the sign-in page.
    await admin.goto(`${ombud.base}/admin/staff`);
    const row = admin.locator('tr', { hasText: joinEmail });
    await Promise.all([admin.waitForLoadState('load'), row.locator('form[action*="/disable?"] button').click()]);
    assert.ok((await admin.textContent('#done')).includes(w.disabled));
    await look(browser, admin, `${tag}-06-disabled`);
    await her.goto(`${ombud.base}/staff/cases`);
    assert.ok(her.url().endsWith('/staff/sign-in'), `signed out at once: ${her.url()}`);
  });
}

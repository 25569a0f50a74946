// The reporter's and the handler's journeys in real Chromium, JavaScript off,
// in English and Chinese, on a phone-sized and a desktop screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startOmbud, HANDLER, OVERSIGHT } from '../lib/ombud.mjs';
import { launch, reporterContext, staffContext } from '../lib/browser.mjs';
import { TEXT, look, submit, fillReport } from '../lib/journey.mjs';

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

for (const lang of ['en', 'zh-CN']) {
  for (const size of ['phone', 'desktop']) {
    test(`reporter and handler journey, ${lang}, ${size}`, async () => {
      const t = TEXT[lang];
      const tag = `${lang}-${size}`;
      const reporter = await (await reporterContext(browser, { lang, size })).newPage();

      await reporter.goto(`${ombud.base}/`);
      assert.equal(await reporter.getAttribute('html', 'lang'), lang, 'Accept-Language picks her language');
      await look(browser, reporter, `${tag}-01-landing`);

      await reporter.click('a[href="/report"]');
      await look(browser, reporter, `${tag}-02-report-form`);
      await fillReport(reporter, t);
      await submit(reporter);

      const receipt = (await reporter.textContent('#receipt')).trim();
      const caseRef = (await reporter.textContent('#case-ref')).trim();
      assert.match(receipt, /^(\d{4} ){6}\d{4}$/);
      assert.match(caseRef, /^OMB-/);
      await look(browser, reporter, `${tag}-03-receipt`);

      await reporter.click('a[href="/follow-up"]');
      await look(browser, reporter, `${tag}-04-follow-up`);
      await reporter.fill('#receipt', '1234 5678');
      await submit(reporter);
      assert.equal(await reporter.locator('#receipt-error[role=alert]').count(), 1, 'a mistyped receipt is explained');
      assert.equal(await reporter.inputValue('#receipt'), '1234 5678', 'what she typed is kept');
      await look(browser, reporter, `${tag}-05-follow-up-mistyped`);
      await reporter.fill('#receipt', receipt);
      await submit(reporter);
      await reporter.waitForSelector('.report-text');
      assert.equal((await reporter.textContent('.report-text')).trim(), t.description);
      assert.ok((await reporter.textContent('.status')).includes(t.received));
      await look(browser, reporter, `${tag}-06-follow-up-case`);

      await reporter.fill('#body', t.reply);
      await reporter.setInputFiles('#reply-files', { name: 'screenshot.png', mimeType: 'image/png', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47]) });
      await submit(reporter, 'form.reply');
      await reporter.waitForSelector('.message.from-reporter');
      assert.ok((await reporter.textContent('.message.from-reporter .message-body')).includes(t.reply));

      // The handler.
      const handler = await (await staffContext(browser, { lang, size })).newPage();
      await handler.goto(`${ombud.base}/staff/sign-in`);
      await look(browser, handler, `${tag}-07-staff-sign-in`);
      await handler.fill('#email', HANDLER.email);
      await handler.fill('#password', HANDLER.password);
      await submit(handler);
      await handler.waitForSelector('table.inbox');
      await look(browser, handler, `${tag}-08-inbox`);
      await handler.click(`a:text-is("${caseRef}")`);
      await handler.waitForSelector('.report-text');
      assert.equal((await handler.textContent('.report-text')).trim(), t.description);
      const page = await handler.content();
      for (const expected of [t.person, t.witness, 'chat-聊天.txt', 'screenshot.png', t.reply]) {
        assert.ok(page.includes(expected), `the case page shows ${expected}`);
      }
      await look(browser, handler, `${tag}-09-case`);

      const download = handler.waitForEvent('download');
      await handler.click('a:text-is("chat-聊天.txt")');
      const file = await download;
      assert.equal(await streamText(await file.createReadStream()), '22:41 他说：再喝一杯');

      await submit(handler, 'form[action$="/acknowledge"]');
      await handler.waitForSelector('form.reply');
      assert.equal(await handler.locator('form[action$="/acknowledge"]').count(), 0, 'acknowledged once');
      await handler.fill('#body', t.staffReply);
      await submit(handler, 'form.reply');
      await handler.waitForSelector('.message.from-team');
      await look(browser, handler, `${tag}-10-case-answered`);

      // The reporter reads the answer.
      await reporter.goto(`${ombud.base}/follow-up`);
      assert.ok((await reporter.textContent('.status')).includes(t.acknowledged));
      const team = reporter.locator('.message.from-team');
      assert.ok((await team.textContent()).includes(t.staffReply));
      assert.ok((await team.textContent()).includes(t.team), 'from the team, not a named person');
      await look(browser, reporter, `${tag}-11-follow-up-answered`);

      // Her record of handling is listed, and the about page shows the key to check it with.
      assert.ok((await reporter.locator('ol.events li').count()) >= 3, 'submitted, opened, acknowledged…');
      await reporter.click('footer a[href="/about"]');
      assert.match(await reporter.textContent('#verifier-key'), /\+[0-9a-f]{8}\+/);
      await look(browser, reporter, `${tag}-13-about`);

      await reporter.goto(`${ombud.base}/no-such-page`);
      await look(browser, reporter, `${tag}-12-not-found`);
      await reporter.context().close();
      await handler.context().close();
    });
  }
}

for (const lang of ['en', 'zh-CN']) {
  test(`the oversight committee's review page, ${lang}`, async () => {
    const page = await (await staffContext(browser, { lang, size: 'desktop' })).newPage();
    await page.goto(`${ombud.base}/staff/sign-in`);
    await page.fill('#email', OVERSIGHT.email);
    await page.fill('#password', OVERSIGHT.password);
    await submit(page);
    await page.click('a[href="/oversight/escalations"]');
    assert.equal(await page.locator('h2').count(), 4, 'dismissals, overdue, moved deadlines, exclusions');
    await look(browser, page, `${lang}-desktop-14-oversight`);
    await page.context().close();
  });
}

const CONFLICT = {
  en: { contact: 'Show the reporter', recused: 'You have stepped aside', declared: 'declared a conflict', people: 'Who the named people are' },
  'zh-CN': { contact: '显示举报人的联系方式', recused: '您已回避该案件', declared: '本人申报了利益冲突', people: '被提及人员的身份核对' },
};

for (const lang of ['en', 'zh-CN']) {
  test(`a handler sees who is named, reveals the contact on record, and steps aside; oversight sees why, ${lang}`, async () => {
    const c = CONFLICT[lang];
    const filed = await fetch(`${ombud.base}/api/v1/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        category: 'sexual_harassment',
        description: `conflict journey ${lang}`,
        people: [{ name: 'Team lead', role: 'accused', internal: true }],
        anonymous: false,
        contact: { name: 'Li Na', email: 'li.na@example.org' },
      }),
    }).then((r) => r.json());
    const handler = await (await staffContext(browser, { lang, size: 'phone' })).newPage();
    await handler.goto(`${ombud.base}/staff/sign-in`);
    await handler.fill('#email', HANDLER.email);
    await handler.fill('#password', HANDLER.password);
    await submit(handler);
    await handler.click(`a:text-is("${filed.case_ref}")`);
    assert.ok((await handler.textContent('#people-title')).includes(c.people));
    assert.ok(!(await handler.content()).includes('li.na@example.org'), 'contact hidden until asked for');
    await look(browser, handler, `${lang}-phone-15-case-people`);
    await handler.click(`button:has-text("${c.contact}")`);
    await handler.waitForSelector('.report-text');
    assert.ok((await handler.content()).includes('li.na@example.org'), 'shown once asked for');
    await handler.click('details.panel summary >> nth=-1');
    await submit(handler, 'form[action$="/recuse"]');
    await handler.waitForSelector('.notice');
    assert.ok((await handler.textContent('.notice')).includes(c.recused));
    assert.equal(await handler.locator(`a:text-is("${filed.case_ref}")`).count(), 0, 'gone from her list');
    await look(browser, handler, `${lang}-phone-16-recused`);
    await handler.context().close();

    const oversight = await (await staffContext(browser, { lang, size: 'desktop' })).newPage();
    await oversight.goto(`${ombud.base}/staff/sign-in`);
    await oversight.fill('#email', OVERSIGHT.email);
    await oversight.fill('#password', OVERSIGHT.password);
    await submit(oversight);
    await oversight.click('a[href="/oversight/escalations"]');
    const line = oversight.locator('#exclusions li', { hasText: filed.case_ref });
    assert.ok((await line.textContent()).includes(c.declared));
    await oversight.click(`#exclusions a:text-is("${filed.case_ref}")`);
    const log = await oversight.textContent('#access-title + ol');
    assert.ok(log.includes(HANDLER.name), 'the access log names who opened and revealed');
    await look(browser, oversight, `${lang}-desktop-17-access-log`);
    await oversight.context().close();
  });
}

test('the language switch changes the language and keeps it', async () => {
  const page = await (await reporterContext(browser, { lang: 'en', size: 'desktop' })).newPage();
  await page.goto(`${ombud.base}/report`);
  await page.click('a[hreflang="zh-CN"]');
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  await page.click('a.brand');
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN', 'the choice is remembered');
  await page.context().close();
});

for (const lang of ['en', 'zh-CN']) {
  test(`a missing required field keeps everything typed and says so beside the field, ${lang}`, async () => {
    const t = TEXT[lang];
    const page = await (await reporterContext(browser, { lang, size: 'phone' })).newPage();
    await page.goto(`${ombud.base}/report`);
    await fillReport(page, t, { withFile: false });
    await page.fill('#description', '');
    await submit(page);
    const error = page.locator('#description-error');
    assert.equal(await error.getAttribute('role'), 'alert');
    assert.equal((await error.textContent()).trim(), t.required);
    assert.match(await page.getAttribute('#description', 'aria-describedby'), /description-error/);
    assert.equal(await page.inputValue('#location_detail'), t.place);
    assert.equal(await page.inputValue('#person_0_name'), t.person);
    assert.equal(await page.inputValue('#person_0_side'), 'external');
    assert.equal(await page.inputValue('#occurred_date'), '2026-10-12');
    assert.ok(await page.isChecked('input[name=category][value=sexual_assault]'));
    assert.ok(await page.isChecked('input[name=request_counselling]'));
    assert.equal(await page.locator('.error-summary a[href="#description"]').count(), 1);
    await look(browser, page, `${lang}-phone-02b-report-form-errors`);
    await page.context().close();
  });
}

async function streamText(stream) {
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

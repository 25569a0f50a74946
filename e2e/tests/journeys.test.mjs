// The reporter's and the handler's journeys in real Chromium, JavaScript off,
// in English and Chinese, on a phone-sized and a desktop screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startOmbud, HANDLER, OVERSIGHT, PRESIDENT, HR_PARTNER } from '../lib/ombud.mjs';
import { launch, reporterContext, staffContext } from '../lib/browser.mjs';
import { TEXT, look, submit, addPerson, fillReport, signIn, caseIdOf, shown } from '../lib/journey.mjs';

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
      await reporter.waitForSelector('.status');
      // Her own report is folded below what she came for, and opens without a script.
      assert.equal(await reporter.locator('details#report[open]').count(), 0);
      await reporter.click('details#report summary');
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

      await submit(handler, 'form[action*="/acknowledge?"]');
      await handler.waitForSelector('form.reply');
      assert.equal(await handler.locator('form[action*="/acknowledge?"]').count(), 0, 'acknowledged once');
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
    assert.equal(await page.locator('#queue h2').count(), 1, 'what waits on oversight comes first');
    assert.equal(await page.locator('h2').count(), 8, 'waiting on oversight, escalated cases, dismissals, overdue, moved deadlines, exclusions, people named in several cases, directory changes');
    await look(browser, page, `${lang}-desktop-14-oversight`);
    await page.context().close();
  });
}

const CONFLICT = {
  en: {
    contact: 'Show the reporter',
    recused: 'You have stepped aside',
    declared: 'declared a conflict',
    people: 'Who the named people are',
    matched: 'Matched to Zhang Wei (E310, Sales North, level 5)',
    chain: 'in the management chain above a person reported',
    hr: "HR partner of a reported person's unit",
  },
  'zh-CN': {
    contact: '显示举报人的联系方式',
    recused: '您已回避该案件',
    declared: '本人申报了利益冲突',
    people: '被提及人员的身份核对',
    matched: '匹配为 Zhang Wei（E310，Sales North，职级 5）',
    chain: '是被举报人的上级管理链成员',
    hr: '是被举报人所在部门的人力资源业务伙伴',
  },
};

/** The line of oversight's exclusion list for one person kept out of one case. */
function exclusion(page, caseRef, name) {
  return page.locator('#exclusions li', { hasText: caseRef }).filter({ hasText: new RegExp(`${name}[:：]`) });
}

for (const lang of ['en', 'zh-CN']) {
  test(`a handler sees who is named, reveals the contact on record, and steps aside; oversight sees why, ${lang}`, async () => {
    const c = CONFLICT[lang];
    const filed = await fetch(`${ombud.base}/api/v1/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        category: 'sexual_harassment',
        description: `conflict journey ${lang}`,
        // Zhang Wei (E310) is in the directory; the ethics handler has no tie to him.
        people: [{ name: '张伟', role: 'accused', internal: true }],
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
    assert.ok((await handler.locator('.party', { hasText: '张伟' }).textContent()).includes(c.matched), 'matched to the directory');
    assert.ok(!(await handler.content()).includes('li.na@example.org'), 'contact hidden until asked for');
    await look(browser, handler, `${lang}-phone-15-case-people`);
    await handler.click(`button:has-text("${c.contact}")`);
    await handler.waitForSelector('.report-text');
    assert.ok((await handler.content()).includes('li.na@example.org'), 'shown once asked for');
    await handler.click('details.panel summary >> nth=-1');
    await submit(handler, 'form[action*="/recuse?"]');
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
    assert.ok((await exclusion(oversight, filed.case_ref, HANDLER.name).textContent()).includes(c.declared));
    assert.ok((await exclusion(oversight, filed.case_ref, PRESIDENT.name).textContent()).includes(c.chain), 'his unit president never saw it');
    assert.ok((await exclusion(oversight, filed.case_ref, HR_PARTNER.name).textContent()).includes(c.hr), 'nor his HR partner');
    await oversight.locator(`#exclusions a:text-is("${filed.case_ref}")`).first().click();
    const log = await oversight.textContent('#access-title + ol');
    assert.ok(log.includes(HANDLER.name), 'the access log names who opened and revealed');
    await look(browser, oversight, `${lang}-desktop-17-access-log`);
    await oversight.context().close();
  });
}

// Issue 4's scenario with the accused named as a colleague would write him:
// in characters, with his title, the side left on "Not sure". The directory
// finds Sun Hao (E320), so his unit president and the unit's HR partner never
// see the case, and cannot tell it from one that does not exist.
const NAMED = {
  en: {
    description: 'On the business trip Sun Hao and the client kept pressing me to drink. What happened afterwards frightened me.',
    place: 'Jinan, the client dinner',
    client: 'Client representative',
    hint: 'If you know the email or employee ID',
    notSure: 'Not sure',
    empty: 'There are no cases for you.',
    noMatch: 'No case matches these filters.',
    matched: 'Matched to Sun Hao (E320, Sales North, level 5)',
    suggested: 'suggested by name: please confirm',
    chain: 'in the management chain above a person reported',
    hr: "HR partner of a reported person's unit",
  },
  'zh-CN': {
    description: '出差期间，孙经理和客户在晚宴上一再劝我喝酒。之后发生的事让我非常害怕。',
    place: '济南，客户晚宴',
    client: '客户代表',
    hint: '如果您知道被举报人的邮箱或工号',
    notSure: '不确定',
    empty: '没有您可以查看的案件。',
    noMatch: '没有符合这些筛选条件的案件。',
    matched: '匹配为 Sun Hao（E320，Sales North，职级 5）',
    suggested: '按姓名推测，请确认',
    chain: '是被举报人的上级管理链成员',
    hr: '是被举报人所在部门的人力资源业务伙伴',
  },
};
const SUN_HAO = '孙浩（销售经理）';

for (const lang of ['en', 'zh-CN']) {
  test(`an accused named in characters with his title is found in the directory, and his chain and HR partner never see the case, ${lang}`, async () => {
    const n = NAMED[lang];
    const tag = `${lang}-desktop`;
    const reporter = await (await reporterContext(browser, { lang, size: 'desktop' })).newPage();
    await reporter.goto(`${ombud.base}/report`);
    const hint = (await reporter.textContent('#report-people-id-hint')).trim();
    assert.ok(hint.startsWith(n.hint), `the hint in her language: ${hint}`);
    assert.equal(await reporter.inputValue('#person_0_side'), '', 'inside or outside: not said unless she says it');
    assert.equal((await reporter.locator('#person_0_side option:checked').textContent()).trim(), n.notSure);

    await reporter.check('input[name=category][value=sexual_assault]');
    await reporter.fill('#description', n.description);
    await reporter.selectOption('#location_kind', 'business_trip');
    await reporter.fill('#location_detail', n.place);
    await reporter.fill('#person_0_name', SUN_HAO);
    await reporter.selectOption('#person_0_role', 'accused');
    await addPerson(reporter);
    await reporter.fill('#person_1_name', n.client);
    await reporter.selectOption('#person_1_role', 'accused');
    await reporter.selectOption('#person_1_side', 'external');
    await reporter.check('input[name=request_no_contact]');
    assert.equal(await reporter.inputValue('#person_0_employee_id'), '', 'no employee ID');
    assert.equal(await reporter.inputValue('#person_0_email'), '', 'no email');
    assert.equal(await reporter.inputValue('#person_0_side'), '', 'still "Not sure"');
    await look(browser, reporter, `${tag}-20-report-named-in-characters`);
    await submit(reporter);
    const receipt = (await reporter.textContent('#receipt')).trim();
    const caseRef = (await reporter.textContent('#case-ref')).trim();
    assert.match(receipt, /^(\d{4} ){6}\d{4}$/);
    assert.match(caseRef, /^OMB-/);
    await look(browser, reporter, `${tag}-21-receipt`);
    await reporter.context().close();

    const caseId = await caseIdOf(ombud.base, OVERSIGHT, caseRef);
    const nowhere = `${ombud.base}/staff/cases/${crypto.randomUUID()}`;

    // Sun Hao's unit president, then the unit's HR partner: not in the inbox,
    // not found by searching, and the case's address is "not found".
    for (const [who, step] of [[PRESIDENT, 22], [HR_PARTNER, 24]]) {
      const page = await (await staffContext(browser, { lang, size: 'desktop' })).newPage();
      await signIn(page, ombud.base, who);
      assert.ok((await page.locator('table.inbox').count()) + (await page.getByText(n.empty).count()) >= 1, `${who.email} is on the inbox`);
      assert.ok(!(await page.content()).includes(caseRef), `${who.email}'s inbox does not list it`);
      await page.goto(`${ombud.base}/staff/cases?q=${caseRef}`);
      assert.equal(await page.locator('table.inbox').count(), 0, `${who.email} finds nothing by its reference`);
      assert.equal((await page.getByText(n.noMatch).textContent()).trim(), n.noMatch);
      assert.equal(await page.locator('main a', { hasText: caseRef }).count(), 0, 'no link to it');
      await look(browser, page, `${tag}-${step}-${who === PRESIDENT ? 'president' : 'hr-partner'}-search`);
      const excluded = await shown(page, `${ombud.base}/staff/cases/${caseId}`);
      assert.equal(excluded.status, 404);
      assert.ok(!(await page.content()).includes(caseRef), 'nothing of the case on the page');
      await look(browser, page, `${tag}-${step + 1}-${who === PRESIDENT ? 'president' : 'hr-partner'}-not-found`);
      assert.deepEqual(excluded, await shown(page, nowhere), `${who.email}: the same page as a case that does not exist`);
      await page.context().close();
    }

    // The ethics handler has no tie to him: she sees the case and the match.
    const handler = await (await staffContext(browser, { lang, size: 'desktop' })).newPage();
    await signIn(handler, ombud.base, HANDLER);
    const link = handler.locator(`table.inbox a:text-is("${caseRef}")`);
    assert.equal(await link.getAttribute('href'), `/staff/cases/${caseId}`);
    await link.click();
    await handler.waitForSelector('#people-title');
    assert.equal(await handler.locator('#routing-notice').count(), 0, 'not restricted: he was found');
    const party = (await handler.locator('.party', { hasText: SUN_HAO }).textContent()).replace(/\s+/g, ' ');
    assert.ok(party.includes(n.matched), `Sun Hao suggested: ${party}`);
    assert.ok(party.includes(n.suggested), `a suggestion to confirm: ${party}`);
    const pick = handler.locator('.party', { hasText: SUN_HAO }).locator('input[name=employee_id]').first();
    assert.equal(await pick.inputValue(), 'E320', 'the suggested person first, to confirm with one click');
    await look(browser, handler, `${tag}-26-handler-case-people`);
    await handler.context().close();

    // Oversight sees it too, and why the president and the HR partner do not.
    const oversight = await (await staffContext(browser, { lang, size: 'desktop' })).newPage();
    await signIn(oversight, ombud.base, OVERSIGHT);
    await oversight.click(`table.inbox a:text-is("${caseRef}")`);
    await oversight.waitForSelector('#people-title');
    assert.ok((await oversight.locator('.party', { hasText: SUN_HAO }).textContent()).includes(n.matched));
    await oversight.click('a[href="/oversight/escalations"]');
    assert.equal(await oversight.locator('#queue', { hasText: caseRef }).count(), 0, 'nothing waits on oversight: he was found');
    assert.ok((await exclusion(oversight, caseRef, PRESIDENT.name).textContent()).includes(n.chain));
    assert.ok((await exclusion(oversight, caseRef, HR_PARTNER.name).textContent()).includes(n.hr));
    assert.equal(await exclusion(oversight, caseRef, HANDLER.name).count(), 0, 'the ethics handler is not kept out');
    await look(browser, oversight, `${tag}-27-oversight-exclusions`);
    await oversight.context().close();
  });
}

// A colleague the directory does not hold, inside or outside not said: the
// case fails closed. No handler reads it; it waits at the top of oversight's queue.
const UNKNOWN = {
  en: { queue: 'Identify the person accused', restricted: 'Restricted:', noMatch: 'No case matches these filters.' },
  'zh-CN': { queue: '确认被举报人身份', restricted: '受限案件：', noMatch: '没有符合这些筛选条件的案件。' },
};

test('a report naming a colleague nobody can find is restricted: handlers never see it, oversight has it first in her queue', async () => {
  const reporter = await (await reporterContext(browser, { lang: 'zh-CN', size: 'phone' })).newPage();
  await reporter.goto(`${ombud.base}/report`);
  await reporter.check('input[name=category][value=sexual_harassment]');
  await reporter.fill('#description', '钱多多在部门聚餐后多次对我说下流的话。');
  await reporter.fill('#person_0_name', '钱多多');
  await reporter.selectOption('#person_0_role', 'accused');
  assert.equal(await reporter.inputValue('#person_0_side'), '', 'side left on "Not sure"');
  await submit(reporter);
  const caseRef = (await reporter.textContent('#case-ref')).trim();
  assert.match(caseRef, /^OMB-/);
  await reporter.context().close();

  // Oversight, in both languages: the restricted case comes first.
  let href;
  for (const lang of ['zh-CN', 'en']) {
    const u = UNKNOWN[lang];
    const oversight = await (await staffContext(browser, { lang, size: 'desktop' })).newPage();
    await signIn(oversight, ombud.base, OVERSIGHT);
    await oversight.click('a[href="/oversight/escalations"]');
    const first = oversight.locator('#queue ul.queue > li').first();
    const text = await first.textContent();
    assert.ok(text.includes(caseRef), `first in the queue: ${text}`);
    assert.ok(text.includes(u.queue), `${u.queue} in ${text}`);
    href = await first.locator(`a:text-is("${caseRef}")`).getAttribute('href');
    await look(browser, oversight, `${lang}-desktop-28-oversight-queue`);
    await first.locator('a').first().click();
    await oversight.waitForSelector('#routing-notice');
    assert.ok((await oversight.textContent('#routing-notice')).trim().startsWith(u.restricted));
    await look(browser, oversight, `${lang}-desktop-29-restricted-case`);
    await oversight.context().close();
  }
  assert.match(href, /^\/staff\/cases\/[0-9a-f-]{36}$/);

  // No handler sees it: the ethics handler, the president, the HR partner.
  for (const who of [HANDLER, PRESIDENT, HR_PARTNER]) {
    const page = await (await staffContext(browser, { lang: 'zh-CN', size: 'phone' })).newPage();
    await signIn(page, ombud.base, who);
    assert.ok(!(await page.content()).includes(caseRef), `not in ${who.email}'s inbox`);
    await page.goto(`${ombud.base}/staff/cases?q=${caseRef}`);
    assert.equal((await page.getByText(UNKNOWN['zh-CN'].noMatch).textContent()).trim(), UNKNOWN['zh-CN'].noMatch);
    const restricted = await shown(page, `${ombud.base}${href}`);
    assert.equal(restricted.status, 404);
    assert.deepEqual(restricted, await shown(page, `${ombud.base}/staff/cases/${crypto.randomUUID()}`), `${who.email}: "not found"`);
    await page.context().close();
  }
});

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

// A handler's day and oversight acting on an escalation, in real Chromium
// with JavaScript off, on a desktop and a phone, each page checked by axe:
// filter the inbox, take the lead, write a note, answer her request (a
// refused "Declined" stays "Declined"), decide an interim measure; then
// oversight finds the escalated case, takes it over, and marks it dealt with.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startOmbud, HANDLER, OVERSIGHT } from '../lib/ombud.mjs';
import { launch, staffContext } from '../lib/browser.mjs';
import { look, submit, signIn, callApi } from '../lib/journey.mjs';

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

const DAY = {
  en: {
    description: 'My supervisor keeps messaging me late at night about my looks.',
    note: 'Asked IT to keep the chat logs of the last three months.',
    answer: 'We cannot move you before the investigation ends, but he may not contact you meanwhile.',
    forWhom: 'Her and her supervisor',
    reason: 'Keep them apart while witnesses are heard.',
    forHer: 'From tomorrow he may not contact you in any way.',
    resolve: 'Handler on leave; I took the case over and wrote to her today.',
    lead: 'Lead',
  },
  'zh-CN': {
    description: '我的主管总在深夜发消息评论我的长相。',
    note: '已请信息技术部门保留近三个月的聊天记录。',
    answer: '调查结束前无法为您调岗，但在此期间他不得与您联系。',
    forWhom: '她与她的主管',
    reason: '在询问证人期间让两人保持距离。',
    forHer: '从明天起，他不得以任何方式与您联系。',
    resolve: '原处理人休假；我已接手此案，并于今天给她写信。',
    lead: '负责人',
  },
};

const api = (path, token, body) => callApi(ombud.base, path, token, body);

async function file(t, lang) {
  const filed = await api('/reports', null, {
    category: 'sexual_harassment',
    description: t.description,
    language: lang,
    requests: [{ kind: 'change_reporting_line' }],
  });
  assert.equal(filed.status, 201, JSON.stringify(filed.body));
  return filed.body.case_ref;
}

/** Clicks a link or button that loads a new page, and waits for it. */
async function follow(page, locator) {
  await Promise.all([page.waitForLoadState('load'), locator.click()]);
}

for (const [lang, size] of [['en', 'desktop'], ['zh-CN', 'phone']]) {
  test(`a handler's day: filter, take the lead, a note, her request, an interim measure, ${lang}, ${size}`, async () => {
    const t = DAY[lang];
    const tag = `${lang}-${size}-day`;
    const caseRef = await file(t, lang);
    const page = await (await staffContext(browser, { lang, size })).newPage();
    await signIn(page, ombud.base, HANDLER);

    // The inbox: new cases, searched by the second part of the reference as she read it on the phone.
    await page.waitForSelector('#filters');
    await page.selectOption('#status', 'received');
    await page.fill('#q', caseRef.slice(9).toLowerCase());
    await submit(page, '#filters');
    assert.ok(page.url().includes('status=received'), page.url());
    assert.equal(await page.inputValue('#q'), caseRef.slice(9).toLowerCase(), 'the search stays as typed');
    assert.equal(await page.locator(`a:text-is("${caseRef}")`).count(), 1, 'found by part of its reference');
    await look(browser, page, `${tag}-01-inbox-filtered`);
    await follow(page, page.locator(`a:text-is("${caseRef}")`));

    await submit(page, 'form[action*="/acknowledge?"]');
    // Nobody leads it: she takes the lead, and the page says so.
    await submit(page, '#take');
    assert.equal(await page.locator('#done').count(), 1, 'what was done is said at the top');
    assert.ok((await page.textContent('#work-lead')).includes(HANDLER.name));

    // A note among the readers.
    await page.fill('#note-body', t.note);
    await submit(page, '#note');
    assert.ok((await page.textContent('#notes')).includes(t.note));

    // Her request: "Declined" without a reason comes back declined, with the problem beside the reason.
    const form = await page.locator('form[id^="answer-"]').getAttribute('id');
    await page.selectOption(`#${form}-outcome`, 'declined');
    await submit(page, `#${form}`);
    assert.equal(await page.inputValue(`#${form}-outcome`), 'declined', 'never turned into a grant');
    assert.equal(await page.locator(`#${form}-reason-error`).count(), 1);
    await look(browser, page, `${tag}-02-answer-needs-reason`);
    await page.fill(`#${form}-reason`, t.answer);
    await submit(page, `#${form}`);
    assert.equal(await page.locator('form[id^="answer-"]').count(), 0, 'answered once');

    // An interim measure: no contact, for both, from tomorrow, with a reason and a text for her.
    await page.click('details:has(#measure-new) > summary');
    await page.check('#measure-new input[name=measures][value=no_contact]');
    await page.fill('#measure-new-for-whom', t.forWhom);
    await page.fill('#measure-new-from', '2026-12-04');
    await page.fill('#measure-new-reason', t.reason);
    await page.fill('#measure-new-for-reporter', t.forHer);
    await submit(page, '#measure-new');
    assert.equal(await page.locator('#done').count(), 1);
    const measures = await page.textContent('#measures');
    for (const text of [t.forWhom, t.reason, t.forHer]) assert.ok(measures.includes(text), `the measure shows ${text}`);
    await look(browser, page, `${tag}-03-case-worked`);

    // Back to the inbox: her case is now hers.
    await page.goto(`${ombud.base}/staff/cases?assigned=me`);
    assert.equal(await page.locator(`a:text-is("${caseRef}")`).count(), 1, 'mine');
    await look(browser, page, `${tag}-04-inbox-mine`);
    await page.context().close();
  });
}

for (const [lang, size] of [['zh-CN', 'desktop'], ['en', 'phone']]) {
  test(`oversight acts on an escalation: takes the case over and marks it dealt with, ${lang}, ${size}`, async () => {
    const t = DAY[lang];
    const tag = `${lang}-${size}-oversight`;
    const caseRef = await file(t, lang);
    // Nobody acknowledged it in time: the sweep, run as of next month, escalates it.
    const later = new Date(Date.now() + 40 * 24 * 3600 * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
    ombud.sweep(later);

    const page = await (await staffContext(browser, { lang, size })).newPage();
    await signIn(page, ombud.base, OVERSIGHT);
    await page.goto(`${ombud.base}/oversight/escalations`);
    const panel = page.locator('.panel.escalated', { has: page.locator(`a:text-is("${caseRef}")`) });
    assert.equal(await panel.count(), 1, 'one entry for the case, however many deadlines it missed');
    assert.ok((await panel.locator('li').count()) >= 1, 'with what was missed');
    await look(browser, page, `${tag}-01-escalations`);

    // Dealt with needs a note: an empty one comes back with the problem beside it.
    await submit(page, `.panel.escalated:has(a:text-is("${caseRef}")) form`);
    const again = page.locator('.panel.escalated', { has: page.locator(`a:text-is("${caseRef}")`) });
    assert.equal(await again.locator('.field-error').count(), 1, 'the note is asked for');

    // She opens the case and takes it over.
    await follow(page, again.locator('a[href$="#work"]'));
    await submit(page, '#take');
    assert.ok((await page.textContent('#work-lead')).includes(OVERSIGHT.name), 'oversight leads it now');
    await look(browser, page, `${tag}-02-taken-over`);

    // Back on her page, she marks it dealt with, with a note; it leaves the list.
    await page.goto(`${ombud.base}/oversight/escalations`);
    const entry = page.locator('.panel.escalated', { has: page.locator(`a:text-is("${caseRef}")`) });
    await entry.locator('textarea[name=note]').fill(t.resolve);
    await submit(page, `.panel.escalated:has(a:text-is("${caseRef}")) form`);
    assert.equal(await page.locator(`.panel.escalated:has(a:text-is("${caseRef}"))`).count(), 0, 'dealt with');
    await look(browser, page, `${tag}-03-resolved`);

    // She also watches the administrators: what they did to accounts.
    await page.goto(`${ombud.base}/oversight/accounts`);
    assert.ok((await page.textContent('#log')).includes(OVERSIGHT.name), 'the accounts made at setup are in the log');
    await look(browser, page, `${tag}-04-accounts`);
    await page.context().close();
  });
}

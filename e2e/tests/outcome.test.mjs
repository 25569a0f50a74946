// Her page on a phone after her case was closed: what was decided and why
// comes first, nothing stays due, her record is one line per day of
// handling, and the history folds away without JavaScript.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startOmbud, HANDLER } from '../lib/ombud.mjs';
import { launch, reporterContext } from '../lib/browser.mjs';
import { look, submit, caseIdOf, callApi } from '../lib/journey.mjs';

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

const TEXT = {
  en: {
    description: 'My team lead keeps commenting on my body in meetings.',
    feedback: 'We have spoken to two colleagues and are reviewing the meeting notes.',
    findings: 'Three colleagues confirmed the comments you described.',
    decision: 'He received a final written warning and no longer leads your team.',
    closed: 'Your case is closed. If anything happens again, write to us here.',
    answer: 'He may not contact you outside meetings that HR attends.',
    heading: 'What was decided, and why',
    opened: 'Opened by the handling team',
    record: 'Record of handling',
  },
  'zh-CN': {
    description: '我的组长在会议上一再评论我的身材。',
    feedback: '我们已与两位同事谈话，正在查阅会议记录。',
    findings: '三位同事证实了您所描述的言论。',
    decision: '他受到最后书面警告，并且不再担任您的组长。',
    closed: '您的案件已结案。如果再发生类似情况，请在这里给我们留言。',
    answer: '除人力资源部门在场的会议外，他不得与您联系。',
    heading: '处理结果及理由',
    opened: '处理团队已查阅',
    record: '处理记录',
  },
};

const api = (path, token, body) => callApi(ombud.base, path, token, body);

for (const lang of ['en', 'zh-CN']) {
  test(`her page on a phone after closure tells her the outcome first, ${lang}`, async () => {
    const t = TEXT[lang];
    const filed = await api('/reports', null, {
      category: 'sexual_harassment',
      description: t.description,
      language: lang,
      requests: [{ kind: 'no_contact' }],
    });
    assert.equal(filed.status, 201);
    const { receipt, case_ref: caseRef } = filed.body;
    const staff = (await api('/staff/session', null, { email: HANDLER.email, password: HANDLER.password })).body.token;
    const id = await caseIdOf(ombud.base, HANDLER, caseRef);
    const steps = `/cases/${id}/steps`;
    const step = (name, forHer, chosen = {}) =>
      api(steps, staff, { step: name, reason: 'internal', ...(forHer ? { for_reporter: forHer } : {}), ...chosen });
    assert.equal((await step('acknowledge')).status, 200);
    assert.equal((await api(`/cases/${id}/feedback`, staff, { body: t.feedback })).status, 201);
    for (const name of ['assess_in_scope', 'start_investigation']) assert.equal((await step(name)).status, 200);
    assert.equal((await step('record_findings', t.findings, { outcome: 'substantiated' })).status, 200);
    assert.equal((await step('decide', t.decision, { sanctions: ['written_warning'] })).status, 200);
    const refused = await step('close', t.closed, { outcome: 'substantiated' });
    assert.equal(refused.status, 422, 'not closed while her request waits');
    const request = (await api(`/cases/${id}`, staff)).body.requests[0].id;
    assert.equal((await api(`/cases/${id}/requests/${request}/answer`, staff, { outcome: 'granted', for_reporter: t.answer })).status, 200);
    assert.equal((await step('close', t.closed, { outcome: 'substantiated' })).status, 200);
    for (let i = 0; i < 20; i++) await api(`/cases/${id}`, staff);

    const page = await (await reporterContext(browser, { lang, size: 'phone' })).newPage();
    await page.goto(`${ombud.base}/follow-up`);
    await page.fill('#receipt', receipt);
    await submit(page);
    await page.waitForSelector('#outcome');
    assert.equal((await page.textContent('#outcome-title')).trim(), t.heading);
    const outcome = await page.textContent('#outcome');
    for (const text of [t.findings, t.decision, t.closed]) assert.ok(outcome.includes(text), `the outcome says ${text}`);
    assert.equal(await page.locator('.deadlines .overdue').count(), 0, 'nothing overdue');
    assert.ok((await page.textContent('#requests-title ~ ul')).includes(t.answer), 'her request, answered');

    // What she came for comes first: status, outcome, then the thread and the box to answer; the history below.
    const top = async (selector) => (await page.locator(selector).first().boundingBox()).y;
    const [status, told, thread, reply, record] = await Promise.all(
      ['.status', '#outcome', '#thread', 'form.reply', 'details#record'].map(top),
    );
    assert.ok(status < told && told < thread && thread < reply && reply < record, `in order: ${[status, told, thread, reply, record]}`);
    assert.equal(await page.locator('details#record[open]').count(), 0, 'the history is folded');
    assert.ok((await page.textContent('details#record summary')).includes(t.record));
    const opened = await page.locator('details#record li', { hasText: t.opened }).count();
    assert.equal(opened, 1, 'one "opened" line for twenty views');
    const box = await page.locator('main').boundingBox();
    assert.ok(box.width <= 390, `fits the phone: ${box.width}`);
    await look(browser, page, `${lang}-phone-30-after-closure`);
    // Unfolded without a script: a click on the summary.
    await page.click('details#record summary');
    assert.equal(await page.locator('details#record[open]').count(), 1);
    await look(browser, page, `${lang}-phone-31-record-unfolded`);
    await page.context().close();
  });
}

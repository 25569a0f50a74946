// After she speaks up, in real Chromium with JavaScript off, in English on a
// desktop and in Chinese on a phone, each page checked by axe: a colleague
// adds a statement to a case by the reference she was told (typed in lower
// case with spaces), and a statement sent without her name comes back with
// everything she wrote; her receipt opens her statement, never the case. The
// HR system announces her dismissal: it is held. An oversight member finds
// it on the retaliation reviews, and a decision sent without a choice comes
// back with the reasons she wrote; overturned, it waits for the period's end.
// The reporter tells, from her own page, that something happened since.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startOmbud, OVERSIGHT } from '../lib/ombud.mjs';
import { launch, reporterContext, staffContext } from '../lib/browser.mjs';
import { look, submit, signIn, callApi, caseIdOf } from '../lib/journey.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const WORDS = {
  en: {
    support: 'Support a colleague\'s report', added: 'Your statement was added', reviews: 'Retaliation reviews',
    statement: 'I saw Mr Sun block her way out of the meeting room.', reasons: 'Dismissed two weeks after she supported the report, with nothing on record before.',
    happened: 'Since I reported, I was moved off every client account.',
    protectWhy: 'She helped the reporter write down the dates; her manager knows.',
  },
  'zh-CN': {
    support: '支持同事的举报', added: '您的陈述已添加', reviews: '报复审查',
    statement: '我看到孙经理在会议室门口堵住她不让她离开。', reasons: '她支持举报两周后就被解雇，此前没有任何书面记录。',
    happened: '我举报之后，所有客户都被调走了。',
    protectWhy: '她帮助举报人记下了日期，她的上级知道此事。',
  },
};

for (const [lang, size] of [['en', 'desktop'], ['zh-CN', 'phone']]) {
  test(`a supporter adds a statement, her dismissal is held and overturned, the reporter says something happened, ${lang}, ${size}`, async () => {
    const ombud = await startOmbud();
    try {
      const w = WORDS[lang];
      const tag = `${lang}-${size}-retaliation`;
      const filed = await callApi(ombud.base, '/reports', null, {
        category: 'sexual_harassment', description: '孙经理在会议室堵住我不让我离开。',
        people: [{ name: '孙浩', role: 'accused', internal: true }],
      });
      assert.equal(filed.status, 201);
      const { case_ref: caseRef, receipt } = filed.body;

      // A colleague adds what she saw, by the reference as she was told it.
      const supporter = await (await reporterContext(browser, { lang, size })).newPage();
      await supporter.goto(`${ombud.base}/`);
      await Promise.all([supporter.waitForLoadState('load'), supporter.click('a[href="/support"]')]);
      assert.equal((await supporter.textContent('h1')).trim(), w.support);
      await look(browser, supporter, `${tag}-01-support-form`);
      await supporter.fill('#reference', caseRef.toLowerCase().replaceAll('-', ' '));
      await supporter.fill('#statement', w.statement);
      await supporter.fill('#email', 'li.na@demo.ombud.example');
      await submit(supporter, 'main form[action^="/support?once="]');
      assert.ok(await supporter.locator('#problems').isVisible(), 'her name is asked for');
      assert.ok(await supporter.locator('#name-error').isVisible(), 'beside her name');
      assert.equal(await supporter.inputValue('#statement'), w.statement, 'what she wrote comes back');
      await look(browser, supporter, `${tag}-02-support-refused`);
      await supporter.fill('#name', '李娜 Li Na');
      await submit(supporter, 'main form[action^="/support?once="]');
      assert.equal((await supporter.textContent('h1')).trim(), w.added);
      assert.equal((await supporter.textContent('#case-ref')).trim(), caseRef);
      const herReceipt = (await supporter.textContent('#receipt')).trim();
      await look(browser, supporter, `${tag}-03-support-receipt`);
      await supporter.goto(`${ombud.base}/support/follow-up`);
      await supporter.fill('#receipt', herReceipt);
      await submit(supporter);
      assert.ok((await supporter.textContent('#statement')).includes(w.statement));
      assert.ok(!(await supporter.textContent('main')).includes('孙经理在会议室堵住我'), 'never the case');
      await look(browser, supporter, `${tag}-04-support-statement`);

      // The HR system announces her dismissal: held, like every action.
      const hr = await fetch(`${ombud.base}/api/v1/hr/actions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ombud.hrToken()}` },
        body: JSON.stringify({ employee_id: 'E311', action: 'dismissal', effective: '2027-01-31', decided_by: 'E310', ground: 'performance' }),
      });
      assert.equal(hr.status, 201);
      assert.equal((await hr.json()).status, 'held');

      // Oversight decides it; nothing is chosen for her.
      const member = await (await staffContext(browser, { lang, size })).newPage();
      await signIn(member, ombud.base, OVERSIGHT);
      await member.goto(`${ombud.base}/oversight/retaliation`);
      assert.equal((await member.textContent('h1')).trim(), w.reviews);
      await look(browser, member, `${tag}-05-reviews`);
      await Promise.all([member.waitForLoadState('load'), member.click('#open tbody a')]);
      assert.ok((await member.textContent('#protected')).includes(caseRef), 'protected as the case\'s supporter');
      assert.equal(await member.locator('input[name=decision]:checked').count(), 0, 'no decision chosen for her');
      await member.fill('#reasons', w.reasons);
      await submit(member, '#decide form');
      assert.ok(await member.locator('#problem').isVisible());
      assert.ok(await member.locator('#decision-error').isVisible(), 'the problem beside the choice');
      assert.equal(await member.inputValue('#reasons'), w.reasons, 'her reasons come back');
      await look(browser, member, `${tag}-06-decision-refused`);
      await member.check('input[name=decision][value=overturned]');
      await submit(member, '#decide form');
      assert.ok(await member.locator('#done').isVisible());
      assert.ok((await member.textContent('#reasons-text')).includes(w.reasons));
      await look(browser, member, `${tag}-07-decided`);

      // Oversight protects a colleague by hand on the case: a reason is asked
      // for, and the name as she typed it (characters, a title) comes back.
      const caseId = await caseIdOf(ombud.base, OVERSIGHT, caseRef);
      await member.goto(`${ombud.base}/staff/cases/${caseId}#protected`);
      await member.fill('#protect-person', '周敏 销售');
      await member.selectOption('#protect-basis', 'added');
      await submit(member, '#protect');
      assert.ok(await member.locator('#protect-reason-error').isVisible(), 'the reason is asked for');
      assert.equal(await member.inputValue('#protect-person'), '周敏 销售', 'the name comes back as typed');
      await look(browser, member, `${tag}-07a-protect-refused`);
      await member.fill('#protect-reason', w.protectWhy);
      await submit(member, '#protect');
      assert.ok((await member.textContent('#protected')).includes(w.protectWhy), 'listed with the reason');
      await look(browser, member, `${tag}-07b-protected`);

      // The reporter tells what happened since, from her own page.
      const reporter = await (await reporterContext(browser, { lang, size })).newPage();
      await reporter.goto(`${ombud.base}/follow-up`);
      await reporter.fill('#receipt', receipt);
      await submit(reporter);
      await Promise.all([reporter.waitForLoadState('load'), reporter.click('#something-happened')]);
      await look(browser, reporter, `${tag}-08-something-happened`);
      await submit(reporter);
      assert.ok(await reporter.locator('#retaliation-error').isVisible(), 'what happened is asked for');
      await reporter.fill('#description', w.happened);
      await reporter.fill('#person', '张伟');
      await submit(reporter);
      assert.match((await reporter.textContent('#case-ref')).trim(), /^OMB-/);
      assert.notEqual((await reporter.textContent('#case-ref')).trim(), caseRef, 'a new case, with its own receipt');
      await look(browser, reporter, `${tag}-09-retaliation-receipt`);
    } finally {
      await ombud.stop();
    }
  });
}

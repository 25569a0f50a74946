// Steps of the journeys, shared by the tests. Fields are found by id or
// name, which do not change with the language; texts are checked per language.
import assert from 'node:assert/strict';
import { axeViolations, screenshot } from './browser.mjs';

export const TEXT = {
  en: {
    description: 'On the sales trip the client and my manager kept pressing me to drink. I do not have video, but I have the chat.',
    place: 'Hotel bar after the client dinner',
    person: 'Client representative',
    witness: 'Li Lei',
    reply: 'Thank you. I have one more screenshot.',
    staffReply: 'We have received your report and will write to you here.',
    received: 'Received',
    acknowledged: 'Acknowledged',
    team: 'Handling team',
    required: 'Please fill this in.',
  },
  'zh-CN': {
    description: '出差期间，客户和我的经理在晚宴上一再劝我喝酒。我没有视频，但有当晚的聊天记录。',
    place: '客户晚宴后的酒店酒吧',
    person: '客户代表',
    witness: '李雷',
    reply: '谢谢，我还有一张截图。',
    staffReply: '我们已收到您的举报，会在这里给您留言。',
    received: '已收到',
    acknowledged: '已确认受理',
    team: '处理团队',
    required: '请填写此项。',
  },
};

/** Screenshots the page, runs axe on it, and checks it carries no script. */
export async function look(browser, page, name) {
  await screenshot(page, name);
  const violations = await axeViolations(browser, page);
  assert.deepEqual(violations, [], `${name}: ${JSON.stringify(violations, null, 1)}`);
  assert.equal(await page.locator('script').count(), 0, `${name} carries no script`);
}

export async function submit(page, formSelector = 'main form') {
  const button = page.locator(`${formSelector} button[type=submit]:not([name=add_person])`).first();
  await Promise.all([page.waitForLoadState('load'), button.click()]);
}

/** "Add another person": the form posts and comes back, one person block longer. */
export async function addPerson(page) {
  await Promise.all([page.waitForLoadState('load'), page.click('button[name=add_person]')]);
}

export async function fillReport(page, t, { withFile = true } = {}) {
  await page.check('input[name=category][value=sexual_assault]');
  await page.fill('#description', t.description);
  await page.fill('#occurred_date', '2026-10-12');
  await page.check('input[name=occurred_approximate]');
  await page.selectOption('#location_kind', 'business_trip');
  await page.fill('#location_detail', t.place);
  await page.fill('#person_0_name', t.person);
  await page.selectOption('#person_0_role', 'accused');
  await page.selectOption('#person_0_side', 'external');
  await addPerson(page);
  assert.equal(await page.inputValue('#person_0_name'), t.person, 'the first person is kept');
  assert.equal(await page.inputValue('#description'), t.description, 'and every word before it');
  await page.fill('#person_1_name', t.witness);
  await page.selectOption('#person_1_role', 'witness');
  await page.check('input[name=request_no_contact]');
  await page.check('input[name=request_counselling]');
  if (withFile) {
    await page.setInputFiles('#attachments', { name: 'chat-聊天.txt', mimeType: 'text/plain', buffer: Buffer.from('22:41 他说：再喝一杯') });
  }
}

/** Signs a staff member in on `page`; she lands on her inbox. */
export async function signIn(page, base, who) {
  await page.goto(`${base}/staff/sign-in`);
  await page.fill('#email', who.email);
  await page.fill('#password', who.password);
  await submit(page);
}

/** One call to Ombud's JSON API: a GET without a body, a POST with one. */
export async function callApi(base, path, token, body) {
  const response = await fetch(`${base}/api/v1${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** A case's id as an oversight member finds it by its reference through the API. */
export async function caseIdOf(base, who, caseRef) {
  const session = await fetch(`${base}/api/v1/staff/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: who.email, password: who.password }),
  });
  assert.equal(session.status, 200, 'signed in to the API');
  const { token } = await session.json();
  const found = await fetch(`${base}/api/v1/cases?q=${encodeURIComponent(caseRef)}`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(found.status, 200);
  const { cases } = await found.json();
  assert.equal(cases.length, 1, `${who.email} finds ${caseRef}`);
  return cases[0].id;
}

/** What a staff member's browser shows at a URL: status, heading and the page's main text. */
export async function shown(page, url) {
  const response = await page.goto(url);
  return { status: response.status(), heading: (await page.textContent('h1')).trim(), main: (await page.textContent('main')).replace(/\s+/g, ' ').trim() };
}

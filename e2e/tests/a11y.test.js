// Every screen of every role at a 390×844 phone, in zh-TW: axe-core finds no
// serious or critical violation, buttons and links are at least 44 px, and
// no English error code reaches the screen (a wrong sign-in and a full
// event are provoked on purpose).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

import { startServer, launch, phone, shot, api, token, signIn, HERE } from './harness.js';

const require = createRequire(import.meta.url);
// The page's CSP (script-src 'self') refuses an injected <script>; code run
// through the DevTools protocol (page.evaluate) is not subject to it.
const axeSource = readFileSync(require.resolve('axe-core'), 'utf8');
const PHONE = { viewport: { width: 390, height: 844 } };
const CODES = /\b(validation_failed|unauthenticated|not_found|forbidden|capacity_full|period_closed|id_conflict|version_conflict|rate_limited|conflict)\b/;


let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.stop(); });

/** audit answers what is wrong with the screen now shown. */
async function audit(page) {
  await page.waitForLoadState('networkidle');
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.impact} ${v.id}: ${v.nodes.slice(0, 4).map((n) => n.target.join(' ')).join(' | ')}`);
  });
  const small = await page.evaluate(() => [...document.querySelectorAll('button, a[href], [role=button]')]
    .filter((el) => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden')
    .map((el) => ({ el, r: el.getBoundingClientRect() }))
    .filter(({ r }) => r.width < 44 || r.height < 44)
    .map(({ el, r }) => `${Math.round(r.width)}×${Math.round(r.height)} ${el.outerHTML.slice(0, 90)}`));
  const text = await page.locator('body').innerText();
  const code = CODES.exec(text);
  const junk = /\b(null|undefined|NaN)\b/.exec(text);
  return { violations, small, code: code ? code[0] : null, junk: junk ? junk[0] : null };
}

function assertClean(name, r) {
  assert.deepEqual(r.violations, [], `${name}: axe serious/critical`);
  assert.deepEqual(r.small, [], `${name}: touch targets under 44 px`);
  assert.equal(r.code, null, `${name}: English error code on screen`);
  assert.equal(r.junk, null, `${name}: null/undefined on screen`);
}

async function screen(page, hash, ready) {
  await page.evaluate((h) => { location.hash = h; }, hash);
  await page.locator(ready).first().waitFor();
}

test('signed out: sign-in, a wrong password, registration', async () => {
  const { context, page } = await phone(browser, server.base, PHONE);
  await page.goto('/');
  await page.locator('#login-form').waitFor();
  assertClean('sign-in', await audit(page));
  await page.locator('#login-form input[name=username]').fill('volunteer');
  await page.locator('#login-form input[name=password]').fill('not-the-password');
  await page.locator('#login-form button[type=submit]').click();
  await page.locator('#login-form .error', { hasText: '帳號或密碼錯誤' }).waitFor();
  assertClean('wrong sign-in', await audit(page));
  await screen(page, '#/register', '#register-form');
  assertClean('register', await audit(page));
  await context.close();
});

test('pending volunteer: no technical username', async () => {
  const { context, page } = await phone(browser, server.base, PHONE);
  await signIn(page, 'pending');
  await page.locator('#pending').waitFor();
  assert.doesNotMatch(await page.locator('#pending').innerText(), /volunteer\.pending/);
  assertClean('pending', await audit(page));
  await context.close();
});

test('volunteer: events, a full event, hours and certificate', async () => {
  const off = await token(server.base, 'officer');
  const unitId = (await api(server.base, 'GET', '/units', { token: off })).json.items[0].id;
  const start = new Date(Date.now() + 4 * 86_400_000);
  const ev = await api(server.base, 'POST', '/activities', { token: off, body: {
    id: crypto.randomUUID(), kind: 'outreach_event', title: '社區反詐騙宣導（最後一席）', unit_id: unitId, scheduled_at: start.toISOString(),
    site: { name: '嘉義公園', address: '嘉義市東區啟明路', lat: HERE.latitude, lng: HERE.longitude, radius_m: 200 },
    event: { scale: 'regular', audience: '社區長者', participants: 0, volunteer_capacity: 1, published: true,
      ends_at: new Date(start.getTime() + 2 * 3_600_000).toISOString() },
  } });
  assert.equal(ev.status, 201, ev.text);
  const { context, page } = await phone(browser, server.base, PHONE);
  await signIn(page, 'volunteer');
  await page.locator('#events').waitFor();
  assert.equal(await page.locator('#tabs a[href="#/events"]').getAttribute('aria-current'), 'page', 'first landing highlights its tab');
  assertClean('volunteer events', await audit(page));
  await shot(page, 'readme-volunteer-events');

  // Another volunteer takes the last place; this one tries: 名額已滿.
  const adm = await token(server.base, 'admin');
  const username = 'a11y' + Date.now();
  const reg = await api(server.base, 'POST', '/volunteers/register', { body: { username, password: 'a-long-passphrase-2026', display_name: '林志工', phone: '0912-222-333', email: username + '@example.org' } });
  assert.equal(reg.status, 201, reg.text);
  assert.equal((await api(server.base, 'POST', `/users/${reg.json.id}/approve`, { token: adm })).status, 200);
  const other = await token(server.base, [username, 'a-long-passphrase-2026']);
  assert.equal((await api(server.base, 'POST', `/activities/${ev.json.id}/signups`, { token: other, body: {} })).status, 201);
  await page.locator(`button[data-signup="${ev.json.id}"]`).click();
  await page.locator(`li[data-id="${ev.json.id}"][data-state="full"] .error`, { hasText: '名額已滿' }).waitFor();
  assertClean('capacity full', await audit(page));

  await screen(page, '#/hours', '#certificate');
  assertClean('volunteer hours and certificate', await audit(page));
  await shot(page, 'readme-volunteer-hours');
  // The certificate as printed: only it, on A4.
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('#tabs').isVisible(), false);
  assert.equal(await page.locator('#certificate').isVisible(), true);
  assert.match(await page.locator('#certificate').innerText(), /志工服務時數證明[\s\S]*合計/);
  await page.locator('#certificate').screenshot({ path: new URL('../artifacts/readme-certificate-print.png', import.meta.url).pathname });
  await page.emulateMedia({ media: 'screen' });
  await context.close();
});

test('manager: KPIs and approvals', async () => {
  const { context, page } = await phone(browser, server.base, PHONE);
  await signIn(page, 'manager');
  await screen(page, '#/kpi', '#kpi');
  assertClean('manager KPIs', await audit(page));
  await screen(page, '#/approvals', '#approvals');
  assertClean('manager approvals', await audit(page));
  await context.close();
});

test('officer: records, new record, a record', async () => {
  const { context, page } = await phone(browser, server.base, PHONE);
  await signIn(page, 'officer');
  const found = [];
  const check = async (name) => {
    const r = await audit(page);
    for (const [k, v] of Object.entries(r)) if (v && (!Array.isArray(v) || v.length)) found.push(`${name} ${k}: ${[].concat(v).join('\n   ')}`);
  };
  await screen(page, '#/today', '#today, #records');
  await check('officer list');
  await screen(page, '#/new', 'form');
  await check('officer new');
  const off = await token(server.base, 'officer');
  const list = await api(server.base, 'GET', '/activities?limit=5', { token: off });
  const id = list.json.items.find((a) => a.kind === 'procurement_supervision')?.id || list.json.items[0].id;
  await screen(page, '#/a/' + encodeURIComponent(id), '#activity');
  await check('officer record');
  await shot(page, 'readme-officer-record');
  await context.close();
  if (found.length) console.log('officer findings:\n' + found.join('\n'));
  assert.deepEqual(found, []);
});

test('report handler: the queue and recording a report on paper or by phone', async () => {
  const { context, page } = await phone(browser, server.base, PHONE);
  await signIn(page, ['officer2', 'demo-officer2-2026']);
  await screen(page, '#/reports', '#reports-intake-link');
  assertClean('reports queue', await audit(page));
  await screen(page, '#/reports/new', '#intake-form');
  assertClean('recording a report', await audit(page));
  // Its checks, the channel and the identity asked for.
  await page.locator('#ri-send').click();
  await page.locator('#ri-channel-err:not(:empty)').waitFor();
  await page.locator('#ri-disclosure input[value=confidential]').check();
  await page.locator('#ri-identity').waitFor();
  assertClean('recording a report: problems marked', await audit(page));
  await context.close();
});

// The public report page (我要檢舉) on a 390×844 phone, signed out: from the
// sign-in screen to the form, a draft that survives a reload, a file, the
// proof of work, a lost answer resent with the same proof (the server gives
// the same receipt), the receipt shown once and the kept copy deleted; then a
// report made offline waits in the page and goes out on reconnect; then the
// follow-up by receipt (state, the office's words, a reply, a file) and a
// wrong receipt. axe-core on each screen. The server runs with a low
// difficulty so the proof takes no time.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

import { startServer, launch, phone, shot, api, missingRoute } from './harness.js';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core'), 'utf8');
const PHONE = { viewport: { width: 390, height: 844 } };
const CODES = /\b(validation_failed|unauthenticated|not_found|forbidden|too_many_requests|rate_limited|payload_too_large)\b/;
// A 1×1 PNG: small evidence the server's sniffing accepts.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

process.env.ETHICSOPS_REPORTS_POW_BITS = '8';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.stop(); });

/** needsBackend fails with a sentence naming what is missing when the
 * public report routes are not on this server yet (never a silent skip). */
async function needsBackend() {
  const r = await api(server.base, 'GET', '/reports/challenge');
  assert.ok(!missingRoute(r), 'the server has no GET /api/v1/reports/challenge yet: the public report routes (intake, access, mine) are missing from this build');
  assert.equal(r.status, 200, `GET /reports/challenge answered ${r.status} ${r.text}`);
}

async function audit(page, name) {
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.impact} ${v.id}: ${v.nodes.slice(0, 4).map((n) => n.target.join(' ')).join(' | ')}`);
  });
  const small = await page.evaluate(() => [...document.querySelectorAll('button, a[href], [role=button], label.button')]
    .filter((el) => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden')
    .map((el) => ({ el, r: el.getBoundingClientRect() }))
    .filter(({ r }) => r.width < 44 || r.height < 44)
    .map(({ el, r }) => `${Math.round(r.width)}×${Math.round(r.height)} ${el.outerHTML.slice(0, 90)}`));
  const text = await page.locator('body').innerText();
  assert.deepEqual(violations, [], `${name}: axe serious/critical`);
  assert.deepEqual(small, [], `${name}: touch targets under 44 px`);
  assert.equal(CODES.exec(text), null, `${name}: an English error code on screen`);
  assert.equal(/\b(null|undefined|NaN)\b/.exec(text), null, `${name}: null/undefined on screen`);
}

/** kept answers the report the page keeps in IndexedDB, or null. */
const kept = (page) => page.evaluate(() => new Promise((resolve) => {
  const req = indexedDB.open('ethicsops-report');
  req.onupgradeneeded = () => { req.transaction.abort(); resolve(null); };
  req.onerror = () => resolve(null);
  req.onsuccess = () => {
    const db = req.result;
    if (!db.objectStoreNames.contains('draft')) { db.close(); resolve(null); return; }
    const g = db.transaction('draft').objectStore('draft').get('report');
    g.onsuccess = () => { db.close(); resolve(g.result ? { stage: g.result.stage, what: g.result.form?.what, files: g.result.files.length, receipt: g.result.receipt || null } : null); };
  };
}));

/** traces answers what of the text could be found in localStorage, the URL or the caches. */
const traces = (page, text) => page.evaluate(async (needle) => {
  const found = [];
  for (let i = 0; i < localStorage.length; i++) if ((localStorage.getItem(localStorage.key(i)) || '').includes(needle)) found.push('localStorage');
  if (decodeURIComponent(location.href).includes(needle)) found.push('url');
  for (const name of await caches.keys()) {
    const c = await caches.open(name);
    for (const req of await c.keys()) if (req.url.includes('/api/')) found.push('cache ' + req.url);
  }
  return found;
}, text);

const receiptDigits = async (page) => (await page.locator('#r-receipt').innerText()).replace(/\s+/g, '');

let firstReceipt = '';
const WHAT = '採購承辦人收受廠商招待，疑似洩漏底價給特定廠商。';

test('signed out: 我要檢舉 from the sign-in screen, a draft kept across a reload, a file, a lost answer resent, the receipt once', async () => {
  await needsBackend();
  const { context, page, problems } = await phone(browser, server.base, PHONE);
  await page.goto('/');
  await page.locator('#login-form').waitFor();
  await shot(page, 'report-sign-in');
  await page.locator('#report-link', { hasText: '我要檢舉' }).click();
  await page.locator('#report-form').waitFor();
  assert.equal(await page.locator('#r-identity').isHidden(), true, 'anonymous by default: no name fields');
  assert.match(await page.locator('#r-files-rule').innerText(), /最多 5 個檔案.*15 MB.*PDF/);
  assert.match(await page.locator('.r-notice').innerText(), /不記錄您的網路位址[\s\S]*Tor/);

  // Sending nothing names the one required field, in words.
  await page.locator('#r-send').click();
  await page.locator('.field[data-name=what] .field-error', { hasText: '必填' }).waitFor();

  await page.locator('#r-what').fill(WHAT);
  await page.locator('#r-agency').fill('嘉義市政府工務處');
  await page.locator('#r-person').fill('王○○');
  await page.locator('#r-role').fill('採購承辦人');
  await page.locator('#r-when').fill('114 年 10 月中旬晚上');
  await page.locator('#r-where').fill('西區某餐廳');
  await page.locator('#r-how_known').fill('同桌親眼看到');
  await page.locator('#r-file').setInputFiles({ name: 'receipt-photo.png', mimeType: 'image/png', buffer: PNG });
  await page.locator('#r-file-list li', { hasText: 'receipt-photo.png' }).waitFor();
  // Confidential asks for a name and a way to reach the reporter; anonymous hides them again.
  await page.locator('input[name=disclosure][value=confidential]').check();
  await page.locator('#r-identity').waitFor({ state: 'visible' });
  await page.locator('input[name=disclosure][value=anonymous]').check();
  await page.locator('#r-identity').waitFor({ state: 'hidden' });
  await audit(page, 'report form');
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, 'report-form');

  // A closed tab loses nothing: the words and the file come back.
  await page.waitForTimeout(500); // the draft is written 300 ms after the last keystroke
  await page.reload();
  await page.locator('#report-form').waitFor();
  assert.equal(await page.locator('#r-what').inputValue(), WHAT);
  await page.locator('#r-file-list li', { hasText: 'receipt-photo.png' }).waitFor();
  assert.deepEqual(await traces(page, '洩漏底價'), [], 'nothing of the report outside IndexedDB');

  // The first answer is lost on the way back (a weak signal): the page sends
  // the same proof again and the server answers with the same receipt.
  let lost = null;
  await page.route('**/api/v1/reports', async (route) => {
    if (lost || route.request().method() !== 'POST') return route.fallback();
    const res = await route.fetch();
    lost = { status: res.status(), body: await res.json() };
    await route.abort('connectionreset');
  });
  await page.locator('#r-send').click();
  await page.locator('#report-receipt').waitFor({ timeout: 60_000 });
  assert.equal(lost?.status, 201, 'the first try reached the server');
  firstReceipt = await receiptDigits(page);
  assert.match(firstReceipt, /^\d{16}$/);
  assert.equal(firstReceipt, lost.body.receipt, 'the resend got the same receipt: one report, not two');
  assert.match(await page.locator('#r-receipt').innerText(), /^\d{4}\s+\d{4}\s+\d{4}\s+\d{4}$/);
  assert.match(await page.locator('#report-receipt').innerText(), /紙筆抄下[\s\S]*只會顯示這一次/);
  assert.equal(await kept(page), null, 'the kept copy is deleted once the receipt is shown');
  assert.deepEqual(await traces(page, firstReceipt), []);
  await audit(page, 'receipt');
  await shot(page, 'report-receipt');

  // What the server has: the words and the file.
  const acc = await api(server.base, 'POST', '/reports/access', { body: { receipt: firstReceipt } });
  assert.equal(acc.status, 200, acc.text);
  const mine = await api(server.base, 'GET', '/reports/mine', { token: acc.json.access_token });
  assert.equal(mine.status, 200, mine.text);
  assert.equal(mine.json.content.what, WHAT);
  assert.equal(mine.json.disclosure, 'anonymous');
  assert.deepEqual(mine.json.files.map((f) => f.name), ['receipt-photo.png']);

  await page.locator('#r-done').click();
  await page.locator('#report-thanks').waitFor();
  assert.doesNotMatch(await page.locator('body').innerText(), new RegExp(firstReceipt.slice(0, 4) + '\\s*' + firstReceipt.slice(4, 8)));
  assert.deepEqual(problems.filter((p) => !/Failed to load resource|ERR_CONNECTION_RESET|net::/.test(p)), []);
  await context.close();
});

test('offline: the report waits in the phone and is sent on reconnect', async () => {
  await needsBackend();
  const { context, page } = await phone(browser, server.base, PHONE);
  await page.goto('/#/report');
  await page.locator('#report-form').waitFor();
  await page.locator('#r-what').fill('里長協助廠商申請補助，要求回扣一成。');
  await page.locator('input[name=disclosure][value=confidential]').check();
  await page.locator('#r-name').fill('陳美玲');
  await page.locator('#r-phone').fill('0912-345-678');
  await context.setOffline(true);
  await page.locator('#r-send').click();
  await page.locator('#report-waiting[data-state=offline]').waitFor();
  assert.match(await page.locator('#r-status-text').innerText(), /存在這支手機中.*連上網路後會自動送出/);
  await page.locator('#r-send-now').waitFor({ state: 'visible' });
  assert.deepEqual(await kept(page), { stage: 'outbox', what: '里長協助廠商申請補助，要求回扣一成。', files: 0, receipt: null });
  await audit(page, 'waiting offline');
  await shot(page, 'report-waiting');
  await context.setOffline(false);
  await page.locator('#report-receipt').waitFor({ timeout: 60_000 });
  const receipt = await receiptDigits(page);
  assert.match(receipt, /^\d{16}$/);
  assert.notEqual(receipt, firstReceipt);
  assert.equal(await kept(page), null);
  const acc = await api(server.base, 'POST', '/reports/access', { body: { receipt } });
  const mine = await api(server.base, 'GET', '/reports/mine', { token: acc.json.access_token });
  assert.equal(mine.json.disclosure, 'confidential');
  assert.equal(mine.json.identity, undefined, 'the identity is never answered back');
  await context.close();
});

test('follow-up by receipt: a wrong receipt, then the state, a reply and a file', async () => {
  await needsBackend();
  assert.ok(firstReceipt, 'the first test made a report');
  const { context, page } = await phone(browser, server.base, PHONE);
  await page.goto('/#/report');
  await page.locator('#report-form').waitFor();
  await page.locator('a[href="#/report/follow"]').click();
  await page.locator('#follow-form').waitFor();
  await page.locator('#f-receipt').fill('1234 5678 9012 3456');
  await page.locator('#follow-form button[type=submit]').click();
  await page.locator('#f-error', { hasText: '查無此收件碼' }).waitFor();
  await audit(page, 'wrong receipt');
  await shot(page, 'report-follow-wrong');
  await page.locator('#f-receipt').fill('12345');
  await page.locator('#follow-form button[type=submit]').click();
  await page.locator('#f-error', { hasText: '16 位數字' }).waitFor();

  const grouped = firstReceipt.replace(/(\d{4})(?=\d)/g, '$1 ');
  await page.locator('#f-receipt').fill(grouped);
  await page.locator('#follow-form button[type=submit]').click();
  await page.locator('#f-state').waitFor();
  assert.equal(await page.locator('#f-state-label').innerText(), '已收件');
  await page.locator('#f-reply').fill('補充：當天另有一位同事在場。');
  await page.locator('#f-reply-form button[type=submit]').click();
  await page.locator('.r-msg.mine', { hasText: '當天另有一位同事在場' }).waitFor();
  assert.match(await page.locator('#f-files-rule').innerText(), /還可以補傳 4 個檔案/);
  await audit(page, 'follow-up');
  await page.locator('#toast').waitFor({ state: 'hidden' });
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, 'report-follow');
  await page.locator('#f-file').setInputFiles({ name: 'second.png', mimeType: 'image/png', buffer: PNG });
  await page.locator('#f-files li', { hasText: 'second.png' }).waitFor();
  assert.match(await page.locator('#f-files-rule').innerText(), /還可以補傳 3 個檔案/);
  assert.deepEqual(await traces(page, firstReceipt), [], 'the receipt is kept nowhere');

  // Finishing forgets the token: the form asks for the receipt again.
  await page.locator('#f-end').click();
  await page.locator('#follow-form').waitFor({ state: 'visible' });
  assert.equal(await page.locator('#f-receipt').inputValue(), '');
  await context.close();
});

test('too many wrong receipts: a calm sentence saying when to try again', async () => {
  await needsBackend();
  // Wrong receipts from this address until the server throttles it (its
  // limit is a setting; the page must not need to know it).
  let r;
  for (let i = 0; i < 50; i++) {
    r = await api(server.base, 'POST', '/reports/access', { body: { receipt: String(9000000000000000 + i) } });
    if (r.status === 429) break;
    assert.equal(r.status, 401, r.text);
  }
  assert.equal(r.status, 429, 'the server throttles wrong receipts');
  const { context, page } = await phone(browser, server.base, PHONE);
  await page.goto('/#/report/follow');
  await page.locator('#f-receipt').fill('1111-2222-3333-4444');
  await page.locator('#follow-form button[type=submit]').click();
  await page.locator('#f-error', { hasText: '嘗試次數過多' }).waitFor();
  assert.match(await page.locator('#f-error').innerText(), /請在 \d+ (分鐘|秒)後再試/);
  await audit(page, 'throttled');
  await context.close();
});

// 登錄紙本／電話檢舉 at a phone (390×844): the demo handler 陳專員
// (officer2) records a phone report with the reporter's identity kept
// confidential (保密) and one photo. Before that, the form speaks zh-TW
// next to its fields (the client's checks, then a server 422), and says so
// when there is no network (nothing sent, nothing lost). The first send's
// answer is lost after the server stored the report: the form is locked as
// it was sent, 再次送出 gets the same receipt and the queue has one report,
// channel 電話. The receipt is shown once; its slip prints alone; nothing of
// the report is kept in the browser. An officer who is no handler never
// reaches the screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, phone, shot, signIn, api, token } from './harness.js';
import { assertClean, open, serious } from './manager-helpers.js';

const PHONE = { viewport: { width: 390, height: 844 } };
const HANDLER = ['officer2', 'demo-officer2-2026'];
// Raw values of the report enumerations must never reach the screen.
const RAW = /\b(letter|phone|mailbox|in_person|anonymous|confidential|received)\b/;
// A small PNG (a scanned note), decided by its content on the server.
const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(3000, 7)]);

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.stop(); });

/** allReports lists every report the handler may see (ids only matter). */
async function allReports(tok) {
  const items = [];
  let cursor = '';
  for (let i = 0; i < 20; i++) {
    const r = await api(server.base, 'GET', '/reports?limit=200' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''), { token: tok });
    assert.equal(r.status, 200, r.text);
    items.push(...r.json.items);
    if (!r.json.next_cursor) break;
    cursor = r.json.next_cursor;
  }
  return items;
}

test('a handler records a phone report; a lost answer gives the same receipt', async () => {
  const tok = await token(server.base, HANDLER);
  const before = await allReports(tok);
  const what = '來電檢舉：東區清潔隊隊員收取店家紅包，才把垃圾清運排在前面（電話測試）';

  const { context, page, problems } = await phone(browser, server.base, PHONE);
  await signIn(page, HANDLER);
  await page.locator('#tabs a[href="#/reports"]').click();
  const link = page.locator('#reports-intake-link');
  await link.waitFor();
  assert.match(await link.innerText(), /登錄紙本／電話檢舉/);
  await link.click();
  await page.locator('#intake-form').waitFor();
  assert.equal(await page.locator('#tabs a[href="#/reports"]').getAttribute('aria-current'), 'page', 'the 檢舉 tab stays lit');

  // ---- the client's checks, in zh-TW next to the fields
  await page.locator('#ri-send').click();
  await page.locator('#ri-channel-err', { hasText: '請選擇受理管道' }).waitFor();
  assert.match(await page.locator('#ri-what-err').innerText(), /必填/);
  assert.match(await page.locator('#ri-error').innerText(), /請修正標示的欄位/);
  assert.equal(await page.locator('#ri-confirm').isVisible(), false, 'nothing to confirm yet');
  await assertClean('intake: client checks', page);

  // ---- the report as told on the phone, 保密, with a wrong e-mail
  await page.locator('label.ri-ch[data-channel=phone]').click();
  assert.equal(await page.locator('#ri-channel-err').innerText(), '', 'the mark goes once chosen');
  await page.locator('#ri-what').fill(what);
  await page.locator('#ri-agency').fill('嘉義市政府環境保護局');
  await page.locator('#ri-role').fill('清潔隊員');
  await page.locator('#ri-when').fill('115 年 11 月，每週二上午');
  await page.locator('#ri-where').fill('東區某商店街');
  await page.locator('#ri-how_known').fill('檢舉人為店家，親身經歷');
  assert.equal(await page.locator('#ri-identity').isVisible(), false, 'no identity asked while anonymous');
  await page.locator('#ri-disclosure input[value=confidential]').check();
  await page.locator('#ri-identity').waitFor();
  await page.locator('#ri-name').fill('林小姐');
  await page.locator('#ri-phone').fill('0912-000-111');
  await page.locator('#ri-email').fill('lin-at-example');
  await page.locator('#ri-file').setInputFiles({ name: '檢舉人提供照片.png', mimeType: 'image/png', buffer: PNG });
  const fileRow = page.locator('#ri-file-list li', { hasText: '檢舉人提供照片.png' });
  await fileRow.waitFor();
  assert.match(await fileRow.innerText(), /\d+ KB/, 'the size is shown');

  // The server refuses the e-mail: its 422 reads as a sentence under the field.
  await page.locator('#ri-send').click();
  assert.match(await page.locator('#ri-confirm-text').innerText(), /確定送出這件電話檢舉嗎？附件\s1\s個。/);
  await page.locator('#ri-confirm-yes').click();
  await page.locator('#ri-email-err', { hasText: '請填寫正確的電子郵件' }).waitFor();
  assert.equal(await page.locator('#intake-form').getAttribute('data-state'), 'editing', 'a refusal opens the form again');
  assert.equal((await allReports(tok)).length, before.length, 'nothing stored by a refusal');
  await assertClean('intake: server 422', page);
  await page.locator('#ri-email').fill('');

  // ---- offline: said in words, nothing sent, nothing lost
  await context.setOffline(true);
  await page.locator('#ri-send').click();
  await page.locator('#ri-confirm-yes').click();
  await page.locator('#ri-status', { hasText: '目前沒有網路，尚未送出' }).waitFor();
  assert.equal(await page.locator('#ri-what').inputValue(), what, 'the text is still there');
  assert.equal(await page.locator('#ri-what').isDisabled(), false, 'a report never sent stays open to edits');
  await context.setOffline(false);
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, 'reports-intake-phone');

  // ---- the answer is lost after the server stored the report
  let first = null;
  await page.route('**/api/v1/reports/intake', async (route) => {
    const res = await route.fetch();
    first = { status: res.status(), body: await res.json() };
    await route.abort('connectionreset');
  });
  await page.locator('#ri-send').click();
  await page.locator('#ri-confirm-yes').click();
  await page.locator('#intake-form[data-state=uncertain]').waitFor();
  assert.equal(first?.status, 201, 'the server stored it');
  assert.match(await page.locator('#ri-status').innerText(), /無法確認伺服器是否已收到[\s\S]*再次送出/);
  assert.equal(await page.locator('#ri-what').isDisabled(), true, 'locked as it was sent');
  assert.equal(await page.locator('label.ri-ch[data-channel=letter] input').isDisabled(), true, 'the channel too');
  assert.equal(await page.locator('#ri-file').isDisabled(), true, 'and the files');
  assert.equal(await page.locator('#ri-send').innerText(), '再次送出');
  assert.equal(await page.locator('#ri-what').inputValue(), what);
  await assertClean('intake: answer lost', page);
  await page.unroute('**/api/v1/reports/intake');

  // ---- 再次送出: the same receipt, shown once, 4-4-4-4
  await page.locator('#ri-send').click();
  await page.locator('#intake-receipt').waitFor();
  const digits = (await page.locator('#ri-receipt').innerText()).replace(/\s+/g, '');
  assert.equal(digits, first.body.receipt, 'the same receipt as the answer that was lost');
  assert.deepEqual(await page.locator('#ri-receipt span').allInnerTexts(), first.body.receipt.match(/\d{4}/g));
  assert.match(await page.locator('#ri-replayed').innerText(), /同一組收件碼/);
  assert.match(await page.locator('#ri-receipt-meta').innerText(), new RegExp(`案號 ${first.body.ref} · 電話`));
  const advice = await page.locator('#intake-receipt').innerText();
  assert.match(advice, /回函/);
  assert.match(advice, /電話/);
  assert.match(advice, /只顯示這一次/);
  assert.match(advice, /請勿截圖/);
  assert.equal(RAW.exec(await page.locator('#view').innerText()), null, 'no raw codes');
  await assertClean('intake: receipt', page);
  await shot(page, 'reports-intake-receipt-phone');

  // One report, as recorded.
  const afterList = await allReports(tok);
  assert.equal(afterList.length, before.length + 1, 'one report, not two');
  const rep = (await api(server.base, 'GET', '/reports/' + first.body.id, { token: tok })).json;
  assert.equal(rep.channel, 'phone');
  assert.equal(rep.disclosure, 'confidential');
  assert.equal(rep.identity?.name, '林小姐');
  assert.equal(rep.content?.what, what);
  assert.equal(rep.files.length, 1, 'one file, not two');
  // The reporter follows it up with the receipt.
  assert.equal((await api(server.base, 'POST', '/reports/access', { body: { receipt: digits } })).status, 200);

  // ---- 列印回執: only the slip
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('#ri-slip').isVisible(), true);
  assert.equal(await page.locator('#tabs').isVisible(), false);
  assert.equal(await page.locator('#ri-print').isVisible(), false);
  const slip = await page.locator('#ri-slip').innerText();
  assert.match(slip, /檢舉收件回執/);
  assert.match(slip, /#\/report\/follow/);
  assert.doesNotMatch(slip, /林小姐|清潔隊/, 'the slip carries nothing of the report');
  await page.emulateMedia({ media: 'screen' });

  // ---- nothing of it is kept in the browser
  const kept = await page.evaluate(async (marks) => {
    const found = [];
    const look = (where, s) => { for (const m of marks) if (String(s).includes(m)) found.push(`${where}: ${m}`); };
    for (let i = 0; i < localStorage.length; i++) look('localStorage', localStorage.getItem(localStorage.key(i)));
    for (let i = 0; i < sessionStorage.length; i++) look('sessionStorage', sessionStorage.getItem(sessionStorage.key(i)));
    for (const { name } of await indexedDB.databases()) {
      const db = await new Promise((ok, no) => { const r = indexedDB.open(name); r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error); });
      for (const store of db.objectStoreNames) {
        const all = await new Promise((ok) => { const r = db.transaction(store).objectStore(store).getAll(); r.onsuccess = () => ok(r.result); r.onerror = () => ok([]); });
        look(`indexedDB ${name}/${store}`, JSON.stringify(all));
      }
      db.close();
    }
    for (const k of await caches.keys()) for (const r of await (await caches.open(k)).keys()) look('cache', r.url);
    return found;
  }, ['清潔隊', '林小姐', '0912-000-111', digits]);
  assert.deepEqual(kept, [], 'report data kept in the browser');

  // ---- the report opens from the receipt; the queue shows it as 電話
  await page.locator('#ri-open').click();
  await page.locator('#report #rep-content').waitFor();
  assert.match(await page.locator('#rep-content').innerText(), /電話/);
  await open(page, '#/reports', `#reports-list li[data-id="${first.body.id}"]`);
  const row = await page.locator(`#reports-list li[data-id="${first.body.id}"]`).innerText();
  assert.match(row, /電話/);
  assert.match(row, new RegExp(first.body.ref));
  // The receipt is gone for good: the screen opens a new, empty form.
  await open(page, '#/reports/new', '#intake-form');
  assert.equal(await page.locator('#intake-receipt').count(), 0);
  assert.equal(await page.locator('#ri-what').inputValue(), '');
  assert.deepEqual(serious(problems).filter((p) => !/ERR_CONNECTION_RESET|ERR_INTERNET_DISCONNECTED|net::/.test(p)), []);
  await context.close();
});

test('an officer who is no report handler never reaches the screen', async () => {
  const { context, page } = await phone(browser, server.base, PHONE);
  await signIn(page, 'officer');
  await page.locator('#tabs').waitFor();
  assert.equal(await page.locator('#tabs a[href="#/reports"]').count(), 0);
  await page.evaluate(() => { location.hash = '#/reports/new'; });
  await page.waitForLoadState('networkidle');
  assert.equal(await page.locator('#intake-form').count(), 0);
  assert.equal(await page.locator('#reports-intake-link').count(), 0);
  // The server refuses such an officer the same way.
  const off = await token(server.base, 'officer');
  const r = await api(server.base, 'POST', '/reports/intake', { token: off, body: { channel: 'phone', what: 'x', disclosure: 'anonymous' } });
  assert.equal(r.status, 403);
  await context.close();
});

// An officer signs in, creates a procurement supervision, checks in with a
// mocked position, attaches a photo, goes offline, creates a record, comes
// back online and sees it synced exactly once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, phone, shot, api, token, signIn, queueState, waitQueueEmpty, missingRoute, HERE } from './harness.js';

let server, browser;
// The phone: 390×844.
const PHONE = { viewport: { width: 390, height: 844 } };
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.stop(); });

// A 1×1 PNG, for the photo.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

async function fillProcurement(page, title) {
  await page.locator('#tabs a[href="#/new"]').click();
  await page.locator('#kind').selectOption('procurement_supervision');
  await page.locator('#title').fill(title);
  await page.locator('#unit').selectOption({ index: 1 });
  await page.locator('input[name=site_name]').fill('民政處會議室');
  // The site by "here" (GPS), never by typing coordinates.
  await page.locator('#use-here').click();
  await page.locator('#site-position', { hasText: '已設定地點位置' }).waitFor();
  await page.locator('input[name=case_no]').fill('CY-2026-0042');
  await page.locator('input[name=case_title]').fill('辦公室電腦採購');
  await page.locator('select[name=category]').selectOption('goods');
  await page.locator('input[name=budget_amount]').fill('1250000');
  await page.locator('select[name=stage]').selectOption('acceptance');
  await page.locator('#save').click();
  await page.locator('#activity').waitFor();
}

async function titled(base, tok, title) {
  const r = await api(base, 'GET', '/activities?limit=200&q=' + encodeURIComponent(title), { token: tok });
  assert.equal(r.status, 200, r.text);
  return r.json.items.filter((a) => a.title === title);
}

test('officer signs in and sees today and upcoming', async () => {
  const { context, page, problems } = await phone(browser, server.base, PHONE);
  await signIn(page, 'officer');
  await page.locator('#today').waitFor();
  assert.match(await page.locator('#tabs').innerText(), /今日與近期/);
  await page.locator('#lang-switch').click();
  assert.match(await page.locator('#tabs').innerText(), /Today & upcoming/);
  await page.locator('#lang-switch').click();
  await shot(page, 'officer-today');
  // A reload stays signed in.
  await page.reload();
  await page.locator('#today').waitFor();
  assert.deepEqual(problems.filter((p) => !/404|Failed to load resource/.test(p)), []);
  await context.close();
});

test('offline: a queued record survives a reload and the failure or success is shown', async () => {
  const { context, page } = await phone(browser, server.base, PHONE);
  await signIn(page, 'officer');
  await page.locator('#today').waitFor();
  // The app shell is kept by the service worker, so the page reloads offline.
  await page.waitForFunction(() => navigator.serviceWorker?.controller, null, { timeout: 15_000 });
  await context.setOffline(true);
  const title = '離線紀錄 reload ' + Date.now();
  await fillProcurement(page, title);
  assert.equal((await queueState(page)).waiting, 1);
  assert.match(await page.locator('#net').innerText(), /離線/);
  await page.reload();
  await page.locator('#queue').waitFor();
  assert.equal((await queueState(page)).waiting, 1, 'the queued record survived the reload');
  await shot(page, 'officer-offline-queued');
  await context.setOffline(false);
  const tok = await token(server.base, 'officer');
  const probe = await api(server.base, 'POST', '/activities', { token: tok, body: {} });
  if (missingRoute(probe)) {
    // Today the server has no activities yet: the item fails, and says why.
    await page.waitForFunction(() => document.getElementById('queue').dataset.failed === '1', null, { timeout: 20_000 });
    assert.match(await page.locator('#queue').innerText(), /404 not_found/);
    await shot(page, 'officer-queue-failed');
    await page.locator('#queue button', { hasText: '放棄' }).click();
    await waitQueueEmpty(page);
  } else {
    await waitQueueEmpty(page);
    assert.equal((await titled(server.base, tok, title)).length, 1);
  }
  await context.close();
});

test('officer: procurement supervision, check-in, photo, offline record synced exactly once', async (t) => {
  const tok = await token(server.base, 'officer');
  const probe = await api(server.base, 'POST', '/activities', { token: tok, body: {} });
  if (missingRoute(probe)) {
    t.skip('POST /api/v1/activities answers 404: the activities endpoints are not merged yet');
    return;
  }
  const { context, page } = await phone(browser, server.base, PHONE);
  await signIn(page, 'officer');
  const title = '採購監辦 e2e ' + Date.now();
  await fillProcurement(page, title);
  await waitQueueEmpty(page);
  assert.equal((await titled(server.base, tok, title)).length, 1);

  // Arrive with the mocked position: inside the site's geofence.
  await page.locator('#arrive').click();
  await page.locator('#checkins li[data-geofence="inside"]').waitFor({ timeout: 20_000 });
  assert.match(await page.locator('#geo-status').innerText(), /±12/);
  await waitQueueEmpty(page);

  // A photo, chosen from the phone.
  await page.locator('#photo-choose').setInputFiles({ name: 'site.png', mimeType: 'image/png', buffer: PNG });
  await waitQueueEmpty(page);
  await shot(page, 'officer-checked-in');

  // Complete the record: the form asks for what completion needs (the stage is set).
  await page.locator('#complete').click();
  await page.locator('#edit-form[data-mode="complete"]').waitFor();
  await page.locator('#save').click();
  // The tap is queued, then sent: wait for the server to say so (an empty
  // queue alone may be seen before the tap reached it).
  let done = [];
  for (const until = Date.now() + 20_000; Date.now() < until; await new Promise((r) => setTimeout(r, 200))) {
    done = await titled(server.base, tok, title);
    if (done[0]?.status === 'completed') break;
  }
  await waitQueueEmpty(page);
  assert.equal(done[0].status, 'completed');

  // Offline: a second record waits on the phone, then is sent exactly once.
  await context.setOffline(true);
  const offlineTitle = '離線建立 e2e ' + Date.now();
  await fillProcurement(page, offlineTitle);
  assert.equal((await queueState(page)).waiting, 1);
  assert.equal((await titled(server.base, tok, offlineTitle)).length, 0);
  await context.setOffline(false);
  await waitQueueEmpty(page);
  await page.locator('#queue').waitFor({ state: 'hidden' });
  assert.equal((await titled(server.base, tok, offlineTitle)).length, 1, 'exactly one record with that title');
  await shot(page, 'officer-synced');
  await context.close();
});

test('an expired session sends the officer to sign in and keeps the queue', async () => {
  const { context, page: first } = await phone(browser, server.base, PHONE);
  let page = first;
  await signIn(page, 'officer');
  await page.locator('#today').waitFor();
  await context.setOffline(true);
  const title = '逾時前排隊 ' + Date.now();
  await fillProcurement(page, title);
  assert.equal((await queueState(page)).waiting, 1);
  // The access token has run out and the refresh token is no longer valid.
  await page.evaluate(() => {
    const s = JSON.parse(localStorage.getItem('ethicsops.session'));
    s.expires_at = Date.now() - 1000;
    s.access_token = 'expired';
    s.refresh_token = 'revoked';
    localStorage.setItem('ethicsops.session', JSON.stringify(s));
  });
  // The page is closed while still offline and opened anew once online: a
  // reload after going online raced the page, which still held the good
  // token in memory and could send the queue before reloading.
  await page.close();
  await context.setOffline(false);
  page = await context.newPage();
  await page.goto('/');
  await page.locator('#login-form').waitFor();
  assert.match(await page.locator('#login-form').innerText(), /登入已逾時/);
  assert.equal((await queueState(page)).waiting, 1, 'the queued record is still there');
  await shot(page, 'officer-session-expired');
  await page.locator('#login-form input[name=password]').fill('demo-officer-2026');
  await page.locator('#login-form button[type=submit]').click();
  await page.locator('#login-form').waitFor({ state: 'detached' });
  // Signed in again, the queue is sent: synced, or (while the activities
  // endpoints are not merged) failed with its reason shown.
  await page.waitForFunction(() => document.getElementById('queue').dataset.waiting === '0', null, { timeout: 20_000 });
  const tok = await token(server.base, 'officer');
  const probe = await api(server.base, 'POST', '/activities', { token: tok, body: {} });
  if (missingRoute(probe)) assert.equal((await queueState(page)).failed, 1);
  else assert.equal((await titled(server.base, tok, title)).length, 1);
  await context.close();
});

// ---------------------------------------------------------------- issue 15: the officer's whole day

/** noRawCodes fails when a zh-TW screen shows an English error code or a raw status. */
async function noRawCodes(page, where) {
  const text = await page.locator('body').innerText();
  const bad = /validation_failed|not_found|version_conflict|unauthenticated|\b(4\d\d|5\d\d) [a-z_]+|unit_id|[a-z]+\.[a-z_]+:|required to complete|must be/.exec(text);
  assert.equal(bad, null, `${where}: raw code on screen: ${bad?.[0]}`);
}

async function firstUnit(base, tok) {
  const r = await api(base, 'GET', '/units?limit=200', { token: tok });
  assert.equal(r.status, 200, r.text);
  return r.json.items[0];
}

async function petition(base, tok, title, extra = {}) {
  const unit = await firstUnit(base, tok);
  const r = await api(base, 'POST', '/activities', { token: tok, body: {
    id: crypto.randomUUID(), kind: 'petition', title, unit_id: unit.id, scheduled_at: new Date(Date.now() - 3_600_000).toISOString(),
    site: { name: '嘉義市政府', address: '嘉義市東區中山路199號', lat: HERE.latitude, lng: HERE.longitude, radius_m: 150 },
    petition: { petitioners: 12, subject: '反對垃圾轉運站設置' }, ...extra } });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

test('officer home: overdue and in-progress records from earlier days, search, a next step on every card', async () => {
  const { context, page } = await phone(browser, server.base, PHONE);
  await signIn(page, 'officer');
  await page.locator('#today').waitFor();
  // The tab is lit on first landing.
  assert.equal(await page.locator('#tabs a.active').getAttribute('href'), '#/today');
  const home = await page.locator('#today').innerText();
  assert.match(home, /逾期未辦/);
  assert.match(home, /文化路人行道改善工程/, 'the demo overdue supervision');
  assert.match(home, /進行中/);
  assert.match(home, /垃圾轉運站設置地點/, 'the demo petition in progress');
  assert.match(home, /需填寫處理結果/, 'the card says what completing needs');
  await shot(page, 'officer-home');
  // Search by q.
  await page.locator('#q').fill('人行道');
  await page.locator('#search button[type=submit]').click();
  await page.locator('#results li.act').first().waitFor();
  for (const title of await page.locator('#results .act-title').allInnerTexts()) assert.match(title, /人行道/);
  await noRawCodes(page, 'search');
  // The record page shows every field of its kind, with separators.
  await page.locator('#results li.act', { hasText: '文化路人行道' }).locator('a').click();
  await page.locator('#details').waitFor();
  const d = await page.locator('#details').innerText();
  assert.match(d, /6,480,000/);
  assert.match(d, /案號/);
  assert.match(d, /工務處|處|局/);
  await shot(page, 'officer-record');
  await noRawCodes(page, 'record');
  await context.close();
});

test('officer completes a petition: the form asks for the outcome, then it is closed', async () => {
  const tok = await token(server.base, 'officer');
  const title = '陳情結案 e2e ' + Date.now();
  const a = await petition(server.base, tok, title);
  const { context, page } = await phone(browser, server.base, PHONE);
  await signIn(page, 'officer');
  await page.goto('/#/a/' + a.id);
  await page.locator('#activity').waitFor();
  await page.locator('#complete').click();
  await page.locator('#edit-form[data-mode="complete"]').waitFor();
  // Without the outcome, the form says so next to the field, before sending.
  await page.locator('#save').click();
  await page.locator('[data-path="petition.outcome"] .field-error', { hasText: '結案前必須填寫' }).waitFor();
  const focused = await page.evaluate(() => document.activeElement?.name);
  assert.equal(focused, 'outcome', 'the field with the problem has the focus');
  // The sticky header does not hide it.
  const [top, header] = await page.evaluate(() => [document.activeElement.getBoundingClientRect().top, document.querySelector('.top').getBoundingClientRect().bottom]);
  assert.ok(top >= header, `field top ${top} under the header (${header})`);
  await shot(page, 'officer-complete-missing');
  await noRawCodes(page, 'complete form');
  await page.locator('textarea[name=outcome]').fill('協調環保局到場說明，陳情人遞交陳情書後和平離去');
  await page.locator('#save').click();
  await page.locator('#activity').waitFor();
  const r = await api(server.base, 'GET', '/activities/' + a.id, { token: tok });
  assert.equal(r.json.status, 'completed');
  assert.match(r.json.petition.outcome, /和平離去/);
  assert.match(await page.locator('#details').innerText(), /和平離去/);
  await context.close();
});

test('officer edits a record a colleague changed meanwhile: server vs mine, keep mine', async () => {
  const tok = await token(server.base, 'officer');
  const title = '版本衝突 e2e ' + Date.now();
  const a = await petition(server.base, tok, title);
  const { context, page } = await phone(browser, server.base, PHONE);
  await signIn(page, 'officer');
  await page.goto('/#/edit/' + a.id);
  await page.locator('#edit-form').waitFor();
  // Meanwhile, on the server, the manager adds a note and corrects the head count:
  const mgr = await token(server.base, 'manager');
  const p = await api(server.base, 'PATCH', '/activities/' + a.id, { token: mgr, body: { version: a.version, notes: '主管補充：請洽環保局',
    petition: { ...a.petition, petitioners: 15 } } });
  assert.equal(p.status, 200, p.text);
  // The officer, on the copy they opened, changes the subject only.
  await page.locator('input[name=subject]').fill('反對垃圾轉運站設置於湖內里');
  await page.locator('#save').click();
  await page.locator('#conflict').waitFor();
  const c = await page.locator('#conflict').innerText();
  assert.match(c, /主管補充：請洽環保局/, 'the server copy is shown');
  assert.match(c, /湖內里/, 'and mine');
  assert.match(await page.locator('#conflict-count').innerText(), /共 3 個欄位不同，其中 1 個是您修改的/);
  // The screen says which differences are the officer's and which someone else's.
  const row = (label) => page.locator('#conflict tbody tr', { hasText: label });
  assert.equal(await row('陳情事由').getAttribute('class'), 'yours');
  assert.match(await row('陳情事由').innerText(), /您修改的/);
  assert.equal(await row('備註').getAttribute('class'), 'theirs');
  assert.equal(await row('陳情人數').getAttribute('class'), 'theirs');
  assert.match(await row('陳情人數').innerText(), /他人修改的/);
  await shot(page, 'officer-version-conflict');
  await noRawCodes(page, 'conflict');
  await page.locator('#keep-mine').click();
  await page.locator('#activity').waitFor();
  // Keep mine sent the officer's change on the server's version: the
  // manager's note and head count stay.
  const r = await api(server.base, 'GET', '/activities/' + a.id, { token: tok });
  assert.equal(r.json.petition.subject, '反對垃圾轉運站設置於湖內里');
  assert.equal(r.json.notes, '主管補充：請洽環保局');
  assert.equal(r.json.petition.petitioners, 15);
  assert.equal(r.json.version, a.version + 2);
  // The history says who changed what.
  const hist = page.locator('#history');
  await hist.locator('li', { hasText: '林政風' }).filter({ hasText: '陳情事由' }).waitFor();
  const ht = await hist.innerText();
  assert.match(ht, /黃處長（[^）]+）\s*修改了(備註、陳情人數|陳情人數、備註)/, ht);
  assert.match(ht, /林政風（[^）]+）\s*建立紀錄/, ht);
  await context.close();
});

test('the form: the agency\'s registered sites fill the site, a map preview without tiles, times within the server\'s bounds', async () => {
  const tok = await token(server.base, 'officer');
  const { context, page, problems } = await phone(browser, server.base, PHONE);
  await signIn(page, 'officer');
  await page.locator('#tabs a[href="#/new"]').click();
  await page.locator('#kind').selectOption('petition');
  const title = '登記地點 e2e ' + Date.now();
  await page.locator('#title').fill(title);
  // Before an agency is picked, the site list says what to do first.
  assert.match(await page.locator('#site-pick').innerText(), /請先選擇受稽機關/);
  await page.locator('#unit-search').fill('工務');
  await page.locator('#site-pick option', { hasText: '湖子內溪整治工區' }).waitFor({ state: 'attached' });
  await page.locator('#site-pick').selectOption({ label: '湖子內溪整治工區' });
  assert.equal(await page.locator('input[name=site_name]').inputValue(), '湖子內溪整治工區');
  assert.equal(await page.locator('input[name=address]').inputValue(), '嘉義市西區湖子內路');
  assert.equal(await page.locator('input[name=radius_m]').inputValue(), '300');
  // The preview: an inline SVG (no tiles, no inline styles) and a link to the phone's maps app.
  await page.locator('#form-map').waitFor();
  assert.equal(await page.locator('#form-map .map-fence').count(), 1);
  assert.equal(await page.locator('#form-map [style]').count(), 0);
  assert.match(await page.locator('#form-map-open').getAttribute('href'), /^https:\/\/www\.google\.com\/maps\/search\/\?api=1&query=23\.487000,120\.423000$/);
  assert.match(await page.locator('#form-map-open').innerText(), /在地圖中開啟/);
  assert.match(await page.locator('#form-map-box figcaption').innerText(), /打卡範圍半徑 300\s公尺/);
  await page.locator('label[for=site-pick]').evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await page.evaluate(() => window.scrollBy(0, -76));
  await shot(page, 'officer-form-site');
  // Times the server refuses are caught beside the field, in Chinese.
  await page.locator('input[name=petitioners]').fill('6');
  await page.locator('input[name=subject]').fill('工區夜間施工噪音');
  await page.locator('input[name=scheduled_at]').fill('2099-03-01T09:00');
  await page.locator('#save').click();
  await page.locator('[data-path="scheduled_at"] .field-error', { hasText: '不能晚於 2 年後' }).waitFor();
  await shot(page, 'officer-form-time-bounds');
  await noRawCodes(page, 'time bounds');
  await page.locator('input[name=scheduled_at]').fill('1911-12-31T09:00');
  await page.locator('#save').click();
  await page.locator('[data-path="scheduled_at"] .field-error', { hasText: '不能早於民國元年' }).waitFor();
  const when = new Date(Date.now() + 86_400_000);
  const pad = (n) => String(n).padStart(2, '0');
  await page.locator('input[name=scheduled_at]').fill(`${when.getFullYear()}-${pad(when.getMonth() + 1)}-${pad(when.getDate())}T09:30`);
  await page.locator('#save').click();
  await page.locator('#activity').waitFor();
  await waitQueueEmpty(page);
  const stored = await titled(server.base, tok, title);
  assert.equal(stored.length, 1);
  assert.deepEqual([stored[0].site.name, stored[0].site.lat, stored[0].site.lng, stored[0].site.radius_m], ['湖子內溪整治工區', 23.487, 120.423, 300]);
  // The record page: the preview with the phone's position once it is known.
  await page.reload();
  await page.locator('#record-map').waitFor();
  await page.locator('#arrive').click();
  await page.locator('#record-map .map-you').waitFor();
  assert.match(await page.locator('#record-map-box figcaption').innerText(), /範圍外，距離約 \d/);
  await page.locator('#history li', { hasText: '建立紀錄' }).waitFor();
  await page.locator('#record-map-box').evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await page.evaluate(() => window.scrollBy(0, -80));
  await shot(page, 'officer-record-map');
  // Once the check-in is sent, the history has the arrival and the start.
  await waitQueueEmpty(page);
  await page.reload();
  await page.locator('#history li', { hasText: '到達打卡' }).waitFor();
  assert.match(await page.locator('#history').innerText(), /林政風（[^）]+）\s*到場，紀錄轉為進行中/);
  await page.locator('#history').evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await page.evaluate(() => window.scrollBy(0, -80));
  await shot(page, 'officer-record-history');
  await noRawCodes(page, 'record with map');
  assert.deepEqual(problems.filter((p) => /Content Security Policy|Refused/.test(p)), [], 'no CSP violation');
  await context.close();
});

test('offline: a refused record opens in its form, is fixed and resent, and the check-in behind it follows', async () => {
  const tok = await token(server.base, 'officer');
  const { context, page } = await phone(browser, server.base, PHONE);
  await signIn(page, 'officer');
  await page.locator('#today').waitFor();
  await context.setOffline(true);
  // A petition queued without an agency (as an older version of the page let
  // through): the server will refuse it.
  const id = crypto.randomUUID();
  const title = '離線陳情 e2e ' + Date.now();
  await page.evaluate(async ({ id, title }) => {
    const q = await import('/static/js/queue.js');
    await q.enqueue({ op: 'createActivity', activityId: id, label: '陳情：' + title, payload: { activity: {
      id, kind: 'petition', title, scheduled_at: new Date().toISOString(),
      site: { name: '嘉義市政府', address: '嘉義市東區中山路199號', lat: 23.4801, lng: 120.4491, radius_m: 150 },
      petition: { petitioners: 8, subject: '公車路線調整' } } } });
  }, { id, title });
  await page.goto('/#/a/' + id);
  await page.locator('#activity').waitFor();
  await page.locator('#arrive').click();
  await page.waitForFunction(() => document.getElementById('queue').dataset.waiting === '2');
  await context.setOffline(false);
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  await page.waitForFunction(() => document.getElementById('queue').dataset.failed === '1', null, { timeout: 20_000 });
  const q = await page.locator('#queue').innerText();
  assert.match(q, /受稽機關／學校：必填/);
  assert.match(q, /等待前一筆/);
  await noRawCodes(page, 'queue');
  await page.evaluate(() => window.scrollTo(0, 0)); // the queue bar is under the header
  await shot(page, 'officer-queue-refused');
  await page.locator('#queue button', { hasText: '開啟修正' }).click();
  await page.locator('#fix-intro').waitFor();
  assert.match(await page.locator('#err-unit_id').innerText(), /必填/);
  assert.equal(await page.locator('input[name=subject]').inputValue(), '公車路線調整', 'nothing typed was lost');
  await page.locator('#unit-search').fill('政風');
  await page.locator('#unit').selectOption({ index: 1 });
  await shot(page, 'officer-queue-fix');
  await page.locator('#save').click();
  await waitQueueEmpty(page);
  const stored = await titled(server.base, tok, title);
  assert.equal(stored.length, 1);
  const cs = await api(server.base, 'GET', `/activities/${id}/checkins`, { token: tok });
  assert.equal(cs.json.items.length, 1, 'the check-in queued behind it followed');
  await shot(page, 'officer-queue-fixed');
  await context.close();
});

test('放棄 asks first and keeps a copy that can be restored', async () => {
  const { context, page } = await phone(browser, server.base, PHONE);
  await signIn(page, 'officer');
  await page.locator('#today').waitFor();
  const id = crypto.randomUUID();
  const title = '放棄復原 e2e ' + Date.now();
  await page.evaluate(async ({ id, title }) => {
    const q = await import('/static/js/queue.js');
    await q.enqueue({ op: 'createActivity', activityId: id, label: '陳情：' + title, payload: { activity: {
      id, kind: 'petition', title, scheduled_at: new Date().toISOString(), petition: { petitioners: 3, subject: '學區調整' } } } });
  }, { id, title });
  await page.waitForFunction(() => document.getElementById('queue').dataset.failed === '1', null, { timeout: 20_000 });
  await page.locator('#queue button', { hasText: '放棄' }).click();
  await page.locator('#queue .q-confirm').waitFor();
  assert.equal((await queueState(page)).failed, 1, 'nothing discarded before the confirmation');
  await page.locator('#queue button', { hasText: '確定放棄' }).click();
  await waitQueueEmpty(page);
  await page.goto('/#/today');
  await page.locator('#discarded li', { hasText: title }).waitFor();
  await page.locator('#discarded li', { hasText: title }).locator('button').click();
  await page.waitForFunction(() => document.getElementById('queue').dataset.failed === '1', null, { timeout: 20_000 });
  await context.close();
});

test('a photo is downscaled to 2048 px JPEG on the phone', async () => {
  const { context, page } = await phone(browser, server.base, PHONE);
  await signIn(page, 'officer');
  await page.locator('#today').waitFor();
  const out = await page.evaluate(async () => {
    const { downscale } = await import('/static/js/screens/records.js');
    const c = document.createElement('canvas'); c.width = 4000; c.height = 3000;
    c.getContext('2d').fillRect(0, 0, 10, 10);
    const blob = await new Promise((r) => c.toBlob(r, 'image/png'));
    const file = new File([blob], 'big.png', { type: 'image/png' });
    const r = await downscale(file);
    return { type: r.blob.type, name: r.name, w: r.width, h: r.height };
  });
  assert.deepEqual(out, { type: 'image/jpeg', name: 'big.jpg', w: 2048, h: 1536 });
  await context.close();
});

// An officer signs in, creates a procurement supervision, checks in with a
// mocked position, attaches a photo, goes offline, creates a record, comes
// back online and sees it synced exactly once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, phone, shot, api, token, signIn, queueState, waitQueueEmpty, missingRoute, HERE } from './harness.js';

let server, browser;
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
  await page.locator('input[name=lat]').fill(String(HERE.latitude));
  await page.locator('input[name=lng]').fill(String(HERE.longitude));
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
  const { context, page, problems } = await phone(browser, server.base);
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
  const { context, page } = await phone(browser, server.base);
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
  const { context, page } = await phone(browser, server.base);
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

  // Complete the record.
  await page.locator('#complete').click();
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
  const { context, page } = await phone(browser, server.base);
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
  await context.setOffline(false);
  await page.reload();
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

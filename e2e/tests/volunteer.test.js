// A volunteer registers and waits for approval; an admin approves; the demo
// volunteer signs up for a published outreach event and checks in.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startServer, launch, phone, shot, api, token, signIn, waitQueueEmpty, missingRoute, HERE } from './harness.js';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.stop(); });

test('a volunteer registers, waits as pending, and is approved by an admin', async () => {
  const vol = await phone(browser, server.base);
  const username = 'vol' + Date.now();
  await vol.page.goto('/#/register');
  const f = vol.page.locator('#register-form');
  await f.locator('input[name=username]').fill(username);
  await f.locator('input[name=password]').fill('a-long-passphrase-2026');
  await f.locator('input[name=display_name]').fill('李志工');
  await f.locator('input[name=phone]').fill('0912-000-111');
  await f.locator('input[name=email]').fill('li@example.org');
  await f.locator('button[type=submit]').click();
  await vol.page.locator('#pending').waitFor();
  assert.match(await vol.page.locator('#pending').innerText(), /審核/);
  assert.equal(await vol.page.locator('#tabs').isHidden(), true, 'a pending volunteer gets no tabs');
  await shot(vol.page, 'volunteer-pending');

  // The admin lists pending volunteers and approves this one.
  const adm = await phone(browser, server.base);
  await signIn(adm.page, 'admin');
  await adm.page.locator('#tabs a[href="#/approvals"]').click();
  const row = adm.page.locator(`#approvals li[data-user="${username}"]`);
  await row.locator('button').click();
  await waitQueueEmpty(adm.page);
  const me = await api(server.base, 'POST', '/auth/login', { body: { username, password: 'a-long-passphrase-2026' } });
  assert.equal(me.json.user.status, 'active');
  await adm.context.close();

  // The volunteer's screen follows once asked again.
  await vol.page.locator('#pending button').click();
  await vol.page.locator('#tabs a[href="#/events"]').waitFor();
  await vol.context.close();
});

test('a volunteer signs up for a published event and checks in', async (t) => {
  const off = await token(server.base, 'officer');
  const units = await api(server.base, 'GET', '/units', { token: off });
  // Half an hour ahead: sign-ups are still open and check-in already is
  // (volunteers check in from 1 h before the start to 1 h after the end).
  const soon = new Date(Date.now() + 30 * 60_000);
  const start = soon.toISOString();
  const end = new Date(soon.getTime() + 2 * 3_600_000).toISOString();
  const made = await api(server.base, 'POST', '/activities', { token: off, body: {
    id: crypto.randomUUID(), kind: 'outreach_event', title: '反貪宣導 e2e ' + Date.now(), unit_id: units.json.items[0].id,
    scheduled_at: start, site: { name: '嘉義市政府前廣場', address: '嘉義市東區中山路199號', lat: HERE.latitude, lng: HERE.longitude, radius_m: 200 },
    event: { scale: 'large', audience: '市民', participants: 0, volunteer_capacity: 3, published: true, ends_at: end },
  } });
  if (missingRoute(made)) {
    t.skip('POST /api/v1/activities answers 404: activities and sign-ups are not merged yet');
    return;
  }
  assert.equal(made.status, 201, made.text);
  const ev = made.json;
  const { context, page } = await phone(browser, server.base);
  await signIn(page, 'volunteer');
  const card = page.locator(`#events li[data-id="${ev.id}"]`);
  await card.waitFor();
  assert.match(await card.innerText(), /尚餘名額 3/);
  await card.locator(`button[data-signup="${ev.id}"]`).click();
  await waitQueueEmpty(page);
  const roster = await api(server.base, 'GET', `/activities/${ev.id}/signups`, { token: off });
  assert.equal(roster.status, 200, roster.text);
  assert.equal(roster.json.items.length, 1);
  await page.reload();
  assert.match(await page.locator(`#events li[data-id="${ev.id}"]`).innerText(), /尚餘名額 2/);
  await shot(page, 'volunteer-signed-up');

  await page.locator(`#events li[data-id="${ev.id}"] a.act-link`).click();
  await page.locator('#arrive').click();
  await page.locator('#checkins li[data-geofence="inside"]').waitFor({ timeout: 20_000 });
  assert.match(await page.locator('#checkin-window').innerText(), /簽到時間/);
  await page.locator('#tabs a[href="#/hours"]').click();
  await page.locator('#total-hours').waitFor();
  // Arrived inside the geofence: the attendance counts without a manager.
  await page.locator('#hours li[data-attendance="confirmed"]').first().waitFor();
  await shot(page, 'volunteer-hours');
  await context.close();
});


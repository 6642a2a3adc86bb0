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
  assert.match(await card.innerText(), /嘉義市政府前廣場/);
  assert.equal(await card.locator('a.maps').getAttribute('href'), 'https://maps.google.com/?q=' + encodeURIComponent('嘉義市東區中山路199號'));
  await card.locator(`button[data-signup="${ev.id}"]`).click();
  // The card shows the server's new state without a reload.
  await page.locator(`#events li[data-id="${ev.id}"][data-state="signed"]`).waitFor();
  assert.match(await page.locator(`#events li[data-id="${ev.id}"]`).innerText(), /尚餘名額 2/);
  assert.equal(await page.locator(`#events li[data-id="${ev.id}"] button[data-signup]`).count(), 0, 'no 報名 once signed up');
  assert.equal(await page.locator(`#events li[data-id="${ev.id}"] button[data-cancel]`).count(), 1);
  const roster = await api(server.base, 'GET', `/activities/${ev.id}/signups`, { token: off });
  assert.equal(roster.status, 200, roster.text);
  assert.equal(roster.json.items.length, 1);
  await page.reload();
  assert.match(await page.locator(`#events li[data-id="${ev.id}"]`).innerText(), /尚餘名額 2/);
  await shot(page, 'volunteer-signed-up');

  // The card itself shows the state and, within the check-in window, 簽到.
  const signed = page.locator(`#events li[data-id="${ev.id}"]`);
  assert.equal(await signed.getAttribute('data-state'), 'signed');
  await signed.locator(`button[data-arrive="${ev.id}"]`).click();
  await signed.locator('.vol-done', { hasText: '已簽到' }).waitFor({ timeout: 20_000 });
  const checks = await api(server.base, 'GET', `/activities/${ev.id}/checkins`, { token: off });
  assert.equal(checks.json.items.filter((c) => c.type === 'arrive').length, 1, checks.text);
  await page.locator('#tabs a[href="#/hours"]').click();
  await page.locator('#total-hours').waitFor();
  // Arrived inside the geofence: the attendance counts without a manager.
  await page.locator('#hours li[data-attendance="confirmed"]').first().waitFor();
  // 民國 years, hours as 時:分, and the year's certificate.
  const roc = new Date().getFullYear() - 1911;
  assert.match(await page.locator('#hours-year option:checked').innerText(), new RegExp('民國 ' + roc + ' 年'));
  assert.match(await page.locator('#total-hours').innerText(), /\d+:\d\d（時:分）/);
  assert.doesNotMatch(await page.locator('#hours').innerText(), /\d\.\d+ ?(小時|h)/, 'no decimal hours');
  assert.match(await page.locator('#certificate').innerText(), new RegExp('茲證明 王志工 於民國 ' + roc + ' 年'));
  await page.locator('#hours-year').selectOption(String(new Date().getFullYear() - 1));
  await page.locator('#certificate', { hasText: '民國 ' + (roc - 1) + ' 年' }).waitFor();
  await shot(page, 'volunteer-hours');
  await context.close();
});


/** makeEvent creates an event as the officer; offsets are minutes from now. */
async function makeEvent(off, unitId, { kind = 'outreach_event', startIn, hours = 2, capacity = 3, title }) {
  const start = new Date(Date.now() + startIn * 60_000);
  const r = await api(server.base, 'POST', '/activities', { token: off, body: {
    id: crypto.randomUUID(), kind, title: title + ' ' + Date.now(), unit_id: unitId, scheduled_at: start.toISOString(),
    site: { name: '嘉義市文化公園', address: '嘉義市東區忠孝路', lat: HERE.latitude, lng: HERE.longitude, radius_m: 200 },
    event: { scale: 'regular', audience: '市民', participants: 0, volunteer_capacity: capacity, published: true,
      ends_at: new Date(start.getTime() + hours * 3_600_000).toISOString() },
  } });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

test('each event says what the volunteer can do: full, no sign-ups, ended, too early to check in', async () => {
  const off = await token(server.base, 'officer');
  const vt = await token(server.base, 'volunteer');
  const unitId = (await api(server.base, 'GET', '/units', { token: off })).json.items[0].id;
  const far = await makeEvent(off, unitId, { startIn: 21 * 24 * 60, title: '三週後宣導' });
  const full = await makeEvent(off, unitId, { startIn: 3 * 24 * 60, capacity: 0, title: '額滿宣導' });
  const promo = await makeEvent(off, unitId, { kind: 'ethics_promotion', startIn: 2 * 24 * 60, capacity: 0, title: '廉政倫理規範宣導' });
  const past = await makeEvent(off, unitId, { startIn: -3 * 24 * 60, title: '上週宣導' });
  // The volunteer holds a place three weeks ahead: no check-in yet.
  assert.equal((await api(server.base, 'POST', `/activities/${far.id}/signups`, { token: vt, body: {} })).status, 201);

  const { context, page, problems } = await phone(browser, server.base);
  await signIn(page, 'volunteer');
  const card = (id) => page.locator(`#events li[data-id="${id}"]`);
  await card(far.id).waitFor();
  assert.equal(await card(far.id).getAttribute('data-state'), 'signed');
  assert.match(await card(far.id).innerText(), /已報名/);
  assert.equal(await card(far.id).locator('button[data-arrive]').count(), 0, 'no check-in three weeks ahead');
  assert.match(await card(far.id).innerText(), /起簽到/);
  assert.equal(await card(full.id).getAttribute('data-state'), 'full');
  assert.match(await card(full.id).innerText(), /已額滿/);
  assert.equal(await card(full.id).locator('button').count(), 0);
  assert.equal(await card(promo.id).getAttribute('data-state'), 'none');
  assert.match(await card(promo.id).innerText(), /不開放報名/);
  assert.equal(await card(promo.id).locator('button').count(), 0);
  // Past events are listed apart, below the upcoming ones.
  assert.equal(await page.locator(`#events-past li[data-id="${past.id}"][data-state="ended"]`).count(), 1);
  assert.equal(await page.locator(`#events-upcoming li[data-id="${past.id}"]`).count(), 0);
  assert.match(await card(past.id).innerText(), /已結束/);
  assert.doesNotMatch(await page.locator('#events').innerText(), /\b(null|undefined|NaN)\b/);
  // Upcoming in time order: the one in two days before the one in three weeks.
  const order = await page.locator('#events-upcoming > li').evaluateAll((ls) => ls.map((l) => l.dataset.id));
  assert.ok(order.indexOf(promo.id) < order.indexOf(far.id), order.join());

  // Cancelling shows the server's new state: open again.
  await card(far.id).locator('button[data-cancel]').click();
  await page.locator(`#events li[data-id="${far.id}"][data-state="open"]`).waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test('a full event says 名額已滿 in Chinese, never capacity_full', async () => {
  const off = await token(server.base, 'officer');
  const unitId = (await api(server.base, 'GET', '/units', { token: off })).json.items[0].id;
  const ev = await makeEvent(off, unitId, { startIn: 5 * 24 * 60, capacity: 1, title: '最後一席' });
  const { context, page } = await phone(browser, server.base);
  await signIn(page, 'volunteer');
  await page.locator(`#events li[data-id="${ev.id}"][data-state="open"]`).waitFor();
  // Someone else takes the last place while the page is open.
  await takeLastPlace(ev.id);
  await page.locator(`button[data-signup="${ev.id}"]`).click();
  const card = page.locator(`#events li[data-id="${ev.id}"]`);
  // The message stays and the card shows the server's state: full.
  await page.locator(`#events li[data-id="${ev.id}"][data-state="full"] .error`, { hasText: '名額已滿' }).waitFor();
  assert.equal(await card.locator('button[data-signup]').count(), 0);
  await shot(page, 'volunteer-capacity-full');
  assert.doesNotMatch(await page.locator('body').innerText(), /capacity_full/);
  await context.close();
});

/** takeLastPlace registers and approves another volunteer who signs up. */
export async function takeLastPlace(id) {
  const username = 'other' + Date.now();
  const password = 'another-passphrase-2026';
  const reg = await api(server.base, 'POST', '/volunteers/register', { body: { username, password, display_name: '陳志工', phone: '0912-111-222', email: username + '@example.org' } });
  assert.equal(reg.status, 201, reg.text);
  const adm = await token(server.base, 'admin');
  const uid = reg.json.id || reg.json.user?.id;
  assert.equal((await api(server.base, 'POST', `/users/${uid}/approve`, { token: adm })).status, 200);
  const other = await token(server.base, [username, password]);
  const s = await api(server.base, 'POST', `/activities/${id}/signups`, { token: other, body: {} });
  assert.equal(s.status, 201, s.text);
}

test("an event's own page offers 簽到/簽退 only in the check-in window (start − 1 h … end + 1 h)", async () => {
  const off = await token(server.base, 'officer');
  const vt = await token(server.base, 'volunteer');
  const unitId = (await api(server.base, 'GET', '/units', { token: off })).json.items[0].id;
  const later = await makeEvent(off, unitId, { startIn: 3 * 60, title: '三小時後宣導' });
  const soon = await makeEvent(off, unitId, { startIn: 50, title: '即將開始宣導' });
  for (const ev of [later, soon]) assert.equal((await api(server.base, 'POST', `/activities/${ev.id}/signups`, { token: vt, body: {} })).status, 201);

  const { context, page, problems } = await phone(browser, server.base);
  await signIn(page, 'volunteer');
  // Three hours ahead: the window opens in two hours; no check-in button of any kind.
  await page.goto('/#/a/' + later.id);
  await page.locator('#activity').waitFor();
  await page.locator('#activity .vol-state').waitFor();
  assert.equal(await page.locator('#activity button[data-arrive], #activity button[data-depart], #arrive, #depart').count(), 0,
    'no 到達/離開 outside the window');
  assert.match(await page.locator('#checkin-window').innerText(), /簽到時間/);
  // Fifty minutes ahead: inside the window (it opened ten minutes ago).
  await page.goto('/#/a/' + soon.id);
  await page.locator(`#activity[data-id="${soon.id}"] button[data-arrive]`).waitFor();
  assert.equal(await page.locator('#activity button[data-depart]').count(), 1);
  await page.locator('#activity button[data-arrive]').click();
  await page.locator('#activity .vol-state', { hasText: '已簽到' }).waitFor();
  const checks = await api(server.base, 'GET', `/activities/${soon.id}/checkins`, { token: off });
  assert.equal(checks.json.items.filter((c) => c.type === 'arrive').length, 1, checks.text);
  assert.deepEqual(problems, []);
  await context.close();
});

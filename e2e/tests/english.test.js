// The English switch: an officer and a volunteer walk their screens in
// English. Every label, button, heading and message is English (the data —
// agency names, titles — stays as typed), no dictionary key or error code
// shows raw, and switching back gives Chinese again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, phone, shot, signIn, api, token, HERE } from './harness.js';

let server, browser;
const PHONE = { viewport: { width: 390, height: 844 } };
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.stop(); });

const CJK = /[\u3400-\u9fff\u3000-\u303f\uff01-\uff5e]/;

/** chrome is the text the page itself writes (not the data): labels,
 * buttons, headings, hints, messages, table heads, tabs. */
async function chromeTexts(page) {
  return page.evaluate(() => {
    const sel = 'label, button, legend, summary, h2 .static, h3, th[scope=col], .hint, .field-error, .notice, .next-step, #tabs a, .badge, figcaption, .or, #conflict-count, .who, .h-what';
    return [...document.querySelectorAll(sel)].map((el) => {
      // The data inside a label (a select's options, a typed value) is not the label.
      const c = el.cloneNode(true);
      for (const x of c.querySelectorAll('select, option, input, textarea')) x.remove();
      return { sel: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className ? '.' + String(el.className).split(' ')[0] : ''), text: c.textContent.trim() };
    }).filter((x) => x.text);
  });
}

/** english fails when the page shows Chinese chrome, a raw dictionary key or an error code. */
async function english(page, where) {
  // The switch back says 中文 in Chinese, as language switches do.
  const bad = (await chromeTexts(page)).filter((x) => x.sel !== 'button#lang-switch.ghost' && CJK.test(x.text.replace(/（[^）]*）|「[^」]*」/g, '')));
  // Text that quotes data (a person's name, a place) in brackets is fine; the rest must be English.
  assert.deepEqual(bad.filter((x) => !/林政風|黃處長|王志工|嘉義|工務|湖子內|宣導|陳情|測試/.test(x.text)), [], `${where}: Chinese in English mode`);
  const body = await page.locator('body').innerText();
  const raw = /\b(validation_failed|not_found|version_conflict|unauthenticated|capacity_full|forbidden|[a-z]+_[a-z]+(_[a-z]+)*)\b/.exec(body);
  assert.equal(raw, null, `${where}: raw key or code on screen: ${raw?.[0]}`);
  assert.doesNotMatch(body, /\b(undefined|null|NaN)\b/, where);
}

test('English mode: the officer walks home, a form with its errors, a record with its map and history', async () => {
  const { context, page, problems } = await phone(browser, server.base, PHONE);
  await signIn(page, 'officer');
  await page.locator('#today').waitFor();
  await page.locator('#lang-switch').click();
  await page.locator('#tabs a', { hasText: 'Today & upcoming' }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  await page.locator('#today h2', { hasText: 'In progress' }).waitFor();
  await english(page, 'home');
  // The form, refused before sending: English sentences beside the fields.
  await page.locator('#tabs a[href="#/new"]').click();
  await page.locator('#kind').selectOption('petition');
  await page.locator('input[name=scheduled_at]').fill('2099-03-01T09:00');
  await page.locator('#save').click();
  await page.locator('[data-path="title"] .field-error', { hasText: 'Required.' }).waitFor();
  assert.match(await page.locator('[data-path="scheduled_at"] .field-error').innerText(), /At most 2 years ahead/);
  assert.match(await page.locator('label[for=site-pick]').innerText(), /Registered sites of the agency/);
  await english(page, 'form with errors');
  await page.locator('#unit-search').fill('工務');
  await page.locator('#site-pick option', { hasText: '湖子內溪整治工區' }).waitFor({ state: 'attached' });
  await page.locator('#site-pick').selectOption({ label: '湖子內溪整治工區' });
  await page.locator('#form-map').waitFor();
  assert.match(await page.locator('#form-map-open').innerText(), /Open in maps/);
  await english(page, 'form with a site');
  await shot(page, 'english-form');
  // A record with its history and map.
  const tok = await token(server.base, 'officer');
  const units = (await api(server.base, 'GET', '/units?limit=200', { token: tok })).json.items;
  const r = await api(server.base, 'POST', '/activities', { token: tok, body: { id: crypto.randomUUID(), kind: 'petition', title: '陳情 English ' + Date.now(),
    unit_id: units[0].id, scheduled_at: new Date(Date.now() + 3_600_000).toISOString(),
    site: { name: '嘉義市政府', address: '嘉義市東區中山路199號', lat: HERE.latitude, lng: HERE.longitude, radius_m: 150 },
    petition: { petitioners: 3, subject: '路燈不亮' } } });
  assert.equal(r.status, 201, r.text);
  await page.goto('/#/a/' + r.json.id);
  await page.locator('#history li', { hasText: 'created the record' }).waitFor();
  await page.locator('#record-map').waitFor();
  await english(page, 'record');
  await shot(page, 'english-record');
  // Back to Chinese.
  await page.locator('#lang-switch').click();
  await page.locator('#history li', { hasText: '建立紀錄' }).waitFor();
  assert.deepEqual(problems.filter((p) => !/404|Failed to load resource/.test(p)), []);
  await context.close();
});

test('English mode: the volunteer sees events and hours in English', async () => {
  const { context, page, problems } = await phone(browser, server.base, PHONE);
  await signIn(page, 'volunteer');
  await page.locator('#events').waitFor();
  await page.locator('#lang-switch').click();
  await page.locator('#events h2', { hasText: 'Upcoming events' }).waitFor();
  await english(page, 'events');
  await page.locator('#tabs a', { hasText: 'My hours' }).click();
  await page.locator('#certificate').waitFor();
  await english(page, 'hours');
  await shot(page, 'english-hours');
  await page.locator('#lang-switch').click();
  assert.deepEqual(problems, []);
  await context.close();
});

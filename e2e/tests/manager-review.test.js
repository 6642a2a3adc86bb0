// 核閱, rejections and the KPI drill-down, at a phone and at a 1280-px
// desktop: a manager approves one completed record and returns another with
// a comment; rejects a volunteer application with a reason the applicant
// then reads at sign-in; opens a KPI to see its months and its records.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, phone, shot, signIn, api, token } from './harness.js';
import { SIZES, assertClean, open, serious } from './manager-helpers.js';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.stop(); });

/** completedRecord makes an infosec audit completed an hour ago, as an officer. */
async function completedRecord(title) {
  const off = await token(server.base, 'officer');
  const units = await api(server.base, 'GET', '/units', { token: off });
  const at = new Date(Date.now() - 3_600_000).toISOString();
  const r = await api(server.base, 'POST', '/activities', { token: off, body: {
    id: crypto.randomUUID(), kind: 'infosec_audit', title, unit_id: units.json.items[0].id, scheduled_at: at,
    status: 'completed', completed_at: at, notes: '依資通安全稽核檢核表逐項檢查。',
    checklist: [{ item: '帳號密碼定期更換', result: 'pass' }, { item: '電腦螢幕保護程式', result: 'fail', note: '2 台未設定，已請資訊室處理' }],
  } });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

for (const size of SIZES) {
  test(`review: approve one record, return another with a comment (${size.name})`, async () => {
    const stamp = `${size.name}-${Date.now()}`;
    const ok = await completedRecord(`資安稽核（通過）${stamp}`);
    const back = await completedRecord(`資安稽核（退回）${stamp}`);
    const { context, page, problems } = await phone(browser, server.base, size.opts);
    await signIn(page, 'manager');
    await page.locator('#tabs a[href="#/review"]').click();
    await page.locator('#review-list li').first().waitFor();
    // The queue is oldest first: the demo's waiting records come before today's.
    const dates = await page.locator('#review-list li').evaluateAll((lis) => lis.map((li) => li.dataset.id));
    assert.ok(dates.length >= 2, 'the demo has records waiting for review');
    await assertClean(`review queue ${size.name}`, page);
    await shot(page, `manager-review-queue-${size.name}`);

    // Search finds today's two.
    await page.locator('#rv-q').fill(stamp);
    await page.locator('#review form button[type=submit]').click();
    await page.locator(`#review[data-q="${stamp}"] #review-list li[data-id="${ok.id}"]`).waitFor();
    assert.equal(await page.locator('#review-list li').count(), 2);
    assert.match(await page.locator(`#review-list li[data-id="${ok.id}"]`).innerText(), /待核閱/);

    // Approve the first: the record read-only, then 核閱通過.
    await page.locator(`#review-list li[data-id="${ok.id}"] a`).click();
    await page.locator('#rv-fields').waitFor();
    assert.match(await page.locator('#rv-fields').innerText(), /電腦螢幕保護程式：不合格（2 台未設定/);
    await assertClean(`review record ${size.name}`, page);
    await shot(page, `manager-review-record-${size.name}`);
    await page.locator('#rv-approve').click();
    await page.locator('#review-list').waitFor();
    const got = await api(server.base, 'GET', '/activities/' + ok.id, { token: await token(server.base, 'manager') });
    assert.equal(got.json.review_status, 'approved');

    // Return the second: the comment is required.
    await open(page, '#/rv/' + back.id, '#rv-decide');
    await page.locator('#rv-return').click();
    assert.match(await page.locator('#rv-error').innerText(), /退回補正時請填寫核閱意見/);
    await page.locator('#rv-comment').fill('螢幕保護程式未設定的 2 台，請補上改善後的照片再結案。');
    await page.locator('#rv-return').click();
    await page.locator('#review-list').waitFor();
    // The queue updated: neither record waits any more.
    await open(page, `#/review?review=pending&q=${encodeURIComponent(stamp)}`, `#review[data-review="pending"][data-q="${stamp}"] #review-list li`);
    assert.equal(await page.locator('#review-list li[data-id]').count(), 0);
    await open(page, `#/review?review=returned&q=${encodeURIComponent(stamp)}`, `#review-list li[data-id="${back.id}"]`);
    const off = await api(server.base, 'GET', '/activities/' + back.id, { token: await token(server.base, 'officer') });
    assert.equal(off.json.review_status, 'returned');
    assert.equal(off.json.status, 'in_progress', 'returned reopens the record for its owner');
    assert.match(off.json.review_comment, /請補上改善後的照片/);
    assert.deepEqual(serious(problems), []);
    await context.close();
  });

  test(`approvals: reject with a reason; the applicant reads it at sign-in (${size.name})`, async () => {
    const username = `e2e.reject.${size.name}.${Date.now() % 100000}`;
    const reg = await api(server.base, 'POST', '/volunteers/register', { body: {
      username, password: 'a-long-passphrase-2026', display_name: size.name === 'phone' ? '林申請' : '王申請', phone: '0912-000-222', email: `${size.name}@example.org` } });
    assert.equal(reg.status, 201, reg.text);
    const { context, page, problems } = await phone(browser, server.base, size.opts);
    await signIn(page, 'manager');
    await page.locator('#tabs a[href="#/approvals"]').click();
    const row = page.locator(`#approvals li[data-user="${username}"]`);
    await row.locator('a.reject').click();
    await page.locator('#reject-form').waitFor();
    await page.locator('#reject-form button[type=submit]').click();
    assert.match(await page.locator('#reject-error').innerText(), /請填寫不核准的原因/);
    await page.locator('#reject-reason').fill('本年度志工名額已滿，歡迎明年再報名。');
    await page.locator('#reject-form button[type=submit]').click();
    await page.locator('#approvals').waitFor();
    // Rejected ones are listed apart, with their reason.
    await page.locator(`#rejected li[data-user="${username}"]`).waitFor();
    assert.match(await page.locator(`#rejected li[data-user="${username}"]`).innerText(), /原因：本年度志工名額已滿/);
    assert.equal(await page.locator(`#pending-list li[data-user="${username}"]`).count(), 0);
    await assertClean(`approvals with a rejection ${size.name}`, page);
    await shot(page, `manager-approvals-rejected-${size.name}`);
    await context.close();

    // The applicant signs in: the reason, in Chinese, and no way in.
    const vol = await phone(browser, server.base, size.opts);
    await vol.page.goto('/');
    await vol.page.locator('#login-form input[name=username]').fill(username);
    await vol.page.locator('#login-form input[name=password]').fill('a-long-passphrase-2026');
    await vol.page.locator('#login-form button[type=submit]').click();
    const err = vol.page.locator('#login-form .error');
    await err.filter({ hasText: '未獲核准' }).waitFor();
    assert.match(await err.innerText(), /您的廉政志工申請未獲核准。原因：本年度志工名額已滿，歡迎明年再報名。/);
    assert.equal(await vol.page.locator('#tabs').isHidden(), true);
    await assertClean(`rejected sign-in ${size.name}`, vol.page);
    await shot(vol.page, `volunteer-rejected-sign-in-${size.name}`);
    assert.deepEqual(serious([...problems, ...vol.problems]), []);
    await vol.context.close();
  });

  test(`KPI drill-down: months against the pro-rated target, the records behind the number (${size.name})`, async () => {
    const { context, page, problems } = await phone(browser, server.base, size.opts);
    await signIn(page, 'manager');
    await open(page, '#/kpi?y=110', '#kpi-table');
    await page.locator('#kpi h2', { hasText: '民國 110 年' }).waitFor();
    await page.locator('#kpi-table tr[data-code="procurement_supervisions"] a.kpi-link').click();
    await page.locator('#kd-chart svg').waitFor();
    assert.equal(await page.locator('#kd-chart rect.bar-month').count(), 12);
    // The months add up to the year's number.
    const months = await page.locator('#kd-months tbody tr').evaluateAll((trs) => trs.map((tr) => Number(tr.cells[1].textContent.replace(/[^\d]/g, ''))));
    assert.equal(months.reduce((a, b) => a + b, 0), 259);
    assert.equal(await page.locator('#kd-records li[data-id]').count(), 20);
    assert.match(await page.locator('#kd-total').innerText(), /共 259 筆/);
    await page.locator('#kd-more').click();
    await page.waitForFunction(() => document.querySelectorAll('#kd-records li[data-id]').length === 40);
    await assertClean(`drill-down ${size.name}`, page);
    await page.locator('#kd-chart').scrollIntoViewIfNeeded();
    await shot(page, `manager-kpi-drilldown-${size.name}`);

    // One agency: fewer records.
    await page.locator('#kd-unit').selectOption({ label: '嘉義市政府工務處' });
    await page.locator('#kpi-detail form button[type=submit]').click();
    await page.locator('#kpi-detail:not([data-unit=""]) #kd-months').waitFor({ state: 'attached' });
    const pw = await page.locator('#kd-months tbody tr').evaluateAll((trs) => trs.reduce((s, tr) => s + Number(tr.cells[1].textContent.replace(/[^\d]/g, '')), 0));
    assert.ok(pw > 0 && pw < 259, `one agency: ${pw}`);
    assert.deepEqual(serious(problems), []);
    await context.close();
  });
}

// The owner reads a returned record's comment on their record page and in
// its history.
test('the officer sees the manager\'s comment on a returned record', async () => {
  const rec = await completedRecord(`資安稽核（退回給承辦人）${Date.now()}`);
  const mgr = await token(server.base, 'manager');
  const r = await api(server.base, 'POST', `/activities/${rec.id}/review`, { token: mgr, body: { decision: 'returned', comment: '請補附稽核紀錄表掃描檔。', version: rec.version } });
  assert.equal(r.status, 200, r.text);
  const { context, page } = await phone(browser, server.base, SIZES[0].opts);
  await signIn(page, 'officer');
  await open(page, '#/a/' + rec.id, '#review-note');
  assert.match(await page.locator('#review-note').innerText(), /主管退回補正[\s\S]*請補附稽核紀錄表掃描檔/);
  await page.locator('#history li[data-action="activity.review_returned"]').waitFor();
  assert.match(await page.locator('#history li[data-action="activity.review_returned"]').innerText(), /退回補正[\s\S]*請補附稽核紀錄表掃描檔/);
  await shot(page, 'officer-returned-record');
  await context.close();
});

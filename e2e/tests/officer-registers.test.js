// The officer's registers on a 390×844 phone: an ethics-code registration
// in a few taps (late ones flagged 逾期通報 before and after saving), a
// lobbying form without a value, a registration made offline and stored
// once, an opinion visit completed with its questionnaire, and an early
// warning raised from a procurement with uncorrected deficiencies and
// followed to its close. Every new screen is checked with axe.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { startServer, launch, phone, shot, api, token, signIn, waitQueueEmpty, HERE } from './harness.js';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core'), 'utf8');
const PHONE = { viewport: { width: 390, height: 844 } };

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.stop(); });

/** clean fails on axe serious/critical problems, small targets or raw codes. */
async function clean(page, where) {
  await page.waitForLoadState('networkidle');
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.evaluate(axeSource);
  const v = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.filter((x) => x.impact === 'serious' || x.impact === 'critical')
      .map((x) => `${x.impact} ${x.id}: ${x.nodes.slice(0, 4).map((n) => n.target.join(' ')).join(' | ')}`);
  });
  assert.deepEqual(v, [], `${where}: axe serious/critical`);
  const small = await page.evaluate(() => [...document.querySelectorAll('button, a[href], label.choice')]
    .filter((el) => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden')
    .map((el) => ({ el, r: el.getBoundingClientRect() }))
    .filter(({ r }) => r.width < 44 || r.height < 44)
    .map(({ el, r }) => `${Math.round(r.width)}×${Math.round(r.height)} ${el.outerHTML.slice(0, 80)}`));
  assert.deepEqual(small, [], `${where}: touch targets under 44 px`);
  const text = await page.locator('body').innerText();
  const raw = /\b(validation_failed|not_found|version_conflict|conflict|gift|hospitality|lobbying|reported_to_superior_only|handed_to_agency|organisation|procurement|following_up|submitted|draft|closed|citizen|contractor|opinion_visit|null|undefined|NaN)\b|must be|required/.exec(text);
  assert.equal(raw, null, `${where}: raw code on screen: ${raw?.[0]}`);
}

// Today and n days ago as the office counts days (Asia/Taipei).
const officeDay = (daysAgo = 0) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Taipei', year: 'numeric', month: '2-digit', day: '2-digit' })
  .format(new Date(Date.now() - daysAgo * 86_400_000));

async function regsOf(tok, description) {
  const r = await api(server.base, 'GET', '/ethics-registrations?limit=200', { token: tok });
  assert.equal(r.status, 200, r.text);
  return r.json.items.filter((x) => x.description === description);
}

test('a gift is registered in a few taps; a late one is flagged before and after saving', async () => {
  const tok = await token(server.base, 'officer');
  const { context, page, problems } = await phone(browser, server.base, PHONE);
  await signIn(page, 'officer');
  await page.locator('#today').waitFor();
  const started = Date.now();
  let taps = 0, typed = 0;
  const tap = async (loc) => { taps++; await loc.click(); };
  const type = async (loc, v) => { typed++; await loc.fill(v); };
  await tap(page.locator('#tabs a[href="#/regs"]'));
  await page.locator('#regs-view').waitFor();
  await clean(page, 'registrations list');
  await tap(page.locator('#reg-new'));
  await page.locator('#reg-form').waitFor();
  // The type first: nothing else is asked before it.
  assert.equal(await page.locator('#reg-body').isHidden(), true);
  await shot(page, 'reg-type-first');
  await tap(page.locator('label.choice', { hasText: '受贈財物' }));
  await type(page.locator('input[name=servant_name]'), '王建國');
  await type(page.locator('#reg-unit-search'), '工務');
  await type(page.locator('input[name=servant_title]'), '技正');
  await type(page.locator('input[name=cp_name]'), '大成營造股份有限公司');
  await tap(page.locator('[data-path="counterparty.kind"] label.choice', { hasText: '機關團體或廠商' }));
  await tap(page.locator('[data-path="counterparty.interested_party"] label.choice', { hasText: '是' }));
  // Six days between the event and the notice: late.
  await type(page.locator('input[name=event_date]'), officeDay(6));
  await page.locator('#late-live .badge', { hasText: '逾期通報' }).waitFor();
  assert.match(await page.locator('#late-live').innerText(), /相隔 6 日/);
  assert.match(await page.locator('#event-roc').innerText(), /^民國 \d{3} 年/);
  const desc = '中秋節前廠商送月餅禮盒一盒 e2e ' + Date.now();
  await type(page.locator('textarea[name=description]'), desc);
  await type(page.locator('input[name=value_ntd]'), '1200');
  await tap(page.locator('[data-path="handling"] label.choice', { hasText: '退還' }));
  await shot(page, 'reg-gift-filled');
  await clean(page, 'registration form (gift)');
  await tap(page.locator('#reg-save'));
  await page.locator('#reg').waitFor();
  const seconds = (Date.now() - started) / 1000;
  console.log(`gift registration: ${taps} taps, ${typed} fields typed, ${seconds.toFixed(1)} s driven`);
  assert.ok(taps <= 8 && typed <= 8, `${taps} taps and ${typed} typed fields`);
  await page.locator('#reg-late', { hasText: '逾期通報' }).waitFor();
  await shot(page, 'reg-saved');
  await clean(page, 'registration page');
  const stored = await regsOf(tok, desc);
  assert.equal(stored.length, 1);
  assert.equal(stored[0].type, 'gift');
  assert.equal(stored[0].value_ntd, 1200);
  assert.equal(stored[0].late, true);
  assert.equal(stored[0].days_to_notify, 6);
  assert.equal(stored[0].counterparty.interested_party, true);
  assert.equal(stored[0].handling, 'returned');
  assert.match(stored[0].servant.unit_name, /工務/);
  // The list flags it.
  await page.locator('#tabs a[href="#/regs"]').click();
  await page.locator(`#regs li[data-id="${stored[0].id}"] .badge.late`, { hasText: '逾期通報' }).waitFor();
  await shot(page, 'reg-list');
  assert.deepEqual(problems.filter((p) => !/Failed to load resource/.test(p)), []);
  await context.close();
});

test('a lobbying request asks no value and offers only its two handlings; the server rules are checked on the phone', async () => {
  const { context, page } = await phone(browser, server.base, PHONE);
  await signIn(page, 'officer');
  await page.goto('/#/reg-new');
  await page.locator('#reg-form').waitFor();
  await page.locator('label.choice', { hasText: '請託關說' }).click();
  assert.equal(await page.locator('input[name=value_ntd]').isVisible(), false, 'no value for lobbying');
  const handlings = await page.locator('[data-path="handling"] label.choice').allInnerTexts();
  assert.deepEqual(handlings.map((s) => s.trim()), ['簽報長官知悉', '其他（附說明）']);
  // 其他 asks for its note; a notice before the event is refused beside its field.
  await page.locator('[data-path="handling"] label.choice', { hasText: '其他' }).click();
  assert.equal(await page.locator('textarea[name=handling_note]').isVisible(), true);
  await page.locator('input[name=event_date]').fill(officeDay(0));
  await page.locator('input[name=notified_date]').fill(officeDay(2));
  await page.locator('#reg-save').click();
  await page.locator('[data-path="notified_date"] .field-error', { hasText: '知會日期不能早於事件日期' }).waitFor();
  await page.locator('[data-path="counterparty.interested_party"] .field-error', { hasText: '請選擇「是」或「否」' }).waitFor();
  await page.locator('[data-path="handling_note"] .field-error', { hasText: '必填' }).waitFor();
  await shot(page, 'reg-lobbying-errors');
  await clean(page, 'registration form (lobbying, errors)');
  // A gift asks the value again.
  await page.locator('label.choice', { hasText: '受贈財物' }).click();
  assert.equal(await page.locator('input[name=value_ntd]').isVisible(), true);
  assert.equal(await page.locator('[data-path="handling"] label.choice').count(), 6);
  await context.close();
});

test('offline: a registration waits on the phone and is stored once when back online', async () => {
  const tok = await token(server.base, 'officer');
  const { context, page } = await phone(browser, server.base, PHONE);
  await signIn(page, 'officer');
  await page.locator('#today').waitFor();
  await page.locator('#tabs a[href="#/regs"]').click();
  await page.locator('#regs-view').waitFor();
  await context.setOffline(true);
  await page.locator('#reg-new').click();
  await page.locator('#reg-form').waitFor();
  await page.locator('label.choice', { hasText: '飲宴應酬' }).click();
  await page.locator('input[name=servant_name]').fill('李美玲');
  await page.locator('#reg-unit').selectOption({ index: 1 });
  await page.locator('input[name=servant_title]').fill('科長');
  await page.locator('input[name=cp_name]').fill('東區里長');
  await page.locator('[data-path="counterparty.kind"] label.choice', { hasText: '個人' }).click();
  await page.locator('[data-path="counterparty.interested_party"] label.choice', { hasText: '否' }).click();
  await page.locator('input[name=event_date]').fill(officeDay(1));
  const desc = '里長邀宴，當事人自行付費 e2e ' + Date.now();
  await page.locator('textarea[name=description]').fill(desc);
  await page.locator('input[name=value_ntd]').fill('800');
  await page.locator('[data-path="handling"] label.choice', { hasText: '自行付費' }).click();
  await page.locator('#reg-save').click();
  await page.locator('#regs-view').waitFor();
  await page.locator('#regs li[data-queued="waiting"]', { hasText: '李美玲' }).waitFor();
  await shot(page, 'reg-offline-queued');
  assert.equal((await regsOf(tok, desc)).length, 0, 'nothing reached the server offline');
  await context.setOffline(false);
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  await waitQueueEmpty(page);
  const stored = await regsOf(tok, desc);
  assert.equal(stored.length, 1, 'stored exactly once');
  assert.equal(stored[0].type, 'hospitality');
  assert.equal(stored[0].late, false);
  await page.locator('#tabs a[href="#/today"]').click();
  await page.locator('#tabs a[href="#/regs"]').click();
  await page.locator(`#regs li[data-id="${stored[0].id}"]`).waitFor();
  assert.equal(await page.locator('#regs li', { hasText: '李美玲' }).count(), 1);
  await context.close();
});

test('an opinion visit is planned with its service and completed with the questionnaire', async () => {
  const tok = await token(server.base, 'officer');
  const { context, page } = await phone(browser, server.base, PHONE);
  await signIn(page, 'officer');
  await page.locator('#tabs a[href="#/new"]').click();
  await page.locator('#kind').selectOption('opinion_visit');
  const title = '建管處民意訪查 e2e ' + Date.now();
  await page.locator('#title').fill(title);
  await page.locator('#unit').selectOption({ index: 1 });
  await page.locator('input[name=service]').fill('建築執照申請');
  await shot(page, 'opinion-new');
  await clean(page, 'opinion visit form');
  await page.locator('#save').click();
  await page.locator('#activity').waitFor();
  await waitQueueEmpty(page);
  const found = (await api(server.base, 'GET', '/activities?limit=50&q=' + encodeURIComponent(title), { token: tok })).json.items;
  assert.equal(found.length, 1);
  const id = found[0].id;
  await page.goto('/#/a/' + id);
  await page.locator('#activity').waitFor();
  await page.locator('#complete').click();
  await page.locator('#edit-form[data-mode="complete"]').waitFor();
  // Completion asks for what it needs; an unanswered yes/no is not a no.
  await page.locator('#save').click();
  await page.locator('[data-path="opinion_visit.findings"] .field-error', { hasText: '結案前必須填寫' }).waitFor();
  await page.locator('[data-path="opinion_visit.questionnaire.asked_for_favours"] .field-error', { hasText: '結案前必須填寫' }).waitFor();
  await shot(page, 'opinion-complete-missing');
  await clean(page, 'opinion visit completion (errors)');
  await page.locator('input[name=count]').fill('12');
  await page.locator('select[name=respondent_type]').selectOption('citizen');
  await page.locator('[data-path="opinion_visit.questionnaire.integrity_score"] label.choice', { hasText: '4' }).click();
  await page.locator('[data-path="opinion_visit.questionnaire.efficiency_score"] label.choice', { hasText: '3' }).click();
  await page.locator('[data-path="opinion_visit.questionnaire.asked_for_favours"] label.choice', { hasText: '否' }).click();
  // Three of four answered: the phone asks for the fourth instead of reading it as 否.
  await page.locator('textarea[name=findings]').fill('受訪民眾多表示承辦人員態度良好，惟補件通知未說明法令依據。');
  await page.locator('#save').click();
  await page.locator('[data-path="opinion_visit.questionnaire.knows_how_to_report"] .field-error', { hasText: '請選擇「是」或「否」' }).waitFor();
  await page.locator('[data-path="opinion_visit.questionnaire.knows_how_to_report"] label.choice', { hasText: '是' }).click();
  await page.locator('textarea[name=suggestions]').fill('補件通知單載明法令依據及承辦人聯絡方式。');
  await shot(page, 'opinion-complete-filled');
  await page.locator('#save').click();
  await page.locator('#activity').waitFor();
  await waitQueueEmpty(page);
  const r = await api(server.base, 'GET', '/activities/' + id, { token: tok });
  assert.equal(r.json.status, 'completed');
  assert.deepEqual(r.json.opinion_visit.questionnaire, { integrity_score: 4, efficiency_score: 3, asked_for_favours: false, knows_how_to_report: true });
  assert.deepEqual(r.json.opinion_visit.respondents, { count: 12, type: 'citizen' });
  await page.goto('/#/a/' + id);
  await page.locator('#details').waitFor();
  const d = await page.locator('#details').innerText();
  assert.match(d, /建築執照申請/);
  assert.match(d, /12（民眾）/);
  assert.match(d, /廉潔的滿意度：4/);
  await shot(page, 'opinion-record');
  await clean(page, 'opinion visit record');
  await context.close();
});

test('an early warning raised from a procurement with uncorrected deficiencies, submitted, followed up and closed', async () => {
  const tok = await token(server.base, 'officer');
  const units = (await api(server.base, 'GET', '/units?limit=200', { token: tok })).json.items;
  const title = '東區道路改善工程驗收 e2e ' + Date.now();
  const a = await api(server.base, 'POST', '/activities', { token: tok, body: {
    id: crypto.randomUUID(), kind: 'procurement_supervision', title, unit_id: units[0].id, scheduled_at: new Date(Date.now() - 3_600_000).toISOString(),
    site: { name: '東區', address: '嘉義市東區', lat: HERE.latitude, lng: HERE.longitude, radius_m: 150 },
    procurement: { case_no: 'CY-2026-0913', case_title: '東區道路改善工程', category: 'works', budget_amount: 6480000, stage: 'acceptance',
      deficiencies: ['人行道鋪面平整度不符契約規範', '排水溝蓋板未固定'], corrected: false } } });
  assert.equal(a.status, 201, a.text);
  const { context, page } = await phone(browser, server.base, PHONE);
  await signIn(page, 'officer');
  await page.goto('/#/a/' + a.json.id);
  await page.locator('#warn-offer').waitFor();
  await shot(page, 'warning-offer');
  await page.locator('#raise-warning').click();
  await page.locator('#warn-form').waitFor();
  assert.equal(await page.locator('#w-unit').inputValue(), units[0].id);
  assert.equal(await page.locator('select[name=risk_area]').inputValue(), 'procurement');
  assert.match(await page.locator('input[name=subject]').inputValue(), /東區道路改善工程/);
  const observed = await page.locator('textarea[name=observed]').inputValue();
  assert.match(observed, /1\. 人行道鋪面平整度不符契約規範/);
  assert.match(observed, /2\. 排水溝蓋板未固定/);
  await page.locator('textarea[name=suggested_measures]').fill('建議工務處依契約計罰並限期改善，必要時暫停估驗計價。');
  await shot(page, 'warning-form');
  await clean(page, 'warning form');
  await page.locator('#w-save').click();
  await page.locator('#warning[data-status="draft"]').waitFor();
  const wid = await page.locator('#warning').getAttribute('data-id');
  assert.equal(await page.locator('#w-steps li[aria-current="step"]').innerText(), '草稿');
  await page.locator('#w-submit').click();
  await page.locator('#submit-form input[name=submitted_to_head_on]').fill(officeDay(3));
  await page.locator('#submit-form button[type=submit]').click();
  await page.locator('#warning[data-status="submitted"]').waitFor();
  await page.locator('#w-follow').click();
  await page.locator('#follow-form textarea[name=action_taken]').fill('工務處已函請廠商限期改善。');
  await page.locator('#follow-form button[type=submit]').click();
  await page.locator('#warning[data-status="following_up"]').waitFor();
  await page.locator('#w-follow').click();
  // Follow-ups are listed in date order, whatever the order they were typed in.
  await page.locator('#follow-form input[name=date]').fill(officeDay(1));
  await page.locator('#follow-form textarea[name=action_taken]').fill('廠商已完成改善並經複驗合格。');
  await page.locator('#follow-form button[type=submit]').click();
  await page.locator('#w-follows li').nth(1).waitFor();
  assert.deepEqual(await page.locator('#w-follows li').evaluateAll((els) => els.map((e) => e.dataset.date)), [officeDay(1), officeDay(0)]);
  await shot(page, 'warning-following');
  await clean(page, 'warning page (following up)');
  await page.locator('#w-close').click();
  await page.locator('#close-form textarea[name=outcome]').fill('缺失已改善，本案結案。');
  await page.locator('#close-form button[type=submit]').click();
  await page.locator('#warning[data-status="closed"]').waitFor();
  assert.equal(await page.locator('#w-steps li[aria-current="step"]').innerText(), '結案');
  assert.equal(await page.locator('#w-actions').count(), 0, 'nothing left to do');
  await shot(page, 'warning-closed');
  const w = await api(server.base, 'GET', '/early-warnings/' + wid, { token: tok });
  assert.equal(w.json.status, 'closed');
  assert.equal(w.json.activity_id, a.json.id);
  assert.equal(w.json.follow_ups.length, 2);
  assert.match(w.json.outcome, /結案/);
  await page.locator('#tabs a[href="#/warnings"]').click();
  await page.locator(`#warnings li[data-id="${wid}"][data-status="closed"]`).waitFor();
  await shot(page, 'warning-list');
  await clean(page, 'warnings list');
  await context.close();
});

test('a draft a manager returned shows the comment to its officer', async () => {
  const tok = await token(server.base, 'officer');
  const mtok = await token(server.base, 'manager');
  const units = (await api(server.base, 'GET', '/units?limit=200', { token: tok })).json.items;
  const c = await api(server.base, 'POST', '/early-warnings', { token: tok, body: { unit_id: units[0].id, risk_area: 'official_secrets', subject: '考試前試題保管風險 e2e', observed: '試題印製場所門禁紀錄不完整。' } });
  assert.equal(c.status, 201, c.text);
  const r = await api(server.base, 'POST', `/early-warnings/${c.json.id}/return`, { token: mtok, body: { version: c.json.version, comment: '請補充門禁紀錄期間與缺漏筆數。' } });
  assert.equal(r.status, 200, r.text);
  const { context, page } = await phone(browser, server.base, PHONE);
  await signIn(page, 'officer');
  await page.goto('/#/w/' + c.json.id);
  await page.locator('#w-returned', { hasText: '請補充門禁紀錄期間與缺漏筆數' }).waitFor();
  // Submitting without the measures: the server's answer stands in words.
  await page.locator('#w-submit').click();
  await page.locator('#submit-form button[type=submit]').click();
  await page.locator('#submit-form .field-error:not(:empty), #submit-form #form-error:not(:empty)').first().waitFor();
  await shot(page, 'warning-returned');
  await clean(page, 'returned warning');
  await context.close();
});

test('English mode: the registers speak English, with no Chinese left from the dictionary', async () => {
  const { context, page } = await phone(browser, server.base, PHONE);
  await signIn(page, 'officer');
  await page.locator('#today').waitFor();
  await page.locator('#lang-switch').click();
  await page.locator('#tabs a[href="#/regs"]', { hasText: 'Ethics log' }).click();
  await page.locator('#reg-new', { hasText: 'Register an event' }).click();
  await page.locator('label.choice', { hasText: 'Gift' }).click();
  const form = await page.locator('#reg-form').innerText();
  assert.match(form, /Civil servant/);
  assert.match(form, /Value \(NT\$\)/);
  assert.match(form, /Returned/);
  // Names the office typed (units) may be Chinese; the form's own words are not.
  const own = form.split('\n').filter((l) => /[\u4e00-\u9fff]/.test(l) && !/市|校|處|局|所|ROC/.test(l));
  assert.deepEqual(own, [], 'Chinese words in the English form');
  await shot(page, 'reg-english');
  await page.locator('#tabs a[href="#/warnings"]', { hasText: 'Warnings' }).click();
  await page.locator('#warn-new', { hasText: 'Raise an early warning' }).waitFor();
  await page.locator('#lang-switch').click();
  await context.close();
});

test('a queued registration the server refuses opens in its form with the reason beside the field, and is resent', async () => {
  const tok = await token(server.base, 'officer');
  const units = (await api(server.base, 'GET', '/units?limit=200', { token: tok })).json.items;
  const { context, page } = await phone(browser, server.base, PHONE);
  await signIn(page, 'officer');
  await page.locator('#today').waitFor();
  const desc = '退回後修正的登錄 e2e ' + Date.now();
  // Queued as an older client might have: a counterparty without a name.
  await page.evaluate(async ([unitId, d, day]) => {
    const q = await import('/static/js/queue.js');
    const id = crypto.randomUUID();
    await q.enqueue({ op: 'createRegistration', activityId: id, label: '受贈財物：陳志明', payload: { registration: {
      id, type: 'gift', servant: { name: '陳志明', unit_id: unitId, title: '科員' }, counterparty: { name: ' ', kind: 'person', interested_party: false },
      event_date: day, notified_date: day, description: d, value_ntd: 500, handling: 'returned' } } });
  }, [units[0].id, desc, officeDay(0)]);
  await page.locator('#queue[data-failed="1"]').waitFor();
  assert.match(await page.locator('#queue').innerText(), /對象名稱：必填/, 'the queue panel names the field as the form does');
  await page.locator('#tabs a[href="#/regs"]').click();
  await page.locator('#regs li[data-queued="failed"] a').click();
  await page.locator('#fix-intro').waitFor();
  await page.locator('[data-path="counterparty.name"] .field-error', { hasText: '必填' }).waitFor();
  await shot(page, 'reg-refused-fix');
  await clean(page, 'refused registration');
  await page.locator('input[name=cp_name]').fill('陳先生');
  await page.locator('#reg-save').click();
  await waitQueueEmpty(page);
  const stored = await regsOf(tok, desc);
  assert.equal(stored.length, 1);
  assert.equal(stored[0].counterparty.name, '陳先生');
  await context.close();
});

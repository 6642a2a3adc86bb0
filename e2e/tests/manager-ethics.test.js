// The managers' side of the ethics-code register and of the early warnings,
// at a phone and at a 1280-px desktop: the register filtered to late gifts
// with the year's figures, one record with its file, the Excel download;
// the warnings by stage, and a submitted warning returned with a comment
// that the warning then shows as a draft.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startServer, launch, phone, shot, signIn, api, token } from './harness.js';
import { SIZES, assertClean, open, serious } from './manager-helpers.js';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.stop(); });

/** taipeiDay is the office calendar day `days` ago, as YYYY-MM-DD. */
const taipeiDay = (days) => new Date(Date.now() - days * 86_400_000).toLocaleDateString('sv-SE', { timeZone: 'Asia/Taipei' });
const rocOf = (d) => Number(d.slice(0, 4)) - 1911;
// A 1×1 PNG: the server checks a file's kind by its content.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
// Enumeration values that must show as words in zh-TW, never as codes.
const RAW = /\b(gift|hospitality|lobbying|returned|paid|handed_to_agency|donated|reported_to_superior_only|procurement|construction|official_secrets|agency_security|draft|submitted|following_up|closed|organisation)\b/;

async function lateGift(stamp) {
  const off = await token(server.base, 'officer');
  const units = await api(server.base, 'GET', '/units', { token: off });
  const event = taipeiDay(10), notified = taipeiDay(3);
  const r = await api(server.base, 'POST', '/ethics-registrations', { token: off, body: {
    id: crypto.randomUUID(), type: 'gift',
    servant: { name: `林志明${stamp}`, unit_id: units.json.items[0].id, title: '股長' },
    counterparty: { name: '嘉南營造有限公司', kind: 'organisation', interested_party: true },
    event_date: event, notified_date: notified,
    description: '廠商於驗收後送茶葉禮盒一盒至辦公室，當事人於一週後始簽報並退還。', value_ntd: 12500, handling: 'returned',
  } });
  assert.equal(r.status, 201, r.text);
  const form = new FormData();
  form.append('id', crypto.randomUUID());
  form.append('file', new Blob([PNG], { type: 'image/png' }), '退還函.png');
  const up = await fetch(`${server.base}/api/v1/ethics-registrations/${r.json.id}/attachments`, { method: 'POST', headers: { Authorization: 'Bearer ' + off }, body: form });
  assert.equal(up.status, 201, await up.text());
  return { reg: r.json, event };
}

async function submittedWarning(stamp) {
  const off = await token(server.base, 'officer');
  const units = await api(server.base, 'GET', '/units', { token: off });
  const w = await api(server.base, 'POST', '/early-warnings', { token: off, body: {
    id: crypto.randomUUID(), unit_id: units.json.items[0].id, risk_area: 'personnel', subject: `人事甄選口試委員迴避疑義 ${stamp}`,
    observed: '甄選口試委員之一為應考人之三親等親屬，簽到表未見迴避聲明。', suggested_measures: '建議人事室請該委員迴避並重新排定口試。',
    submitted_to_head_on: taipeiDay(1),
  } });
  assert.equal(w.status, 201, w.text);
  const s = await api(server.base, 'POST', `/early-warnings/${w.json.id}/submit`, { token: off, body: { version: w.json.version } });
  assert.equal(s.status, 200, s.text);
  return s.json;
}

for (const size of SIZES) {
  test(`register: figures, late gifts, one record with its file, Excel (${size.name})`, async () => {
    const stamp = `${size.name}${Date.now() % 100000}`;
    const { reg, event } = await lateGift(stamp);
    const y = rocOf(event);
    const { context, page, problems } = await phone(browser, server.base, size.opts);
    const asked = [];
    page.on('request', (r) => { if (r.url().includes('/api/v1/')) asked.push(r.url()); });
    await signIn(page, 'manager');
    await page.locator('#tabs a[href="#/m-reg"]').click();
    await page.locator('#reg-list li').first().waitFor();
    await open(page, `#/m-reg?y=${y}`, `#reg[data-y="${y}"] #reg-stats`);
    // The figures come from the yearly analysis's counts, not from reading every record.
    assert.ok(asked.some((u) => u.includes(`/ethics-analysis?roc_year=${y}`)), asked.join('\n'));
    assert.ok(!asked.some((u) => /ethics-registrations\?.*limit=200/.test(u)), 'no page-by-page read of the register');
    // The figures add up: the types sum to the total, late ones among them.
    const stats = await page.locator('#reg-stats').evaluate((el) => ({ total: Number(el.dataset.total), late: Number(el.dataset.late),
      types: [...el.querySelectorAll('.stat-n')].map((n) => Number(n.textContent.replace(/,/g, ''))) }));
    assert.ok(stats.total > 1, 'the demo has a year of registrations');
    assert.equal(stats.types.reduce((a, b) => a + b, 0), stats.total);
    assert.ok(stats.late >= 1 && stats.late < stats.total);
    // …and they are the register's own: the year read page by page agrees.
    const mgr = await token(server.base, 'manager');
    let all = [], cursor = '';
    do {
      const pg = await api(server.base, 'GET', `/ethics-registrations?roc_year=${y}&limit=200${cursor ? '&cursor=' + encodeURIComponent(cursor) : ''}`, { token: mgr });
      all = all.concat(pg.json.items); cursor = pg.json.next_cursor;
    } while (cursor);
    assert.equal(stats.total, all.length);
    assert.equal(stats.late, all.filter((r) => r.late).length);
    assert.equal(stats.types[0], all.filter((r) => r.type === 'gift').length);
    assert.match(await page.locator('#reg-stats').innerText(), /受贈財物[\s\S]*飲宴應酬[\s\S]*請託關說/);
    await assertClean(`register ${size.name}`, page);
    assert.equal(RAW.exec(await page.locator('#view').innerText()), null, 'no raw codes');
    await shot(page, `manager-register-${size.name}`);

    // Late gifts only.
    await page.locator('#reg-type').selectOption('gift');
    await page.locator('#reg-late').check();
    await page.locator('#reg form button[type=submit]').click();
    await page.locator(`#reg[data-type="gift"][data-late="1"] #reg-list li[data-id="${reg.id}"]`).waitFor();
    const rows = await page.locator('#reg-list li[data-id]').evaluateAll((lis) => lis.map((li) => [li.dataset.type, li.dataset.late]));
    assert.ok(rows.length >= 1 && rows.every(([t, l]) => t === 'gift' && l === '1'), JSON.stringify(rows));
    const card = await page.locator(`#reg-list li[data-id="${reg.id}"]`).innerText();
    assert.match(card, /逾期知會/);
    assert.match(card, /新臺幣\s12,500/);
    assert.match(card, new RegExp(`事件 ${y}/\\d+/\\d+・知會 ${rocOf(taipeiDay(3))}/\\d+/\\d+`));
    assert.match(card, /第 7 天才知會/);
    assert.match(card, /有職務上利害關係/);
    await assertClean(`register filtered ${size.name}`, page);
    await page.locator('#reg-count').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await shot(page, `manager-register-late-${size.name}`);

    // The Excel of these filters: the server's name, and bytes of a workbook.
    const [xlsx] = await Promise.all([page.waitForEvent('download'), page.locator('#dl-reg-xlsx').click()]);
    assert.match(xlsx.suggestedFilename(), /^ethicsops-ethics-registrations-\d{4}\.xlsx$/);
    const bytes = await readFile(await xlsx.path());
    assert.ok(bytes.length > 1000, `${bytes.length} bytes`);
    assert.equal(bytes.subarray(0, 2).toString(), 'PK');

    // One record, whole, with its file.
    await page.locator(`#reg-list li[data-id="${reg.id}"] a`).click();
    await page.locator('#reg-fields').waitFor();
    const fields = await page.locator('#reg-fields').innerText();
    assert.match(fields, new RegExp(`林志明${stamp}`));
    assert.match(fields, /股長/);
    assert.match(fields, /嘉南營造有限公司（機關團體或廠商，有職務上利害關係）/);
    assert.match(fields, /7 天/);
    assert.match(fields, /退還/);
    assert.match(fields, /茶葉禮盒/);
    assert.match(await page.locator('#reg-files').innerText(), /退還函\.png/);
    const [file] = await Promise.all([page.waitForEvent('download'), page.locator('#reg-files button').first().click()]);
    assert.equal((await readFile(await file.path())).subarray(1, 4).toString(), 'PNG');
    await assertClean(`registration ${size.name}`, page);
    assert.equal(RAW.exec(await page.locator('#view').innerText()), null, 'no raw codes');
    await shot(page, `manager-registration-${size.name}`);

    // The English switch: the same record in English, the office's words kept.
    await page.locator('#lang-switch').click();
    await page.locator('#reg-fields dt', { hasText: 'Civil servant' }).waitFor();
    const en = await page.locator('#reg-fields').innerText();
    assert.match(en, /Gift/);
    assert.match(en, /Returned/);
    assert.match(en, /Notified late/);
    assert.match(en, /NT\$\s12,500/);
    assert.match(await page.locator('#tabs').innerText(), /Ethics\s*reg\./);
    await assertClean(`registration English ${size.name}`, page);
    await shot(page, `manager-registration-en-${size.name}`);
    await page.locator('#lang-switch').click();
    await page.locator('#reg-fields dt', { hasText: '當事人' }).waitFor();
    assert.deepEqual(serious(problems), []);
    await context.close();
  });

  test(`early warnings: by stage, return a submitted one with a comment (${size.name})`, async () => {
    const stamp = `${size.name}${Date.now() % 100000}`;
    const w = await submittedWarning(stamp);
    const { context, page, problems } = await phone(browser, server.base, size.opts);
    await signIn(page, 'manager');
    await page.locator('#tabs a[href="#/m-reg"]').click();
    await page.locator('#reg-list').waitFor();
    await page.locator('nav.seg a[data-view="m-warn"]').click();
    await page.locator('#warn-list li').first().waitFor();
    await open(page, `#/m-warn?y=${w.roc_year}`, `#warn[data-y="${w.roc_year}"] #warn-list li`);
    const states = await page.locator('#warn-list li[data-id]').evaluateAll((lis) => [...new Set(lis.map((li) => li.dataset.status))]);
    assert.ok(states.length >= 3, `the demo has warnings in several stages: ${states}`);
    await assertClean(`warnings ${size.name}`, page);
    assert.equal(RAW.exec(await page.locator('#view').innerText()), null, 'no raw codes');
    await shot(page, `manager-warnings-${size.name}`);
    await page.locator('#warn-count').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await shot(page, `manager-warnings-list-${size.name}`);

    await page.locator('#warn nav.seg a[data-status="submitted"]').click();
    await page.locator(`#warn[data-status="submitted"] #warn-list li[data-id="${w.id}"]`).waitFor();
    assert.ok(await page.locator('#warn-list li[data-id]').evaluateAll((lis) => lis.every((li) => li.dataset.status === 'submitted')));
    assert.match(await page.locator(`#warn-list li[data-id="${w.id}"]`).innerText(), /已陳報首長[\s\S]*人事/);
    await page.locator(`#warn-list li[data-id="${w.id}"] a`).click();
    await page.locator('#warn-decide').waitFor();
    await assertClean(`warning ${size.name}`, page);
    await shot(page, `manager-warning-${size.name}`);
    await page.locator('#warn-return').click();
    assert.match(await page.locator('#warn-error').innerText(), /請填寫退回意見/);
    await page.locator('#warn-comment').fill('請補充該委員與應考人之親屬關係查證資料，並附簽到表影本。');
    await page.locator('#warn-return').click();
    await page.locator(`#warn-one[data-id="${w.id}"][data-status="draft"]`).waitFor();
    assert.match(await page.locator('#warn-return-note').innerText(), /主管退回意見[\s\S]*親屬關係查證資料/);
    assert.match(await page.locator('#warn-fields').innerText(), /草稿/);
    assert.ok(await page.locator('#warn-return-note').isVisible());
    assert.equal(await page.evaluate(() => window.scrollY), 0, 'the page starts again at its top, with the comment');
    // A draft can still be returned, behind a fold; a closed one not at all.
    assert.equal(await page.locator('#warn-return-more[open]').count(), 0);
    await assertClean(`warning returned ${size.name}`, page);
    await shot(page, `manager-warning-returned-${size.name}`);
    const got = await api(server.base, 'GET', '/early-warnings/' + w.id, { token: await token(server.base, 'officer') });
    assert.equal(got.json.status, 'draft');
    assert.match(got.json.return_comment, /親屬關係查證資料/);

    // A closed warning offers no return.
    await open(page, `#/m-warn?status=closed&y=${w.roc_year}`, '#warn[data-status="closed"] #warn-list li');
    const closed = page.locator('#warn-list li[data-id]').first();
    if (await closed.count()) {
      await closed.locator('a').click();
      await page.locator('#warn-one[data-status="closed"]').waitFor();
      assert.equal(await page.locator('#warn-decide').count(), 0);
      assert.ok((await page.locator('#warn-follow li').count()) >= 1, 'a closed warning shows its follow-ups');
    }
    assert.deepEqual(serious(problems), []);
    await context.close();
  });
}

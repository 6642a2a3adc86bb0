// A manager reads the KPI report of a 民國 year (chart with readable labels,
// a legend for every colour, pace in words, 臺北時間), filters it by agency,
// downloads the XLSX and the CSV, and prints it with the filed report's
// title block — at a phone and at a 1280-px desktop.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startServer, launch, phone, shot, signIn, artifacts } from './harness.js';
import { SIZES, assertClean, open, serious } from './manager-helpers.js';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.stop(); });

for (const size of SIZES) {
  test(`a manager reads, filters, downloads and prints the KPI report (${size.name})`, async () => {
    const { context, page, problems } = await phone(browser, server.base, size.opts);
    await signIn(page, 'manager');
    await page.locator('#kpi-table').waitFor();
    // The year is picked in 民國 years; 110 is 2021.
    await page.locator('#kpi-year').selectOption('110');
    await page.locator('#kpi form button[type=submit]').click();
    await page.locator('#kpi h2', { hasText: '民國 110 年' }).waitFor();
    assert.equal(await page.locator('#kpi-table tbody tr').count(), 7);
    assert.equal(await page.locator('#kpi-chart svg rect.bar-actual').count(), 7);
    assert.match(await page.locator('#kpi-table tr[data-code="procurement_supervisions"]').innerText(), /259/);
    // A finished year: achieved or not achieved, said in words beside each KPI.
    assert.match(await page.locator('#kpi-legend').innerText(), /達成[\s\S]*未達成[\s\S]*虛線：全年目標/);
    assert.match(await page.locator('#kpi-table tr[data-code="property_declaration_on_time_rate"]').innerText(), /未達成/);

    // Chart labels are at least 14 px as drawn, and dark.
    const labels = await page.evaluate(() => [...document.querySelectorAll('#kpi-chart text')].map((t) => {
      const scale = t.ownerSVGElement.getScreenCTM().a;
      return { px: parseFloat(getComputedStyle(t).fontSize) * scale, fill: getComputedStyle(t).fill };
    }));
    assert.ok(labels.length >= 14);
    for (const l of labels) {
      assert.ok(l.px >= 14, `chart label ${l.px.toFixed(1)} px`);
      const [r, g, b] = l.fill.match(/\d+/g).map(Number);
      assert.ok(r + g + b <= 3 * 0x50, `chart label colour ${l.fill}`);
    }
    const text = await page.locator('#kpi').innerText();
    assert.match(text, /臺北時間/);
    assert.doesNotMatch(text, /Asia\/Taipei|≈/);
    await assertClean(`KPI ${size.name}`, page);
    await shot(page, `manager-kpi-${size.name}`);

    // The year in progress: legend with 進度正常 and 落後; pace in words.
    await open(page, '#/kpi?y=115', '#kpi-table');
    await page.locator('#kpi h2', { hasText: '民國 115 年' }).waitFor();
    assert.match(await page.locator('#kpi-legend').innerText(), /達成[\s\S]*進度正常[\s\S]*落後/);
    assert.match(await page.locator('#kpi-table tr[data-code="procurement_supervisions"] .pace').innerText(), /依全年目標按日數比例，到今天應完成約 \d+\s件；依目前進度，年底預估可達 \d+\s件（目標 \d+\s件）/);

    // One agency only: the numbers shrink.
    const all = Number((await page.locator('#kpi-table tr[data-code="procurement_supervisions"] td').first().innerText()).match(/\d+/)[0]);
    await page.locator('#kpi-unit').selectOption({ label: '嘉義市政府工務處' });
    await page.locator('#kpi form button[type=submit]').click();
    await page.locator('#kpi:not([data-unit=""]) #kpi-table').waitFor();
    const pw = Number((await page.locator('#kpi-table tr[data-code="procurement_supervisions"] td').first().innerText()).match(/\d+/)[0]);
    assert.ok(pw < all, `one agency ${pw} < all ${all}`);
    await open(page, '#/kpi?y=110', '#kpi-table');
    await page.locator('#kpi h2', { hasText: '民國 110 年' }).waitFor();

    // Downloads carry the token; the name is the server's.
    const [xlsx] = await Promise.all([page.waitForEvent('download'), page.locator('#dl-xlsx').click()]);
    assert.match(xlsx.suggestedFilename(), /\.xlsx$/);
    assert.equal((await readFile(await xlsx.path())).subarray(0, 2).toString(), 'PK');
    const [csv] = await Promise.all([page.waitForEvent('download'), page.locator('#dl-csv').click()]);
    assert.match(csv.suggestedFilename(), /\.csv$/);
    assert.match(await readFile(await csv.path(), 'utf8'), /procurement_supervisions|參與採購案件驗收監驗工作/);

    // The print view: the filed report's title block, no chart, no buttons.
    await page.emulateMedia({ media: 'print' });
    const title = await page.locator('#kpi-title').innerText();
    assert.match(title, /嘉義市政府政風處/);
    assert.match(title, /110年度施政計畫績效指標執行情形/);
    assert.match(title, /統計期間：民國110年1月1日至民國110年12月31日/);
    assert.match(title, /製表時間：民國\d+年\d+月\d+日[\s\S]*製表人：/);
    assert.equal(await page.locator('#kpi-chart').isVisible(), false);
    assert.equal(await page.locator('#kpi-print').isVisible(), false);
    if (size.name === 'desktop') {
      await page.pdf({ path: join(artifacts, 'manager-kpi-print.pdf'), preferCSSPageSize: true });
      await page.screenshot({ path: join(artifacts, 'manager-kpi-print.png'), fullPage: true });
    }
    await page.emulateMedia({ media: 'screen' });
    assert.deepEqual(serious(problems), []);
    await context.close();
  });
}

test('the approvals screen lists the pending volunteer with approve and reject', async () => {
  const { context, page, problems } = await phone(browser, server.base, SIZES[0].opts);
  await signIn(page, 'manager');
  await page.locator('#tabs a[href="#/approvals"]').click();
  const row = page.locator('#approvals li[data-user="volunteer.pending"]');
  await row.waitFor();
  assert.equal(await row.locator('button').count(), 1, 'one button (approve); reject is a link to its own form');
  await row.locator('a.reject').click();
  await page.locator('#reject-form').waitFor();
  // No reason, no rejection.
  await page.locator('#reject-form button[type=submit]').click();
  assert.match(await page.locator('#reject-error').innerText(), /請填寫不核准的原因/);
  await assertClean('reject form', page);
  await shot(page, 'manager-reject-form');
  assert.deepEqual(serious(problems), []);
  await context.close();
});

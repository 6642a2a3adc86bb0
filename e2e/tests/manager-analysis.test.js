// 年度分析, at a phone and at a 1280-px desktop: a manager reads the year's
// analysis by agency (its totals the server's and the register's), picks
// another 民國 year, downloads the workbook and prints the filed title block.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startServer, launch, phone, shot, signIn, api, token } from './harness.js';
import { SIZES, assertClean, open, serious } from './manager-helpers.js';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.stop(); });

const RAW = /\b(gift|hospitality|lobbying|procurement|construction|official_secrets|agency_security|draft|submitted|following_up|closed|procurement_supervisions|safety_inspections|ethics_registrations|early_warnings_submitted|opinion_visits)\b/;
const cell = async (page, table, unit, col) => Number((await page.locator(`#${table} tr[data-unit="${unit}"] td`).nth(col).innerText()).replace(/[,%]/g, ''));

for (const size of SIZES) {
  test(`analysis: by agency, another year, Excel, print (${size.name})`, async () => {
    const { context, page, problems } = await phone(browser, server.base, size.opts);
    await signIn(page, 'manager');
    await page.locator('#tabs a[href="#/m-reg"]').click();
    await page.locator('#reg-stats').waitFor();
    const regTotal = Number(await page.locator('#reg-stats').getAttribute('data-total'));
    const y = Number(await page.locator('#reg').getAttribute('data-y'));
    await page.locator('nav.seg a[data-view="m-ana"]').click();
    await page.locator('#ana-report').waitFor();
    assert.equal(Number(await page.locator('#analysis').getAttribute('data-y')), y);

    // The office's totals are the server's, and the register's own count.
    const a = (await api(server.base, 'GET', `/ethics-analysis?roc_year=${y}`, { token: await token(server.base, 'manager') })).json;
    assert.equal(await cell(page, 'ana-reg', 'office', 4), a.office.registrations.total);
    assert.equal(a.office.registrations.total, regTotal, 'the analysis and the register count the same year');
    assert.equal(await cell(page, 'ana-reg', 'office', 5), a.office.registrations.late);
    assert.equal(await cell(page, 'ana-warn-risk', 'office', 6), a.office.early_warnings.total);
    assert.equal(await cell(page, 'ana-proc', 'office', 0), a.office.procurement.completed);
    // Each agency row is one of the server's units, and its figures add up to the office's.
    const rows = await page.locator('#ana-reg tbody tr:not(.total)').evaluateAll((trs) => trs.map((tr) => Number(tr.querySelectorAll('td')[4].textContent.replace(/,/g, ''))));
    assert.ok(rows.length >= 2, 'the demo has several agencies with registrations');
    assert.equal(rows.reduce((s, n) => s + n, 0), a.office.registrations.total);
    const text = await page.locator('#view').innerText();
    assert.match(text, /受贈財物[\s\S]*飲宴應酬[\s\S]*請託關說/);
    assert.match(text, /公務機密[\s\S]*機關安全/);
    assert.match(text, /廉潔滿意度/);
    assert.match(text, /參與採購案件驗收監驗工作/);
    assert.equal(RAW.exec(text), null, 'no raw codes');
    await assertClean(`analysis ${size.name}`, page);
    await shot(page, `manager-analysis-${size.name}`);
    await page.locator('#ana-visits').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await shot(page, `manager-analysis-tables-${size.name}`);

    // Another year.
    await page.locator('#ana-year').selectOption(String(y - 1));
    await page.locator('#analysis form button[type=submit]').click();
    await page.locator(`#analysis[data-y="${y - 1}"] #ana-report`).waitFor();
    assert.match(await page.locator('#ana-title').textContent(), new RegExp(`${y - 1}年度政風狀況整體分析評估`));

    // The workbook: the server's name, and the bytes of a workbook.
    const [xlsx] = await Promise.all([page.waitForEvent('download'), page.locator('#dl-ana-xlsx').click()]);
    assert.equal(xlsx.suggestedFilename(), `ethicsops-analysis-${y - 1}年.xlsx`);
    const bytes = await readFile(await xlsx.path());
    assert.ok(bytes.length > 2000, `${bytes.length} bytes`);
    assert.equal(bytes.subarray(0, 2).toString(), 'PK');

    assert.equal(RAW.exec(await page.locator('#view').innerText()), null, 'no raw codes');

    // The print view: the filed title block, no buttons, no tabs.
    await page.emulateMedia({ media: 'print' });
    const title = await page.locator('#ana-title').innerText();
    assert.match(title, /嘉義市政府政風處/);
    assert.match(title, new RegExp(`${y - 1}年度政風狀況整體分析評估`));
    assert.match(title, new RegExp(`統計期間：民國${y - 1}年1月1日至民國${y - 1}年12月31日`));
    assert.match(title, /製表時間：民國\d+年\d+月\d+日[\s\S]*製表人：/);
    assert.equal(await page.locator('#dl-ana-xlsx').isVisible(), false);
    assert.equal(await page.locator('#tabs').isVisible(), false);
    if (size.name === 'desktop') {
      const pdf = await page.pdf({ preferCSSPageSize: true });
      assert.equal(pdf.subarray(0, 4).toString(), '%PDF');
      await shot(page, 'manager-analysis-print');
    }
    await page.emulateMedia({ media: 'screen' });
    assert.deepEqual(serious(problems), []);
    await context.close();
  });
}

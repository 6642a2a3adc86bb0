// A manager sees the KPI report of a year as a table and a chart, downloads
// the CSV, and finds the approvals screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startServer, launch, phone, shot, signIn } from './harness.js';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.stop(); });

test('a manager sees the KPI chart and table and downloads the CSV', async () => {
  const { context, page, problems } = await phone(browser, server.base);
  await signIn(page, 'manager');
  await page.locator('#kpi').waitFor();
  await page.locator('#kpi-year').fill('2021');
  await page.locator('#kpi button[type=submit]').click();
  await page.locator('#kpi-box h2', { hasText: '2021' }).waitFor();
  // Seven KPIs in the table; every KPI with a target has a target bar and an actual bar.
  assert.equal(await page.locator('#kpi-table tbody tr').count(), 7);
  assert.equal(await page.locator('#kpi-chart svg rect.bar-target').count(), 1 + 7, 'legend + one per KPI');
  assert.equal(await page.locator('#kpi-chart svg rect.bar-actual').count(), 1 + 7);
  const procurement = await page.locator('#kpi-table tr[data-code="procurement_supervisions"]').innerText();
  assert.match(procurement, /250/);
  await shot(page, 'manager-kpi');

  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#dl-csv').click()]);
  const csv = await readFile(await download.path(), 'utf8');
  assert.match(csv, /procurement_supervisions/);
  assert.match(download.suggestedFilename(), /\.csv$/);

  await page.locator('#tabs a[href="#/approvals"]').click();
  await page.locator('#approvals').waitFor();
  // Managers list pending volunteers (GET /volunteers?status=pending): the demo's one is there.
  await page.locator('#approvals li[data-user="volunteer.pending"]').waitFor();
  await shot(page, 'manager-approvals');
  assert.deepEqual(problems.filter((p) => !/403|404|Failed to load resource/.test(p)), []);
  await context.close();
});

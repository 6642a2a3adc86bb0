// A manager imports a roster CSV with mistakes and sees each problem next
// to its own line (in zh-TW), imports the corrected file, reads the on-time
// rate by agency, runs a public draw and verifies it step by step — at a
// phone and at a 1280-px desktop.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, phone, shot, signIn } from './harness.js';
import { SIZES, assertClean, open, serious } from './manager-helpers.js';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.stop(); });

for (const size of SIZES) {
  test(`declarations: import with errors, rate, draw and verify (${size.name})`, async () => {
    const { context, page, problems } = await phone(browser, server.base, size.opts);
    await signIn(page, 'manager');
    await page.locator('#tabs a[href="#/decl"]').click();
    await page.locator('#decl-list li').first().waitFor();
    await assertClean(`roster ${size.name}`, page);
    await shot(page, `manager-decl-roster-${size.name}`);

    // A file with two bad lines: an unknown agency (line 3) and a date that does not exist (line 4).
    const who = size.name === 'phone' ? '測試甲' : '測試乙';
    const bad = ['姓名,職稱,機關,申報類別,申報期限,申報日期',
      `${who}一,科長,CYC-PW,定期申報,115/12/31,`,
      `${who}二,科員,不存在的機關,定期申報,115/12/31,`,
      `${who}三,技士,CYC-EDU,定期申報,115/13/40,`].join('\n') + '\n';
    await open(page, '#/decl?view=import&y=115', '#imp-form');
    await page.locator('#imp-file').setInputFiles({ name: 'roster.csv', mimeType: 'text/csv', buffer: Buffer.from('\ufeff' + bad) });
    assert.equal(await page.locator('#imp-file-name').innerText(), 'roster.csv');
    await page.locator('#imp-form button[type=submit]').click();
    await page.locator('#imp-lines').waitFor();
    assert.match(await page.locator('#imp-summary').innerText(), /2 行需要修正.*第 3 行/);
    assert.equal(await page.locator('#imp-lines li.bad').count(), 2);
    assert.match(await page.locator('#imp-lines li[data-line="3"]').innerText(), /不存在的機關[\s\S]*找不到機關「不存在的機關」/);
    assert.match(await page.locator('#imp-lines li[data-line="4"]').innerText(), /115\/13\/40[\s\S]*申報期限「115\/13\/40」不是正確的日期/);
    assert.equal(await page.locator('#imp-lines li[data-line="2"]').getAttribute('class'), '');
    await assertClean(`import errors ${size.name}`, page);
    await page.locator('#imp-lines').scrollIntoViewIfNeeded();
    await shot(page, `manager-decl-import-errors-${size.name}`);

    // The corrected file goes in whole.
    const good = bad.replace('不存在的機關', 'CYC-SOC').replace('115/13/40', '115/12/31');
    await page.locator('#imp-file').setInputFiles({ name: 'roster.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
    await page.locator('#imp-form button[type=submit]').click();
    await page.locator('#imp-ok').waitFor();
    assert.match(await page.locator('#imp-ok').innerText(), /3 列，新增 3 筆/);

    // The on-time rate by agency: one row per agency, a total that adds up.
    await open(page, '#/decl?view=rate&y=115', '#rate-table');
    const rows = await page.locator('#rate-table tbody tr').count();
    assert.ok(rows >= 5, `agencies in the rate table: ${rows}`);
    assert.match(await page.locator('#rate-table tfoot').innerText(), /合計[\s\S]*%/);
    await assertClean(`rate ${size.name}`, page);
    await shot(page, `manager-decl-rate-${size.name}`);

    // A public draw of two people, then its verification.
    await open(page, '#/decl?view=draws&y=115', '#draw-form');
    await page.locator('#draw-how').selectOption('count');
    await page.locator('#draw-amount').fill('2');
    await page.locator('#draw-seed').fill(`115年統一發票特別獎${size.name === 'phone' ? '12345678' : '87654321'}`);
    await page.locator('#draw-form button[type=submit]').click();
    await page.locator('#draw-selected li').first().waitFor();
    assert.equal(await page.locator('#draw-selected li').count(), 2);
    await page.locator('#draw-verify').click();
    await page.locator('#verify-result').waitFor();
    assert.equal(await page.locator('#verify-result').getAttribute('data-match'), 'true');
    assert.equal(await page.locator('#verify-steps > li').count(), 5);
    assert.match(await page.locator('#verify-steps li[data-step="browser"]').innerText(), /本機算出的抽中名單與伺服器保存的完全相同/);
    assert.equal(await page.locator('#local-keys tr.win').count(), 2);
    assert.match(await page.locator('#verify-steps li[data-step="snapshot"]').innerText(), /第 1 步[\s\S]*相符/);
    await assertClean(`draw verify ${size.name}`, page);
    await page.locator('#verify-result').scrollIntoViewIfNeeded();
    await shot(page, `manager-draw-verify-${size.name}`);

    assert.deepEqual(serious(problems), []);
    await context.close();
  });
}

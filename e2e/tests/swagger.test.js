// The Swagger UI renders under its own Content-Security-Policy (its files
// only, no inline script), with no violation in the console, and signs in
// through "Try it out"; a script injected into the page does not run.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, shot, DEMO } from './harness.js';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.stop(); });

test('the Swagger UI renders under its policy and tries a sign-in', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));
  const resp = await page.goto(server.base + '/swagger/index.html');
  assert.match(resp.headers()['content-security-policy'], /script-src 'self';/);
  await page.locator('.opblock').first().waitFor({ timeout: 30_000 });
  const ops = await page.locator('.opblock').count();
  assert.ok(ops > 40, 'every operation is listed: ' + ops + '\n' + problems.join('\n'));
  assert.equal(await page.locator('.swagger-ui .info .title').innerText().then((t) => t.includes('ethicsops API')), true);
  // The icon sprite is hidden by index.css, not by a refused style attribute.
  assert.deepEqual(await page.locator('svg.swagger-icons').boundingBox().then((b) => [b.width, b.height]), [0, 0]);

  // Try it out: POST /api/v1/auth/login from the UI reaches the API (connect-src 'self').
  const op = page.locator('#operations-auth-login');
  await op.locator('.opblock-summary').click();
  await op.locator('button.try-out__btn').click();
  await op.locator('textarea.body-param__text').fill(JSON.stringify({ username: DEMO.manager[0], password: DEMO.manager[1] }));
  await op.locator('button.execute').click();
  await op.locator('.live-responses-table tr.response .response-col_status').first().waitFor();
  assert.match(await op.locator('.live-responses-table tr.response .response-col_status').first().innerText(), /200/);
  await shot(page, 'swagger-ui');

  // A script slipped into the page (as an injection would be) is refused.
  await page.addScriptTag({ content: 'window.__injected = true;' }).catch(() => {});
  assert.equal(await page.evaluate(() => window.__injected === true), false, 'inline script ran');
  const refused = problems.filter((p) => /Content Security Policy/i.test(p));
  assert.equal(refused.length, 1, 'only the injected script is refused: ' + problems.join('\n'));
  assert.deepEqual(problems.filter((p) => !/Content Security Policy/i.test(p)), []);
  await context.close();
});

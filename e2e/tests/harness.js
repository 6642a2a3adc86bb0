// harness.js — builds and starts the real ethicsops server (SQLite, --demo)
// on a free port, launches Debian's chromium through playwright-core, and
// offers small helpers the scenarios share.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const repo = join(here, '..', '..');
export const artifacts = join(here, '..', 'artifacts');
mkdirSync(artifacts, { recursive: true });

export const DEMO = {
  admin: ['admin', 'demo-admin-2026'],
  manager: ['manager', 'demo-manager-2026'],
  officer: ['officer', 'demo-officer-2026'],
  volunteer: ['volunteer', 'demo-volunteer-2026'],
  pending: ['volunteer.pending', 'demo-pending-2026'],
};

// Where the mocked phone is (by Chiayi City Government). A site made by a
// test is placed here, so the geofence answer is known: inside.
export const HERE = { latitude: 23.4801, longitude: 120.4491, accuracy: 12 };

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

/** startServer builds (unless ETHICSOPS_BIN names a binary) and starts the server. */
export async function startServer() {
  const dir = mkdtempSync(join(tmpdir(), 'ethicsops-e2e-'));
  let bin = process.env.ETHICSOPS_BIN;
  if (!bin) {
    bin = join(dir, 'ethicsops');
    execFileSync('go', ['build', '-o', bin, '.'], { cwd: repo, stdio: 'inherit' });
  }
  const port = await freePort();
  const env = { ...process.env, ETHICSOPS_ADDR: `127.0.0.1:${port}`, ETHICSOPS_DATA_DIR: join(dir, 'data') };
  const proc = spawn(bin, ['serve', '--demo'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stdout.on('data', (d) => { log += d; });
  proc.stderr.on('data', (d) => { log += d; });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error('server exited:\n' + log);
    try { if ((await fetch(base + '/readyz')).ok) break; } catch { /* not yet */ }
    if (Date.now() > deadline) { proc.kill(); throw new Error('server not ready:\n' + log); }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    base,
    log: () => log,
    async stop() {
      proc.kill('SIGTERM');
      await new Promise((r) => (proc.exitCode !== null ? r() : proc.once('exit', r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/** phone opens a 360×740 touch context with geolocation granted. */
export async function phone(browser, base, opts = {}) {
  const context = await browser.newContext({
    baseURL: base, viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true,
    locale: 'zh-TW', timezoneId: 'Asia/Taipei', geolocation: HERE, permissions: ['geolocation'], acceptDownloads: true, ...opts,
  });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));
  return { context, page, problems };
}

export const shot = (page, name) => page.screenshot({ path: join(artifacts, name + '.png'), fullPage: false });

/** api calls the server directly (for set-up and for checking what was stored). */
export async function api(base, method, path, { token, body } = {}) {
  const res = await fetch(base + '/api/v1' + path, {
    method, headers: { ...(body ? { 'Content-Type': 'application/json' } : {}), ...(token ? { Authorization: 'Bearer ' + token } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, json, text };
}

export async function token(base, who) {
  const [username, password] = DEMO[who] || who;
  const r = await api(base, 'POST', '/auth/login', { body: { username, password } });
  if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${r.text}`);
  return r.json.access_token;
}

/** missingRoute tells whether the server answered "route not found": the
 * endpoint is not merged yet. */
export const missingRoute = (r) => r.status === 404 && /route/.test(r.json?.error?.message || '');

export async function signIn(page, who) {
  const [username, password] = DEMO[who] || who;
  await page.goto('/');
  await page.locator('#login-form input[name=username]').fill(username);
  await page.locator('#login-form input[name=password]').fill(password);
  await page.locator('#login-form button[type=submit]').click();
  await page.locator('#login-form').waitFor({ state: 'detached' });
}

/** queueState reads what the queue panel says: waiting and failed counts. */
export async function queueState(page) {
  return page.evaluate(() => {
    const q = document.getElementById('queue');
    return { waiting: Number(q.dataset.waiting || 0), failed: Number(q.dataset.failed || 0), hidden: q.hidden, text: q.textContent };
  });
}
export async function waitQueueEmpty(page, timeout = 20_000) {
  await page.waitForFunction(() => {
    const q = document.getElementById('queue');
    return q.hidden || (q.dataset.waiting === '0' && q.dataset.failed === '0');
  }, null, { timeout });
}

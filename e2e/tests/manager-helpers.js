// manager-helpers.js — what the manager's browser tests share: the two
// screen sizes every flow runs at, and an accessibility check of the screen
// shown (axe-core serious/critical, touch targets, raw English codes).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// The page's CSP refuses an injected <script>; code run through the DevTools
// protocol (page.evaluate) is not subject to it.
const axeSource = readFileSync(require.resolve('axe-core'), 'utf8');

/** SIZES: a phone (390×844, touch) and a 1280-px desktop. */
export const SIZES = [
  { name: 'phone', opts: { viewport: { width: 390, height: 844 } } },
  { name: 'desktop', opts: { viewport: { width: 1280, height: 900 }, isMobile: false, hasTouch: false } },
];

// Codes of the error envelope and words of the server's English messages
// that must never reach a zh-TW screen.
const CODES = /\b(validation_failed|unauthenticated|not_found|forbidden|bad_request|account_rejected|period_closed|version_conflict|conflict|unknown unit|bad due date|already on the|route not found|Asia\/Taipei)\b/;

/** audit answers what is wrong with the screen now shown. */
export async function audit(page) {
  await page.waitForLoadState('networkidle');
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.impact} ${v.id}: ${v.nodes.slice(0, 4).map((n) => n.target.join(' ')).join(' | ')}`);
  });
  const small = await page.evaluate(() => [...document.querySelectorAll('#view button, #view a[href], #tabs a')]
    .filter((el) => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden')
    .map((el) => ({ el, r: el.getBoundingClientRect() }))
    .filter(({ r }) => r.width < 44 || r.height < 44)
    .map(({ el, r }) => `${Math.round(r.width)}×${Math.round(r.height)} ${el.outerHTML.slice(0, 90)}`));
  const text = await page.locator('body').innerText();
  const code = CODES.exec(text);
  const junk = /\b(null|undefined|NaN)\b/.exec(text);
  return { violations, small, code: code ? code[0] : null, junk: junk ? junk[0] : null };
}

export async function assertClean(name, page) {
  const r = await audit(page);
  assert.deepEqual(r.violations, [], `${name}: axe serious/critical`);
  assert.deepEqual(r.small, [], `${name}: touch targets under 44 px`);
  assert.equal(r.code, null, `${name}: English error code or message on screen`);
  assert.equal(r.junk, null, `${name}: null/undefined on screen`);
}

/** open shows a hash route and waits for a selector. */
export async function open(page, hash, ready) {
  await page.evaluate((h) => { location.hash = h; }, hash);
  await page.locator(ready).first().waitFor();
}

/** serious drops the console noise the tests provoke on purpose (refused requests). */
export const serious = (problems) => problems.filter((p) => !/40[034]|422|Failed to load resource/.test(p));

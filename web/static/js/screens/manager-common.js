// screens/manager-common.js — what the manager's screens share: their words
// (zh-TW first, English on the switch), the 民國 year and agency pickers,
// hash parameters, and downloads that carry the sign-in token.

import * as mapi from '../api-manager.js';
import { getLang } from '../i18n.js';
import { h, field } from '../dom.js';
import { rocYear, formatNumber } from '../format.js';
import { toast, errText, ensureUnits } from '../shell.js';
import { TEXT } from './manager-text.js';

/** mt translates a key of the manager's screens, filling {name} placeholders. */
export function mt(key, vars = {}) {
  const e = TEXT[key];
  let s = e ? e[getLang() === 'en' ? 1 : 0] : key;
  for (const [k, v] of Object.entries(vars)) s = s.replaceAll('{' + k + '}', String(v));
  return s;
}
export const zh = () => getLang() !== 'en';

/** hashParams are the ?a=b parameters after the route in the location hash. */
export function hashParams() {
  const i = location.hash.indexOf('?');
  return new URLSearchParams(i < 0 ? '' : location.hash.slice(i + 1));
}
/** hashWith builds a hash from a route and parameters (empty ones left out). */
export function hashWith(path, params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) if (v !== undefined && v !== null && v !== '') u.set(k, v);
  const s = u.toString();
  return '#/' + path + (s ? '?' + s : '');
}

export const thisRocYear = () => rocYear(new Date().getFullYear());

/** readRocYear reads a year as a person or an old link writes it: 115 or 2026 → 115. */
export function readRocYear(v, dflt = thisRocYear()) {
  const n = Number(String(v ?? '').replace(/[^\d]/g, ''));
  if (!n) return dflt;
  return n >= 1912 ? n - 1911 : n;
}

/** rocYearSelect is a <select> of 民國 years, newest first (108 = 2019, the plan's first year). */
export function rocYearSelect(id, selected, { from = 108 } = {}) {
  const top = thisRocYear() + 1;
  const sel = h('select', { id, name: 'roc_year' });
  for (let y = top; y >= Math.min(from, selected); y--) {
    sel.append(h('option', { value: y, selected: y === selected }, zh() ? `民國 ${y} 年（${y + 1911}）` : `ROC ${y} (${y + 1911})`));
  }
  return sel;
}

/** unitSelect is a <select> of the agencies and schools, "all" first. */
export async function unitSelect(id, selected) {
  const units = await ensureUnits().catch(() => []);
  return h('select', { id, name: 'unit_id' },
    h('option', { value: '' }, mt('all_units')),
    units.map((u) => h('option', { value: u.id, selected: u.id === selected }, u.name)));
}
export async function unitName(id) {
  if (!id) return '';
  const units = await ensureUnits().catch(() => []);
  return units.find((u) => u.id === id)?.name || mt('unit_unknown');
}
export async function unitNames() {
  const units = await ensureUnits().catch(() => []);
  return new Map(units.map((u) => [u.id, u.name]));
}

export { field };

/** saveFile hands a blob to the browser as a download named name. */
export function saveFile(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name, class: 'visually-hidden' });
  document.body.append(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/** downloadButton fetches path with the token and saves it; a failure is a
 * sentence in the person's language (an export the server does not offer
 * yet included). */
export function downloadButton(id, text, path, fallback) {
  const b = h('button', { type: 'button', id, class: 'dl' }, text);
  b.addEventListener('click', async () => {
    b.disabled = true;
    try {
      const { blob, name } = await mapi.download(typeof path === 'function' ? path() : path, fallback);
      saveFile(blob, name);
      toast(mt('downloaded', { name }));
    } catch (e) {
      toast(e.status === 404 ? mt('export_missing') : mt('export_failed', { why: errText(e) }), 'bad');
    } finally { b.disabled = false; }
  });
  return b;
}

/** waited is how long since a moment, in words (3 天, 5 小時). */
export function waited(iso, now = Date.now()) {
  const ms = now - new Date(iso).getTime();
  if (!(ms >= 0)) return '';
  const hrs = Math.floor(ms / 3_600_000), days = Math.floor(hrs / 24);
  if (days >= 365) return mt('waited_years', { n: Math.floor(days / 365) });
  if (days >= 60) return mt('waited_months', { n: Math.floor(days / 30) });
  if (days >= 1) return mt('waited_days', { n: formatNumber(days) });
  if (hrs >= 1) return mt('waited_hours', { n: hrs });
  return mt('waited_now');
}

/** pct formats a share as 87.5%. */
export const pct = (v) => (v == null || isNaN(v) ? '–' : (Math.round(v * 10) / 10) + '%');

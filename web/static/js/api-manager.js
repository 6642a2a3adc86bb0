// api-manager.js — the calls of the manager's screens (KPI report and
// drill-down, review, declarations, approvals, exports). Kept apart from
// api.js so that the officer's and the manager's calls change separately;
// sessions, refresh and errors are api.js's (call).

import { call, ApiError } from './api.js';

const q = (params) => {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) if (v !== undefined && v !== null && v !== '') u.set(k, v);
  const s = u.toString();
  return s ? '?' + s : '';
};
const enc = encodeURIComponent;
const get = async (path) => (await call('GET', path)).data;
const post = async (path, body) => (await call('POST', path, { body })).data;

// ---------------------------------------------------------------- KPIs

/** kpiReport: {roc_year, unit_id, group} → the year's report (groups per KPI with group=unit|month). */
export const kpiReport = (p) => get('/kpis' + q(p));
/** kpiRecords: the records behind one KPI's number, a page at a time. */
export const kpiRecords = (code, p) => get(`/kpis/${enc(code)}/records` + q({ limit: 20, ...p }));

// ---------------------------------------------------------------- review

export const activities = (p) => get('/activities' + q({ limit: 50, ...p }));
export const activity = (id) => get('/activities/' + enc(id));
/** review: decision approved|returned, comment (required when returned), the version read. */
export const review = (id, body) => post(`/activities/${enc(id)}/review`, body);

// ---------------------------------------------------------------- volunteers

export const volunteers = (status) => get('/volunteers' + q({ status, limit: 200 }));
export const approve = (id) => post(`/users/${enc(id)}/approve`);
export const reject = (id, reason) => post(`/users/${enc(id)}/reject`, { reason });

// ---------------------------------------------------------------- declarations

export const declarations = (p) => get('/declarations' + q({ limit: 50, ...p }));
/** allDeclarations pages through the whole roster of a year (for the rate by unit). */
export async function allDeclarations(p) {
  const out = [];
  let cursor = '';
  for (let i = 0; i < 100; i++) {
    const page = await get('/declarations' + q({ ...p, limit: 200, cursor }));
    out.push(...page.items);
    if (!page.next_cursor) break;
    cursor = page.next_cursor;
  }
  return out;
}
/** importDeclarations sends a roster CSV (all or nothing; a 422 names each bad line). */
export async function importDeclarations(year, file) {
  const form = new FormData();
  form.append('file', file, file.name || 'roster.csv');
  return (await call('POST', '/declarations/import' + q({ year }), { form })).data;
}
export const draws = (year) => get('/declarations/draws' + q({ year, limit: 50 }));
export const draw = (id) => get('/declarations/draws/' + enc(id));
export const verifyDraw = (id) => get(`/declarations/draws/${enc(id)}/verify`);
export const createDraw = (body) => post('/declarations/draws', body);

// ---------------------------------------------------------------- ethics register and early warnings

/** registrations: a page of the ethics-code register (type, unit_id, roc_year, late, cursor). */
export const registrations = (p) => get('/ethics-registrations' + q({ limit: 20, ...p }));
export const registration = (id) => get('/ethics-registrations/' + enc(id));
/** allRegistrations pages through a year's register for its statistics, at
 * most maxPages pages of 200; answers {items, complete}. */
export async function allRegistrations(p, maxPages = 10) {
  const items = [];
  let cursor = '';
  for (let i = 0; i < maxPages; i++) {
    const page = await get('/ethics-registrations' + q({ ...p, limit: 200, cursor }));
    items.push(...page.items);
    if (!page.next_cursor) return { items, complete: true };
    cursor = page.next_cursor;
  }
  return { items, complete: false };
}
export const warnings = (p) => get('/early-warnings' + q({ limit: 20, ...p }));
export const warning = (id) => get('/early-warnings/' + enc(id));
/** returnWarning sends a draft or submitted warning back to its writer with a comment. */
export const returnWarning = (id, body) => post(`/early-warnings/${enc(id)}/return`, body);

/** analysis: the yearly analysis by agency ({roc_year}). */
export const analysis = (p) => get('/ethics-analysis' + q(p));

// ---------------------------------------------------------------- downloads

/** download fetches a file with the bearer token and answers {blob, name};
 * the name is the server's (Content-Disposition, RFC 5987 filename* first). */
export async function download(path, fallback) {
  const res = await call('GET', path, { raw: true });
  const type = res.headers.get('Content-Type') || '';
  // A JSON answer where a file was asked is an error page, not a file.
  if (/json/.test(type)) throw new ApiError(res.status, (await res.json().catch(() => ({}))).error || {});
  return { blob: await res.blob(), name: fileName(res.headers.get('Content-Disposition') || '') || fallback };
}

/** fileName reads a Content-Disposition header's file name. */
export function fileName(cd) {
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(cd);
  if (star) { try { return decodeURIComponent(star[1].trim().replace(/^"|"$/g, '')); } catch { /* fall through */ } }
  const plain = /filename\s*=\s*"?([^";]+)"?/.exec(cd);
  return plain ? plain[1].trim() : '';
}

export { q as query };

// api-reports.js — the calls of the report handlers' screens (檢舉): the
// queue, one report, its workflow, messages and files, the statistics
// managers see, and the admin's designation of handlers. Reports hold
// personal data: every call asks the browser not to keep the answer
// (api.js sends cache: 'no-store'; the service worker never touches /api/).

import { call } from './api.js';

const q = (params) => {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) if (v !== undefined && v !== null && v !== '' && v !== false) u.set(k, v);
  const s = u.toString();
  return s ? '?' + s : '';
};
const enc = encodeURIComponent;
const get = async (path) => (await call('GET', path)).data;
const post = async (path, body) => (await call('POST', path, { body })).data;

/** queue: {state, overdue: true, assigned: 'me', cursor} → {items, next_cursor}, ordered by the next deadline. */
export const queue = (p) => get('/reports' + q({ limit: 50, ...p }));
/** report: the whole report (content, identity when given, messages with internal notes, files, version). Each read is audited. */
export const report = (id) => get('/reports/' + enc(id));
// The active handlers: whom a report can be assigned to and whom it can name.
export const handlers = () => get('/reports/handlers');
/** transition: {to: assessing|referred|closed, referred_to, referred_agency, referred_on, reason, version}. */
export const transition = (id, body) => post(`/reports/${enc(id)}/transition`, body);
/** assign: {assignee_id, involved_user_ids, version}. */
export const assign = (id, body) => post(`/reports/${enc(id)}/assign`, body);
/** message: {text, internal}: internal notes are never shown to the reporter. */
export const message = (id, text, internal) => post(`/reports/${enc(id)}/messages`, { text, internal: Boolean(internal) });
/** file downloads one evidence file (audited) as {blob, name}. */
export async function file(id, fileId, fallback) {
  const res = await call('GET', `/reports/${enc(id)}/files/${enc(fileId)}`, { raw: true });
  const cd = res.headers.get('Content-Disposition') || '';
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(cd);
  let name = '';
  if (star) { try { name = decodeURIComponent(star[1].trim()); } catch { /* keep the fallback */ } }
  if (!name) { const plain = /filename\s*=\s*"?([^";]+)"?/.exec(cd); name = plain ? plain[1].trim() : ''; }
  return { blob: await res.blob(), name: name || fallback || 'file' };
}
/** record: a report received by letter, phone, mailbox or in person
 * (body: {client_id, channel, what, involved, …}), with its files (Blobs
 * with names) as multipart parts after the report. Answers {status, data:
 * {receipt, id, ref}}: 201, or 200 when the server already had this
 * client_id and report (the same receipt, nothing stored twice). */
export async function record(body, files = []) {
  if (!files.length) return call('POST', '/reports/intake', { body });
  const form = new FormData();
  form.append('report', JSON.stringify(body));
  for (const f of files) form.append('file', f.blob, f.name || 'file');
  return call('POST', '/reports/intake', { form });
}
/** stats: counts only, by state and channel for a year (Gregorian). */
export const stats = (year) => get('/reports/stats' + q({ year }));

/** staff answers the active officers and managers (admins only: GET /users). */
export async function staff() {
  const out = [];
  for (const role of ['officer', 'manager']) {
    let cursor = '';
    for (let i = 0; i < 20; i++) {
      const page = await get('/users' + q({ role, status: 'active', limit: 200, cursor }));
      out.push(...page.items);
      if (!page.next_cursor) break;
      cursor = page.next_cursor;
    }
  }
  return out;
}
/** setHandler designates (or not) an officer or manager as a report handler. */
export const setHandler = async (userId, on) => (await call('PATCH', '/users/' + enc(userId), { body: { report_handler: Boolean(on) } })).data;

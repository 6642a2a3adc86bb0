// api-report.js — the public calls of a whistle-blowing report: no account,
// no session. The reporter's token lives only in the memory of the page that
// asked for it (never localStorage, never a URL), and every call says
// no-store so no cache keeps an answer.

import { ApiError } from './api.js';

const BASE = '/api/v1';

async function call(method, path, { body, form, token } = {}) {
  const headers = {};
  if (token) headers.Authorization = 'Bearer ' + token;
  let payload;
  if (form) payload = form;
  else if (body !== undefined) { headers['Content-Type'] = 'application/json'; payload = typeof body === 'string' ? body : JSON.stringify(body); }
  let res;
  try {
    res = await fetch(BASE + path, { method, headers, body: payload, cache: 'no-store', credentials: 'omit', referrerPolicy: 'no-referrer' });
  } catch {
    throw new ApiError(0, {}, true);
  }
  if (!res.ok) {
    const env = (await res.json().catch(() => ({}))).error || {};
    const e = new ApiError(res.status, env);
    const ra = Number(res.headers.get('Retry-After'));
    if (res.status === 429) e.retryAfter = Number.isFinite(ra) && ra > 0 ? ra : 60;
    throw e;
  }
  return { status: res.status, data: res.status === 204 ? null : await res.json() };
}

/** challenge answers {challenge, difficulty, expires_at}. */
export const challenge = async () => (await call('GET', '/reports/challenge')).data;

/** submit sends the report as the exact JSON text given, so that a resend
 * after a lost answer is byte for byte the same (the server answers 200 and
 * the same receipt). Answers {status, data: {receipt}}. */
export const submit = (json) => call('POST', '/reports', { body: json });

/** access exchanges a receipt for a short token scoped to that report. */
export const access = async (receipt) => (await call('POST', '/reports/access', { body: { receipt } })).data;

export const mine = async (token) => (await call('GET', '/reports/mine', { token })).data;
export const reply = async (token, text) => (await call('POST', '/reports/mine/messages', { token, body: { text } })).data;

/** addFile uploads one file (multipart, part "file"). */
export async function addFile(token, blob, name) {
  const form = new FormData();
  form.append('file', blob, name || 'file');
  return (await call('POST', '/reports/mine/files', { token, form })).data;
}

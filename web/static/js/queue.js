// queue.js — the offline queue. Every write is first stored in IndexedDB
// with its client id, then sent one by one, in order, when the network and a
// session are there. Nothing queued is lost by a reload, a closed browser or
// an expired session; a replay is harmless because the server recognises the
// client id (201 first, 200 for an identical replay).

import { perform, currentUser, ApiError, SessionExpired } from './api.js';

const DB_NAME = 'ethicsops';
const DB_VERSION = 1;
let dbp = null;
const listeners = new Set();
let flushing = null;
let again = false;

function open() {
  if (dbp) return dbp;
  dbp = new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, DB_VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains('queue')) db.createObjectStore('queue', { keyPath: 'seq', autoIncrement: true });
      if (!db.objectStoreNames.contains('cache')) db.createObjectStore('cache', { keyPath: 'key' });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  return dbp;
}

function tx(store, mode, fn) {
  return open().then((db) => new Promise((resolve, reject) => {
    const t = db.transaction(store, mode);
    const s = t.objectStore(store);
    let out;
    Promise.resolve(fn(s)).then((v) => { out = v; });
    t.oncomplete = () => resolve(out);
    t.onerror = () => reject(t.error);
    t.onabort = () => reject(t.error);
  }));
}
const wrap = (req) => new Promise((resolve, reject) => { req.onsuccess = () => resolve(req.result); req.onerror = () => reject(req.error); });

// ---------------------------------------------------------------- cache
// Last copies seen of activities, check-in answers and lists, for reading
// offline and for the version a queued PATCH needs.

export const cacheGet = (key) => tx('cache', 'readonly', (s) => wrap(s.get(key))).then((r) => r?.value);
export const cachePut = (key, value) => tx('cache', 'readwrite', (s) => { s.put({ key, value }); });

// ---------------------------------------------------------------- queue

/** all answers every queued item, oldest first. */
export const all = () => tx('queue', 'readonly', (s) => wrap(s.getAll()));

/** enqueue stores one write and tries to send it at once.
 * op: the name of a write in api.js; payload: its arguments (with the client
 * id in it); label: what the queue panel shows; activityId: the record the
 * write belongs to (later writes of a record wait for the earlier ones). */
export async function enqueue({ op, payload, label, activityId, blob }) {
  const user = currentUser();
  // Every create is stored with its client id before the first try, so
  // that each resend carries the same one.
  if (op === 'attachment' && !payload.id) payload = { ...payload, id: crypto.randomUUID() };
  const item = {
    op, payload, label, activityId: activityId || null, blob: blob || null,
    userId: user?.id || null, username: user?.username || '',
    status: 'waiting', error: null, attempts: 0, created_at: new Date().toISOString(),
  };
  item.seq = await tx('queue', 'readwrite', (s) => wrap(s.add(item)));
  notify();
  flush();
  return item;
}

const put = (item) => tx('queue', 'readwrite', (s) => { s.put(item); });
const remove = (seq) => tx('queue', 'readwrite', (s) => { s.delete(seq); });

/** retry puts a failed item back in line. */
export async function retry(seq) {
  const item = await tx('queue', 'readonly', (s) => wrap(s.get(seq)));
  if (!item) return;
  item.status = 'waiting'; item.error = null;
  if (item.op === 'updateActivity') delete item.payload.version; // take the latest version seen
  await put(item);
  notify(); flush();
}
/** get answers one queued item. */
export const get = (seq) => tx('queue', 'readonly', (s) => wrap(s.get(Number(seq))));

/** resend puts a refused item back in line with what the user corrected;
 * the writes queued behind it follow once it is accepted. */
export async function resend(seq, payload, label) {
  const item = await get(seq);
  if (!item) return;
  item.payload = payload;
  if (label) item.label = label;
  item.status = 'waiting'; item.error = null;
  await put(item);
  notify(); flush();
}

// A discarded item is kept this long, to be restored.
export const KEEP_DISCARDED_MS = 7 * 86_400_000;

/** discard drops an item the user gave up on, keeping a copy for 7 days. */
export async function discard(seq) {
  const item = await get(seq);
  if (item) {
    const kept = (await discarded()).filter((d) => d.seq !== item.seq);
    kept.push({ ...item, discarded_at: new Date().toISOString() });
    await cachePut('discarded', kept);
  }
  await remove(seq); notify(); flush();
}
/** discarded answers the copies of discarded items younger than 7 days. */
export async function discarded() {
  const all = (await cacheGet('discarded')) || [];
  const keep = all.filter((d) => Date.now() - new Date(d.discarded_at).getTime() < KEEP_DISCARDED_MS);
  if (keep.length !== all.length) await cachePut('discarded', keep);
  return keep;
}
/** restore puts a discarded item back in the queue (as a failed item, to be opened and fixed). */
export async function restore(seq) {
  const all = await discarded();
  const d = all.find((x) => x.seq === Number(seq));
  if (!d) return null;
  await cachePut('discarded', all.filter((x) => x !== d));
  const { discarded_at: _, seq: __, ...item } = d;
  item.status = item.error ? 'failed' : 'waiting';
  item.seq = await tx('queue', 'readwrite', (s) => wrap(s.add(item)));
  notify(); flush();
  return item;
}

/** onChange registers fn(items, event) for every change of the queue; event
 * is {done: item, result} when an item was sent. */
export function onChange(fn) { listeners.add(fn); }
async function notify(event) {
  const items = await all().catch(() => []);
  for (const fn of listeners) fn(items, event);
}

/** flush sends what waits, in order, one at a time. It stops at the first
 * network failure (the rest would fail the same way) and leaves items of
 * another user, and items after a failed write of the same record, waiting. */
export function flush() {
  if (flushing) { again = true; return flushing; }
  flushing = (async () => {
    do {
      again = false;
      await flushOnce();
    } while (again);
  })().finally(() => { flushing = null; notify(); });
  return flushing;
}

async function flushOnce() {
  const user = currentUser();
  if (!user || user.status === 'pending' || !navigator.onLine) return;
  const items = await all();
  const stuck = new Set(); // activities with a failed or waiting earlier write
  for (const item of items) {
    if (item.userId !== user.id) continue;
    if (item.status === 'failed') { if (item.activityId) stuck.add(item.activityId); continue; }
    if (item.activityId && stuck.has(item.activityId)) {
      if (item.status !== 'blocked') { item.status = 'blocked'; await put(item); }
      continue;
    }
    if (item.op === 'updateActivity' && item.payload.version == null) {
      const a = await cacheGet('activity:' + item.activityId);
      if (a) item.payload.version = a.version;
    }
    item.status = 'sending'; item.attempts += 1;
    await put(item); notify();
    try {
      const res = await perform(item.op, item.payload, item.blob);
      await remove(item.seq);
      await remember(item, res?.data);
      notify({ done: item, result: res?.data, status: res?.status });
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError(0, { message: String(err) }, true);
      item.error = { status: e.status, code: e.code, message: e.message, fields: e.fields, request_id: e.requestId, at: new Date().toISOString() };
      if (err instanceof SessionExpired || e.transient || e.status === 401) {
        item.status = 'waiting'; // sent again when the network or the session is back
        await put(item);
        return;
      }
      item.status = 'failed';
      await put(item);
      if (item.activityId) stuck.add(item.activityId);
    }
  }
}

/** remember keeps what the server answered, for the screens and for the
 * next write of the same record. */
async function remember(item, data) {
  if (!data) return;
  if (item.op === 'createActivity' || item.op === 'updateActivity') await cachePut('activity:' + data.id, data);
  if (item.op === 'checkin') {
    const key = 'checkins:' + item.activityId;
    const list = ((await cacheGet(key)) || []).filter((c) => c.id !== data.id);
    list.push(data);
    await cachePut(key, list);
  }
  if (item.op === 'attachment') {
    const key = 'attachments:' + item.activityId;
    const list = ((await cacheGet(key)) || []).filter((c) => c.id !== data.id);
    list.push(data);
    await cachePut(key, list);
  }
}

/** start resets items left "sending" by a closed page (they are sent again:
 * the client id makes that safe) and sends when the network comes back. */
export async function start() {
  const items = await all();
  for (const it of items) if (it.status === 'sending' || it.status === 'blocked') { it.status = 'waiting'; await put(it); }
  window.addEventListener('online', () => flush());
  setInterval(() => flush(), 20_000);
  notify();
  flush();
}

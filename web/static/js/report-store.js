// report-store.js — keeps one unsent report (its words, the reporter's
// choices and the chosen files) in this page's IndexedDB until the server has
// it, so that a weak signal, a reload or a closed tab loses nothing. A
// database of its own, apart from the officer's queue: it is deleted whole
// once the receipt has been shown. Nothing of a report ever goes to
// localStorage, the URL or the service worker's cache.

const DB_NAME = 'ethicsops-report';
let dbp = null;

function open() {
  if (dbp) return dbp;
  dbp = new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => { req.result.createObjectStore('draft'); };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  return dbp;
}

function tx(mode, fn) {
  return open().then((db) => new Promise((resolve, reject) => {
    const t = db.transaction('draft', mode);
    const req = fn(t.objectStore('draft'));
    t.oncomplete = () => resolve(req?.result);
    t.onerror = () => reject(t.error);
    t.onabort = () => reject(t.error);
  }));
}

/** load answers the kept report or null. Its shape: {form: {...fields},
 * files: [{id, name, type, size, blob, sent}], stage: 'draft'|'outbox'|'files',
 * body: the frozen JSON text once sending began, pow, receipt (only while
 * files are still being sent, before the receipt is shown)}. */
export const load = () => tx('readonly', (s) => s.get('report')).then((r) => r || null).catch(() => null);
export const save = (r) => tx('readwrite', (s) => s.put(r, 'report'));
/** clear forgets the report: the record, then the whole database. */
export async function clear() {
  await tx('readwrite', (s) => s.delete('report')).catch(() => {});
  const db = await dbp?.catch(() => null);
  db?.close();
  dbp = null;
  await new Promise((resolve) => { const r = indexedDB.deleteDatabase(DB_NAME); r.onsuccess = r.onerror = r.onblocked = () => resolve(); });
}

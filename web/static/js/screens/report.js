// screens/report.js — 我要檢舉: the public report form, no account. The
// report is kept in this page's IndexedDB (report-store.js) from the first
// keystroke until the server has it; sending proves a little work
// (pow.js), posts the words, then the files one by one with the reporter's
// token, each retried on a weak signal; the receipt is shown once and the
// kept copy deleted. The fields themselves are report-fields.js, shared
// with a handler's recording of a report received on paper or by phone.

import * as rapi from '../api-report.js';
import * as store from '../report-store.js';
import { prove, stillValid } from '../pow.js';
import { h } from '../dom.js';
import { fieldMessage } from '../messages.js';
import { rt, waitText } from '../report-text.js';
import { route, toast, go } from '../shell.js';
import { MAX_FILES, MAX_FILE_BYTES, fileProblem as problemOf, reportFields, reportBody, validateReport, showProblems, clearMark } from '../report-fields.js';

export { MAX_FILES, MAX_FILE_BYTES };

/** fileProblem answers why a chosen file cannot be attached, or ''. */
export const fileProblem = (f) => problemOf(f, rt);

/** fileErr is a refused upload as a sentence. */
export function fileErr(e) {
  if (!e) return '';
  if (e.network || e.status === 0) return rt('e_network');
  if (e.status === 413 || e.code === 'payload_too_large') return rt('e_too_large');
  if (e.status === 415 || e.code === 'unsupported_media_type') return rt('e_bad_type');
  if (e.status === 422 && e.fields?.file) return rt('e_limit');
  if (e.status === 429) return rt('try_later', { when: waitText(e.retryAfter || 60) });
  return rt('e_server');
}

// ---------------------------------------------------------------- sending
// One send loop per page, whatever screen is shown: it reads the kept report,
// and tells the screen what it does through onStatus.

let running = null;
let kick = null; // ends the current wait (立即送出, back online)
let onStatus = () => {};
let receiptShown = null; // the sent report while its receipt is up, nowhere else

function status(kind, vars = {}) { onStatus(kind, vars); }

function wait(ms) {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    const online = () => done();
    function done() { clearTimeout(timer); window.removeEventListener('online', online); kick = null; resolve(); }
    window.addEventListener('online', online);
    kick = done;
  });
}

/** sendNow ends a wait: the person asked, or the network came back. */
export function sendNow() { if (kick) kick(); else start(); }

/** start runs the send loop unless it runs already. */
export function start() {
  // One sender across the page's tabs: two would race on the same files.
  const locked = () => (navigator.locks ? navigator.locks.request('ethicsops-report-send', loop) : loop());
  if (!running) running = locked().finally(() => { running = null; });
  return running;
}

async function loop() {
  let r = await store.load();
  if (!r || r.stage === 'draft') return;
  let delay = 2000;
  let powRefusals = 0;
  for (;;) {
    if (!navigator.onLine && r.stage !== 'done') { status('offline'); await wait(3_600_000); continue; }
    try {
      if (r.stage === 'outbox') {
        // A proof already sent is sent again until the server refuses it:
        // that first try may have arrived, and only the same proof gets its
        // receipt back. An unsent one is renewed when it is about to expire.
        if (!r.pow || (!r.pow.sent && !stillValid(r.pow))) {
          status('proving', { p: 0 });
          const p = await prove((x) => status('proving', { p: x }));
          r.pow = { challenge: p.challenge, nonce: p.nonce, expires_at: p.expires_at };
          await store.save(r);
        }
        status('sending');
        if (!r.pow.sent) { r.pow.sent = true; await store.save(r); }
        // The same words and the same proof each time: a resend after a
        // lost answer gets 200 and the same receipt, never a second report.
        const json = JSON.stringify({ ...r.body, pow: { challenge: r.pow.challenge, nonce: r.pow.nonce } });
        const res = await rapi.submit(json);
        r.receipt = res.data.receipt;
        r.stage = r.files.some((f) => !f.sent && !f.refused) ? 'files' : 'done';
        r.pow = null;
        await store.save(r);
        delay = 2000;
      }
      if (r.stage === 'files') {
        await sendFiles(r);
        r.stage = 'done';
        await store.save(r);
      }
      if (r.stage === 'done') { status('done', { r }); return; }
    } catch (e) {
      if (e.status === 422 && e.fields?.pow && powRefusals < 2) { powRefusals++; r.pow = null; await store.save(r); continue; }
      if (e.network || e.status >= 500 || e.status === 429 || e.status === 408) {
        const ms = e.status === 429 ? (e.retryAfter || 60) * 1000 : delay;
        delay = Math.min(delay * 2, 60_000);
        status(navigator.onLine ? (e.status === 429 ? 'busy' : 'retry') : 'offline', { s: Math.round(ms / 1000), when: waitText(ms / 1000) });
        await wait(ms);
        continue;
      }
      // Refused for good (a field the server does not accept): back to the
      // form, with the words kept.
      r.stage = 'draft';
      r.pow = null;
      r.refused = { status: e.status, code: e.code, fields: e.fields || null };
      await store.save(r);
      status('refused', { e });
      return;
    }
  }
}

let token = null;
async function bearer(r, fresh = false) {
  if (!token || fresh) token = (await rapi.access(r.receipt)).access_token;
  return token;
}

/** sendFiles uploads each unsent file with the reporter's token. A lost
 * answer is checked against the report's files before the upload is tried
 * again, so a file is never stored twice (it would count against the 5). */
async function sendFiles(r) {
  const todo = r.files.filter((f) => !f.sent && !f.refused);
  for (let i = 0; i < todo.length; i++) {
    const f = todo[i];
    status('files', { i: i + 1, n: todo.length });
    if (f.tried) {
      const seen = (await rapi.mine(await bearer(r)).catch(async (e) => {
        if (e.status === 401) return rapi.mine(await bearer(r, true));
        throw e;
      })).files || [];
      if (seen.some((x) => x.from === 'reporter' && x.name === f.name && x.size === f.size)) {
        f.sent = true; f.blob = null; await store.save(r); continue;
      }
    }
    f.tried = true;
    await store.save(r);
    try {
      await rapi.addFile(await bearer(r), f.blob, f.name).catch(async (e) => {
        if (e.status === 401) return rapi.addFile(await bearer(r, true), f.blob, f.name);
        throw e;
      });
      f.sent = true; f.blob = null;
    } catch (e) {
      if (e.network || e.status >= 500 || e.status === 429 || e.status === 408) throw e;
      f.refused = fileErr(e); f.blob = null;
    }
    await store.save(r);
  }
  token = null;
}

// ---------------------------------------------------------------- form

/** reportView is the public page: the form, or the report waiting to be
 * sent, or (once) its receipt. */
export async function reportView() {
  if (receiptShown) return receiptBox(receiptShown); // a language switch redraws it
  const kept = await store.load();
  if (kept && kept.stage !== 'draft') {
    const box = waitingView(kept);
    start();
    return box;
  }
  return formView(kept);
}

function formView(kept) {
  // Every change is kept in the page at once (a phone may close the tab).
  let timer = null;
  const keep = () => {
    clearTimeout(timer);
    timer = setTimeout(() => store.save({ stage: 'draft', form: read(), files }).catch(() => {}), 300);
  };
  const { els, wrap, disclosure, who, filesPart, files, showWho, read } = reportFields({
    prefix: 'r', w: rt, values: kept?.form || {}, files: (kept?.files || []).map((x) => ({ ...x })), ownIdentity: true, onChange: keep });

  const err = h('p', { class: 'error', role: 'alert', id: 'r-error' });
  // A mark goes away as soon as the person types in its field.
  const typed = (ev) => { clearMark(ev); keep(); };
  const form = h('form', { class: 'card report-form', id: 'report-form', novalidate: true, oninput: typed, onchange: () => { showWho(); keep(); }, onsubmit: async (ev) => {
    ev.preventDefault();
    const v = read();
    const problems = validateReport(v, rt);
    showProblems(form, problems, 'r');
    if (Object.keys(problems).length) { err.textContent = rt('fix_fields'); form.querySelector('.field.invalid textarea, .field.invalid input')?.focus(); return; }
    err.textContent = '';
    clearTimeout(timer);
    await store.save({ stage: 'outbox', form: v, files, body: body(v), pow: null });
    go('#/report'); // the waiting view, which starts the send
    start();
  } },
  h('h2', {}, rt('title')),
  h('p', {}, rt('intro')),
  h('p', { class: 'hint' }, rt('required_note')),
  wrap('what', rt('what'), els.what, { required: true, hint: rt('what_hint') }),
  h('fieldset', { class: 'part' }, h('legend', {}, rt('involved')),
    wrap('agency', rt('agency'), els.agency), wrap('person', rt('person'), els.person), wrap('role', rt('role'), els.role)),
  wrap('when', rt('when'), els.when, { hint: rt('when_hint') }),
  wrap('where', rt('where'), els.where),
  wrap('how_known', rt('how_known'), els.how_known, { hint: rt('how_known_hint') }),
  filesPart,
  disclosure, who,
  h('section', { class: 'r-notice', 'aria-labelledby': 'r-notice-h' },
    h('h3', { id: 'r-notice-h' }, rt('notice_h')),
    h('ul', {}, ['notice_1', 'notice_2', 'notice_3', 'notice_4'].map((k) => h('li', {}, rt(k))))),
  err,
  h('button', { type: 'submit', class: 'primary', id: 'r-send' }, rt('send')));
  if (kept?.refused) showServer(form, kept.refused, err);
  return h('div', {}, form, links());
}

function links() {
  return h('nav', { class: 'r-links', 'aria-label': rt('title') },
    h('a', { href: '#/report/follow', class: 'link' }, rt('follow_link')),
    h('a', { href: '#/login', class: 'link' }, rt('back_sign_in')));
}

/** body is the report as POST /reports takes it (without the proof). */
export const body = reportBody;

/** showServer puts a refusal of the server next to its fields. */
function showServer(form, e, err) {
  const problems = {};
  for (const [path, msg] of Object.entries(e.fields || {})) {
    const name = path.split('.').pop();
    if (form.querySelector(`.field[data-name="${name}"]`)) problems[name] = fieldMessage(path, msg);
  }
  showProblems(form, problems, 'r');
  err.textContent = Object.keys(problems).length ? rt('fix_fields') : (e.status === 413 ? rt('e_too_large') : rt('e_server'));
}

// ---------------------------------------------------------------- waiting, receipt

function waitingView(r) {
  const text = h('p', { id: 'r-status-text', role: 'status', 'aria-live': 'polite' }, rt('st_kept'));
  const bar = h('progress', { id: 'r-progress', max: 100, value: 0, 'aria-label': rt('st_proving'), hidden: true });
  const now = h('button', { type: 'button', class: 'primary', id: 'r-send-now', hidden: true, onclick: () => sendNow() }, rt('send_now'));
  const discardBox = h('div', { class: 'r-discard' });
  const discard = () => discardBox.replaceChildren(h('button', { type: 'button', class: 'ghost', onclick: ask }, rt('discard_draft')));
  const ask = () => discardBox.replaceChildren(h('p', {}, rt('discard_confirm')),
    h('div', { class: 'row2' },
      h('button', { type: 'button', class: 'danger', onclick: async () => { await store.clear(); location.reload(); } }, rt('discard_yes')),
      h('button', { type: 'button', onclick: discard }, rt('discard_no'))));
  discard();
  const box = h('section', { class: 'card', id: 'report-waiting' },
    h('h2', {}, rt('waiting_h')),
    h('p', { class: 'r-summary' }, String(r.form?.what || '').slice(0, 80) + ([...String(r.form?.what || '')].length > 80 ? '…' : '')),
    text, bar, now, r.stage === 'outbox' ? discardBox : null);
  onStatus = (kind, vars) => {
    if (!box.isConnected && kind !== 'done' && kind !== 'refused') return;
    if (kind === 'done') {
      if (route().name !== 'report' || route().arg) return; // shown when the person comes back
      showReceipt(vars.r);
      return;
    }
    if (kind === 'refused') { if (route().name === 'report' && !route().arg) reRender(); return; }
    bar.hidden = kind !== 'proving';
    if (kind === 'proving') bar.value = Math.round(vars.p * 100);
    now.hidden = !['offline', 'retry', 'busy'].includes(kind);
    discardBox.hidden = !['offline', 'retry', 'busy'].includes(kind);
    text.textContent = {
      offline: rt('st_offline'), proving: rt('st_proving'), sending: rt('st_sending'),
      files: rt('st_files', vars), retry: rt('st_retry', vars), busy: rt('st_busy', vars),
    }[kind] || rt('st_kept');
    box.dataset.state = kind;
  };
  return box;
}

async function reRender() {
  const { render } = await import('../shell.js');
  render();
}

/** showReceipt shows the receipt once, and forgets the kept report. */
async function showReceipt(r) {
  receiptShown = { receipt: r.receipt, files: r.files.map((f) => ({ name: f.name, sent: f.sent, refused: f.refused })) };
  await store.clear();
  document.getElementById('view').replaceChildren(receiptBox(receiptShown));
  document.getElementById('r-receipt-h')?.focus();
  // Leaving the page any other way forgets the number too.
  window.addEventListener('hashchange', () => { receiptShown = null; }, { once: true });
}

function receiptBox(r) {
  const grouped = String(r.receipt).replace(/(\d{4})(?=\d)/g, '$1 ');
  const refused = r.files.filter((f) => f.refused);
  const sent = r.files.filter((f) => f.sent).length;
  return h('section', { class: 'card', id: 'report-receipt' },
    h('h2', { id: 'r-receipt-h', tabindex: '-1' }, rt('receipt_h')),
    h('p', { class: 'r-receipt-label', id: 'r-receipt-label' }, rt('receipt_label')),
    h('p', { class: 'r-receipt', id: 'r-receipt', 'aria-labelledby': 'r-receipt-label' },
      grouped.split(' ').map((g) => h('span', {}, g))),
    h('p', { class: 'r-write' }, rt('receipt_write')),
    h('p', { class: 'notice' }, rt('receipt_once')),
    h('p', { class: 'hint' }, rt('receipt_no_shot')),
    sent ? h('p', { id: 'r-files-sent' }, rt('receipt_files_ok', { n: sent })) : null,
    refused.length ? h('div', { class: 'notice', id: 'r-files-refused' }, h('p', {}, rt('receipt_files_refused')),
      h('ul', {}, refused.map((f) => h('li', {}, `${f.name}：${f.refused}`)))) : null,
    h('div', { class: 'r-receipt-actions' },
      h('button', { type: 'button', id: 'r-copy', onclick: async () => {
        try { await navigator.clipboard.writeText(receiptShown?.receipt || ''); } catch { /* no clipboard: the digits stay on screen */ }
        toast(rt('receipt_copied'));
      } }, rt('receipt_copy')),
      h('button', { type: 'button', class: 'primary', id: 'r-done', onclick: () => {
        receiptShown = null;
        document.getElementById('view').replaceChildren(thanks());
      } }, rt('receipt_done'))));
}

function thanks() {
  return h('section', { class: 'card', id: 'report-thanks' },
    h('h2', {}, rt('thanks_h')), h('p', {}, rt('thanks_body')), links());
}

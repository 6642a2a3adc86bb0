// screens/reports-intake.js — 登錄紙本／電話檢舉 (#/reports/new): a report
// handler records a report that came by letter, phone, the report mailbox
// or in person. The fields are the public page's (report-fields.js) in a
// handler's words; the channel is chosen with large radio buttons.
//
// Report data is never kept on a staff phone: the draft lives only in this
// module's memory (it survives a tab switch, not a reload), never in
// localStorage, IndexedDB or a cache. A draft gets one client_id
// (crypto.randomUUID()) for its life: when an answer is lost (the network
// dropped, a 5xx) the form is locked as it was sent and 再次送出 sends the
// very same report, which the server answers with the same receipt rather
// than a second report. The receipt is shown once, 4-4-4-4, with a slip to
// print for the reply letter.

import * as api from '../api.js';
import * as rapi from '../api-reports.js';
import { h } from '../dom.js';
import { fieldMessage, fieldName } from '../messages.js';
import { rt as publicText } from '../report-text.js';
import { reportFields, reportBody, validateReport, showProblems, clearMark } from '../report-fields.js';
import { errText, go, render, toast } from '../shell.js';
import { rt, rocDate } from './reports-common.js';
import { TEXT } from './reports-text.js';

const CHANNELS = ['letter', 'phone', 'mailbox', 'in_person'];
const P = 'ri'; // the ids' prefix

/** w is this screen's words for the shared fields: its own where the
 * reporter is spoken of (檢舉人, not 您), the public page's otherwise. */
const w = (key, vars) => (TEXT['in_' + key] ? rt('in_' + key, vars) : publicText(key, vars));

const isHandler = (u) => Boolean(u?.report_handler) && (u.role === 'officer' || u.role === 'manager');

// The draft being typed (memory only) and the receipt while it is on screen.
let draft = null;
let shown = null;

function newDraft(user) {
  // state: editing → sending → (receipt) or back to editing (refused), or
  // uncertain (no answer: locked until it is sent again).
  return { userId: user.id, clientId: crypto.randomUUID(), values: {}, channel: '', files: [], state: 'editing', status: '' };
}

const typedSomething = (d) => Boolean(d && (d.state === 'uncertain' || d.files.length || d.channel ||
  Object.entries(d.values).some(([k, v]) => k !== 'disclosure' && String(v || '').trim())));
// A reload or a closed tab loses the draft (nothing is stored): the browser asks first.
window.addEventListener('beforeunload', (ev) => {
  if (!shown && typedSomething(draft) && location.hash.startsWith('#/reports/new')) { ev.preventDefault(); ev.returnValue = ''; }
});

function notHandler() {
  return h('section', { id: 'report-intake' }, h('h2', {}, rt('intake_h')), h('p', { class: 'notice', role: 'alert' }, rt('not_handler')));
}

/** intakeView is #/reports/new: the form (or, once, the receipt). */
export async function intakeView() {
  const user = api.currentUser();
  if (!isHandler(user)) return notHandler();
  if (shown) { forgetOnLeave(); return receiptView(shown); } // a language switch redraws it
  // A designation withdrawn since sign-in shows before anything is typed;
  // offline, the form opens all the same.
  try { await rapi.handlers(); } catch (e) {
    if (e instanceof api.SessionExpired) throw e;
    if (e.status === 403) return notHandler();
  }
  if (!draft || draft.userId !== user.id) draft = newDraft(user);
  return formView(draft);
}

function formView(d) {
  const keep = () => { d.values = read(); };
  const { els, wrap, disclosure, who, filesPart, fileErr, showWho, read } = reportFields({
    prefix: P, w, values: d.values, files: d.files, onChange: keep });

  const channelErr = h('small', { class: 'field-error', id: 'ri-channel-err', 'aria-live': 'polite' });
  const channel = h('fieldset', { class: 'part ri-channel', id: 'ri-channel' },
    h('legend', {}, rt('channel_legend'), h('span', { class: 'req', 'aria-hidden': 'true' }, ' *')),
    h('div', { class: 'ri-channels' }, CHANNELS.map((c) => h('label', { class: 'choice-card ri-ch', dataset: { channel: c } },
      h('input', { type: 'radio', name: 'channel', value: c, checked: d.channel === c }),
      h('span', {}, h('strong', {}, rt('ch_' + c)), h('small', {}, rt('ch_' + c + '_hint')))))),
    channelErr);
  const disclosureErr = h('small', { class: 'field-error', id: 'ri-disclosure-err', 'aria-live': 'polite' });
  disclosure.append(disclosureErr);
  const groupMark = (set, errEl, msg) => {
    set.classList.toggle('invalid', Boolean(msg));
    errEl.textContent = msg;
    for (const r of set.querySelectorAll('input[type=radio]')) {
      if (msg) { r.setAttribute('aria-invalid', 'true'); r.setAttribute('aria-errormessage', errEl.id); } else r.removeAttribute('aria-invalid');
    }
  };

  // Everything typed sits in one fieldset, disabled while an answer is
  // awaited or lost: what is sent again is exactly what was sent.
  const content = h('fieldset', { class: 'ri-content', id: 'ri-content' },
    h('legend', { class: 'visually-hidden' }, rt('intake_h')),
    channel,
    wrap('what', w('what'), els.what, { required: true, hint: w('what_hint') }),
    h('fieldset', { class: 'part' }, h('legend', {}, w('involved')),
      wrap('agency', w('agency'), els.agency), wrap('person', w('person'), els.person), wrap('role', w('role'), els.role)),
    wrap('when', w('when'), els.when, { hint: w('when_hint') }),
    wrap('where', w('where'), els.where),
    wrap('how_known', w('how_known'), els.how_known, { hint: w('how_known_hint') }),
    disclosure, who,
    filesPart);

  const err = h('p', { class: 'error', role: 'alert', id: 'ri-error' });
  const status = h('p', { class: 'ri-status', id: 'ri-status', role: 'status', 'aria-live': 'polite' });
  const sendBtn = h('button', { type: 'submit', class: 'primary', id: 'ri-send' }, rt('intake_send'));
  const confirmText = h('p', { id: 'ri-confirm-text', role: 'alert' });
  const confirmYes = h('button', { type: 'button', class: 'primary', id: 'ri-confirm-yes', onclick: () => { confirmBox.hidden = true; send(); } }, rt('intake_confirm_yes'));
  const confirmNo = h('button', { type: 'button', id: 'ri-confirm-no', onclick: () => { confirmBox.hidden = true; sync(); sendBtn.focus(); } }, rt('intake_confirm_no'));
  const confirmBox = h('div', { class: 'confirm', id: 'ri-confirm', hidden: true }, confirmText, h('div', { class: 'actions' }, confirmYes, confirmNo));
  const conflictBox = h('div', { class: 'notice ri-conflict', id: 'ri-conflict', hidden: true },
    h('p', {}, rt('intake_conflict')),
    h('a', { class: 'link', href: '#/reports' }, rt('back_queue')),
    h('button', { type: 'button', id: 'ri-as-new', onclick: () => {
      d.clientId = crypto.randomUUID();
      conflictBox.hidden = true; err.textContent = '';
      sync(); sendBtn.focus();
    } }, rt('intake_as_new')));

  /** sync shows the draft's state: locked or not, the button's words, the status line. */
  function sync() {
    const locked = d.state !== 'editing';
    content.disabled = locked;
    content.classList.toggle('locked', d.state === 'uncertain');
    sendBtn.textContent = d.state === 'uncertain' ? rt('intake_send_again') : rt('intake_send');
    sendBtn.disabled = d.state === 'sending';
    sendBtn.hidden = !confirmBox.hidden;
    const uncertain = d.status === 'intake_lost' || d.status === 'intake_lost_offline'
      ? (navigator.onLine ? 'intake_lost' : 'intake_lost_offline') : d.status;
    status.textContent = uncertain ? rt(uncertain) : '';
    status.className = 'ri-status' + (d.state === 'uncertain' ? ' notice' : '');
    form.dataset.state = d.state;
  }

  function ask() {
    const v = read();
    d.values = v;
    d.channel = channel.querySelector('input:checked')?.value || '';
    const problems = validateReport(v, w);
    showProblems(form, problems, P);
    groupMark(channel, channelErr, d.channel ? '' : rt('channel_needed'));
    groupMark(disclosure, disclosureErr, '');
    conflictBox.hidden = true;
    if (Object.keys(problems).length || !d.channel) {
      err.textContent = w('fix_fields');
      (d.channel ? form.querySelector('.field.invalid textarea, .field.invalid input') : channel.querySelector('input'))?.focus();
      return;
    }
    err.textContent = '';
    if (d.status === 'intake_offline') d.status = '';
    confirmText.textContent = rt('intake_confirm', { channel: rt('ch_' + d.channel), files: d.files.length ? rt('intake_confirm_files', { n: d.files.length }) : '' });
    confirmBox.hidden = false;
    sync();
    confirmYes.focus();
  }

  async function send() {
    err.textContent = '';
    const before = d.state;
    if (!navigator.onLine) {
      // Nothing leaves the phone: a draft never sent stays open to edits.
      d.status = before === 'uncertain' ? 'intake_lost_offline' : 'intake_offline';
      sync();
      return;
    }
    d.state = 'sending';
    d.status = 'intake_sending';
    sync();
    const body = { client_id: d.clientId, channel: d.channel, ...reportBody(d.values) };
    try {
      const res = await rapi.record(body, d.files);
      showReceipt({ ...res.data, channel: d.channel, at: new Date().toISOString(), replayed: res.status === 200 });
      return;
    } catch (e) {
      if (e instanceof api.SessionExpired) { d.state = before; d.status = ''; redraw(); return; } // never sent: the sign-in comes up
      if (e.network || e.status >= 500 || e.status === 408 || e.status === 429) {
        // No answer, or one that says nothing of the report: it may be stored.
        d.state = 'uncertain';
        d.status = e.network || e.status === 0 ? 'intake_lost' : 'intake_server_busy';
        redraw();
        return;
      }
      // A definite refusal: nothing was stored, the form opens again.
      d.state = 'editing';
      d.status = '';
      if (redraw()) refused(e);
    }
  }

  /** redraw shows the new state here, or redraws the screen when it was
   * drawn anew meanwhile (a language switch); answers whether this form is
   * still the one shown. */
  function redraw() {
    if (form.isConnected) { sync(); return true; }
    if (location.hash.startsWith('#/reports/new')) render();
    return false;
  }

  /** refused puts the server's answer next to the fields, in words. */
  function refused(e) {
    if (e.status === 409 && e.code === 'id_conflict') { conflictBox.hidden = false; conflictBox.querySelector('button').focus(); return; }
    if (e.status === 403) { err.textContent = rt('not_handler'); return; }
    if (e.status === 413) { fileErr.textContent = rt('intake_too_large'); err.textContent = rt('intake_too_large'); return; }
    if (e.status === 415) { fileErr.textContent = rt('intake_bad_type'); err.textContent = rt('intake_bad_type'); return; }
    if (e.status !== 422 || !e.fields) { err.textContent = errText(e); return; }
    const problems = {};
    const others = [];
    for (const [path, msg] of Object.entries(e.fields)) {
      const name = path.split('.').pop();
      if (path === 'channel') groupMark(channel, channelErr, rt('channel_needed'));
      else if (path === 'disclosure') groupMark(disclosure, disclosureErr, w('disclosure_needed'));
      else if (path === 'identity') problems.name = w('identity_empty');
      else if (path === 'file') fileErr.textContent = fieldMessage(path, msg);
      else if (path === 'what' && /^required/.test(msg)) problems.what = w('required');
      else if (path === 'identity.name' && /^required/.test(msg)) problems.name = w('name_needed');
      else if (path === 'identity.phone' && /required/.test(msg)) problems.phone = w('contact_needed');
      else if (form.querySelector(`.field[data-name="${name}"]`)) problems[name] = fieldMessage(path, msg);
      else others.push(`${fieldName(path)}：${fieldMessage(path, msg)}`);
    }
    showProblems(form, problems, P);
    err.textContent = [rt('intake_refused'), ...others].join('\n');
    form.querySelector('[aria-invalid=true]')?.focus();
  }

  const form = h('form', { class: 'card report-form', id: 'intake-form', novalidate: true,
    oninput: (ev) => { clearMark(ev); keep(); },
    onchange: (ev) => {
      if (ev.target.name === 'channel') { d.channel = ev.target.value; groupMark(channel, channelErr, ''); }
      if (ev.target.name === 'disclosure') groupMark(disclosure, disclosureErr, '');
      showWho(); keep();
    },
    onsubmit: (ev) => {
      ev.preventDefault();
      if (d.state === 'sending') return;
      if (d.state === 'uncertain') { send(); return; } // the same report again: no second confirmation
      ask();
    } },
  h('h2', {}, rt('intake_h')),
  h('p', {}, rt('intake_intro')),
  h('p', { class: 'hint' }, rt('intake_required')),
  h('p', { class: 'hint' }, rt('intake_memory')),
  content,
  h('section', { class: 'r-notice', 'aria-labelledby': 'ri-notice-h' },
    h('h3', { id: 'ri-notice-h' }, rt('intake_notice_h')),
    h('ul', {}, ['intake_notice_1', 'intake_notice_2', 'intake_notice_3'].map((k) => h('li', {}, rt(k))))),
  err, conflictBox, status, confirmBox, sendBtn);
  const onNet = () => { if (form.isConnected) sync(); else { window.removeEventListener('online', onNet); window.removeEventListener('offline', onNet); } };
  window.addEventListener('online', onNet);
  window.addEventListener('offline', onNet);
  sync();
  return h('div', { id: 'report-intake' },
    h('a', { class: 'link', href: '#/reports' }, '← ', rt('back_queue')),
    form);
}

// ---------------------------------------------------------------- receipt

/** showReceipt shows the receipt once and forgets the draft. When the
 * handler has moved on meanwhile, it waits for them on #/reports/new. */
function showReceipt(r) {
  draft = null;
  shown = r;
  if (!location.hash.startsWith('#/reports/new')) { toast(rt('receipt_waiting')); return; }
  document.getElementById('view').replaceChildren(receiptView(r));
  document.getElementById('ri-receipt-h')?.focus();
  forgetOnLeave();
}

// Leaving the receipt's screen forgets the number.
let forgetting = false;
function forgetOnLeave() {
  if (forgetting) return;
  forgetting = true;
  window.addEventListener('hashchange', () => { shown = null; forgetting = false; }, { once: true });
}

function receiptView(r) {
  const groups = String(r.receipt).match(/\d{1,4}/g) || [];
  const day = rocDate(r.at);
  return h('section', { class: 'card', id: 'intake-receipt' },
    h('h2', { id: 'ri-receipt-h', tabindex: '-1', class: 'no-print' }, rt('receipt_h')),
    // The date never breaks before its weekday.
    h('p', { class: 'muted no-print', id: 'ri-receipt-meta' }, rt('receipt_meta', { ref: r.ref || '–', channel: rt('ch_' + r.channel), d: '\u0000' })
      .split('\u0000').flatMap((part, i) => (i ? [h('span', { class: 'nowrap' }, day), part] : [part]))),
    r.replayed ? h('p', { class: 'no-print', id: 'ri-replayed' }, rt('receipt_replayed')) : null,
    h('div', { class: 'ri-slip', id: 'ri-slip' },
      h('p', { class: 'print-only ri-slip-office' }, rt('slip_office')),
      h('h3', { class: 'print-only ri-slip-h' }, rt('slip_h')),
      h('p', { class: 'r-receipt-label', id: 'ri-receipt-label' }, rt('receipt_label')),
      h('p', { class: 'r-receipt', id: 'ri-receipt', 'aria-labelledby': 'ri-receipt-label' }, groups.map((g) => h('span', {}, g))),
      h('p', { class: 'print-only' }, rt('slip_received', { d: day })),
      h('p', { class: 'print-only' }, rt('slip_follow', { url: location.origin + '/#/report/follow' })),
      h('p', { class: 'print-only' }, rt('slip_keep'))),
    h('p', { class: 'r-write no-print' }, rt('receipt_tell')),
    h('p', { class: 'notice' }, rt('receipt_once')),
    h('p', { class: 'hint no-print' }, rt('receipt_no_shot')),
    h('div', { class: 'r-receipt-actions no-print' },
      h('button', { type: 'button', id: 'ri-print', onclick: () => window.print() }, rt('receipt_print')),
      r.id ? h('a', { class: 'button primary', id: 'ri-open', href: '#/case/' + encodeURIComponent(r.id) }, rt('receipt_open', { ref: r.ref || '' })) : null,
      h('a', { class: 'button', id: 'ri-back', href: '#/reports' }, rt('back_queue')),
      h('button', { type: 'button', id: 'ri-another', onclick: () => { shown = null; go('#/reports/new'); } }, rt('receipt_another'))));
}

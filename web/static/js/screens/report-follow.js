// screens/report-follow.js — the reporter's follow-up by receipt: the
// state, the office's messages and their own, a reply, more files. The
// receipt is typed in each time; the token it buys is kept only in this
// module's memory and dropped when the person leaves the page.

import * as rapi from '../api-report.js';
import { h } from '../dom.js';
import { label, metaGroup, fmtDate } from '../i18n.js';
import { rt, waitText } from '../report-text.js';
import { toast } from '../shell.js';
import { MAX_FILES, fileProblem, fileErr } from './report.js';

let token = null;
window.addEventListener('hashchange', () => { if (!location.hash.startsWith('#/report/follow')) token = null; });

/** normalize keeps the digits of a typed receipt (spaces and dashes are fine). */
export const normalize = (s) => String(s || '').replace(/[\s\-‐‑–—_.·]/g, '').replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));

/** followErr is a refused look-up as a calm sentence. */
function followErr(e) {
  if (e.network || e.status === 0) return rt('e_network');
  if (e.status === 401) return rt('receipt_wrong');
  if (e.status === 429) return rt('try_later', { when: waitText(e.retryAfter || 60) });
  if (e.status === 422) return rt('receipt_bad_form');
  return rt('e_server');
}

const stateText = (s) => (metaGroup('report_states').some((x) => x.value === s) ? label('report_states', s) : rt('s_' + s));
const disclosureText = (d) => (metaGroup('report_disclosures').some((x) => x.value === d) ? label('report_disclosures', d) : rt('d_' + d));

export async function followView() {
  token = null;
  const input = h('input', { id: 'f-receipt', name: 'receipt', inputmode: 'numeric', autocomplete: 'off', autocapitalize: 'off', spellcheck: 'false', maxlength: 32, required: true, 'aria-describedby': 'f-receipt-hint' });
  const err = h('p', { class: 'error', role: 'alert', id: 'f-error' });
  const out = h('div', { id: 'f-report' });
  const form = h('form', { class: 'card', id: 'follow-form', novalidate: true, onsubmit: async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    const receipt = normalize(input.value);
    if (!/^\d{16}$/.test(receipt)) { err.textContent = rt('receipt_bad_form'); input.focus(); return; }
    const btn = form.querySelector('button[type=submit]');
    btn.disabled = true;
    try {
      token = (await rapi.access(receipt)).access_token;
      input.value = ''; // the number is not kept on the page either
      form.hidden = true;
      await show(out, form);
    } catch (e) { err.textContent = followErr(e); } finally { btn.disabled = false; }
  } },
  h('h2', {}, rt('follow_h')),
  h('p', {}, rt('follow_intro')),
  h('div', { class: 'field' },
    h('label', { class: 'label', for: 'f-receipt' }, rt('receipt_input')),
    h('small', { class: 'hint', id: 'f-receipt-hint' }, rt('receipt_input_hint')), input),
  err,
  h('button', { type: 'submit', class: 'primary' }, rt('follow_go')),
  h('nav', { class: 'r-links', 'aria-label': rt('follow_h') },
    h('a', { href: '#/report', class: 'link' }, rt('title')),
    h('a', { href: '#/login', class: 'link' }, rt('back_sign_in'))));
  return h('div', {}, form, out);
}

/** show draws the report as its reporter sees it. */
async function show(out, form) {
  let r;
  try { r = await rapi.mine(token); } catch (e) { return expired(out, form, e); }
  const mineFiles = (r.files || []).filter((f) => f.from === 'reporter').length;
  const left = Math.max(0, MAX_FILES - mineFiles);
  const c = r.content || {};
  const inv = c.involved || {};
  const text = h('textarea', { id: 'f-reply', name: 'reply', rows: 4, maxlength: 5000 });
  const replyErr = h('p', { class: 'error', role: 'alert' });
  const fileErrBox = h('p', { class: 'error', role: 'alert', id: 'f-file-err' });
  const picker = h('input', { type: 'file', id: 'f-file', class: 'visually-hidden', accept: 'image/jpeg,image/png,image/webp,image/heic,image/heif,application/pdf,.heic,.heif', 'aria-describedby': 'f-files-rule' });
  picker.addEventListener('change', async () => {
    const f = picker.files[0];
    picker.value = '';
    if (!f) return;
    fileErrBox.textContent = fileProblem(f);
    if (fileErrBox.textContent) return;
    try {
      await rapi.addFile(token, f, f.name);
      toast(rt('file_added', { name: f.name }));
      await show(out, form);
    } catch (e) {
      if (e.status === 401) return expired(out, form, e);
      fileErrBox.textContent = fileErr(e);
    }
  });
  const row = (k, v) => (v ? h('div', {}, h('dt', {}, k), h('dd', {}, v)) : null);
  out.replaceChildren(
    h('section', { class: 'card', id: 'f-state' },
      h('h2', {}, rt('follow_h')),
      h('p', {}, rt('state') + '：', h('strong', { class: 'badge r-state ' + r.state, id: 'f-state-label' }, stateText(r.state))),
      h('p', {}, rt('received_at') + '：' + fmtDate(r.received_at)),
      r.first_answer_due && !(r.messages || []).some((m) => m.from === 'office') ? h('p', { class: 'hint' }, rt('first_due', { d: fmtDate(r.first_answer_due, false) })) : null),
    h('section', { class: 'card', id: 'f-messages' },
      h('h2', {}, rt('messages')),
      (r.messages || []).length ? h('ol', { class: 'r-thread' }, r.messages.map((m) => h('li', { class: 'r-msg ' + (m.from === 'office' ? 'office' : 'mine') },
        h('p', { class: 'r-msg-head' }, h('strong', {}, m.from === 'office' ? rt('from_office') : rt('from_you')), ' · ', fmtDate(m.created_at)),
        h('p', { class: 'r-msg-text' }, m.text)))) : h('p', { class: 'muted' }, rt('no_messages')),
      h('form', { id: 'f-reply-form', novalidate: true, onsubmit: async (ev) => {
        ev.preventDefault();
        replyErr.textContent = '';
        if (!text.value.trim()) { replyErr.textContent = rt('required'); text.focus(); return; }
        try {
          await rapi.reply(token, text.value.trim());
          toast(rt('reply_sent'));
          await show(out, form);
        } catch (e) {
          if (e.status === 401) return expired(out, form, e);
          replyErr.textContent = e.network ? rt('e_network') : e.status === 429 ? rt('try_later', { when: waitText(e.retryAfter || 60) }) : rt('e_server');
        }
      } },
      h('label', { class: 'label', for: 'f-reply' }, rt('reply')), text, replyErr,
      h('button', { type: 'submit', class: 'primary' }, rt('reply_send')))),
    h('section', { class: 'card', id: 'f-files' },
      h('h2', {}, rt('follow_files')),
      (r.files || []).length ? h('ul', { class: 'r-files' }, r.files.map((f) => h('li', {}, h('span', { class: 'r-file-name' }, f.name, h('small', {}, ' · ' + (f.from === 'office' ? rt('from_office') : rt('from_you'))))))) : null,
      h('p', { class: 'hint', id: 'f-files-rule' }, left ? rt('follow_files_left', { n: left }) : rt('follow_files_full')),
      left ? [picker, h('label', { class: 'button r-pick', for: 'f-file' }, rt('files_choose'))] : null,
      fileErrBox),
    h('details', { class: 'card', id: 'f-content' },
      h('summary', {}, rt('your_report')),
      h('dl', { class: 'r-content' },
        row(rt('what'), c.what), row(rt('agency'), inv.agency), row(rt('person'), inv.person), row(rt('role'), inv.role),
        row(rt('when'), c.when), row(rt('where'), c.where), row(rt('how_known'), c.how_known), row(rt('disclosure'), disclosureText(r.disclosure)))),
    h('button', { type: 'button', class: 'wide', id: 'f-end', onclick: () => { token = null; out.replaceChildren(); form.hidden = false; } }, rt('follow_end')));
}

function expired(out, form, e) {
  token = null;
  out.replaceChildren();
  form.hidden = false;
  form.querySelector('#f-error').textContent = e.status === 401 ? rt('follow_expired') : followErr(e);
}

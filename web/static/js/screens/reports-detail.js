// screens/reports-detail.js — one report for its handlers: what was
// reported, the reporter's identity (only when given, labelled by what the
// reporter chose: 保密 means it never leaves the handlers), the conversation
// with internal notes set apart, reply or note, the files, and the
// workflow (開始評估, 移送, 結案, 指派) — each step confirmed, each sent with
// the version read, so that two handlers never overwrite each other: a
// stale version reloads the page with a sentence saying why.

import * as api from '../api.js';
import * as rapi from '../api-reports.js';
import { h, field } from '../dom.js';
import { formatDateTime } from '../format.js';
import { toast, errText, render } from '../shell.js';
import { rt, lab, values, dueWords, rocDate, fileSize, knownHandlers } from './reports-common.js';

// A sentence to show above the report once, after a reload (a version conflict).
let flash = null;

const isConflict = (e) => e?.status === 409 && (e.code === 'version_conflict' || e.code === 'conflict');

/** fail shows why a step did not happen; a stale version reloads the report. */
function failWith(errEl) {
  return (e) => {
    if (e instanceof api.SessionExpired) throw e;
    if (isConflict(e)) { flash = rt('conflict_reloaded'); toast(flash, 'bad'); render(); return; }
    errEl.textContent = e.status === 404 ? rt('gone') : errText(e);
  };
}

const saveBlob = (blob, name) => {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name, class: 'visually-hidden' });
  document.body.append(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
};

// The colon after a name: full-width in Chinese.
const colon = () => rt('colon');
const dd = (v) => (v && String(v).trim() ? v : h('span', { class: 'muted' }, rt('c_empty')));
const pair = (k, v, cls) => [h('dt', {}, k), h('dd', { class: cls || null }, dd(v))];

function contentPart(r) {
  const c = r.content || {};
  const inv = c.involved || {};
  return h('section', { class: 'card', id: 'rep-content', 'aria-labelledby': 'rep-content-h' },
    h('h3', { id: 'rep-content-h' }, rt('content_h')),
    h('dl', { class: 'rep-dl' },
      pair(rt('c_what'), c.what, 'rep-text'),
      h('dt', {}, rt('c_involved')),
      h('dd', {}, inv.agency || inv.person || inv.role
        ? h('ul', { class: 'plain' }, [['c_agency', inv.agency], ['c_person', inv.person], ['c_role', inv.role]]
          .filter(([, v]) => v).map(([k, v]) => h('li', {}, rt(k), colon(), v)))
        : dd('')),
      pair(rt('c_when'), c.when), pair(rt('c_where'), c.where), pair(rt('c_how'), c.how_known, 'rep-text'),
      pair(rt('channel'), lab('channel', r.channel)),
      pair(rt('received_at'), formatDateTime(r.received_at))));
}

function identityPart(r) {
  const id = r.identity;
  const given = id && (id.name || id.phone || id.email);
  const d = r.disclosure;
  const rule = d === 'confidential' ? rt('id_confidential') : d === 'open' ? rt('id_open') : rt('id_anonymous');
  return h('section', { class: 'card rep-identity ' + (d || 'anonymous'), id: 'rep-identity', 'aria-labelledby': 'rep-identity-h' },
    h('h3', { id: 'rep-identity-h' }, rt('identity_h'), ' ', h('span', { class: 'badge disc-' + (d || 'anonymous') }, lab('disclosure', d || 'anonymous'))),
    h('p', { class: 'rep-rule' + (d === 'confidential' ? ' strong' : '') }, rule),
    given ? h('dl', { class: 'rep-dl' },
      id.name ? pair(rt('id_name'), id.name) : null,
      id.phone ? [h('dt', {}, rt('id_phone')), h('dd', {}, h('a', { href: 'tel:' + id.phone.replace(/[^\d+]/g, ''), class: 'link' }, id.phone))] : null,
      id.email ? [h('dt', {}, rt('id_email')), h('dd', {}, id.email)] : null) : null);
}

function deadlinesPart(r) {
  const open = r.state === 'received' || r.state === 'assessing';
  const line = (name, due, done) => {
    if (!due) return null;
    if (done) return h('li', {}, name, colon(), rocDate(due), ' · ', h('span', { class: 'good' }, '✓\u00a0', rt('done_on', { d: rocDate(done) })));
    if (!open) return h('li', {}, name, colon(), rocDate(due));
    const w = dueWords(due);
    return h('li', { class: w.overdue ? 'late' : '' }, name, colon(), rocDate(due), ' ',
      h('strong', { class: w.overdue ? 'bad' : '' }, w.overdue ? '⚠\u00a0' : '', '（', w.text, '）'));
  };
  return h('section', { class: 'card', id: 'rep-deadlines', 'aria-labelledby': 'rep-deadlines-h' },
    h('h3', { id: 'rep-deadlines-h' }, rt('deadlines_h')),
    h('ul', { class: 'plain rep-deadlines' },
      line(rt('first_due'), r.first_answer_due, r.first_answered_at),
      open || r.assessed_at ? line(rt('assess_due'), r.assessment_due, r.assessed_at) : null));
}

const authorName = (m) => m.author?.display_name || '';

function conversationPart(r) {
  const msgs = r.messages || [];
  const item = (m) => {
    const kind = m.internal ? 'internal' : m.from === 'reporter' ? 'reporter' : 'office';
    const who = kind === 'internal' ? rt('from_internal') : kind === 'reporter' ? rt('from_reporter') : rt('from_office');
    const name = kind !== 'reporter' ? authorName(m) : '';
    return h('li', { class: 'msg ' + kind, dataset: { kind } },
      h('p', { class: 'msg-head' }, h('strong', {}, who), name ? ' · ' + name : '', ' · ', h('span', { class: 'msg-time' }, formatDateTime(m.created_at))),
      h('p', { class: 'msg-text' }, m.text));
  };
  return h('section', { class: 'card', id: 'rep-conv', 'aria-labelledby': 'rep-conv-h' },
    h('h3', { id: 'rep-conv-h' }, rt('conv_h')),
    msgs.length ? h('ol', { class: 'msgs' }, msgs.map(item)) : h('p', { class: 'muted' }, rt('conv_none')),
    writePart(r));
}

function writePart(r) {
  const text = h('textarea', { id: 'rep-text', name: 'text', rows: 4, maxlength: 5000 });
  const err = h('p', { class: 'error', role: 'alert', id: 'rep-write-error' });
  const confirmBox = h('div', { class: 'confirm', id: 'rep-reply-confirm', hidden: true });
  const send = async (internal, btns) => {
    err.textContent = '';
    btns.forEach((b) => { b.disabled = true; });
    try {
      await rapi.message(r.id, text.value.trim(), internal);
      toast(internal ? rt('note_saved') : rt('reply_sent'));
      await render();
    } catch (e) { failWith(err)(e); } finally { btns.forEach((b) => { b.disabled = false; }); }
  };
  const reply = h('button', { type: 'button', class: 'primary', id: 'rep-reply' }, rt('send_reply'));
  const note = h('button', { type: 'button', id: 'rep-note', class: 'note-btn' }, rt('send_note'));
  const needText = () => { if (text.value.trim()) return true; err.textContent = rt('text_needed'); text.focus(); return false; };
  reply.addEventListener('click', () => {
    if (!needText()) return;
    const yes = h('button', { type: 'button', class: 'primary', id: 'rep-reply-yes' }, rt('send_reply'));
    const no = h('button', { type: 'button', onclick: () => { confirmBox.hidden = true; reply.focus(); } }, rt('cancel'));
    yes.addEventListener('click', () => send(false, [yes, no, reply, note]));
    confirmBox.replaceChildren(h('p', { role: 'alert' }, rt('confirm_reply')), h('div', { class: 'actions' }, yes, no));
    confirmBox.hidden = false;
    yes.focus();
  });
  note.addEventListener('click', () => { if (needText()) send(true, [reply, note]); });
  return h('div', { class: 'rep-write', id: 'rep-write' },
    h('h4', {}, rt('write_h')),
    field(rt('write_label'), text, rt('write_hint')),
    err,
    h('div', { class: 'actions' }, reply, note),
    confirmBox);
}

function filesPart(r) {
  const files = r.files || [];
  return h('section', { class: 'card', id: 'rep-files', 'aria-labelledby': 'rep-files-h' },
    h('h3', { id: 'rep-files-h' }, rt('files_h')),
    files.length ? h('ul', { class: 'plain rep-files' }, files.map((f) => {
      const b = h('button', { type: 'button', class: 'dl', 'aria-label': rt('download_name', { name: f.name }) }, rt('download'));
      b.addEventListener('click', async () => {
        b.disabled = true;
        try {
          const { blob, name } = await rapi.file(r.id, f.id, f.name);
          saveBlob(blob, name);
          toast(rt('downloaded', { name }));
        } catch (e) {
          if (e instanceof api.SessionExpired) throw e;
          toast(rt('download_failed', { why: errText(e) }), 'bad');
        } finally { b.disabled = false; }
      });
      return h('li', { class: 'rep-file' },
        h('span', {}, h('strong', {}, f.name), h('br'), h('small', { class: 'muted' },
          f.from === 'handler' ? rt('file_from_office') : rt('file_from_reporter'), ' · ', fileSize(f.size), ' · ', rocDate(f.created_at))),
        b);
    })) : h('p', { class: 'muted' }, rt('files_none')));
}

const today = () => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

function flowPart(r) {
  const err = h('p', { class: 'error', role: 'alert', id: 'rep-flow-error' });
  const panel = h('div', { id: 'rep-flow-panel' });
  const step = async (body, btn) => {
    err.textContent = '';
    if (btn) btn.disabled = true;
    try {
      await rapi.transition(r.id, { ...body, version: r.version });
      toast(rt('done_toast', { s: lab('state', body.to) }));
      await render();
    } catch (e) { failWith(err)(e); } finally { if (btn) btn.disabled = false; }
  };
  const cancel = () => h('button', { type: 'button', onclick: () => { panel.replaceChildren(); } }, rt('cancel'));

  const assessPanel = () => {
    const yes = h('button', { type: 'button', class: 'primary', id: 'rep-assess-yes' }, rt('start_assess'));
    yes.addEventListener('click', () => step({ to: 'assessing' }, yes));
    panel.replaceChildren(h('div', { class: 'confirm card' }, h('p', {}, rt('confirm_assess')), h('div', { class: 'actions' }, yes, cancel())));
    yes.focus();
  };
  const referPanel = () => {
    // The agency's name is asked only for 權責機關: 廉政署 and the
    // prosecutors are named by the target itself.
    const agency = h('input', { id: 'rep-ref-agency', name: 'referred_agency', maxlength: 100, autocomplete: 'off' });
    const agencyField = field(rt('refer_agency'), agency, rt('refer_agency_hint'));
    agencyField.hidden = true;
    const radios = values('referral').map((v, i) => h('label', { class: 'check' },
      h('input', { type: 'radio', name: 'referred_to', value: v, checked: i === 0, onchange: () => { agencyField.hidden = v !== 'agency'; } }), lab('referral', v)));
    const on = h('input', { type: 'date', id: 'rep-ref-on', name: 'referred_on', value: today(), max: today() });
    const ask = h('div', { class: 'confirm', hidden: true, id: 'rep-refer-check' });
    const go = h('button', { type: 'submit', class: 'primary', id: 'rep-refer-go' }, rt('refer'));
    const form = h('form', { class: 'card confirm', id: 'rep-refer-form', novalidate: true, onsubmit: (ev) => {
      ev.preventDefault();
      err.textContent = '';
      const to = form.querySelector('input[name=referred_to]:checked')?.value;
      const name = to === 'agency' ? agency.value.trim() : '';
      if (to === 'agency' && !name) { err.textContent = rt('agency_needed'); agency.focus(); return; }
      if (!on.value) { err.textContent = rt('date_needed'); on.focus(); return; }
      const yes = h('button', { type: 'button', class: 'danger', id: 'rep-refer-yes' }, rt('refer_confirm'));
      const no = h('button', { type: 'button', onclick: () => { ask.hidden = true; go.focus(); } }, rt('cancel'));
      const body = { to: 'referred', referred_to: to, referred_on: on.value };
      if (name) body.referred_agency = name;
      yes.addEventListener('click', () => step(body, yes));
      ask.replaceChildren(h('p', { role: 'alert' }, rt('refer_check', { to: lab('referral', to) + (name ? `（${name}）` : ''), d: rocDate(on.value + 'T12:00:00') })), h('div', { class: 'actions' }, yes, no));
      ask.hidden = false;
      yes.focus();
    } },
    h('h4', {}, rt('refer_h')),
    h('fieldset', { class: 'part' }, h('legend', {}, rt('refer_to')), radios),
    agencyField,
    field(rt('refer_on'), on, rt('refer_on_hint')),
    h('div', { class: 'actions' }, go, cancel()),
    ask);
    panel.replaceChildren(form);
    form.querySelector('input[type=radio]').focus();
  };
  const closePanel = () => {
    const reason = h('textarea', { id: 'rep-close-reason', name: 'reason', rows: 3, maxlength: 2000 });
    const ask = h('div', { class: 'confirm', hidden: true });
    const go = h('button', { type: 'submit', class: 'primary', id: 'rep-close-go' }, rt('close'));
    const form = h('form', { class: 'card confirm', id: 'rep-close-form', novalidate: true, onsubmit: (ev) => {
      ev.preventDefault();
      err.textContent = '';
      if (!reason.value.trim()) { err.textContent = rt('reason_needed'); reason.focus(); return; }
      const yes = h('button', { type: 'button', class: 'danger', id: 'rep-close-yes' }, rt('close_confirm'));
      const no = h('button', { type: 'button', onclick: () => { ask.hidden = true; go.focus(); } }, rt('cancel'));
      yes.addEventListener('click', () => step({ to: 'closed', reason: reason.value.trim() }, yes));
      ask.replaceChildren(h('p', { role: 'alert' }, rt('close_check')), h('div', { class: 'actions' }, yes, no));
      ask.hidden = false;
      yes.focus();
    } },
    h('h4', {}, rt('close_h')),
    field(rt('close_reason'), reason, rt('close_hint')),
    h('div', { class: 'actions' }, go, cancel()),
    ask);
    panel.replaceChildren(form);
    reason.focus();
  };

  let buttons = [];
  if (r.state === 'received') buttons = [h('button', { type: 'button', class: 'primary', id: 'rep-assess', onclick: assessPanel }, rt('start_assess'))];
  if (r.state === 'assessing') {
    buttons = [h('button', { type: 'button', class: 'primary', id: 'rep-refer', onclick: referPanel }, rt('refer')),
      h('button', { type: 'button', id: 'rep-close', onclick: closePanel }, rt('close'))];
  }
  const ref = r.referral;
  const done = r.state === 'referred' && ref
    ? h('p', { id: 'rep-flow-done' }, rt('flow_done_referred', { d: rocDate(ref.on + 'T12:00:00'), to: lab('referral', ref.to), agency: ref.agency ? `（${ref.agency}）` : '' }),
      r.outcome_reason ? [h('br'), rt('flow_note', { r: r.outcome_reason })] : null)
    : r.state === 'closed' ? h('p', { id: 'rep-flow-done' }, rt('flow_done_closed'),
      r.outcome_reason ? [h('br'), rt('flow_reason', { r: r.outcome_reason })] : null) : null;
  return h('section', { class: 'card', id: 'rep-flow', 'aria-labelledby': 'rep-flow-h' },
    h('h3', { id: 'rep-flow-h' }, rt('flow_h'), ' ', h('span', { class: 'badge rep-state ' + r.state }, lab('state', r.state))),
    done,
    buttons.length ? h('div', { class: 'actions' }, buttons) : null,
    err, panel);
}

/** handlerChoices: the handlers this page knows — the assignee, every
 * active handler (GET /reports/handlers), and the caller; the accounts
 * already excluded are not offered. */
function handlerChoices(r) {
  const me = api.currentUser();
  const seen = new Map();
  if (r.assignee) seen.set(r.assignee.id, r.assignee.display_name);
  for (const [id, name] of knownHandlers) if (!seen.has(id)) seen.set(id, name);
  if (me && !seen.has(me.id)) seen.set(me.id, me.display_name || me.username);
  for (const x of r.involved_users || []) seen.delete(x.id);
  return [...seen].map(([id, display_name]) => ({ id, display_name }));
}

function assignPart(r) {
  const me = api.currentUser();
  const people = handlerChoices(r);
  const err = h('p', { class: 'error', role: 'alert', id: 'rep-assign-error' });
  const sel = h('select', { id: 'rep-assignee', name: 'assignee_id' },
    h('option', { value: '' }, rt('assign_none')),
    people.map((p) => h('option', { value: p.id, selected: r.assignee?.id === p.id }, p.display_name + (p.id === me?.id ? ' ' + rt('involved_me') : ''))));
  const boxes = people.map((p) => h('label', { class: 'check' },
    h('input', { type: 'checkbox', name: 'involved', value: p.id }), p.display_name + (p.id === me?.id ? ' ' + rt('involved_me') : '')));
  const ask = h('div', { class: 'confirm', hidden: true, id: 'rep-assign-check' });
  const go = h('button', { type: 'submit', class: 'primary', id: 'rep-assign-go' }, rt('assign_send'));
  const form = h('form', { class: 'card', id: 'rep-assign', novalidate: true, 'aria-labelledby': 'rep-assign-h', onsubmit: (ev) => {
    ev.preventDefault();
    err.textContent = '';
    const who = sel.value;
    const involved = [...form.querySelectorAll('input[name=involved]:checked')].map((b) => b.value);
    if (!who) { err.textContent = rt('assignee_needed'); sel.focus(); return; }
    if (involved.includes(who)) { err.textContent = rt('assignee_is_involved'); sel.focus(); return; }
    const name = people.find((p) => p.id === who)?.display_name || '';
    const yes = h('button', { type: 'button', class: 'primary', id: 'rep-assign-yes' }, rt('assign_send'));
    const no = h('button', { type: 'button', onclick: () => { ask.hidden = true; go.focus(); } }, rt('cancel'));
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      try {
        await rapi.assign(r.id, { assignee_id: who, involved_user_ids: involved, version: r.version });
        toast(rt('assigned_toast', { u: name }));
        await render();
      } catch (e) { failWith(err)(e); } finally { yes.disabled = false; }
    });
    ask.replaceChildren(h('p', { role: 'alert' }, rt('assign_check', { u: name, x: involved.length ? rt('assign_check_excl', { n: involved.length }) : '' })),
      h('div', { class: 'actions' }, yes, no));
    ask.hidden = false;
    yes.focus();
  } },
  h('h3', { id: 'rep-assign-h' }, rt('assign_h')),
  field(rt('assign_to'), sel),
  people.length <= 1 ? h('p', { class: 'muted' }, rt('handlers_only_me')) : null,
  h('fieldset', { class: 'part' }, h('legend', {}, rt('involved_h')),
    h('p', { class: 'hint', id: 'rep-involved-hint' }, rt('involved_hint')), boxes,
    (r.involved_users || []).length ? h('p', { id: 'rep-excluded' }, rt('excluded_now', { u: r.involved_users.map((x) => x.display_name).join('、') })) : null),
  err,
  h('div', { class: 'actions' }, go),
  ask);
  return form;
}

export async function detailView(id) {
  let r;
  const note = flash;
  flash = null;
  try {
    r = await rapi.report(id);
    // Every handler can be chosen or named as involved, not only those the
    // queue happened to show; without the list the page still offers those.
    try { for (const p of (await rapi.handlers()).items || []) knownHandlers.set(p.id, p.display_name); } catch (e) { if (e instanceof api.SessionExpired) throw e; }
  } catch (e) {
    if (e instanceof api.SessionExpired) throw e;
    return h('section', { id: 'report' },
      h('a', { href: '#/reports', class: 'link' }, '← ' + rt('back_queue')),
      h('p', { class: 'notice', role: 'alert' }, e.status === 404 ? rt('gone') : e.status === 403 ? rt('not_handler') : errText(e)));
  }
  const open = r.state === 'received' || r.state === 'assessing';
  return h('section', { id: 'report', dataset: { id: r.id, state: r.state, version: r.version } },
    h('a', { href: '#/reports', class: 'link' }, '← ' + rt('back_queue')),
    h('h2', {}, rt('report_h', { ref: r.ref || '' })),
    note ? h('p', { class: 'notice', role: 'alert', id: 'rep-flash' }, note) : null,
    h('p', { class: 'muted small' }, rt('read_audited')),
    deadlinesPart(r),
    contentPart(r),
    identityPart(r),
    conversationPart(r),
    filesPart(r),
    flowPart(r),
    open ? assignPart(r) : null);
}

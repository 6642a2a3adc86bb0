// screens/manager-ethics.js — the managers' side of the ethics-code register
// (公務員廉政倫理規範登錄) and of the early warnings (預警作為): lists with
// filters, the year's figures, downloads, one record with its files, and
// returning a warning to its officer with a comment.

import * as api from '../api.js';
import * as mapi from '../api-manager.js';
import { label, metaGroup } from '../i18n.js';
import { h, field } from '../dom.js';
import { formatDate, formatDateTime, formatMoney, formatNumber } from '../format.js';
import { errText, toast, go, missing } from '../shell.js';
import { mt, zh, hashParams, hashWith, readRocYear, rocYearSelect, unitSelect, unitName, unitNames, downloadButton, saveFile, pct } from './manager-common.js';

/** day formats a calendar day as the API sends it (2026-09-22) without
 * passing through a time zone: 115/9/22（二）. */
export function day(s, opts) {
  const m = /^(\d{4})-(\d\d)-(\d\d)/.exec(s || '');
  return m ? formatDate(new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])), opts) : '';
}

/** ethicsViews is the row of links between the screens of this tab. */
export function ethicsViews(current) {
  const links = [['m-reg', 'ev_reg'], ['m-warn', 'ev_warn'], ['m-ana', 'ev_analysis']];
  return h('nav', { class: 'seg', 'aria-label': mt('ethics_views') },
    links.map(([r, k]) => h('a', { href: '#/' + r, 'aria-current': r === current ? 'page' : null, dataset: { view: r } }, mt(k))));
}

/** options turns one of the server's enumerations into <option>s, "all" first. */
function options(group, selected, allText) {
  const vals = metaGroup(group).map((l) => l.value);
  return [h('option', { value: '' }, allText), ...vals.map((v) => h('option', { value: v, selected: v === selected }, label(group, v)))];
}

/** wide makes a filter take a whole row of the phone's two columns. */
const wide = (el) => { el.classList.add('wide-field'); return el; };

// ---------------------------------------------------------------- register

const TYPES = ['gift', 'hospitality', 'lobbying', 'other'];

export async function registerView() {
  const p = hashParams();
  const y = readRocYear(p.get('y'));
  const unit = p.get('unit') || '';
  const type = TYPES.includes(p.get('type')) ? p.get('type') : '';
  const late = p.get('late') === '1';
  const yearSel = rocYearSelect('reg-year', y);
  const unitSel = await unitSelect('reg-unit', unit);
  const typeSel = h('select', { id: 'reg-type', name: 'type' }, options('registration_types', type, mt('all_types_reg')));
  const lateBox = h('input', { type: 'checkbox', id: 'reg-late', name: 'late', checked: late });
  const filters = { roc_year: y, unit_id: unit, type, late: late ? 'true' : '' };
  const list = h('ul', { class: 'acts', id: 'reg-list', 'aria-live': 'polite' });
  const more = h('button', { type: 'button', class: 'wide', id: 'reg-more', hidden: true }, mt('more'));
  const count = h('p', { class: 'muted', id: 'reg-count' });
  let cursor = '', shown = 0;
  const load = async () => {
    more.disabled = true;
    try {
      const page = await mapi.registrations({ ...filters, cursor });
      for (const r of page.items) list.append(regCard(r));
      shown += page.items.length;
      cursor = page.next_cursor || '';
      more.hidden = !cursor;
      count.textContent = shown ? mt(cursor ? 'reg_count_more' : 'reg_count', { n: formatNumber(shown) }) : '';
      if (!shown) list.append(h('li', { class: 'muted empty' }, mt('reg_none')));
    } catch (e) {
      if (e instanceof api.SessionExpired) throw e;
      list.append(h('li', { class: 'error' }, missing(e) ? mt('not_yet_server') : errText(e)));
      more.hidden = true;
    } finally { more.disabled = false; }
  };
  more.addEventListener('click', load);
  const [, stats] = await Promise.all([load(), regStats(y, unit)]);
  const qs = new URLSearchParams(Object.entries(filters).filter(([, v]) => v)).toString();
  return h('section', { id: 'reg', dataset: { y, unit, type, late: late ? '1' : '' } },
    ethicsViews('m-reg'),
    h('h2', {}, mt('reg_h', { y })),
    h('form', { class: 'filters compact', role: 'search', onsubmit: (ev) => {
      ev.preventDefault();
      go(hashWith('m-reg', { y: yearSel.value, unit: unitSel.value, type: typeSel.value, late: lateBox.checked ? '1' : '' }));
    } },
      field(mt('year_roc'), yearSel), field(mt('reg_type'), typeSel), wide(field(mt('unit'), unitSel)),
      h('label', { class: 'check' }, lateBox, mt('late_only')),
      h('button', { type: 'submit', class: 'primary' }, mt('show'))),
    stats,
    count, list, more,
    h('div', { class: 'actions' },
      downloadButton('dl-reg-xlsx', mt('download_xlsx'), '/ethics-registrations?format=xlsx&' + qs, `ethics-registrations-${y}.xlsx`),
      downloadButton('dl-reg-csv', mt('download_csv'), '/ethics-registrations?format=csv&' + qs, `ethics-registrations-${y}.csv`)),
    h('p', { class: 'muted' }, mt('reg_audit_note')));
}

const STATS_PAGES = 10; // × 200: a year of a city's register is a few hundred

/** regStats counts the year's registrations (of one agency, or all) by type
 * and late: from the yearly analysis (one indexed count, a summary with no
 * personal data), or — where the server has no analysis — by reading the
 * year page by page up to a bound, saying so when the bound cut it short. */
async function regStats(y, unit) {
  let t = null, complete = true;
  try {
    const a = await mapi.analysis({ roc_year: y });
    const sec = unit ? a.units.find((u) => u.unit_id === unit) : a.office;
    if (sec) t = sec.registrations;
  } catch (e) {
    if (e instanceof api.SessionExpired) throw e;
    if (!(e.status === 404 || e.status === 403)) return h('p', { class: 'error', id: 'reg-stats' }, errText(e));
  }
  if (!t) {
    let r;
    try { r = await mapi.allRegistrations({ roc_year: y, unit_id: unit }, STATS_PAGES); } catch (e) {
      if (e instanceof api.SessionExpired) throw e;
      return h('p', { class: 'error', id: 'reg-stats' }, errText(e));
    }
    t = Object.fromEntries(TYPES.map((k) => [k, 0]));
    t.total = r.items.length; t.late = 0;
    for (const x of r.items) { t[x.type] = (t[x.type] || 0) + 1; if (x.late) t.late++; }
    complete = r.complete;
  }
  const n = t.total, lateN = t.late;
  const uname = unit ? await unitName(unit) : mt('all_units');
  return h('div', { class: 'card reg-stats', id: 'reg-stats', dataset: { total: n, late: lateN } },
    h('h3', {}, mt('reg_stats_h', { y, u: uname })),
    h('p', { class: 'big-line' }, mt('reg_stats_total', { n: formatNumber(n) }),
      h('span', { class: 'reg-stats-late' + (lateN ? ' some' : '') }, mt('reg_stats_late', { n: formatNumber(lateN), p: n ? pct(lateN / n * 100) : '–' }))),
    h('ul', { class: 'stat-grid' }, TYPES.map((k) => h('li', { dataset: { type: k } },
      h('a', { href: hashWith('m-reg', { y, unit, type: k }) }, h('span', { class: 'stat-n' }, formatNumber(t[k] ?? 0)), h('span', {}, label('registration_types', k)))))),
    complete ? null : h('p', { class: 'notice' }, mt('reg_stats_partial', { n: formatNumber(n) })),
    h('p', { class: 'muted small' }, mt('reg_stats_rule')));
}

function lateBadge(r) {
  return r.late ? h('span', { class: 'badge reg-late' }, mt('reg_late')) : null;
}

function regCard(r) {
  const s = r.servant || {}, c = r.counterparty || {};
  return h('li', { class: 'act reg', dataset: { id: r.id, type: r.type, late: r.late ? '1' : '0' } },
    h('a', { class: 'act-link', href: '#/m-reg1/' + encodeURIComponent(r.id) },
      h('span', { class: 'act-title' }, h('span', { class: 'badge reg-type ' + r.type }, label('registration_types', r.type)), ' ', s.name,
        h('small', {}, ' ', [s.title, s.unit_name].filter(Boolean).join('・'))),
      lateBadge(r) || h('span', { class: 'badge reg-ok' }, mt('reg_on_time')),
      h('span', { class: 'act-meta' }, mt('reg_counterparty'), '：', c.name, c.interested_party ? h('strong', { class: 'interested' }, '（' + mt('reg_interested') + '）') : null),
      h('span', { class: 'act-meta' }, h('span', { class: 'nowrap' }, mt('reg_event_on', { d: day(r.event_date, { weekday: false }) })), '・',
        h('span', { class: 'nowrap' }, mt('reg_notified_on', { d: day(r.notified_date, { weekday: false }) })),
        r.late ? h('strong', { class: 'late-days' }, '・' + mt('reg_late_days', { n: r.days_to_notify })) : null),
      h('span', { class: 'act-meta' }, [r.value_ntd != null ? formatMoney(r.value_ntd) : '', label('registration_handlings', r.handling)].filter(Boolean).join('・'))));
}

export async function registrationView(id) {
  const back = h('a', { href: '#/m-reg', class: 'link' }, '← ' + mt('reg_back'));
  let r;
  try { r = await mapi.registration(id); } catch (e) {
    if (e instanceof api.SessionExpired) throw e;
    return h('section', { id: 'reg-one' }, back, h('p', { class: 'error' }, errText(e)));
  }
  const s = r.servant || {}, c = r.counterparty || {};
  const rows = [];
  const add = (k, v) => { if (v !== undefined && v !== null && v !== '') rows.push(h('dt', {}, k), h('dd', {}, v)); };
  add(mt('reg_type'), label('registration_types', r.type));
  // Full-width brackets and commas in Chinese, ASCII ones in English.
  const [lp, rp, cm] = zh() ? ['（', '）', '，'] : [' (', ')', ', '];
  add(mt('reg_servant'), `${s.name}${lp}${[s.unit_name, s.title].filter(Boolean).join(zh() ? '・' : ', ')}${rp}`);
  add(mt('reg_counterparty'), `${c.name}${lp}${label('counterparty_kinds', c.kind)}${cm}${mt(c.interested_party ? 'reg_interested' : 'reg_not_interested')}${rp}`);
  add(mt('reg_event'), day(r.event_date));
  add(mt('reg_notified'), day(r.notified_date));
  add(mt('reg_days'), h('span', {}, mt('reg_days_n', { n: r.days_to_notify }), ' ', lateBadge(r) || h('span', { class: 'badge reg-ok' }, mt('reg_on_time'))));
  add(mt('reg_value'), r.value_ntd != null ? formatMoney(r.value_ntd) : '');
  add(mt('reg_handling'), label('registration_handlings', r.handling));
  add(mt('reg_handling_note'), r.handling_note);
  add(mt('reg_desc'), h('span', { class: 'pre' }, r.description));
  add(mt('reg_created'), formatDateTime(r.created_at));
  const files = r.attachments || [];
  return h('section', { id: 'reg-one', dataset: { id: r.id } },
    back,
    h('h2', {}, label('registration_types', r.type), zh() ? '：' : ': ', s.name),
    h('div', { class: 'card' }, h('dl', { class: 'details', id: 'reg-fields' }, rows)),
    h('h3', {}, mt('reg_attachments', { n: files.length })),
    files.length ? h('ul', { class: 'plain att-list', id: 'reg-files' }, files.map((f) => h('li', {},
      attButton(f)))) : h('p', { class: 'muted' }, mt('reg_no_attachments')),
    h('p', { class: 'muted' }, mt('reg_audit_note')));
}

/** attButton downloads one file with the sign-in token (a plain link would go without it). */
function attButton(f) {
  const name = f.filename || f.id;
  const b = h('button', { type: 'button', class: 'dl att', dataset: { id: f.id } }, mt('att_download', { name, kb: formatNumber(Math.max(1, Math.round((f.size || 0) / 1024))) }));
  b.addEventListener('click', async () => {
    b.disabled = true;
    try {
      const { blob, name: got } = await mapi.download('/attachments/' + encodeURIComponent(f.id), name);
      saveFile(blob, got);
      toast(mt('downloaded', { name: got }));
    } catch (e) {
      if (e instanceof api.SessionExpired) throw e;
      toast(mt('export_failed', { why: errText(e) }), 'bad');
    } finally { b.disabled = false; }
  });
  return b;
}

// ---------------------------------------------------------------- early warnings

const STATES = ['draft', 'submitted', 'following_up', 'closed'];

export async function warningsView() {
  const p = hashParams();
  const y = readRocYear(p.get('y'));
  const unit = p.get('unit') || '';
  const risk = p.get('risk') || '';
  const status = STATES.includes(p.get('status')) ? p.get('status') : '';
  const yearSel = rocYearSelect('warn-year', y);
  const unitSel = await unitSelect('warn-unit', unit);
  const riskSel = h('select', { id: 'warn-risk', name: 'risk_area' }, options('early_warning_risk_areas', risk, mt('all_risks')));
  const names = await unitNames();
  const list = h('ul', { class: 'acts', id: 'warn-list', 'aria-live': 'polite' });
  const more = h('button', { type: 'button', class: 'wide', id: 'warn-more', hidden: true }, mt('more'));
  const count = h('p', { class: 'muted', id: 'warn-count' });
  let cursor = '', shown = 0;
  const load = async () => {
    more.disabled = true;
    try {
      const page = await mapi.warnings({ roc_year: y, unit_id: unit, risk_area: risk, status, cursor });
      for (const w of page.items) list.append(warnCard(w, names));
      shown += page.items.length;
      cursor = page.next_cursor || '';
      more.hidden = !cursor;
      count.textContent = shown ? mt(cursor ? 'warn_count_more' : 'warn_count', { n: formatNumber(shown) }) : '';
      if (!shown) list.append(h('li', { class: 'muted empty' }, mt('warn_none')));
    } catch (e) {
      if (e instanceof api.SessionExpired) throw e;
      list.append(h('li', { class: 'error' }, missing(e) ? mt('not_yet_server') : errText(e)));
      more.hidden = true;
    } finally { more.disabled = false; }
  };
  more.addEventListener('click', load);
  await load();
  return h('section', { id: 'warn', dataset: { y, unit, risk, status } },
    ethicsViews('m-warn'),
    h('h2', {}, mt('warn_h', { y })),
    h('nav', { class: 'seg', 'aria-label': mt('warn_state') }, ['', ...STATES].map((st) => h('a', {
      href: hashWith('m-warn', { y, unit, risk, status: st }), 'aria-current': st === status ? 'page' : null, dataset: { status: st || 'all' },
    }, st ? label('early_warning_statuses', st) : mt('all_states')))),
    h('form', { class: 'filters compact', role: 'search', onsubmit: (ev) => { ev.preventDefault(); go(hashWith('m-warn', { y: yearSel.value, unit: unitSel.value, risk: riskSel.value, status })); } },
      field(mt('year_roc'), yearSel), field(mt('warn_risk'), riskSel), wide(field(mt('unit'), unitSel)),
      wide(h('button', { type: 'submit', class: 'primary' }, mt('show')))),
    count, list, more);
}

function warnCard(w, names) {
  return h('li', { class: 'act warn', dataset: { id: w.id, status: w.status } },
    h('a', { class: 'act-link', href: '#/m-warn1/' + encodeURIComponent(w.id) },
      h('span', { class: 'act-title' }, w.subject),
      h('span', { class: 'badge ew-' + w.status }, label('early_warning_statuses', w.status)),
      h('span', { class: 'act-meta' }, [label('early_warning_risk_areas', w.risk_area), names.get(w.unit_id) || ''].filter(Boolean).join('・')),
      h('span', { class: 'act-meta' }, w.submitted_to_head_on ? mt('warn_submitted_on', { d: day(w.submitted_to_head_on, { weekday: false }) }) : mt('warn_created_on', { d: formatDate(w.created_at, { weekday: false }) }),
        w.status === 'draft' && w.return_comment ? h('strong', { class: 'ew-returned' }, '・' + mt('warn_has_return')) : null)));
}

export async function warningView(id) {
  const back = h('a', { href: '#/m-warn', class: 'link' }, '← ' + mt('warn_back'));
  let w;
  try { w = await mapi.warning(id); } catch (e) {
    if (e instanceof api.SessionExpired) throw e;
    return h('section', { id: 'warn-one' }, back, h('p', { class: 'error' }, errText(e)));
  }
  const uname = await unitName(w.unit_id);
  const rows = [];
  const add = (k, v) => { if (v !== undefined && v !== null && v !== '') rows.push(h('dt', {}, k), h('dd', {}, v)); };
  add(mt('status'), h('span', { class: 'badge ew-' + w.status }, label('early_warning_statuses', w.status)));
  add(mt('unit'), uname);
  add(mt('warn_risk'), label('early_warning_risk_areas', w.risk_area));
  add(mt('warn_to_head'), w.submitted_to_head_on ? day(w.submitted_to_head_on) : '');
  add(mt('warn_activity'), w.activity_id ? h('a', { class: 'link', href: '#/rv/' + encodeURIComponent(w.activity_id) }, mt('warn_activity_open')) : '');
  add(mt('warn_observed'), h('span', { class: 'pre' }, w.observed));
  add(mt('warn_measures'), w.suggested_measures ? h('span', { class: 'pre' }, w.suggested_measures) : '');
  add(mt('warn_outcome'), w.outcome ? h('span', { class: 'pre' }, w.outcome) : '');
  add(mt('warn_closed_at'), w.closed_at ? formatDateTime(w.closed_at) : '');
  const ups = w.follow_ups || [];
  const canReturn = w.status === 'draft' || w.status === 'submitted';
  return h('section', { id: 'warn-one', dataset: { id: w.id, status: w.status } },
    back,
    h('h2', {}, w.subject),
    w.return_comment ? h('div', { class: 'review-note returned', id: 'warn-return-note' },
      h('strong', {}, mt('warn_return_note', { at: w.returned_at ? formatDateTime(w.returned_at) : '' })),
      h('p', { class: 'rn-comment' }, w.return_comment)) : null,
    h('div', { class: 'card' }, h('dl', { class: 'details', id: 'warn-fields' }, rows)),
    h('h3', {}, mt('warn_follow_h', { n: ups.length })),
    ups.length ? h('ol', { class: 'follow-ups', id: 'warn-follow' }, ups.map((f) => h('li', {},
      h('strong', {}, day(f.date)), h('p', { class: 'pre' }, f.action_taken)))) : h('p', { class: 'muted' }, mt('warn_no_follow')),
    canReturn ? returnForm(w) : null);
}

function returnForm(w) {
  const comment = h('textarea', { name: 'comment', id: 'warn-comment', maxlength: 2000 });
  const err = h('p', { class: 'error', role: 'alert', id: 'warn-error' });
  const send = h('button', { type: 'submit', class: 'danger', id: 'warn-return' }, mt('warn_return_send'));
  const form = h('form', { class: 'card decide', id: 'warn-decide', novalidate: true, onsubmit: async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    const text = comment.value.trim();
    if (!text) { err.textContent = mt('warn_return_needed'); comment.focus(); return; }
    send.disabled = true;
    try {
      await mapi.returnWarning(w.id, { version: w.version, comment: text });
      toast(mt('warn_returned_toast', { s: w.subject }));
      // The page again, from the server: now a draft with the comment on top.
      const next = await warningView(w.id);
      document.getElementById('warn-one')?.replaceWith(next);
      window.scrollTo(0, 0);
    } catch (e) {
      if (e instanceof api.SessionExpired) throw e;
      err.textContent = e.code === 'version_conflict' ? mt('warn_changed') : e.code === 'conflict' ? mt('warn_cannot_return') : errText(e);
    } finally { send.disabled = false; }
  } },
  h('h3', {}, mt('warn_return_h')),
  field(mt('warn_return_comment'), comment, mt('warn_return_hint')),
  err, send);
  // A submitted warning is what a manager decides on; a draft is still its
  // officer's, so returning it (to comment before it goes out) stays folded.
  return w.status === 'submitted' ? form : h('details', { class: 'more', id: 'warn-return-more' }, h('summary', {}, mt('warn_return_draft')), form);
}

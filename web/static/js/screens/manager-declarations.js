// screens/manager-declarations.js — 公職人員財產申報: the roster of a year
// (filters, pages), its CSV import with the server's problems shown beside
// the file's own lines, the on-time rate by agency, and the public draws
// (公開抽籤): made, listed, shown, and verified step by step — by the server
// and again in this browser from the seed and the stored candidate list.

import * as api from '../api.js';
import * as mapi from '../api-manager.js';
import { label } from '../i18n.js';
import { h } from '../dom.js';
import { formatDate, formatDateTime, formatNumber, gregorianYear } from '../format.js';
import { importProblems } from '../messages.js';
import { errText, toast, go } from '../shell.js';
import { mt, zh, hashParams, hashWith, readRocYear, rocYearSelect, unitSelect, unitNames, field, downloadButton, pct } from './manager-common.js';

const VIEWS = ['roster', 'rate', 'import', 'draws'];
const STATUSES = ['filed_on_time', 'filed_late', 'not_filed', 'not_yet_due'];
const TYPES = ['regular', 'on_assumption', 'on_leaving'];
const dateOnly = (s) => (s ? formatDate(s + 'T00:00:00', { weekday: false }) : '');

export async function declarationsView() {
  const p = hashParams();
  const view = VIEWS.includes(p.get('view')) ? p.get('view') : 'roster';
  const y = readRocYear(p.get('y'));
  const keep = { y, unit: p.get('unit') || '', status: p.get('status') || '', type: p.get('type') || '' };
  const body = await ({ roster: rosterPart, rate: ratePart, import: importPart, draws: drawsPart })[view](keep);
  return h('section', { id: 'declarations', dataset: { view } },
    h('h2', {}, mt('decl_h', { y })),
    h('nav', { class: 'seg', 'aria-label': mt('decl_views') }, VIEWS.map((v) =>
      h('a', { href: hashWith('decl', { ...keep, view: v }), 'aria-current': v === view ? 'page' : null, dataset: { view: v } }, mt('dv_' + v)))),
    body);
}

function yearUnitForm(keep, view, extra = []) {
  return (async () => {
    const yearSel = rocYearSelect('decl-year', keep.y);
    const unitSel = await unitSelect('decl-unit', keep.unit);
    const sels = extra.map((x) => x.el);
    return h('form', { class: 'filters', id: 'decl-filters', onsubmit: (ev) => {
      ev.preventDefault();
      const params = { y: yearSel.value, unit: unitSel.value, view };
      for (const x of extra) params[x.name] = x.el.value;
      go(hashWith('decl', params));
    } },
    field(mt('year_roc'), yearSel), field(mt('unit'), unitSel),
    extra.map((x, i) => field(x.label, sels[i])),
    h('button', { type: 'submit', class: 'primary' }, mt('show')));
  })();
}

const statusSelect = (v) => h('select', { id: 'decl-status', name: 'status' }, h('option', { value: '' }, mt('all_statuses')),
  STATUSES.map((s) => h('option', { value: s, selected: s === v }, mt('ds_' + s))));
const typeSelect = (v) => h('select', { id: 'decl-type', name: 'type' }, h('option', { value: '' }, mt('all_types')),
  TYPES.map((s) => h('option', { value: s, selected: s === v }, label('declaration_types', s))));

// ---------------------------------------------------------------- roster

async function rosterPart(keep) {
  const form = await yearUnitForm(keep, 'roster', [
    { name: 'status', label: mt('decl_status'), el: statusSelect(keep.status) },
    { name: 'type', label: mt('decl_type'), el: typeSelect(keep.type) }]);
  const names = await unitNames();
  const list = h('ul', { class: 'acts', id: 'decl-list' });
  const more = h('button', { type: 'button', class: 'wide', id: 'decl-more', hidden: true }, mt('more'));
  const count = h('p', { class: 'muted', id: 'decl-count' });
  let cursor = '', shown = 0;
  const load = async () => {
    more.disabled = true;
    try {
      const page = await mapi.declarations({ year: gregorianYear(keep.y), unit_id: keep.unit, status: keep.status, type: keep.type, cursor });
      for (const d of page.items) list.append(declCard(d, names));
      shown += page.items.length;
      cursor = page.next_cursor || '';
      more.hidden = !cursor;
      count.textContent = mt(cursor ? 'rv_count_more' : 'rv_count', { n: shown });
      if (!shown) list.append(h('li', { class: 'muted' }, mt('decl_none')));
    } catch (e) {
      if (e instanceof api.SessionExpired) throw e;
      list.append(h('li', { class: 'error' }, errText(e)));
    } finally { more.disabled = false; }
  };
  more.addEventListener('click', load);
  await load();
  return h('div', {}, form, h('p', { class: 'muted' }, mt('decl_audit_note')), count, list, more,
    h('div', { class: 'actions' },
      downloadButton('dl-decl-xlsx', mt('download_xlsx'), `/declarations/export?format=xlsx&year=${gregorianYear(keep.y)}`, `declarations-${keep.y}.xlsx`),
      downloadButton('dl-decl-csv', mt('download_csv'), `/declarations/export?format=csv&year=${gregorianYear(keep.y)}`, `declarations-${keep.y}.csv`)));
}

function declCard(d, names) {
  return h('li', { class: 'act decl', dataset: { id: d.id, status: d.status } },
    h('div', { class: 'act-link' },
      h('span', { class: 'act-title' }, d.declarant_name, '　', h('small', {}, d.position)),
      h('span', { class: 'badge ' + d.status }, mt('ds_' + d.status)),
      h('span', { class: 'act-meta' }, names.get(d.unit_id) || mt('unit_unknown'), ' · ', label('declaration_types', d.type)),
      h('span', { class: 'act-meta' }, mt('decl_due', { d: dateOnly(d.due_date) }), ' · ',
        d.filed_at ? mt('decl_filed', { d: formatDate(d.filed_at, { weekday: false }) }) : mt('decl_not_filed'))));
}

// ---------------------------------------------------------------- on-time rate by agency

/** rateByUnit counts a roster the way the KPI does: on time ÷ due so far
 * (rows not yet due are left out of both). */
export function rateByUnit(rows) {
  const by = new Map();
  for (const d of rows) {
    const r = by.get(d.unit_id) || { unit_id: d.unit_id, rows: 0, due: 0, on_time: 0, late: 0, missing: 0 };
    r.rows++;
    if (d.status !== 'not_yet_due') r.due++;
    if (d.status === 'filed_on_time') r.on_time++;
    if (d.status === 'filed_late') r.late++;
    if (d.status === 'not_filed') r.missing++;
    by.set(d.unit_id, r);
  }
  return [...by.values()];
}

async function ratePart(keep) {
  const form = await yearUnitForm({ ...keep, unit: '' }, 'rate');
  form.querySelector('#decl-unit')?.closest('label')?.remove();
  const names = await unitNames();
  let rows;
  try { rows = await mapi.allDeclarations({ year: gregorianYear(keep.y) }); } catch (e) {
    if (e instanceof api.SessionExpired) throw e;
    return h('div', {}, form, h('p', { class: 'error' }, errText(e)));
  }
  const units = rateByUnit(rows).sort((a, b) => (names.get(a.unit_id) || '').localeCompare(names.get(b.unit_id) || '', 'zh-Hant'));
  const total = units.reduce((t, r) => ({ rows: t.rows + r.rows, due: t.due + r.due, on_time: t.on_time + r.on_time, late: t.late + r.late, missing: t.missing + r.missing }),
    { rows: 0, due: 0, on_time: 0, late: 0, missing: 0 });
  const rate = (r) => (r.due ? pct(r.on_time / r.due * 100) : mt('rate_none_due'));
  const line = (name, r, attrs = {}) => h('tr', attrs,
    h('th', { scope: 'row' }, name), h('td', { class: 'num' }, formatNumber(r.due)), h('td', { class: 'num' }, formatNumber(r.on_time)),
    h('td', { class: 'num' }, formatNumber(r.late)), h('td', { class: 'num' }, formatNumber(r.missing)),
    h('td', { class: 'num' }, h('strong', { class: r.due && r.on_time < r.due ? 'bad' : '' }, rate(r))));
  return h('div', {}, form,
    h('p', {}, mt('rate_rule')),
    rows.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'rate-table', id: 'rate-table' },
      h('caption', { class: 'visually-hidden' }, mt('dv_rate')),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, mt('unit')), h('th', { scope: 'col', class: 'num' }, mt('rate_due')),
        h('th', { scope: 'col', class: 'num' }, mt('ds_filed_on_time')), h('th', { scope: 'col', class: 'num' }, mt('ds_filed_late')),
        h('th', { scope: 'col', class: 'num' }, mt('ds_not_filed')), h('th', { scope: 'col', class: 'num' }, mt('rate')))),
      h('tbody', {}, units.map((r) => line(names.get(r.unit_id) || mt('unit_unknown'), r, { dataset: { unit: r.unit_id } }))),
      h('tfoot', {}, line(mt('rate_total'), total, { class: 'total' })))) : h('p', { class: 'muted' }, mt('decl_none')));
}

// ---------------------------------------------------------------- CSV import

async function importPart(keep) {
  const yearSel = rocYearSelect('imp-year', keep.y);
  // The browser's own file button speaks the browser's language, not the
  // page's: it is hidden behind a button of ours, with the chosen name beside.
  const chosen = h('span', { class: 'file-name', id: 'imp-file-name' }, mt('imp_no_file'));
  const file = h('input', { type: 'file', id: 'imp-file', name: 'file', accept: '.csv,text/csv', required: true, class: 'visually-hidden',
    onchange: () => { chosen.textContent = file.files[0]?.name || mt('imp_no_file'); } });
  const out = h('div', { id: 'imp-result', 'aria-live': 'polite' });
  const send = h('button', { type: 'submit', class: 'primary' }, mt('imp_send'));
  const form = h('form', { class: 'card', id: 'imp-form', novalidate: true, onsubmit: async (ev) => {
    ev.preventDefault();
    out.replaceChildren();
    const f = file.files[0];
    if (!f) { out.append(h('p', { class: 'error', role: 'alert' }, mt('imp_choose'))); return; }
    send.disabled = true;
    try {
      const r = await mapi.importDeclarations(gregorianYear(Number(yearSel.value)), f);
      out.append(h('p', { class: 'notice ok', id: 'imp-ok', role: 'status' }, mt('imp_ok', { rows: r.rows, created: r.created, unchanged: r.unchanged, y: yearSel.value })),
        h('p', {}, h('a', { class: 'link', href: hashWith('decl', { y: yearSel.value, view: 'roster' }) }, mt('imp_see_roster'))));
      toast(mt('imp_ok_short', { n: r.created }));
    } catch (e) {
      if (e instanceof api.SessionExpired) throw e;
      out.append(await importErrors(e, f));
    } finally { send.disabled = false; }
  } },
  field(mt('imp_year'), yearSel),
  field(mt('imp_file'), h('span', { class: 'file-pick' }, file, h('span', { class: 'button', 'aria-hidden': 'true' }, mt('imp_pick')), chosen), mt('imp_file_hint')),
  send);
  return h('div', {}, h('p', {}, mt('imp_intro')),
    h('details', { class: 'more' }, h('summary', {}, mt('imp_format_h')),
      h('p', {}, mt('imp_format')), h('pre', { class: 'hash' }, '姓名,職稱,機關,申報類別,申報期限,申報日期\n王大明,工務處處長,CYC-PW,定期申報,115/12/31,115/11/20')),
    form, out);
}

/** importErrors shows a refused import: a problem of the whole file as a
 * sentence; problems of lines beside the file's own lines (every line of a
 * short file, the bad ones with two lines around them in a long one). */
async function importErrors(e, f) {
  const fields = e.fields || {};
  const perLine = new Map();
  const whole = [];
  for (const [k, v] of Object.entries(fields)) {
    const m = /^line (\d+)$/.exec(k);
    if (m) perLine.set(Number(m[1]), importProblems(v));
    else whole.push(...importProblems(v));
  }
  const box = h('div', { id: 'imp-errors' });
  if (e.code !== 'validation_failed' || (!perLine.size && !whole.length)) {
    box.append(h('p', { class: 'error', role: 'alert' }, errText(e)));
    return box;
  }
  box.append(h('p', { class: 'error', role: 'alert', id: 'imp-summary' },
    perLine.size ? mt('imp_bad_lines', { n: perLine.size, first: Math.min(...perLine.keys()) }) : mt('imp_bad_file')));
  for (const w of whole) box.append(h('p', { class: 'error' }, w));
  if (!perLine.size) return box;
  const text = (await f.text()).replace(/^\ufeff/, '');
  const lines = text.split(/\r\n|\n|\r/);
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  const show = new Set();
  if (lines.length <= 300) lines.forEach((_, i) => show.add(i + 1));
  else {
    show.add(1);
    for (const l of perLine.keys()) for (let i = l - 2; i <= l + 2; i++) if (i >= 1 && i <= lines.length) show.add(i);
  }
  const ol = h('ol', { class: 'csv-lines', id: 'imp-lines', 'aria-label': mt('imp_lines_label') });
  let prev = 0;
  for (const n of [...show].sort((a, b) => a - b)) {
    if (n > prev + 1) ol.append(h('li', { class: 'gap' }, h('span', { class: 'ln' }, '⋯'), h('span', { class: 'src muted' }, mt('imp_gap', { n: n - prev - 1 }))));
    const bad = perLine.get(n);
    ol.append(h('li', { class: bad ? 'bad' : '', dataset: { line: n } },
      h('span', { class: 'ln' }, String(n)),
      h('span', { class: 'src' }, lines[n - 1] ?? ''),
      bad ? h('span', { class: 'why' }, h('span', { class: 'visually-hidden' }, mt('imp_line_n', { n }) + '：'), bad.join('\n')) : null));
    prev = n;
  }
  // Problems on lines beyond what the file shows (should not happen) are still listed.
  for (const [n, why] of perLine) if (!show.has(n)) box.append(h('p', { class: 'error' }, mt('imp_line_n', { n }) + '：' + why.join(' ')));
  box.append(ol, h('p', { class: 'muted' }, mt('imp_nothing_stored')));
  return box;
}

// ---------------------------------------------------------------- draws

async function drawsPart(keep) {
  const names = await unitNames();
  const list = h('ul', { class: 'acts', id: 'draw-list' });
  try {
    const page = await mapi.draws(gregorianYear(keep.y));
    if (!page.items.length) list.append(h('li', { class: 'muted' }, mt('draw_none')));
    for (const d of page.items) {
      list.append(h('li', { class: 'act', dataset: { id: d.id } }, h('a', { class: 'act-link', href: '#/draw/' + encodeURIComponent(d.id) },
        h('span', { class: 'act-title' }, mt('draw_title', { y: d.year - 1911, at: formatDateTime(d.created_at) })),
        h('span', { class: 'badge' }, mt('draw_count', { n: d.count })),
        h('span', { class: 'act-meta' }, mt('draw_seed', { s: d.seed }), d.unit_id ? ' · ' + (names.get(d.unit_id) || '') : '', d.type ? ' · ' + label('declaration_types', d.type) : ''))));
    }
  } catch (e) {
    if (e instanceof api.SessionExpired) throw e;
    list.append(h('li', { class: 'error' }, errText(e)));
  }
  return h('div', {}, await yearUnitForm({ ...keep, unit: '' }, 'draws').then((f) => { f.querySelector('#decl-unit')?.closest('label')?.remove(); return f; }),
    h('h3', {}, mt('draws_h', { y: keep.y })), list, await newDrawForm(keep));
}

async function newDrawForm(keep) {
  const yearSel = rocYearSelect('draw-year', keep.y);
  const how = h('select', { id: 'draw-how', name: 'how' }, h('option', { value: 'ratio' }, mt('draw_by_ratio')), h('option', { value: 'count' }, mt('draw_by_count')));
  const amount = h('input', { id: 'draw-amount', name: 'amount', type: 'number', inputmode: 'decimal', min: 1, max: 100, value: 20, required: true });
  const seed = h('input', { id: 'draw-seed', name: 'seed', required: true, maxlength: 200, autocomplete: 'off' });
  const unitSel = await unitSelect('draw-unit', '');
  const type = typeSelect('');
  type.id = 'draw-type';
  const err = h('p', { class: 'error', role: 'alert', id: 'draw-error' });
  const send = h('button', { type: 'submit', class: 'primary' }, mt('draw_send'));
  const amountLabel = h('span', {}, mt('draw_ratio_label'));
  how.addEventListener('change', () => {
    amountLabel.textContent = mt(how.value === 'ratio' ? 'draw_ratio_label' : 'draw_count_label');
    amount.max = how.value === 'ratio' ? 100 : 10000;
  });
  return h('form', { class: 'card', id: 'draw-form', novalidate: true, onsubmit: async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    const n = Number(amount.value);
    if (!seed.value.trim()) { err.textContent = mt('draw_seed_needed'); seed.focus(); return; }
    if (!(n > 0)) { err.textContent = mt('draw_amount_needed'); amount.focus(); return; }
    const body = { year: gregorianYear(Number(yearSel.value)), seed: seed.value.trim() };
    if (how.value === 'ratio') body.ratio = Math.min(1, n / 100); else body.count = Math.round(n);
    if (unitSel.value) body.unit_id = unitSel.value;
    if (type.value) body.type = type.value;
    send.disabled = true;
    try {
      const d = await mapi.createDraw(body);
      toast(mt('draw_made', { n: d.count }));
      go('#/draw/' + encodeURIComponent(d.id));
    } catch (e) {
      if (e instanceof api.SessionExpired) throw e;
      err.textContent = errText(e);
    } finally { send.disabled = false; }
  } },
  h('h3', {}, mt('draw_new_h')),
  h('p', { class: 'muted' }, mt('draw_rule')),
  field(mt('year_roc'), yearSel),
  field(mt('draw_how'), how),
  h('label', { class: 'field' }, h('span', { class: 'label' }, amountLabel), amount),
  field(mt('draw_seed_label'), seed, mt('draw_seed_hint')),
  field(mt('unit'), unitSel), field(mt('decl_type'), type),
  err, send);
}

export async function drawView(id) {
  const back = h('a', { href: hashWith('decl', { view: 'draws' }), class: 'link' }, '← ' + mt('draw_back'));
  let d;
  try { d = await mapi.draw(id); } catch (e) {
    if (e instanceof api.SessionExpired) throw e;
    return h('section', { id: 'draw' }, back, h('p', { class: 'error' }, errText(e)));
  }
  const names = await unitNames();
  const steps = h('div', { id: 'verify-box', 'aria-live': 'polite' });
  const verify = h('button', { type: 'button', class: 'primary', id: 'draw-verify' }, mt('verify'));
  verify.addEventListener('click', async () => {
    verify.disabled = true;
    steps.replaceChildren(h('p', { class: 'muted' }, mt('verifying')));
    try {
      const v = await mapi.verifyDraw(d.id);
      steps.replaceChildren(await verification(d, v));
    } catch (e) {
      if (e instanceof api.SessionExpired) throw e;
      steps.replaceChildren(h('p', { class: 'error' }, errText(e)));
    } finally { verify.disabled = false; }
  });
  return h('section', { id: 'draw', dataset: { id: d.id } }, back,
    h('h2', {}, mt('draw_title', { y: d.year - 1911, at: formatDateTime(d.created_at) })),
    h('dl', { class: 'details' },
      h('dt', {}, mt('draw_seed_label')), h('dd', { id: 'draw-seed-v' }, d.seed),
      h('dt', {}, mt('draw_pool')), h('dd', {}, mt('draw_pool_v', { n: formatNumber(d.candidate_count) }),
        d.unit_id ? '（' + (names.get(d.unit_id) || '') + '）' : '', d.type ? '（' + label('declaration_types', d.type) + '）' : ''),
      h('dt', {}, mt('draw_size')), h('dd', {}, d.ratio != null ? mt('draw_size_ratio', { r: Math.round(d.ratio * 1000) / 10, n: d.count }) : mt('draw_count', { n: d.count })),
      h('dt', {}, mt('draw_snapshot')), h('dd', { class: 'hash' }, d.snapshot_sha256)),
    h('h3', {}, mt('draw_selected_h', { n: d.selected.length })),
    h('ol', { id: 'draw-selected' }, d.selected.map((s) => h('li', { dataset: { id: s.id } },
      s.missing ? mt('draw_missing') : `${s.declarant_name}（${s.position}，${s.unit_name || names.get(s.unit_id) || ''}）`))),
    h('h3', {}, mt('verify_h')), h('p', {}, mt('verify_intro')), verify, steps);
}

const sha256 = async (text) => {
  const buf = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');
};
const ok = (b) => h('span', { class: b ? 'ok' : 'notok' }, b ? mt('v_ok') : mt('v_bad'));

/** verification lays out the server's recomputation step by step, and
 * repeats it in this browser from the draw's seed and candidate list (the
 * rule of services/declaration_draw.go). */
async function verification(d, v) {
  const local = { available: Boolean(globalThis.crypto?.subtle) };
  if (local.available) {
    local.snapshot = await sha256(d.candidate_ids.map((x) => x + '\n').join(''));
    const keyed = await Promise.all(d.candidate_ids.map(async (cid) => ({ id: cid, key: await sha256(d.seed + '\n' + cid) })));
    keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.id < b.id ? -1 : 1));
    local.keyed = keyed;
    local.selected = keyed.slice(0, d.count).map((k) => k.id);
    local.same = local.selected.length === d.selected_ids.length && local.selected.every((x, i) => x === d.selected_ids[i]);
  }
  const who = new Map(d.selected.map((s) => [s.id, s.declarant_name]));
  const short = (x) => x.slice(0, 16) + '…';
  return h('div', { class: 'card', id: 'verify-result', dataset: { match: String(v.match) } },
    h('p', { class: 'big-line' }, v.match ? h('span', { class: 'ok' }, mt('v_match')) : h('span', { class: 'notok' }, mt('v_nomatch'))),
    h('ol', { class: 'steps', id: 'verify-steps' },
      h('li', { dataset: { step: 'snapshot' } }, h('strong', {}, mt('v1_h')), ' ', ok(v.snapshot_hash_matches),
        h('p', {}, mt('v1', { n: formatNumber(v.stored_candidate_count) })),
        h('p', {}, mt('v_stored'), h('span', { class: 'hash' }, v.stored_snapshot_sha256)),
        h('p', {}, mt('v_recomputed'), h('span', { class: 'hash' }, v.recomputed_snapshot_sha256))),
      h('li', { dataset: { step: 'keys' } }, h('strong', {}, mt('v2_h')), ' ', ok(v.selection_matches),
        h('p', {}, mt('v2', { seed: d.seed, n: v.stored_selected_count })),
        h('p', {}, mt('v2_result', { n: v.recomputed_selected_ids.length }))),
      h('li', { dataset: { step: 'audit' } }, h('strong', {}, mt('v3_h')), ' ', ok(v.audit_record_matches),
        h('p', {}, mt('v3')), h('p', {}, mt('v3_hash'), h('span', { class: 'hash' }, v.stored_selected_sha256))),
      h('li', { dataset: { step: 'current' } }, h('strong', {}, mt('v4_h')), ' ',
        h('span', { class: v.current_roster_differs ? 'notok' : 'ok' }, v.current_roster_differs ? mt('v4_changed') : mt('v4_same')),
        h('p', {}, mt('v4', { n: formatNumber(v.current_candidate_count) })),
        v.current_roster_differs ? h('p', {}, mt('v4_note')) : null),
      local.available ? h('li', { dataset: { step: 'browser' } }, h('strong', {}, mt('v5_h')), ' ', ok(local.same && local.snapshot === d.snapshot_sha256),
        h('p', {}, mt('v5', { n: formatNumber(d.candidate_ids.length) })),
        h('p', {}, mt('v5_snapshot'), h('span', { class: 'hash', id: 'local-snapshot' }, local.snapshot), ' ', ok(local.snapshot === d.snapshot_sha256)),
        h('div', { class: 'table-wrap' }, h('table', { class: 'keys', id: 'local-keys' },
          h('caption', {}, mt('v5_table', { k: Math.min(local.keyed.length, d.count + 3) })),
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, mt('v_rank')), h('th', { scope: 'col' }, mt('v_key')), h('th', { scope: 'col' }, mt('v_who')))),
          h('tbody', {}, local.keyed.slice(0, d.count + 3).map((k, i) => h('tr', { class: i < d.count ? 'win' : '' },
            h('td', {}, String(i + 1)), h('td', { class: 'hash' }, short(k.key)),
            h('td', {}, i < d.count ? (who.get(k.id) || short(k.id)) : mt('v_not_drawn'))))))),
        h('p', {}, local.same ? mt('v5_same') : mt('v5_differs'))) : h('li', {}, mt('v5_unavailable'))));
}

export { zh };

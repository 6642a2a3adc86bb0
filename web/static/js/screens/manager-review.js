// screens/manager-review.js — 核閱: the queue of completed records waiting
// for a manager (oldest first), and a record read-only with the two
// decisions: 核閱通過, or 退回補正 with a comment the owner reads.

import * as api from '../api.js';
import * as mapi from '../api-manager.js';
import { t, label } from '../i18n.js';
import { h, field } from '../dom.js';
import { formatDate, formatDateTime, formatMoney } from '../format.js';
import { reviewNote } from '../review-note.js';
import { errText, toast, go, missing } from '../shell.js';
import { mt, hashParams, hashWith, unitNames, unitSelect, waited, downloadButton } from './manager-common.js';

const FILTERS = ['pending', 'returned', 'approved', 'all'];

/** ownerName is the record's owner as the list shows it. */
export const ownerName = (a) => a.owner?.display_name || a.owner_name || '';

export async function reviewView() {
  const p = hashParams();
  const review = FILTERS.includes(p.get('review')) ? p.get('review') : 'pending';
  const q = p.get('q') || '';
  const unit = p.get('unit') || '';
  const names = await unitNames();
  const qIn = h('input', { type: 'search', name: 'q', id: 'rv-q', value: q, placeholder: mt('rv_search_ph') });
  const unitSel = await unitSelect('rv-unit', unit);
  const list = h('ul', { class: 'acts', id: 'review-list', 'aria-live': 'polite' });
  const more = h('button', { type: 'button', class: 'wide', id: 'rv-more', hidden: true }, mt('more'));
  const count = h('p', { class: 'muted', id: 'rv-count' });
  const filters = { review: review === 'all' ? '' : review, q, unit_id: unit, status: review === 'all' ? 'completed' : '',
    // The queue is read oldest first: who has waited longest comes first.
    // A returned record is open again (no completion time): newest change first.
    sort: review === 'pending' ? 'completed_at' : review === 'returned' ? '-updated_at' : '-completed_at' };
  let cursor = '', shown = 0;
  const load = async () => {
    more.disabled = true;
    try {
      const page = await mapi.activities({ ...filters, cursor });
      for (const a of page.items) list.append(queueCard(a, names));
      shown += page.items.length;
      cursor = page.next_cursor || '';
      more.hidden = !cursor;
      count.textContent = shown ? mt(cursor ? 'rv_count_more' : 'rv_count', { n: shown }) : '';
      if (!shown) list.append(h('li', { class: 'muted empty' }, mt(review === 'pending' ? 'rv_none_pending' : 'rv_none')));
    } catch (e) {
      if (e instanceof api.SessionExpired) throw e;
      list.append(h('li', { class: 'error' }, e.status === 400 || missing(e) ? mt('rv_not_yet') : errText(e)));
    } finally { more.disabled = false; }
  };
  more.addEventListener('click', load);
  await load();
  const exportQs = new URLSearchParams(Object.entries({ review: filters.review, q, unit_id: unit, status: filters.status }).filter(([, v]) => v)).toString();
  return h('section', { id: 'review', dataset: { review, q, unit } },
    h('h2', {}, mt('rv_h')),
    h('nav', { class: 'seg', 'aria-label': mt('rv_filter') }, FILTERS.map((f) => h('a', { href: hashWith('review', { review: f, q, unit }), 'aria-current': f === review ? 'page' : null, dataset: { filter: f } }, mt('rvf_' + f)))),
    h('form', { class: 'filters', role: 'search', onsubmit: (ev) => { ev.preventDefault(); go(hashWith('review', { review, q: qIn.value.trim(), unit: unitSel.value })); } },
      field(mt('rv_search'), qIn), field(mt('unit'), unitSel), h('button', { type: 'submit', class: 'primary' }, mt('show'))),
    count, list, more,
    h('div', { class: 'actions' },
      downloadButton('dl-acts-xlsx', mt('download_xlsx'), '/activities/export?format=xlsx' + (exportQs ? '&' + exportQs : ''), 'activities.xlsx'),
      downloadButton('dl-acts-csv', mt('download_csv'), '/activities/export?format=csv' + (exportQs ? '&' + exportQs : ''), 'activities.csv')));
}

function queueCard(a, names) {
  const owner = ownerName(a);
  return h('li', { class: 'act', dataset: { id: a.id, review: a.review_status || '' } },
    h('a', { class: 'act-link', href: '#/rv/' + encodeURIComponent(a.id) },
      h('span', { class: 'act-title' }, a.title),
      h('span', { class: 'badge ' + (a.review_status || '') }, a.review_status ? mt('rs_' + a.review_status) : label('activity_statuses', a.status)),
      h('span', { class: 'act-meta' }, [label('activity_kinds', a.kind), names.get(a.unit_id) || '', owner ? mt('owner_is', { u: owner }) : ''].filter(Boolean).join(' · ')),
      a.completed_at ? h('span', { class: 'act-meta' }, mt('completed_on', { d: formatDate(a.completed_at) }),
        // A record entered after the work waits from its entry, not from the work.
        a.review_status === 'pending' ? h('span', { class: 'waited' }, ' · ' + waited(Math.max(Date.parse(a.completed_at), Date.parse(a.created_at)))) : null) : null));
}

/** recordDetails lists a record's fields, read-only, kind by kind. */
export function recordDetails(a, names) {
  const rows = [];
  const add = (k, v) => { if (v !== undefined && v !== null && v !== '') rows.push(h('dt', {}, k), h('dd', {}, v)); };
  add(t('kind'), label('activity_kinds', a.kind));
  add(t('title'), a.title);
  add(mt('unit'), names.get(a.unit_id) || '');
  add(mt('owner'), ownerName(a));
  if (a.site) add(t('site'), [a.site.name, a.site.address].filter(Boolean).join('，'));
  add(t('scheduled_at'), formatDateTime(a.scheduled_at));
  add(t('started_at'), a.started_at ? formatDateTime(a.started_at) : '');
  add(t('completed_at'), a.completed_at ? formatDateTime(a.completed_at) : '');
  if (a.late_entry) add(mt('late_entry'), mt('late_entry_yes'));
  const pr = a.procurement;
  if (pr) {
    add(t('case_no'), pr.case_no); add(t('case_title'), pr.case_title);
    add(t('category'), label('procurement_categories', pr.category)); add(t('budget_amount'), pr.budget_amount ? formatMoney(pr.budget_amount) : '');
    add(t('stage'), pr.stage ? label('procurement_stages', pr.stage) : '');
    add(mt('deficiencies'), pr.deficiencies?.length ? h('ul', { class: 'plain' }, pr.deficiencies.map((d) => h('li', {}, d))) : mt('none'));
    add(t('corrected'), pr.corrected ? t('yes') : t('no'));
  }
  const m = a.maintenance;
  if (m) { add(t('event_name'), m.event_name); add(t('risk_level'), label('risk_levels', m.risk_level)); add(t('measures'), m.measures); }
  const pe = a.petition;
  if (pe) { add(t('petitioners'), String(pe.petitioners)); add(t('subject'), pe.subject); add(t('outcome'), pe.outcome); }
  if (a.checklist?.length) {
    add(t('checklist'), h('ul', { class: 'plain' }, a.checklist.map((c) => h('li', {}, `${c.item}：${c.result ? label('checklist_results', c.result) : t('not_yet')}`, c.note ? `（${c.note}）` : ''))));
  }
  const ev = a.event;
  if (ev) {
    add(t('scale'), label('event_scales', ev.scale)); add(t('audience'), ev.audience);
    add(t('participants'), ev.participants == null ? '' : String(ev.participants));
    add(t('ends_at'), ev.ends_at ? formatDateTime(ev.ends_at) : '');
  }
  add(t('notes'), a.notes ? h('span', { class: 'pre' }, a.notes) : '');
  return h('dl', { class: 'details', id: 'rv-fields' }, rows);
}

export async function reviewRecordView(id) {
  let a;
  try { a = await mapi.activity(id); } catch (e) {
    if (e instanceof api.SessionExpired) throw e;
    return h('section', { id: 'review-record' }, h('a', { href: '#/review', class: 'link' }, '← ' + mt('rv_back')), h('p', { class: 'error' }, errText(e)));
  }
  const names = await unitNames();
  const comment = h('textarea', { name: 'comment', id: 'rv-comment', maxlength: 1000 });
  const err = h('p', { class: 'error', role: 'alert', id: 'rv-error' });
  const decide = (decision) => async () => {
    err.textContent = '';
    const text = comment.value.trim();
    if (decision === 'returned' && !text) { err.textContent = mt('rv_comment_needed'); comment.focus(); return; }
    for (const b of buttons.querySelectorAll('button')) b.disabled = true;
    try {
      await mapi.review(a.id, { decision, comment: text, version: a.version });
      toast(mt(decision === 'approved' ? 'rv_done_ok' : 'rv_done_returned', { title: a.title }));
      go('#/review');
    } catch (e) {
      if (e instanceof api.SessionExpired) throw e;
      err.textContent = e.code === 'version_conflict' ? mt('rv_changed') : errText(e);
    } finally { for (const b of buttons.querySelectorAll('button')) b.disabled = false; }
  };
  const buttons = h('div', { class: 'buttons' },
    h('button', { type: 'button', class: 'primary', id: 'rv-approve', onclick: decide('approved') }, mt('rv_approve')),
    h('button', { type: 'button', class: 'danger', id: 'rv-return', onclick: decide('returned') }, mt('rv_return')));
  const canDecide = a.status === 'completed' && a.review_status !== 'approved';
  return h('section', { id: 'review-record', dataset: { id: a.id } },
    h('a', { href: '#/review', class: 'link' }, '← ' + mt('rv_back')),
    h('h2', {}, a.title),
    reviewNote(a),
    h('div', { class: 'card' }, recordDetails(a, names)),
    a.event ? h('div', { class: 'actions', id: 'roster-dl' },
      downloadButton('dl-roster-xlsx', mt('roster_xlsx'), `/activities/${encodeURIComponent(a.id)}/signups/export?format=xlsx`, 'roster.xlsx'),
      downloadButton('dl-roster-csv', mt('roster_csv'), `/activities/${encodeURIComponent(a.id)}/signups/export?format=csv`, 'roster.csv')) : null,
    canDecide ? h('div', { class: 'card decide', id: 'rv-decide' },
      h('h3', {}, mt('rv_decide_h')),
      field(mt('rv_comment'), comment, mt('rv_comment_hint')),
      err, buttons) : h('p', { class: 'muted' }, a.status !== 'completed' ? mt('rv_not_completed') : ''));
}

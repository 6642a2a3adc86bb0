// screens/reports-queue.js — the report handlers' queue (檢舉): reports
// ordered by their next deadline, the overdue ones marked in colour AND in
// words, filters by state, overdue and "assigned to me". The list carries no
// content: a report's text is read on its own page, and each read is audited.
// On top, 登錄紙本／電話檢舉 opens the recording of a report that came on
// paper, by phone or in person (reports-intake.js).

import * as api from '../api.js';
import * as rapi from '../api-reports.js';
import { h, field } from '../dom.js';
import { errText, go } from '../shell.js';
import { rt, lab, values, dueWords, nextDue, rocDate, knownHandlers } from './reports-common.js';

const params = () => {
  const i = location.hash.indexOf('?');
  return new URLSearchParams(i < 0 ? '' : location.hash.slice(i + 1));
};
function hashFor(p) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(p)) if (v) u.set(k, v);
  const s = u.toString();
  return '#/reports' + (s ? '?' + s : '');
}

/** row is one report of the queue: a link to its page. */
export function row(r) {
  if (r.assignee?.id) knownHandlers.set(r.assignee.id, r.assignee.display_name);
  const due = nextDue(r);
  const words = due ? dueWords(due.at) : null;
  // The server says what is overdue (its clock, its working days).
  const overdue = Boolean(r.overdue);
  return h('li', { class: 'rep' + (overdue ? ' overdue' : ''), dataset: { id: r.id, ref: r.ref || '', overdue: overdue ? '1' : '0' } },
    h('a', { class: 'rep-link', href: '#/case/' + encodeURIComponent(r.id) },
      h('span', { class: 'rep-top' },
        h('span', { class: 'rep-ref' }, h('span', { class: 'visually-hidden' }, rt('ref') + ' '), r.ref || '–'),
        h('span', { class: 'badge rep-state ' + r.state }, lab('state', r.state)),
        overdue ? h('span', { class: 'badge rep-overdue' }, '⚠\u00a0' + rt('overdue')) : null),
      h('span', { class: 'rep-meta' }, lab('channel', r.channel), ' · ', rt('received'), ' ', rocDate(r.received_at)),
      due ? h('span', { class: 'rep-due' + (overdue ? ' late' : '') },
        due.what ? rt('due_line', { what: due.what, d: rocDate(due.at) }) : rocDate(due.at),
        h('strong', {}, '（', overdue && !words.overdue ? rt('overdue') : words.text, '）')) : h('span', { class: 'rep-due' }, rt('no_due')),
      r.unread_from_reporter > 0 ? h('span', { class: 'rep-unread' }, '✉\u00a0', rt('unread', { n: r.unread_from_reporter })) : null,
      h('span', { class: 'rep-who' }, r.assignee ? rt('assignee', { u: r.assignee.display_name }) : rt('unassigned'))));
}

export async function queueView() {
  const p = params();
  const state = p.get('state') || '';
  const overdue = p.get('overdue') === 'true';
  const mine = p.get('assigned') === 'me';
  const stateSel = h('select', { id: 'rq-state', name: 'state' },
    h('option', { value: '' }, rt('f_all_states')),
    values('state').map((s) => h('option', { value: s, selected: s === state }, lab('state', s))));
  const overdueBox = h('input', { type: 'checkbox', id: 'rq-overdue', name: 'overdue', checked: overdue });
  const mineBox = h('input', { type: 'checkbox', id: 'rq-mine', name: 'assigned', checked: mine });
  const list = h('ul', { class: 'acts reps', id: 'reports-list' });
  const status = h('p', { id: 'reports-summary', class: 'muted', 'aria-live': 'polite' });
  const more = h('button', { type: 'button', id: 'reports-more', hidden: true }, rt('more'));
  let cursor = '', shown = 0, late = 0;
  const query = { state, overdue: overdue ? 'true' : '', assigned: mine ? 'me' : '' };
  const load = async () => {
    const page = await rapi.queue({ ...query, cursor });
    for (const r of page.items) { list.append(row(r)); shown++; if (r.overdue) late++; }
    cursor = page.next_cursor || '';
    more.hidden = !cursor;
    // A total only once the last page is in: before that the count is of
    // what is shown, and says so.
    status.textContent = !shown ? rt('none')
      : rt(cursor ? 'summary_partial' : 'summary', { n: shown }) + (late ? rt('summary_overdue', { n: late }) : '');
  };
  more.addEventListener('click', async () => {
    more.disabled = true;
    try { await load(); } catch (e) { if (e instanceof api.SessionExpired) throw e; status.textContent = errText(e); } finally { more.disabled = false; }
  });
  let note = null;
  let notHandler = false;
  try { await load(); } catch (e) {
    if (e instanceof api.SessionExpired) throw e;
    notHandler = e.status === 403;
    note = notHandler ? rt('not_handler') : e.status === 404 && /route/.test(e.message || '') ? rt('not_yet_server') : errText(e);
    status.textContent = '';
  }
  // Reports that came on paper, by phone or in person are recorded here;
  // not offered to one the server says is no handler.
  const intake = notHandler ? null
    : h('a', { class: 'button primary intake-link', id: 'reports-intake-link', href: '#/reports/new' },
      h('span', { class: 'intake-link-title' }, '＋\u00a0', rt('intake_link')),
      h('span', { class: 'intake-link-hint' }, rt('intake_link_hint')));
  return h('section', { id: 'reports' },
    h('h2', {}, rt('queue_h')),
    intake,
    h('p', { class: 'muted' }, rt('queue_intro')),
    h('form', { class: 'filters card', id: 'reports-filters', onsubmit: (ev) => {
      ev.preventDefault();
      go(hashFor({ state: stateSel.value, overdue: overdueBox.checked ? 'true' : '', assigned: mineBox.checked ? 'me' : '' }));
    } },
    field(rt('f_state'), stateSel),
    h('label', { class: 'check' }, overdueBox, rt('f_overdue')),
    h('label', { class: 'check' }, mineBox, rt('f_mine')),
    h('button', { type: 'submit', class: 'primary' }, rt('show'))),
    note ? h('p', { class: 'notice', role: 'alert' }, note) : null,
    status, list, more);
}

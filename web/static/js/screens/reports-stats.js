// screens/reports-stats.js — what managers and admins see of the reports
// without being handlers: counts by state and channel for a 民國 year
// (never any content); and the admin's designation of report handlers
// (檢舉承辦人) among the officer and manager accounts.

import * as api from '../api.js';
import * as rapi from '../api-reports.js';
import { h } from '../dom.js';
import { formatNumber, gregorianYear } from '../format.js';
import { toast, errText } from '../shell.js';
import { rt, lab, values } from './reports-common.js';

const table = (id, caption, kind, counts) => {
  const keys = [...new Set([...values(kind), ...Object.keys(counts || {})])];
  const total = keys.reduce((a, k) => a + (Number(counts?.[k]) || 0), 0);
  return h('table', { class: 'rep-stats', id },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, rt('stats_kind')), h('th', { scope: 'col', class: 'num' }, rt('stats_count')))),
    h('tbody', {}, keys.map((k) => h('tr', { dataset: { key: k } }, h('th', { scope: 'row' }, lab(kind, k)), h('td', { class: 'num' }, formatNumber(Number(counts?.[k]) || 0))))),
    h('tfoot', {}, h('tr', {}, h('th', { scope: 'row' }, rt('stats_total')), h('td', { class: 'num' }, formatNumber(total)))));
};

/** statsCard is the small card of report counts for the 民國 year y; null
 * for a caller the server does not show them to. */
export async function statsCard(y) {
  let s;
  try { s = await rapi.stats(gregorianYear(y)); } catch (e) {
    if (e instanceof api.SessionExpired) throw e;
    if (e.status === 403) return null;
    return h('section', { class: 'card', id: 'report-stats' },
      h('h3', {}, rt('stats_h', { y })),
      h('p', { class: 'notice' }, e.status === 404 ? rt('stats_missing') : errText(e)));
  }
  const admin = api.currentUser()?.role === 'admin';
  return h('section', { class: 'card no-print', id: 'report-stats', 'aria-labelledby': 'report-stats-h' },
    h('h3', { id: 'report-stats-h' }, rt('stats_h', { y })),
    h('p', { class: 'muted' }, rt('stats_note')),
    h('div', { class: 'rep-stats-grid' },
      table('rep-stats-state', rt('stats_by_state'), 'state', s.by_state),
      table('rep-stats-channel', rt('stats_by_channel'), 'channel', s.by_channel)),
    typeof s.overdue === 'number' ? h('p', { id: 'rep-stats-overdue', class: s.overdue ? 'bad' : '' }, h('strong', {}, rt('stats_overdue', { n: formatNumber(s.overdue) }))) : null,
    admin ? h('p', {}, h('a', { class: 'link', href: '#/rh-admin', id: 'rh-admin-link' }, rt('admin_link') + ' →')) : null);
}

/** handlersAdminView lists the officer and manager accounts, each with a
 * 檢舉承辦人 switch (admins). */
export async function handlersAdminView() {
  let people = null, note = null;
  try { people = await rapi.staff(); } catch (e) {
    if (e instanceof api.SessionExpired) throw e;
    note = errText(e);
  }
  const count = h('p', { id: 'rh-count', 'aria-live': 'polite' });
  const recount = () => { count.textContent = rt('admin_count', { n: (people || []).filter((u) => u.report_handler).length }); };
  const line = (u) => {
    const box = h('input', { type: 'checkbox', role: 'switch', id: 'rh-' + u.id, checked: Boolean(u.report_handler), 'aria-describedby': 'rh-meta-' + u.id });
    // The state in words beside the box: a tick alone is easy to misread.
    const word = h('span', { class: 'rh-state', 'aria-hidden': 'true' });
    const show = () => { word.textContent = u.report_handler ? rt('admin_is') : rt('admin_isnt'); word.className = 'rh-state ' + (u.report_handler ? 'on' : 'off'); };
    show();
    box.addEventListener('change', async () => {
      const want = box.checked;
      box.disabled = true;
      try {
        const after = await rapi.setHandler(u.id, want);
        u.report_handler = Boolean(after?.report_handler ?? want);
        box.checked = u.report_handler;
        toast(rt(u.report_handler ? 'admin_on' : 'admin_off', { u: u.display_name }));
      } catch (e) {
        if (e instanceof api.SessionExpired) throw e;
        box.checked = !want;
        toast(errText(e), 'bad');
      } finally { box.disabled = false; show(); recount(); }
    });
    return h('li', { class: 'act rh-line', dataset: { user: u.username } },
      h('label', { class: 'check rh-switch', for: 'rh-' + u.id },
        box,
        h('span', {}, h('span', { class: 'act-title' }, u.display_name), ' ', h('span', { class: 'switch-word' }, rt('admin_switch'))),
        word),
      h('span', { class: 'act-meta', id: 'rh-meta-' + u.id }, rt('role_' + u.role), ' · ', u.username));
  };
  if (people) recount();
  return h('section', { id: 'rh-admin' },
    h('a', { href: '#/kpi', class: 'link' }, '← ' + rt('admin_back')),
    h('h2', {}, rt('admin_h')),
    h('p', {}, rt('admin_intro')),
    h('p', { class: 'muted' }, rt('admin_relogin')),
    note ? h('p', { class: 'notice', role: 'alert' }, note) : null,
    people ? count : null,
    people ? (people.length ? h('ul', { class: 'acts', id: 'rh-list' }, people.map(line)) : h('p', { class: 'muted' }, rt('admin_none'))) : null);
}

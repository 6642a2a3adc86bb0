// shell.js — what every screen shares: the page's chrome (title, tabs,
// network and queue bars), messages, hash routes and the router.

import * as api from './api.js';
import * as queue from './queue.js';
import { t, getLang, setMeta } from './i18n.js';
import { h } from './dom.js';
import { errorMessage } from './messages.js';
import { loginView, registerView, pendingView } from './screens/auth.js';
import { todayView, newView, activityView, editView, fixView } from './screens/records.js';
import { eventsView, hoursView } from './screens/volunteer.js';
import { kpiView, approvalsView, MANAGER_ROUTES, MANAGER_PARENT, managerTabs } from './screens/manager.js';
import { regsView, regNewView, regView, warningsView, warnNewView, warnEditView, warnView } from './screens/registers.js';
import { ot } from './officer-text.js';
import { reportView } from './screens/report.js';
import { followView } from './screens/report-follow.js';
import { rt as publicText } from './report-text.js';
import { queueView as reportsView } from './screens/reports-queue.js';
import { detailView as caseView } from './screens/reports-detail.js';
import { intakeView } from './screens/reports-intake.js';
import { handlersAdminView } from './screens/reports-stats.js';
import { rt } from './screens/reports-common.js';

// The officer's register pages and the tab each belongs to.
const OFFICER_PARENT = { 'reg-new': 'regs', reg: 'regs', 'warn-new': 'warnings', 'warn-edit': 'warnings', w: 'warnings' };
// The report handlers' pages (檢舉) and the admin's designation of handlers.
const REPORTS_PARENT = { case: 'reports', 'rh-admin': 'kpi' };
const PARENT = (name) => MANAGER_PARENT[name] || OFFICER_PARENT[name] || REPORTS_PARENT[name];

export const $ = (id) => document.getElementById(id);
export const view = $('view');
export let units = [];
export let metaLoaded = false;

export function toast(msg, kind = 'info') {
  const el = $('toast');
  el.textContent = msg;
  el.className = 'toast ' + kind;
  el.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { el.hidden = true; }, 4000);
}

// Server messages a volunteer meets at an event, in the person's language.
export const WINDOW_MSG = /check-in (opens|closed) at (\d{4}-\d\d-\d\d \d\d:\d\d)/;

export function errText(e) {
  if (!e) return '';
  const w = WINDOW_MSG.exec(e.fields?.captured_at || '');
  if (w) return t(w[1] === 'opens' ? 'checkin_opens' : 'checkin_closed', { at: w[2] });
  if (e.status === 409 && /arrived/.test(e.message || '')) return t('cancel_after_arrival');
  return errorMessage(e);
}
export const missing = (e) => e?.status === 404 && /route/.test(e.message || '');

export function renderNet() {
  const el = $('net');
  el.textContent = navigator.onLine ? '' : t('offline');
  el.className = 'net ' + (navigator.onLine ? 'on' : 'off');
  el.hidden = navigator.onLine;
}

export function renderQueue(items) {
  const el = $('queue');
  const me = api.currentUser();
  el.replaceChildren();
  if (!items.length) { el.hidden = true; el.dataset.waiting = '0'; el.dataset.failed = '0'; return; }
  const mine = items.filter((i) => i.userId === me?.id);
  const waiting = items.filter((i) => i.status !== 'failed').length;
  const failed = items.filter((i) => i.status === 'failed').length;
  el.hidden = false;
  el.dataset.waiting = String(waiting);
  el.dataset.failed = String(failed);
  el.append(h('div', { class: 'queue-head' },
    h('strong', { id: 'queue-count' }, t('queue_waiting', { n: waiting })),
    failed ? h('strong', { class: 'bad', id: 'queue-failed' }, ' · ' + t('queue_failed', { n: failed })) : null,
    me && navigator.onLine && mine.some((i) => i.status !== 'failed') ? h('button', { type: 'button', class: 'small', onclick: () => queue.flush() }, t('send_now')) : null,
  ));
  const list = h('ul', { class: 'queue-list' });
  for (const it of items) {
    list.append(h('li', { class: 'q-' + it.status, dataset: { seq: it.seq, op: it.op } },
      h('span', { class: 'q-label' }, it.label || it.op),
      h('span', { class: 'q-status' }, t('st_' + it.status) + (it.attempts > 1 ? ` ×${it.attempts}` : '')),
      it.status === 'blocked' ? h('small', {}, t('blocked_note')) : null,
      it.userId !== me?.id ? h('small', {}, t('queue_other_user', { u: it.username })) : null,
      it.error ? h('small', { class: 'q-error' }, errText(it.error)) : null,
      it.status === 'failed' && it.userId === me?.id ? queueActions(it) : null,
    ));
  }
  el.append(list);
}

// The writes a person can open in their form and fix.
const FIXABLE = new Set(['createActivity', 'updateActivity', 'createRegistration']);

/** queueActions are the choices for a refused item: fix it in its form (when
 * it has one), send it again, or give it up — after a confirmation, and with
 * a copy kept for 7 days. */
function queueActions(it) {
  const box = h('span', { class: 'q-actions' });
  const normal = () => box.replaceChildren(...[
    FIXABLE.has(it.op) ? h('button', { type: 'button', class: 'small primary', onclick: () => go('#/fix/' + it.seq) }, t('fix_open')) : null,
    !FIXABLE.has(it.op) || it.error?.code !== 'validation_failed' ? h('button', { type: 'button', class: 'small', onclick: () => queue.retry(it.seq) }, t('retry')) : null,
    h('button', { type: 'button', class: 'small ghost', onclick: ask }, t('discard'))].filter(Boolean));
  const ask = () => box.replaceChildren(
    h('span', { class: 'q-confirm' }, t('discard_confirm')),
    h('button', { type: 'button', class: 'small danger', onclick: async () => { await queue.discard(it.seq); toast(t('discarded_toast')); if (route().name === 'today') render(); } }, t('discard_yes')),
    h('button', { type: 'button', class: 'small', onclick: normal }, t('discard_no')));
  normal();
  return box;
}

export function tabsFor(user) {
  if (!user || user.status === 'pending') return [];
  // A designated report handler (officer or manager) has the 檢舉 tab too.
  const reports = user.report_handler && (user.role === 'officer' || user.role === 'manager') ? [['reports', null, () => rt('tab_reports')]] : [];
  return [...roleTabs(user), ...reports];
}
function roleTabs(user) {
  switch (user.role) {
    case 'officer': return [['today', 'tab_today'], ['new', 'tab_new'], ['regs', null, () => ot('tab_regs')], ['warnings', null, () => ot('tab_warnings')]];
    case 'volunteer': return [['events', 'tab_events'], ['hours', 'tab_hours']];
    default: return managerTabs();
  }
}

export function renderChrome() {
  const user = api.currentUser();
  // The public report pages speak for the office, not for the field app.
  const pub = route().name === 'report';
  document.title = (pub ? publicText('header') : t('app_title')) + ' · ethicsops';
  $('app-title').textContent = pub ? publicText('header') : t('app_title');
  $('lang-switch').textContent = getLang() === 'en' ? '中文' : 'EN';
  // The spoken name starts with the visible text (WCAG 2.5.3, label in name).
  $('lang-switch').setAttribute('aria-label', getLang() === 'en' ? '中文（切換為中文）' : 'EN (Switch to English)');
  $('sign-out').textContent = t('sign_out');
  $('sign-out').hidden = !user;
  const tabs = $('tabs');
  const r = route();
  const list = r.name === 'report' ? [] : tabsFor(user); // the public report page is nobody's tab
  tabs.hidden = !list.length;
  const names = list.map(([n]) => n);
  // The home tab is lit on first landing and on a record's pages too.
  const cur = names.includes(r.name) ? r.name : PARENT(r.name) && names.includes(PARENT(r.name)) ? PARENT(r.name) : (names.includes('today') && (['a', 'edit', 'fix'].includes(r.name) || (r.name === '' && names[0] === 'today')) ? 'today' : names[0]);
  tabs.classList.toggle('many', list.length > 4);
  tabs.replaceChildren(...list.map(([name, key, text]) => h('a', { href: '#/' + name, class: cur === name ? 'active' : '', 'aria-current': cur === name ? 'page' : null }, text ? text() : t(key))));
  renderNet();
}

export function route() {
  const [name = '', arg = ''] = location.hash.replace(/^#\/?/, '').split('?')[0].split('/');
  return { name, arg: decodeURIComponent(arg) };
}
export const go = (hash) => { if (location.hash === hash) render(); else location.hash = hash; };

export async function ensureMeta() {
  if (metaLoaded) return;
  try {
    const m = await api.meta();
    setMeta(m); await queue.cachePut('meta', m); metaLoaded = true;
  } catch {
    const m = await queue.cacheGet('meta');
    if (m) { setMeta(m); metaLoaded = true; }
  }
}
export async function ensureUnits() {
  if (units.length) return units;
  try { units = await api.units(); await queue.cachePut('units', units); } catch (e) {
    if (e instanceof api.SessionExpired) throw e;
    units = (await queue.cacheGet('units')) || [];
  }
  return units;
}

// A screen loads over the network: when the person moves on before it is
// ready, the older screen must not replace the newer one.
let renderSeq = 0;

export async function render() {
  const seq = ++renderSeq;
  renderChrome();
  const user = api.currentUser();
  const r = route();
  let screen;
  try {
    // The public report pages need no account, signed in or not.
    if (r.name === 'report') screen = r.arg === 'follow' ? await followView() : await reportView();
    else if (!user) screen = r.name === 'register' ? registerView() : loginView();
    else if (user.status === 'pending') screen = await pendingView();
    else {
      if (!units.length) ensureUnits().catch(() => {}); // kept for forms filled offline
      const tabs = tabsFor(user).map(([n]) => n);
      const sub = PARENT(r.name) && tabs.includes(PARENT(r.name));
      const name = ['a', 'edit', 'fix'].includes(r.name) || sub ? r.name : (tabs.includes(r.name) ? r.name : tabs[0]);
      screen = await ({ ...MANAGER_ROUTES(r), today: todayView, new: newView, a: () => activityView(r.arg), edit: () => editView(r.arg), fix: () => fixView(r.arg), events: eventsView, hours: hoursView, kpi: kpiView, approvals: approvalsView,
        reports: () => (r.arg === 'new' ? intakeView() : reportsView()), case: () => caseView(r.arg), 'rh-admin': handlersAdminView,
        regs: regsView, 'reg-new': regNewView, reg: () => regView(r.arg), warnings: warningsView, 'warn-new': warnNewView, 'warn-edit': () => warnEditView(r.arg), w: () => warnView(r.arg) })[name]();
    }
  } catch (e) {
    if (e instanceof api.SessionExpired) return; // onSession re-renders the sign-in
    screen = h('p', { class: 'error' }, t('error') + ': ' + errText(e));
  }
  if (seq !== renderSeq) return;
  view.replaceChildren(screen);
  renderChrome();
}

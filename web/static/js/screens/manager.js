// screens/manager.js — the manager's KPI report and volunteer approvals.

import * as api from '../api.js';
import * as queue from '../queue.js';
import { t, label, getLang, fmtDate } from '../i18n.js';
import { h, field } from '../dom.js';
import { kpiChart } from '../chart.js';
import { $, toast, errText, route, go } from '../shell.js';

export async function kpiView() {
  const y = Number(route().arg) || new Date().getFullYear();
  const yearInput = h('input', { type: 'number', id: 'kpi-year', value: y, min: 2000, max: 2100, inputmode: 'numeric' });
  const box = h('div', { id: 'kpi-box' });
  const show = () => go('#/kpi/' + yearInput.value);
  const download = (format) => async () => {
    try {
      const { blob, name } = await api.kpiDownload(y, format);
      const url = URL.createObjectURL(blob);
      const a = h('a', { href: url, download: name, class: 'visually-hidden' });
      document.body.append(a); a.click(); a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 30_000);
    } catch (e) { toast(errText(e), 'bad'); }
  };
  try {
    const r = await api.kpis(y);
    await queue.cachePut('kpis:' + y, r);
    box.append(kpiReport(r));
  } catch (e) {
    if (e instanceof api.SessionExpired) throw e;
    const r = await queue.cacheGet('kpis:' + y);
    box.append(h('p', { class: 'notice' }, e.network ? t('cached_copy') : errText(e)));
    if (r) box.append(kpiReport(r));
  }
  return h('section', { id: 'kpi' },
    h('form', { class: 'row-form', onsubmit: (ev) => { ev.preventDefault(); show(); } },
      field(t('year'), yearInput), h('button', { type: 'submit', class: 'primary' }, t('show'))),
    box,
    h('div', { class: 'actions' },
      h('button', { type: 'button', id: 'dl-csv', onclick: download('csv') }, t('download_csv')),
      h('button', { type: 'button', id: 'dl-xlsx', onclick: download('xlsx') }, t('download_xlsx'))));
}

export function kpiReport(r) {
  const name = (k) => (getLang() === 'en' ? k.name_en : k.name_zh) || label('kpis', k.code);
  const fmt = (v, k) => (v === null || v === undefined ? '–' : (Math.round(v * 10) / 10) + (k.unit === 'percent' ? '%' : ''));
  const rows = r.kpis.map((k) => ({ code: k.code, name: label('kpis', k.code) || name(k), actual: k.actual, target: k.target, unit: k.unit }));
  return h('div', {},
    h('h2', {}, `${r.year} · ${t('roc', { y: r.roc_year })}`),
    h('div', { class: 'chart-box', id: 'kpi-chart' }, kpiChart(rows, { title: t('chart_title'), noTarget: t('no_target'), targetLabel: t('target'), actualLabel: t('actual') })),
    h('div', { class: 'table-wrap' }, h('table', { id: 'kpi-table' },
      h('thead', {}, h('tr', {}, h('th', {}, t('kpi')), h('th', {}, t('actual')), h('th', {}, t('target')), h('th', {}, t('achieved')))),
      h('tbody', {}, r.kpis.map((k) => h('tr', { dataset: { code: k.code } },
        h('td', {}, name(k), h('small', {}, k.measure || '')),
        h('td', { class: 'num' }, fmt(k.actual, k)),
        h('td', { class: 'num' }, fmt(k.target, k), k.expected_to_date != null ? h('small', {}, '≈ ' + fmt(k.expected_to_date, k)) : null),
        h('td', {}, k.achieved ? t('yes') : t('no'), k.on_track != null ? h('small', { class: k.on_track ? 'good' : 'bad' }, k.on_track ? t('on_track') : t('behind')) : null)))))),
    h('p', { class: 'muted' }, r.timezone, ' · ', fmtDate(r.as_of)));
}

export async function approvalsView() {
  const approve = (u) => async (ev) => {
    ev.target.disabled = true;
    await queue.enqueue({ op: 'approve', payload: { userId: u.id }, label: `${t('approve')}：${u.display_name || u.id}` });
    toast(t('approve_queued'));
  };
  let list, note = null;
  try { list = await api.pendingVolunteers(); } catch (e) {
    if (e instanceof api.SessionExpired) throw e;
    list = null;
    note = e.status === 403 ? t('manager_cannot_list', { code: '403 GET /users' }) : errText(e);
  }
  const idInput = h('input', { name: 'user_id', id: 'approve-id', autocapitalize: 'off' });
  return h('section', { id: 'approvals' },
    h('h2', {}, t('tab_approve')),
    note ? h('p', { class: 'notice' }, note) : null,
    list ? (list.length ? h('ul', { class: 'acts' }, list.map((u) => h('li', { class: 'act', dataset: { user: u.username } },
      h('span', { class: 'act-title' }, u.display_name, ' (', u.username, ')'),
      h('span', { class: 'act-meta' }, [u.phone, u.email].filter(Boolean).join(' · '), ' · ', fmtDate(u.created_at)),
      h('button', { type: 'button', class: 'primary', onclick: approve(u) }, t('approve'))))) : h('p', { class: 'muted' }, t('no_pending'))) : null,
    list === null ? h('form', { class: 'row-form', onsubmit: (ev) => { ev.preventDefault(); if (idInput.value.trim()) approve({ id: idInput.value.trim() })(ev); } },
      field(t('user_id'), idInput), h('button', { type: 'submit', class: 'primary' }, t('approve'))) : null);
}

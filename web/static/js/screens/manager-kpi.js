// screens/manager-kpi.js — the KPI report (民國 year, agency), its print
// view with the filed report's title block, its downloads, and the
// drill-down of one KPI: its months against the pro-rated target and the
// records behind its number.

import * as mapi from '../api-manager.js';
import * as api from '../api.js';
import * as queue from '../queue.js';
import { label } from '../i18n.js';
import { h } from '../dom.js';
import { kpiChart, kpiState, monthChart } from '../chart.js';
import { formatNumber, formatRocDate, formatTime, formatDate, gregorianYear } from '../format.js';
import { errText, go, missing } from '../shell.js';
import { statsCard } from './reports-stats.js';
import { mt, zh, hashParams, hashWith, readRocYear, rocYearSelect, unitSelect, unitName, unitNames, field, downloadButton } from './manager-common.js';

/** unitWord is what a KPI counts in: %, 件 or 次 (English: %, records, events). */
export function unitWord(k) {
  if (k.unit === 'percent') return '%';
  const times = /次/.test(k.measure || '') || /events|promotions/.test(k.code);
  return zh() ? (times ? '次' : '件') : (times ? 'times' : 'records');
}
/** fmtVal is a KPI value with its unit: 187 件, 95.2%. */
export function fmtVal(v, k) {
  if (v === null || v === undefined) return '–';
  if (k.unit === 'percent') return (Math.round(v * 10) / 10) + '%';
  return formatNumber(v, Number.isInteger(v) ? 0 : 1) + '\u00a0' + unitWord(k);
}
// label() answers the code itself for a line the catalogue does not name
// (the informational lines): then the server's own name.
export const kpiName = (k) => { const l = label('kpis', k.code); return (l && l !== k.code ? l : '') || (zh() ? k.name_zh : k.name_en) || k.code; };

/** pace says in words where a KPI stands: done, short by how much, or —
 * for the year in progress — what today's share of the target is and where
 * the present pace ends the year. */
export function pace(k) {
  if (k.target == null) return mt('pace_no_target');
  if (k.expected_to_date == null) {
    if (k.achieved) return mt('pace_met');
    return k.unit === 'percent' ? mt('pace_missed_pct', { a: fmtVal(k.actual, k), t: fmtVal(k.target, k) })
      : mt('pace_missed', { n: fmtVal(Math.max(0, k.target - (k.actual ?? 0)), k) });
  }
  if (k.unit === 'percent') {
    return mt('pace_rate', { a: fmtVal(k.actual, k), t: fmtVal(k.target, k) });
  }
  const e = k.expected_to_date;
  if (e <= 0) return mt('pace_not_started', { t: fmtVal(k.target, k) });
  const proj = Math.round((k.actual ?? 0) * k.target / e);
  if (k.achieved) return mt('pace_met_early', { t: fmtVal(k.target, k) });
  return mt('pace_today', { e: fmtVal(Math.round(e), k) }) + mt('pace_projection', { n: fmtVal(proj, k), t: fmtVal(k.target, k) });
}
export const stateText = (st, k) => mt(st === 'behind' && k.expected_to_date == null ? 'state_missed' : 'state_' + st);

const tzText = (tz) => (tz === 'Asia/Taipei' ? mt('tz_taipei') : mt('tz_other', { tz }));

export async function kpiView() {
  const p = hashParams();
  const arg = location.hash.replace(/^#\/?kpi\/?/, '').split('?')[0];
  const y = readRocYear(p.get('y') || arg);
  const unit = p.get('unit') || '';
  const yearSel = rocYearSelect('kpi-year', y);
  const unitSel = await unitSelect('kpi-unit', unit);
  const box = h('div', { id: 'kpi-box', 'aria-live': 'polite' });
  const key = `kpis:${y}:${unit}`;
  let r = null;
  try {
    r = await mapi.kpiReport({ roc_year: y, unit_id: unit });
    await queue.cachePut(key, r);
  } catch (e) {
    if (e instanceof api.SessionExpired) throw e;
    r = await queue.cacheGet(key);
    box.append(h('p', { class: 'notice' }, e.network ? mt('cached_copy') : errText(e)));
  }
  const uname = await unitName(unit);
  if (r) box.append(kpiReport(r, { y, unit, uname }));
  const qs = `roc_year=${y}` + (unit ? `&unit_id=${encodeURIComponent(unit)}` : '');
  // The whistle-blowing counts of the year (no content), for the 廉政會報.
  const reports = await statsCard(y).catch((e) => { if (e instanceof api.SessionExpired) throw e; return null; });
  return h('section', { id: 'kpi', class: 'kpi-screen', dataset: { y, unit } },
    h('h2', { class: 'no-print' }, mt('kpi_h', { y })),
    h('form', { class: 'filters no-print', onsubmit: (ev) => { ev.preventDefault(); go(hashWith('kpi', { y: yearSel.value, unit: unitSel.value })); } },
      field(mt('year_roc'), yearSel), field(mt('unit'), unitSel),
      h('button', { type: 'submit', class: 'primary' }, mt('show'))),
    box,
    h('div', { class: 'actions no-print' },
      downloadButton('dl-xlsx', mt('download_xlsx'), '/kpis?format=xlsx&' + qs, `kpi-${y}.xlsx`),
      downloadButton('dl-csv', mt('download_csv'), '/kpis?format=csv&' + qs, `kpi-${y}.csv`),
      h('button', { type: 'button', id: 'kpi-print', onclick: () => window.print() }, mt('print'))),
    h('p', { class: 'muted no-print' }, mt('print_hint')),
    reports);
}

/** titleBlock is the report's heading as the filed XLSX has it. */
export function titleBlock(r, { uname }) {
  const roc = r.roc_year;
  const asOf = new Date(r.as_of);
  const ended = asOf.getFullYear() > r.year;
  const user = api.currentUser();
  return h('div', { class: 'print-title', id: 'kpi-title' },
    h('p', { class: 'pt-office' }, mt('office')),
    h('h2', { class: 'pt-title' }, mt('report_title', { y: roc })),
    h('p', {}, mt('period', { from: `民國${roc}年1月1日`, to: ended ? `民國${roc}年12月31日` : formatRocDate(asOf) })),
    uname ? h('p', {}, mt('unit_line', { u: uname })) : null,
    h('p', {}, mt('produced', { at: formatRocDate(new Date()) + ' ' + formatTime(new Date()), tz: tzText(r.timezone) }),
      user ? ' · ' + mt('produced_by', { u: user.display_name || user.username }) : ''));
}

export function legend(r) {
  const current = r.kpis.some((k) => k.expected_to_date != null);
  const sw = (cls, text) => h('li', {}, h('span', { class: 'swatch ' + cls, 'aria-hidden': 'true' }), text);
  return h('ul', { class: 'legend', id: 'kpi-legend', 'aria-label': mt('legend') },
    sw('met', mt('state_met')),
    current ? sw('ontrack', mt('state_ontrack')) : null,
    sw('behind', current ? mt('state_behind') : mt('state_missed')),
    sw('target', mt('legend_target')),
    current ? sw('expected', mt('legend_expected')) : null);
}

export function kpiReport(r, { y, unit, uname }) {
  const rows = r.kpis.map((k) => ({
    code: k.code, name: kpiName(k), actual: k.actual, target: k.target, expected: k.expected_to_date, state: kpiState(k),
    valueText: mt('value_of', { a: fmtVal(k.actual, k), t: fmtVal(k.target, k) }) + (k.target && k.unit !== 'percent' ? mt('value_pct', { p: Math.round((k.actual ?? 0) / k.target * 100) }) : ''),
  }));
  const detail = (k) => hashWith('kpid/' + k.code, { y, unit });
  return h('div', {},
    titleBlock(r, { uname }),
    r.closed ? h('p', { class: 'notice' }, mt('year_closed', { by: r.closed_by_name || '', why: r.closed_reason || '' })) : null,
    legend(r),
    h('div', { class: 'kpi-grid' },
    h('div', { class: 'chart-box no-print', id: 'kpi-chart' }, kpiChart(rows, { title: mt('chart_title'), noTarget: mt('state_none') })),
    h('div', { class: 'table-wrap' }, h('table', { id: 'kpi-table', class: 'report' },
      h('caption', { class: 'visually-hidden' }, mt('report_title', { y: r.roc_year })),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, mt('kpi')), h('th', { scope: 'col', class: 'num' }, mt('actual')),
        h('th', { scope: 'col', class: 'num' }, mt('target')), h('th', { scope: 'col' }, mt('status')))),
      h('tbody', {}, r.kpis.map((k) => {
        const st = kpiState(k);
        return h('tr', { dataset: { code: k.code } },
          h('th', { scope: 'row' }, h('a', { href: detail(k), class: 'kpi-link' }, kpiName(k)),
            h('small', {}, k.measure || ''), h('small', { class: 'pace' }, pace(k))),
          h('td', { class: 'num', dataset: { label: mt('actual') } }, fmtVal(k.actual, k),
            k.numerator != null ? h('small', {}, mt('ratio', { n: formatNumber(k.numerator), d: formatNumber(k.denominator) })) : null,
            k.reviewed != null ? h('small', {}, mt('reviewed_n', { n: fmtVal(k.reviewed, k) })) : null),
          h('td', { class: 'num', dataset: { label: mt('target') } }, fmtVal(k.target, k)),
          h('td', { dataset: { label: mt('status') } }, h('span', { class: 'state ' + st }, stateText(st, k))));
      })),
    ))),
    h('p', { class: 'muted', id: 'kpi-asof' }, mt('as_of', { at: formatDate(r.as_of) + ' ' + formatTime(r.as_of), tz: tzText(r.timezone) })),
    r.volunteer_participation ? h('p', { class: 'muted' }, mt('volunteers_line', { p: r.volunteer_participation.people, h: r.volunteer_participation.hours })) : null);
}

// ---------------------------------------------------------------- drill-down

export async function kpiDetailView(code) {
  const p = hashParams();
  const y = readRocYear(p.get('y'));
  const unit = p.get('unit') || '';
  const yearSel = rocYearSelect('kd-year', y);
  const unitSel = await unitSelect('kd-unit', unit);
  const back = h('a', { href: hashWith('kpi', { y, unit }), class: 'link' }, '← ' + mt('back_kpi'));
  const body = h('div', { id: 'kd-body' });
  let r;
  try { r = await mapi.kpiReport({ roc_year: y, unit_id: unit, group: 'month' }); } catch (e) {
    if (e instanceof api.SessionExpired) throw e;
    body.append(h('p', { class: 'error' }, errText(e)));
  }
  const k = r?.kpis.find((x) => x.code === code);
  if (r && !k) body.append(h('p', { class: 'error' }, mt('kpi_unknown')));
  const section = h('section', { id: 'kpi-detail', dataset: { code, unit } }, back,
    h('h2', {}, k ? kpiName(k) : code, ' · ', mt('roc_y', { y })),
    h('form', { class: 'filters', onsubmit: (ev) => { ev.preventDefault(); go(hashWith('kpid/' + code, { y: yearSel.value, unit: unitSel.value })); } },
      field(mt('year_roc'), yearSel), field(mt('unit'), unitSel), h('button', { type: 'submit', class: 'primary' }, mt('show'))),
    body);
  if (!k) return section;
  const st = kpiState(k);
  body.append(
    h('p', { class: 'big-line' }, fmtVal(k.actual, k), ' ', h('span', { class: 'state ' + st }, stateText(st, k))),
    h('p', { class: 'pace' }, pace(k)));
  const months = (k.groups || []).slice().sort((a, b) => Number(a.key.slice(-2)) - Number(b.key.slice(-2)));
  if (k.unit !== 'percent' && months.length) {
    const now = new Date();
    const gy = gregorianYear(y);
    const future = (i) => gy > now.getFullYear() || (gy === now.getFullYear() && i > now.getMonth());
    const shown = months.map((g, i) => ({ label: g.label || mt('month_n', { m: i + 1 }), actual: g.actual ?? 0, cumulative: g.cumulative ?? null,
      expected: g.expected_to_date ?? null, reviewed: g.reviewed, future: future(i) }));
    body.append(
      h('h3', {}, mt('months_h')),
      h('ul', { class: 'legend' },
        h('li', {}, h('span', { class: 'swatch month', 'aria-hidden': 'true' }), mt('legend_cumulative')),
        h('li', {}, h('span', { class: 'swatch expected-path', 'aria-hidden': 'true' }), mt('legend_prorated'))),
      h('div', { class: 'chart-box', id: 'kd-chart' }, monthChart(shown, { title: mt('months_title', { k: kpiName(k) }), unitText: unitWord(k) })),
      h('details', { class: 'months-table' }, h('summary', {}, mt('months_table')),
        h('div', { class: 'table-wrap' }, h('table', { id: 'kd-months' },
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, mt('month')), h('th', { scope: 'col', class: 'num' }, mt('actual')),
            h('th', { scope: 'col', class: 'num' }, mt('reviewed')), h('th', { scope: 'col', class: 'num' }, mt('expected_cum')))),
          h('tbody', {}, shown.map((m) => h('tr', { class: m.future ? 'future' : '' },
            h('th', { scope: 'row' }, m.label), h('td', { class: 'num' }, m.future ? '–' : fmtVal(m.actual, k)),
            h('td', { class: 'num' }, m.future || m.reviewed == null ? '–' : fmtVal(m.reviewed, k)),
            h('td', { class: 'num' }, m.expected == null ? '–' : fmtVal(Math.round(m.expected), k)))))))));
  }
  if (k.unit === 'percent' && months.length) {
    body.append(h('h3', {}, mt('months_rate_h')), h('div', { class: 'table-wrap' }, h('table', { id: 'kd-months', class: 'rate-table' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, mt('month_due')), h('th', { scope: 'col', class: 'num' }, mt('ratio_h')), h('th', { scope: 'col', class: 'num' }, mt('rate_h')))),
      h('tbody', {}, months.map((g) => h('tr', {}, h('th', { scope: 'row' }, g.label),
        h('td', { class: 'num' }, g.denominator ? `${g.numerator}／${g.denominator}` : '–'),
        h('td', { class: 'num' }, g.actual == null ? '–' : fmtVal(g.actual, k))))))));
  }
  if (!unit) body.append(await byUnit(code, y));
  body.append(h('h3', {}, mt('records_h')), await recordList(code, y, unit));
  return section;
}

/** byUnit is the KPI's number agency by agency (GET /kpis?group=unit). */
async function byUnit(code, y) {
  let r;
  try { r = await mapi.kpiReport({ roc_year: y, group: 'unit' }); } catch (e) {
    if (e instanceof api.SessionExpired) throw e;
    return h('p', { class: 'error' }, errText(e));
  }
  const k = r.kpis.find((x) => x.code === code);
  const groups = (k?.groups || []).filter((g) => (g.actual ?? 0) > 0 || g.denominator);
  if (!groups.length) return h('p', { class: 'muted' }, mt('no_records'));
  return h('details', { class: 'months-table', id: 'kd-units' }, h('summary', {}, mt('units_h', { n: groups.length })),
    h('div', { class: 'table-wrap' }, h('table', { class: 'rate-table' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, mt('unit')), h('th', { scope: 'col', class: 'num' }, mt('actual')),
        h('th', { scope: 'col', class: 'num' }, k.unit === 'percent' ? mt('ratio_h') : mt('reviewed')))),
      h('tbody', {}, groups.map((g) => h('tr', {},
        h('th', { scope: 'row' }, h('a', { href: hashWith('kpid/' + code, { y, unit: g.key }), class: 'kpi-link' }, g.label)),
        h('td', { class: 'num' }, g.actual == null ? '–' : fmtVal(g.actual, k)),
        h('td', { class: 'num' }, k.unit === 'percent' ? (g.denominator ? `${g.numerator}／${g.denominator}` : '–') : (g.reviewed == null ? '–' : fmtVal(g.reviewed, k)))))))));
}

/** recordList is the records behind a KPI's number, a page at a time. */
async function recordList(code, y, unit) {
  const names = await unitNames();
  const list = h('ul', { class: 'acts', id: 'kd-records' });
  const more = h('button', { type: 'button', class: 'wide', id: 'kd-more' }, mt('more'));
  const total = h('p', { class: 'muted', id: 'kd-total' });
  const box = h('div', {}, total, list, more);
  let cursor = '';
  const load = async () => {
    more.disabled = true;
    try {
      const page = await mapi.kpiRecords(code, { roc_year: y, unit_id: unit, cursor });
      if (!cursor && page.total != null) total.textContent = mt('records_total', { n: formatNumber(page.total) });
      if (!page.items.length && !cursor) list.append(h('li', { class: 'muted' }, mt('no_records')));
      for (const a of page.items) list.append(recordCard(a, names));
      cursor = page.next_cursor || '';
      more.hidden = !cursor;
    } catch (e) {
      if (e instanceof api.SessionExpired) throw e;
      list.append(h('li', { class: 'error' }, missing(e) ? mt('not_yet_server') : errText(e)));
      more.hidden = true;
    } finally { more.disabled = false; }
  };
  more.addEventListener('click', load);
  await load();
  return box;
}

export function recordCard(a, names) {
  const owner = a.owner?.display_name || a.owner_name || '';
  return h('li', { class: 'act', dataset: { id: a.id } },
    h('a', { class: 'act-link', href: '#/rv/' + encodeURIComponent(a.id) },
      h('span', { class: 'act-title' }, a.title),
      h('span', { class: 'badge ' + (a.review_status || '') }, a.review_status ? mt('rs_' + a.review_status) : label('activity_statuses', a.status)),
      h('span', { class: 'act-meta' }, [label('activity_kinds', a.kind), names.get(a.unit_id) || '', owner,
        a.completed_at ? mt('completed_on', { d: formatDate(a.completed_at, { weekday: false }) }) : ''].filter(Boolean).join(' · '))));
}

// screens/manager-analysis.js — 年度分析: the yearly analysis for the
// 廉政會報 (政風狀況整體分析評估) by agency — registrations, early warnings,
// opinion visits, procurement supervisions and the KPI lines — with its
// Excel download and a print view in the filed report's style.

import * as api from '../api.js';
import * as mapi from '../api-manager.js';
import * as queue from '../queue.js';
import { label } from '../i18n.js';
import { h } from '../dom.js';
import { formatNumber, formatRocDate, formatTime, formatDate } from '../format.js';
import { errText, go, missing } from '../shell.js';
import { mt, zh, hashParams, hashWith, readRocYear, rocYearSelect, field, downloadButton } from './manager-common.js';
import { ethicsViews } from './manager-ethics.js';

const n0 = (v) => (v == null ? '–' : formatNumber(v));
const n2 = (v) => (v == null ? '–' : formatNumber(v, 2));
const p1 = (v) => (v == null ? '–' : formatNumber(v, 1) + '%');

export async function analysisView() {
  const p = hashParams();
  const y = readRocYear(p.get('y'));
  const yearSel = rocYearSelect('ana-year', y);
  const box = h('div', { id: 'ana-box', 'aria-live': 'polite' });
  const key = `analysis:${y}`;
  let a = null;
  try {
    a = await mapi.analysis({ roc_year: y });
    await queue.cachePut(key, a);
  } catch (e) {
    if (e instanceof api.SessionExpired) throw e;
    a = e.network ? await queue.cacheGet(key) : null;
    box.append(h('p', { class: 'notice' }, e.network ? mt('cached_copy') : missing(e) ? mt('not_yet_server') : errText(e)));
  }
  if (a) box.append(report(a));
  return h('section', { id: 'analysis', class: 'analysis-screen', dataset: { y } },
    h('div', { class: 'no-print' }, ethicsViews('m-ana')),
    h('h2', { class: 'no-print' }, mt('ana_h', { y })),
    h('form', { class: 'filters no-print', onsubmit: (ev) => { ev.preventDefault(); go(hashWith('m-ana', { y: yearSel.value })); } },
      field(mt('year_roc'), yearSel), h('button', { type: 'submit', class: 'primary' }, mt('show'))),
    box,
    h('div', { class: 'actions no-print' },
      downloadButton('dl-ana-xlsx', mt('download_xlsx'), `/ethics-analysis?format=xlsx&roc_year=${y}` + (zh() ? '' : '&lang=en'), `ethicsops-analysis-${y}.xlsx`),
      h('button', { type: 'button', id: 'ana-print', onclick: () => window.print() }, mt('print'))),
    h('p', { class: 'muted no-print' }, mt('ana_print_hint')));
}

/** titleBlock is the filed analysis's heading: office, title, period, made when and by whom. */
function titleBlock(a) {
  const asOf = new Date(a.as_of);
  const ended = asOf.getFullYear() > a.year;
  const user = api.currentUser();
  return h('div', { class: 'print-title', id: 'ana-title' },
    h('p', { class: 'pt-office' }, mt('office')),
    h('h2', { class: 'pt-title' }, mt('ana_title', { y: a.roc_year })),
    h('p', {}, mt('period', { from: `民國${a.roc_year}年1月1日`, to: ended ? `民國${a.roc_year}年12月31日` : formatRocDate(asOf) })),
    h('p', {}, mt('produced', { at: formatRocDate(new Date()) + ' ' + formatTime(new Date()), tz: a.timezone === 'Asia/Taipei' ? mt('tz_taipei') : mt('tz_other', { tz: a.timezone }) }),
      user ? ' · ' + mt('produced_by', { u: user.display_name || user.username }) : ''));
}

/** busy tells whether an agency has anything to show in the year. */
function busy(s) {
  return s.registrations.total || s.early_warnings.total || s.opinion_visits.completed || s.procurement.completed
    || Object.values(s.kpi_counts || {}).some((v) => v > 0);
}

/** table is one section's table: a row per agency, the office's total last. */
function table(id, caption, cols, units, office) {
  const row = (s, total) => h('tr', { class: total ? 'total' : '', dataset: { unit: s.unit_code || 'office' } },
    h('th', { scope: 'row' }, total ? mt('ana_total') : s.unit_name),
    cols.map(([, get, fmt = n0]) => h('td', { class: 'num' }, fmt(get(s)))));
  return h('section', { class: 'ana-section', id },
    h('h3', {}, caption),
    // A table wider than the phone scrolls: reachable and named for the keyboard.
    h('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': caption }, h('table', { class: 'ana-table' },
      h('caption', { class: 'visually-hidden' }, caption),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, mt('unit')), cols.map(([head]) => h('th', { scope: 'col', class: 'num' }, head)))),
      h('tbody', {}, units.map((s) => row(s, false)), row(office, true)))));
}

/** kpiLabel names a KPI line: the catalogue's label, else the server's own
 * name for it (a line newer than this client's catalogue). */
function kpiLabel(a, code) {
  const l = label('kpis', code);
  if (l && l !== code) return l;
  const k = a.kpis.find((x) => x.code === code);
  return k ? (zh() ? k.name_zh : k.name_en) || code : code;
}

function report(a) {
  const units = a.units.filter(busy);
  const quiet = a.units.length - units.length;
  const o = a.office;
  const kpiCodes = Object.keys(o.kpi_counts || {});
  const ended = new Date(a.as_of).getFullYear() > a.year;
  const rt = (t) => label('registration_types', t), ra = (t) => label('early_warning_risk_areas', t), ws = (t) => label('early_warning_statuses', t);
  return h('div', { id: 'ana-report' },
    titleBlock(a),
    h('ul', { class: 'stat-grid ana-summary', id: 'ana-summary' },
      [[mt('ev_reg'), o.registrations.total, mt('ana_late_n', { n: n0(o.registrations.late) })],
        [mt('ev_warn'), o.early_warnings.total, mt('ana_open_n', { n: n0(o.early_warnings.total - o.early_warnings.by_status.closed) })],
        [mt('ana_visits'), o.opinion_visits.completed, mt('ana_respondents_n', { n: n0(o.opinion_visits.respondents) })],
        [mt('ana_procurement'), o.procurement.completed, mt('ana_correction', { p: p1(o.procurement.correction_pct) })]]
        .map(([name, n, sub]) => h('li', {}, h('div', { class: 'stat-box' }, h('span', { class: 'stat-n' }, n0(n)), h('span', {}, name), h('small', {}, sub))))),
    quiet ? h('p', { class: 'muted' }, mt('ana_quiet', { n: quiet })) : null,
    table('ana-reg', mt('ana_reg_h'), [
      [rt('gift'), (s) => s.registrations.gift], [rt('hospitality'), (s) => s.registrations.hospitality],
      [rt('lobbying'), (s) => s.registrations.lobbying], [rt('other'), (s) => s.registrations.other],
      [mt('ana_sum'), (s) => s.registrations.total], [mt('reg_late'), (s) => s.registrations.late]], units, o),
    table('ana-warn-risk', mt('ana_warn_risk_h'), ['procurement', 'construction', 'personnel', 'official_secrets', 'agency_security', 'other']
      .map((k) => [ra(k), (s) => s.early_warnings.by_risk_area[k]]).concat([[mt('ana_sum'), (s) => s.early_warnings.total]]), units, o),
    table('ana-warn-state', mt('ana_warn_state_h'), ['draft', 'submitted', 'following_up', 'closed']
      .map((k) => [ws(k), (s) => s.early_warnings.by_status[k]]), units, o),
    table('ana-visits', mt('ana_visits_h'), [
      [mt('ana_done'), (s) => s.opinion_visits.completed], [mt('ana_respondents'), (s) => s.opinion_visits.respondents],
      [mt('ana_integrity'), (s) => s.opinion_visits.avg_integrity, n2], [mt('ana_efficiency'), (s) => s.opinion_visits.avg_efficiency, n2],
      [mt('ana_asked'), (s) => s.opinion_visits.asked_for_favours_pct, p1], [mt('ana_knows'), (s) => s.opinion_visits.knows_how_to_report_pct, p1]], units, o),
    table('ana-proc', mt('ana_proc_h'), [
      [mt('ana_supervised'), (s) => s.procurement.completed], [mt('ana_with_def'), (s) => s.procurement.with_deficiencies],
      [mt('ana_corrected'), (s) => s.procurement.corrected], [mt('ana_correction_rate'), (s) => s.procurement.correction_pct, p1]], units, o),
    table('ana-kpi-units', mt('ana_kpi_units_h'), kpiCodes.map((c) => [kpiLabel(a, c), (s) => s.kpi_counts?.[c] ?? 0]), units, o),
    h('section', { class: 'ana-section', id: 'ana-kpis' },
      h('h3', {}, mt('ana_kpis_h')),
      h('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': mt('ana_kpis_h') }, h('table', { class: 'ana-table' },
        h('caption', { class: 'visually-hidden' }, mt('ana_kpis_h')),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, mt('kpi')), h('th', { scope: 'col', class: 'num' }, mt('actual')),
          h('th', { scope: 'col', class: 'num' }, mt('target')), h('th', { scope: 'col' }, mt('status')))),
        h('tbody', {}, a.kpis.map((k) => {
          const fmt = (v) => (v == null ? '–' : k.unit === 'percent' ? formatNumber(v, 1) + '%' : formatNumber(v));
          const st = k.target == null ? 'none' : k.achieved ? 'met' : 'behind';
          return h('tr', { dataset: { code: k.code } },
            h('th', { scope: 'row' }, kpiLabel(a, k.code)),
            h('td', { class: 'num' }, fmt(k.actual)), h('td', { class: 'num' }, fmt(k.target)),
            h('td', {}, h('span', { class: 'state ' + st }, mt(st === 'none' ? 'state_none' : st === 'met' ? 'state_met' : ended ? 'state_missed' : 'ana_not_yet_met'))));
        }))))),
    h('p', { class: 'muted', id: 'ana-asof' }, mt('as_of', { at: formatDate(a.as_of) + ' ' + formatTime(a.as_of), tz: a.timezone === 'Asia/Taipei' ? mt('tz_taipei') : mt('tz_other', { tz: a.timezone }) })),
    h('p', { class: 'muted small' }, mt('ana_rules')));
}

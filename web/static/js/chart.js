// chart.js — the KPI charts, drawn as inline SVG (the CSP forbids inline
// styles: colours and sizes come from classes in app.css/manager.css).
// The viewBox is 320 wide so that a 14.5-unit label is at least 14 px on a
// 320-px-wide chart (a 360-px phone) and grows with wider screens.

import { s } from './dom.js';

/** kpiState is how a KPI stands: met (達成), ontrack (進度正常), behind
 * (落後, or 未達成 for a finished year), or none (no target). */
export function kpiState(k) {
  if (k.target == null) return 'none';
  if (k.achieved) return 'met';
  if (k.on_track === true) return 'ontrack';
  return 'behind';
}

/** kpiChart answers an <svg> for rows [{code, name, actual, target, expected, unit, state, valueText}]:
 * one row per KPI, the actual as a share of its target, the target at the
 * dashed line and, for the year in progress, a tick where the pro-rated
 * target stands today. */
export function kpiChart(rows, { title, noTarget }) {
  const W = 320, rowH = 72, top = 4, left = 2, right = 2;
  const H = top + rows.length * rowH;
  const pct = (r) => (r.target ? (r.actual ?? 0) / r.target * 100 : null);
  const max = Math.min(300, Math.max(100, ...rows.map((r) => pct(r) ?? 0)) * 1.05);
  const x = (p) => left + (W - left - right) * Math.min(p, max) / max;
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, width: '100%', role: 'img', 'aria-label': title, class: 'chart kpi-chart' },
    s('title', {}, title));
  rows.forEach((r, i) => {
    const y = top + i * rowH;
    const p = pct(r);
    svg.append(s('text', { x: left, y: y + 16, class: 'kpi-name' }, r.name));
    if (p === null) {
      svg.append(s('text', { x: left, y: y + 40, class: 'kpi-val' }, `${r.valueText} · ${noTarget}`));
      return;
    }
    svg.append(
      s('rect', { x: left, y: y + 24, width: x(100) - left, height: 18, class: 'bar-target' }),
      s('rect', { x: left, y: y + 24, width: Math.max(2, x(p) - left), height: 18, class: 'bar-actual ' + r.state, 'data-code': r.code }),
      s('line', { x1: x(100), x2: x(100), y1: y + 20, y2: y + 46, class: 'target-line' }),
    );
    if (r.expected != null && r.target) {
      const e = x(r.expected / r.target * 100);
      svg.append(s('line', { x1: e, x2: e, y1: y + 21, y2: y + 45, class: 'expected-line' }));
    }
    svg.append(s('text', { x: left, y: y + 62, class: 'kpi-val' }, r.valueText));
  });
  return svg;
}

/** monthChart answers an <svg> of twelve monthly bars [{label, actual, cumulative, expected, future}]:
 * the records completed in each month, and as a line the pro-rated target
 * reached by the end of each month (cumulative), against the cumulative
 * actual. */
export function monthChart(months, { title, unitText }) {
  const W = 320, H = 220, left = 30, right = 4, top = 10, bottom = 30;
  let cum = 0;
  const cumul = months.map((m) => (m.cumulative != null ? m.cumulative : (cum += m.actual || 0)));
  const maxV = Math.max(1, ...cumul, ...months.map((m) => m.expected ?? 0));
  const bw = (W - left - right) / months.length;
  const y = (v) => top + (H - top - bottom) * (1 - v / maxV);
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, width: '100%', role: 'img', 'aria-label': title, class: 'chart month-chart' },
    s('title', {}, title),
    s('line', { x1: left, x2: W - right, y1: y(0), y2: y(0), class: 'axis' }),
    s('text', { x: left - 4, y: y(maxV) + 5, 'text-anchor': 'end', class: 'axis-label' }, String(Math.round(maxV))),
    s('text', { x: left - 4, y: y(0), 'text-anchor': 'end', class: 'axis-label' }, '0'),
  );
  months.forEach((m, i) => {
    const x0 = left + i * bw;
    // Months still to come have no bar (their total is not yet known).
    if (!m.future) svg.append(
      s('rect', { x: x0 + 2, y: y(cumul[i]), width: bw - 4, height: Math.max(0, y(0) - y(cumul[i])), class: 'bar-month', 'data-month': i + 1 },
        s('title', {}, `${m.label}：${m.actual || 0} ${unitText}`)));
    svg.append(
      s('text', { x: x0 + bw / 2, y: H - bottom + 18, 'text-anchor': 'middle', class: 'axis-label' }, String(i + 1)),
    );
  });
  const pts = months.map((m, i) => (m.expected == null ? null : `${left + (i + 0.5) * bw},${y(m.expected)}`)).filter(Boolean);
  if (pts.length) svg.append(s('polyline', { points: pts.join(' '), class: 'expected-path' }));
  return svg;
}

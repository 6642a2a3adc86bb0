// chart.js — the KPI bar chart, drawn as inline SVG: one row per KPI, the
// actual value as a share of its target, with the target at 100 %.

import { s } from './dom.js';

/** kpiChart answers an <svg> for rows [{name, actual, target, unit}]. */
export function kpiChart(rows, { title, noTarget, targetLabel, actualLabel }) {
  const W = 340, rowH = 46, top = 34, left = 8, right = 8;
  const H = top + rows.length * rowH + 8;
  const pct = (r) => (r.target ? (r.actual ?? 0) / r.target * 100 : null);
  const max = Math.min(300, Math.max(100, ...rows.map((r) => pct(r) ?? 0)) * 1.05);
  const x = (p) => left + (W - left - right) * p / max;
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, width: '100%', role: 'img', 'aria-label': title, class: 'chart' },
    s('title', {}, title),
    s('rect', { x: left, y: 6, width: 12, height: 12, class: 'bar-target' }),
    s('text', { x: left + 16, y: 16, class: 'legend' }, targetLabel),
    s('rect', { x: left + 110, y: 6, width: 12, height: 12, class: 'bar-actual met' }),
    s('text', { x: left + 126, y: 16, class: 'legend' }, actualLabel),
  );
  rows.forEach((r, i) => {
    const y = top + i * rowH;
    const p = pct(r);
    const fmt = (v) => (v === null || v === undefined ? '–' : (Math.round(v * 10) / 10) + (r.unit === 'percent' ? '%' : ''));
    svg.append(s('text', { x: left, y: y + 11, class: 'kpi-name' }, r.name));
    if (p === null) {
      svg.append(s('text', { x: left, y: y + 30, class: 'kpi-val' }, `${fmt(r.actual)} · ${noTarget}`));
      return;
    }
    svg.append(
      s('rect', { x: left, y: y + 16, width: x(100) - left, height: 10, class: 'bar-target' }),
      s('rect', { x: left, y: y + 18, width: Math.max(1, x(Math.min(p, max)) - left), height: 14, class: 'bar-actual ' + (p >= 100 ? 'met' : 'short'), 'data-code': r.code }),
      s('line', { x1: x(100), x2: x(100), y1: y + 13, y2: y + 35, class: 'target-line' }),
      s('text', { x: W - right, y: y + 11, 'text-anchor': 'end', class: 'kpi-val' }, `${fmt(r.actual)} / ${fmt(r.target)} (${Math.round(p)}%)`),
    );
  });
  return svg;
}

// mapview.js — a small map preview without map tiles: the strict CSP and a
// phone offline in a basement allow no tile server, so the preview is an
// inline SVG drawn from the numbers alone — the site's geofence circle, the
// phone's position when known, and a scale bar — with a link that opens the
// phone's own maps app for streets and directions.

import { h, s } from './dom.js';
import { t } from './i18n.js';

const M_PER_DEG_LAT = 110_574;
const NICE = [5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000];

/** metresBetween is the ground distance of two points (small distances: an
 * equirectangular approximation, within a metre at a few kilometres). */
export function metresBetween(a, b) {
  const [x, y] = offset(a, b);
  return Math.hypot(x, y);
}

/** offset is b east and north of a, in metres. */
function offset(a, b) {
  const cos = Math.cos((a.lat * Math.PI) / 180);
  return [(b.lng - a.lng) * 111_320 * cos, (b.lat - a.lat) * M_PER_DEG_LAT];
}

/** mapsLink opens a position in the phone's maps app (Google Maps' search
 * URL opens the app on Android and iOS, a browser map elsewhere). */
export function mapsHref(lat, lng) {
  return `https://www.google.com/maps/search/?api=1&query=${Number(lat).toFixed(6)},${Number(lng).toFixed(6)}`;
}

/** niceScale is the longest round length that fits in max metres. */
function niceScale(max) {
  let best = NICE[0];
  for (const n of NICE) if (n <= max) best = n;
  return best;
}

const fmtM = (m) => (m >= 1000 ? `${m / 1000}\u00a0${t('km')}` : `${m}\u00a0${t('m')}`);

/** sitePreview draws site {lat, lng, radius_m, name} and, when known, the
 * phone's fix {lat, lng, accuracy}; null when the site has no position. */
export function sitePreview(site, fix = null, { id = 'site-map' } = {}) {
  if (!site || site.lat == null || site.lng == null || site.lat === '' || site.lng === '') return null;
  const c = { lat: Number(site.lat), lng: Number(site.lng) };
  if (!isFinite(c.lat) || !isFinite(c.lng)) return null;
  const r = Math.max(1, Number(site.radius_m) || 100);
  const W = 320, H = 180, pad = 14;
  let you = null, dist = null;
  if (fix && isFinite(fix.lat) && isFinite(fix.lng)) {
    const [dx, dy] = offset(c, fix);
    dist = Math.hypot(dx, dy);
    you = { dx, dy, acc: Math.max(0, Number(fix.accuracy) || 0) };
  }
  // The half-height shown: the circle with room around it, and the phone when it is near (within 20 km).
  let half = r * 1.35;
  if (you && dist < 20_000) half = Math.max(half, (Math.max(Math.abs(you.dy), Math.abs(you.dx) * H / W) + you.acc * 0.2) * 1.15);
  const k = (H / 2 - pad) / half; // px per metre
  const cx = W / 2, cy = H / 2;
  const title = t('map_title', { name: site.name || t('site') });
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, width: '100%', role: 'img', 'aria-label': title, class: 'sitemap', id },
    s('title', {}, title),
    s('rect', { x: 0, y: 0, width: W, height: H, class: 'map-bg' }));
  // A light grid every scale step, so the eye can judge distances.
  const step = niceScale((W * 0.3) / k);
  for (let gx = cx % (step * k); gx < W; gx += step * k) svg.append(s('line', { x1: gx, x2: gx, y1: 0, y2: H, class: 'map-grid' }));
  for (let gy = cy % (step * k); gy < H; gy += step * k) svg.append(s('line', { x1: 0, x2: W, y1: gy, y2: gy, class: 'map-grid' }));
  svg.append(
    s('circle', { cx, cy, r: r * k, class: 'map-fence' }),
    s('circle', { cx, cy, r: 5, class: 'map-site' }),
    s('text', { x: cx, y: cy - 9, 'text-anchor': 'middle', class: 'map-label' }, t('map_site')));
  if (you) {
    const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
    const px = clamp(cx + you.dx * k, 8, W - 8), py = clamp(cy - you.dy * k, 8, H - 8);
    const off = px !== cx + you.dx * k || py !== cy - you.dy * k;
    if (you.acc * k > 6 && !off) svg.append(s('circle', { cx: px, cy: py, r: you.acc * k, class: 'map-accuracy' }));
    svg.append(s('circle', { cx: px, cy: py, r: 6, class: 'map-you' + (off ? ' off' : '') }),
      s('text', { x: clamp(px, 40, W - 40), y: py > H - 24 ? py - 10 : py + 20, 'text-anchor': 'middle', class: 'map-label you' }, t('map_you')));
  }
  // The scale bar, bottom left; north is up.
  const bar = niceScale((W * 0.35) / k);
  svg.append(
    s('line', { x1: 10, x2: 10 + bar * k, y1: H - 12, y2: H - 12, class: 'map-scale' }),
    s('line', { x1: 10, x2: 10, y1: H - 17, y2: H - 7, class: 'map-scale' }),
    s('line', { x1: 10 + bar * k, x2: 10 + bar * k, y1: H - 17, y2: H - 7, class: 'map-scale' }),
    s('text', { x: 14 + bar * k, y: H - 8, class: 'map-scale-text' }, fmtM(bar)),
    s('text', { x: W - 10, y: 18, 'text-anchor': 'end', class: 'map-north' }, t('map_north')));
  const caption = [t('map_radius', { m: Math.round(r) })];
  if (dist != null) caption.push(dist <= r ? t('map_inside', { m: Math.round(dist) }) : t('map_outside', { m: dist >= 1000 ? (dist / 1000).toFixed(1) + '\u00a0' + t('km') : Math.round(dist) + '\u00a0' + t('m') }));
  return h('figure', { class: 'sitemap-box', dataset: { map: id } }, svg,
    h('figcaption', { class: 'muted' }, caption.join(' · '), ' ',
      h('a', { class: 'link', href: mapsHref(c.lat, c.lng), target: '_blank', rel: 'noopener', id: id + '-open' }, t('open_in_maps'))));
}

// format.js — how the office reads numbers, dates and times: 民國 years,
// 上午/下午 times that do not break across lines, thousands separators,
// hours as 時:分. Pure functions; screens import them.

import { getLang } from './i18n.js';

const NBSP = '\u00a0';
// A word joiner between 上 and 午: CJK text may otherwise break between any two characters.
const WJ = '\u2060';
const pad = (n) => String(n).padStart(2, '0');
const zh = () => getLang() !== 'en';
const WEEK_ZH = ['日', '一', '二', '三', '四', '五', '六'];
const WEEK_EN = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

const asDate = (v) => { if (v == null || v === '') return null; const d = v instanceof Date ? v : new Date(v); return isNaN(d) ? null : d; };

/** rocYear is the 民國 year of a Gregorian year (2026 → 115). */
export const rocYear = (y) => (y instanceof Date ? y.getFullYear() : Number(y)) - 1911;
/** gregorianYear is the Gregorian year of a 民國 year (115 → 2026). */
export const gregorianYear = (roc) => Number(roc) + 1911;

/** formatNumber puts thousands separators in an integer or decimal (12,500,000). */
export function formatNumber(n, digits = 0) {
  if (n === null || n === undefined || n === '' || isNaN(Number(n))) return '';
  return Number(n).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
/** parseNumber reads what a person typed with separators or full-width digits; NaN when not a number. */
export function parseNumber(s) {
  const v = String(s ?? '').replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/[,，\s]/g, '');
  if (v === '') return NaN;
  return /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : NaN;
}
/** formatMoney is an amount in NT$ with separators. */
export const formatMoney = (n) => (n == null || n === '' ? '' : (zh() ? '新臺幣' + NBSP : 'NT$' + NBSP) + formatNumber(n));

/** formatTime is 上午 9:05 / 下午 2:30 (English 9:05 am), glued with a non-breaking space so it never breaks mid-word. */
export function formatTime(v) {
  const d = asDate(v);
  if (!d) return '';
  const h = d.getHours(), m = pad(d.getMinutes());
  const h12 = h % 12 === 0 ? 12 : h % 12;
  return zh() ? `${h < 12 ? '上' : '下'}${WJ}午${NBSP}${h12}:${m}` : `${h12}:${m}${NBSP}${h < 12 ? 'am' : 'pm'}`;
}
/** formatDate is 115/11/28（六） in zh-TW (民國 year) or Sat 28/11/2026 in English. */
export function formatDate(v, { weekday = true, year = true } = {}) {
  const d = asDate(v);
  if (!d) return '';
  if (zh()) {
    const ymd = year ? `${rocYear(d.getFullYear())}/${d.getMonth() + 1}/${d.getDate()}` : `${d.getMonth() + 1}/${d.getDate()}`;
    return weekday ? `${ymd}（${WEEK_ZH[d.getDay()]}）` : ymd;
  }
  const dmy = year ? `${d.getDate()}/${d.getMonth() + 1}/${d.getFullYear()}` : `${d.getDate()}/${d.getMonth() + 1}`;
  return weekday ? `${WEEK_EN[d.getDay()]}${NBSP}${dmy}` : dmy;
}
/** formatDateTime is date and time together; the time part never wraps inside. */
export function formatDateTime(v, opts = {}) {
  const d = asDate(v);
  if (!d) return '';
  return formatDate(d, opts) + ' ' + formatTime(d);
}
/** formatRocDate is 民國115年11月28日 (English: 28 Nov 2026), for documents. */
export function formatRocDate(v) {
  const d = asDate(v);
  if (!d) return '';
  return zh() ? `民國${rocYear(d.getFullYear())}年${d.getMonth() + 1}月${d.getDate()}日`
    : d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });
}
/** formatHours is a number of hours as 時:分 (3.17 → 3:10). */
export function formatHours(hours) {
  if (hours == null || isNaN(Number(hours))) return '';
  const mins = Math.round(Number(hours) * 60);
  const sign = mins < 0 ? '-' : '';
  const a = Math.abs(mins);
  return `${sign}${Math.floor(a / 60)}:${pad(a % 60)}`;
}
/** formatDuration is a number of seconds as words (39 → 39 秒, 150 → 2 分 30 秒). */
export function formatDuration(seconds) {
  const s = Math.round(Math.abs(Number(seconds) || 0));
  const m = Math.floor(s / 60), r = s % 60;
  if (zh()) return m ? `${m}${NBSP}分${r ? NBSP + r + NBSP + '秒' : ''}` : `${r}${NBSP}秒`;
  return m ? `${m}${NBSP}min${r ? ' ' + r + NBSP + 's' : ''}` : `${r}${NBSP}s`;
}
/** localInput is the value of a datetime-local input for a timestamp (phone's time zone). */
export function localInput(v) {
  const d = asDate(v);
  if (!d) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** hoursMinutes is formatHours under the name the volunteer screens use (3.17 → "3:10"). */
export function hoursMinutes(hours) {
  return formatHours(Number(hours) || 0);
}

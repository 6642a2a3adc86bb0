// format.js — how the office reads numbers, dates and times: 民國 years,
// 上午/下午 times that do not break across lines, thousands separators,
// hours as 時:分. Pure functions; screens import them.

/** rocYear is the 民國 year of a Western year or a Date (1912 is 民國 1). */
export function rocYear(y) {
  const n = y instanceof Date ? y.getFullYear() : Number(y);
  return n - 1911;
}

/** hoursMinutes writes hours as 時:分 (3.17 → "3:10"), rounded to the minute. */
export function hoursMinutes(hours) {
  const m = Math.round((Number(hours) || 0) * 60);
  return `${Math.floor(m / 60)}:${String(m % 60).padStart(2, '0')}`;
}

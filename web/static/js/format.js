// format.js — how the office reads numbers, dates and times: 民國 years,
// 上午/下午 times that do not break across lines, thousands separators,
// hours as 時:分. Pure functions; screens import them.

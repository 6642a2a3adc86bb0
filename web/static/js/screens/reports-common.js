// screens/reports-common.js — what the report handlers' screens share:
// their words, the labels of states, channels, disclosures and referral
// targets, and how a deadline reads (剩 3 天 / 逾期 2 天, in words and not
// by colour alone).

import { getLang, label, metaGroup } from '../i18n.js';
import { formatDate } from '../format.js';
import { TEXT, LABELS } from './reports-text.js';

/** rt translates a key of the report screens, filling {name} placeholders. */
export function rt(key, vars = {}) {
  const e = TEXT[key];
  let s = e ? e[getLang() === 'en' ? 1 : 0] : key;
  for (const [k, v] of Object.entries(vars)) s = s.replaceAll('{' + k + '}', String(v ?? ''));
  return s;
}

// The /meta groups the server may name the enumerations by.
const GROUPS = {
  state: ['report_states'], channel: ['report_channels'], disclosure: ['report_disclosures'],
  referral: ['report_referral_targets', 'report_referrals', 'referral_targets'],
};

/** lab is the label of a report enumeration's value, /meta first. */
export function lab(kind, value) {
  for (const g of GROUPS[kind] || []) {
    if (metaGroup(g).some((x) => x.value === value)) return label(g, value);
  }
  const pair = LABELS[kind]?.[value];
  return pair ? pair[getLang() === 'en' ? 1 : 0] : (value || '');
}
export const values = (kind) => Object.keys(LABELS[kind] || {});

const DAY = 86_400_000;
// The calendar day (phone's time zone) of a moment, as a day number.
const dayNo = (d) => { const x = new Date(d); return Math.floor((x.getTime() - x.getTimezoneOffset() * 60_000) / DAY); };

/** dueWords says how a deadline stands today: {text, overdue, days}. */
export function dueWords(iso, now = new Date()) {
  if (!iso) return { text: '', overdue: false, days: null };
  const days = dayNo(iso) - dayNo(now);
  const past = new Date(iso).getTime() < now.getTime();
  if (past && days < 0) return { text: rt('overdue_days', { n: -days }), overdue: true, days };
  if (past) return { text: rt('overdue'), overdue: true, days: 0 };
  if (days === 0) return { text: rt('due_today'), overdue: false, days };
  return { text: rt('days_left', { n: days }), overdue: false, days };
}

/** nextDue names the deadline that comes next for a report still open
 * (received or assessing); a referred or closed report has none. */
export function nextDue(r) {
  if (r.state !== 'received' && r.state !== 'assessing') return null;
  if (!r.first_answered_at && r.first_answer_due && (!r.assessment_due || r.first_answer_due <= r.assessment_due)) return { what: rt('due_first'), at: r.first_answer_due };
  if (!r.assessed_at && r.assessment_due) return { what: rt('due_assess'), at: r.assessment_due };
  return r.next_due ? { what: '', at: r.next_due } : null;
}

/** rocDate is the 民國 date with the weekday (115/11/28（六）). */
export const rocDate = (iso) => formatDate(iso);

/** fileSize in words (KB / MB). */
export function fileSize(n) {
  const b = Number(n) || 0;
  if (b >= 1_048_576) return (Math.round(b / 104_857.6) / 10) + '\u00a0MB';
  return Math.max(1, Math.round(b / 1024)) + '\u00a0KB';
}

/** knownHandlers: the handlers seen so far (id → name): the queue's
 * assignees and the list of GET /reports/handlers, offered when a report is
 * assigned. */
export const knownHandlers = new Map();

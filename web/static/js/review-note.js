// review-note.js — a record's review (核閱) state as its owner and the
// manager read it: waiting, approved, or returned with the manager's
// comment, who and when. Shared by the officer's record page and the
// manager's review screens.

import { getLang } from './i18n.js';
import { h } from './dom.js';
import { formatDateTime } from './format.js';

const W = {
  pending: ['已結案，待主管核閱', 'Completed; waiting for a manager’s review'],
  approved: ['主管已核閱通過', 'Approved by a manager'],
  returned: ['主管退回補正：請依下列意見修正後再結案', 'Returned by a manager: correct it as asked and complete it again'],
  by: ['{who}，{at}', '{who}, {at}'],
  comment: ['核閱意見', 'Comment'],
};
const w = (k, vars = {}) => {
  let s = W[k][getLang() === 'en' ? 1 : 0];
  for (const [n, v] of Object.entries(vars)) s = s.replaceAll('{' + n + '}', String(v));
  return s;
};

/** reviewNote answers an element telling a record's review state and the
 * reviewer's comment, or null when the record is not under review
 * (review_status absent or "none"). */
export function reviewNote(a) {
  const st = a?.review_status;
  if (!st || st === 'none' || !W[st]) return null;
  const who = a.reviewed_by?.display_name || '';
  const at = a.reviewed_at ? formatDateTime(a.reviewed_at) : '';
  return h('div', { class: 'review-note ' + st, id: 'review-note', role: st === 'returned' ? 'alert' : 'status', dataset: { review: st } },
    h('strong', {}, w(st)),
    st !== 'pending' && (who || at) ? h('div', { class: 'rn-by' }, w('by', { who, at })) : null,
    a.review_comment ? h('p', { class: 'rn-comment' }, h('span', { class: 'visually-hidden' }, w('comment') + '：'), a.review_comment) : null);
}

// officer-text.js — the words of the officer's registers (opinion visits,
// ethics-code registrations, early warnings): [zh-TW, English]. Kept apart
// from i18n.js so the dictionary every screen shares stays small.

import { getLang } from './i18n.js';

export const TEXT = {
  // ---- tabs
  tab_regs: ['倫理登錄', 'Ethics log'], tab_warnings: ['預警', 'Warnings'],
  // ---- opinion visits
  ov_service: ['訪查的機關業務', 'Service visited'], ov_respondents: ['受訪對象', 'Respondents'],
  ov_count: ['受訪人數', 'Number of respondents'], ov_type: ['受訪者類別', 'Respondent type'],
  ov_questionnaire: ['問卷', 'Questionnaire'],
  ov_integrity: ['對承辦人員廉潔的滿意度', 'Satisfaction with the integrity of the service'],
  ov_efficiency: ['對辦事效率的滿意度', 'Satisfaction with the efficiency of the service'],
  ov_scale_hint: ['1 很不滿意 … 5 很滿意', '1 very dissatisfied … 5 very satisfied'],
  ov_asked: ['是否有人向受訪者索取金錢、財物或不當利益？', 'Did anyone ask them for money, gifts or favours?'],
  ov_knows: ['受訪者是否知道如何檢舉？', 'Do they know how to report it?'],
  ov_findings: ['訪查發現', 'Findings'], ov_suggestions: ['興革建議', 'Suggestions'],
  ov_unanswered: ['尚未回答', 'not answered'], ov_q_hint: ['問卷要就全部填寫，結案時必填。', 'Answer all four, or none yet; needed to complete.'],
  ov_needs: ['受訪人數、問卷與訪查發現', 'respondents, questionnaire and findings'],
  yes: ['是', 'Yes'], no: ['否', 'No'],
  // ---- registrations
  reg_h: ['公務員廉政倫理規範登錄', 'Ethics-code registrations'], reg_new: ['登錄一件', 'Register an event'],
  reg_new_h: ['新增倫理登錄', 'New ethics registration'],
  reg_type: ['類別', 'Type'], reg_type_first: ['請先選擇類別，再填寫其餘欄位。', 'Pick the type first; the form then asks only what it needs.'],
  reg_servant: ['當事人', 'Civil servant'], reg_servant_name: ['姓名', 'Name'], reg_servant_unit: ['服務機關', 'Agency'], reg_servant_title: ['職稱', 'Title'],
  reg_cp: ['對象（贈與、邀宴或請託者）', 'Counterparty (who gave, invited or asked)'], reg_cp_name: ['對象名稱', 'Name'], reg_cp_kind: ['對象類別', 'Kind'],
  reg_cp_interest: ['與當事人有職務上利害關係？', 'Has an interest in the servant’s official duties?'],
  reg_event_date: ['事件日期', 'Event date'], reg_notified_date: ['知會政風單位日期', 'Date the office was told'],
  reg_desc: ['事由摘要', 'What happened'], reg_value: ['金額（新臺幣元）', 'Value (NT$)'],
  reg_value_hint: ['估計市價；可填 0。', 'Estimated value; 0 is allowed.'],
  reg_handling: ['處理方式', 'Handling'], reg_handling_note: ['處理說明', 'Handling note'],
  reg_photo: ['照片（可不附）', 'Photo (optional)'], reg_photo_pick: ['拍照或選擇照片', 'Take or choose a photo'],
  reg_late: ['逾期通報', 'Notified late'], reg_late_live: ['逾期通報：知會日期已超過事件後 3 日（相隔 {n} 日）。', 'Notified late: {n} days after the event (more than 3).'],
  reg_on_time: ['在 3 日內知會（相隔 {n} 日）。', 'Notified within 3 days ({n} days).'],
  reg_saved: ['已登錄', 'Registered'], reg_queued: ['已存在手機，上線後自動送出', 'Kept on this phone; sent when online'],
  reg_mine: ['我登錄的案件', 'My registrations'], reg_none: ['尚無登錄。', 'No registrations yet.'],
  reg_waiting: ['待送出', 'waiting to send'], reg_refused: ['被退回', 'refused'],
  reg_days: ['相隔 {n} 日', '{n} days'], reg_owner_other: ['（其他同仁登錄）', '(registered by a colleague)'],
  roc_date: ['民國 {y} 年 {m} 月 {d} 日', 'ROC {y}/{m}/{d}'],
  // ---- early warnings
  w_h: ['預警作為', 'Early warnings'], w_new: ['提出預警', 'Raise an early warning'], w_new_h: ['新增預警', 'New early warning'],
  w_unit: ['受預警機關／學校', 'Agency or school'], w_area: ['風險類別', 'Risk area'], w_subject: ['主旨', 'Subject'],
  w_observed: ['發現情形', 'What was observed'], w_measures: ['建議措施', 'Suggested measures'],
  w_submitted_on: ['陳報首長日期', 'Submitted to the head on'], w_from: ['來源紀錄', 'Raised from'],
  w_none: ['尚無預警。', 'No early warnings.'], w_mine: ['我提出的', 'mine'], w_unit_only: ['本單位同仁提出', 'a colleague of my unit'],
  w_step_draft: ['草稿', 'Draft'], w_step_submitted: ['已陳報', 'Submitted'], w_step_following: ['追蹤中', 'Following up'], w_step_closed: ['結案', 'Closed'],
  w_steps: ['進度', 'Progress'], w_returned: ['主管退回意見', 'Returned by a manager'],
  w_edit: ['編輯草稿', 'Edit draft'], w_submit: ['陳報首長', 'Submit to the head'], w_submit_go: ['確認陳報', 'Submit'],
  w_follow: ['新增追蹤', 'Add a follow-up'], w_follow_date: ['追蹤日期', 'Date'], w_follow_action: ['業務單位辦理情形', 'What the business unit did'],
  w_follow_save: ['儲存追蹤', 'Save follow-up'], w_follows: ['追蹤紀錄', 'Follow-ups'], w_no_follows: ['尚無追蹤紀錄。', 'No follow-ups yet.'],
  w_close: ['結案', 'Close'], w_outcome: ['結案情形', 'Outcome'], w_close_go: ['確認結案', 'Close the warning'],
  w_saved: ['已儲存', 'Saved'], w_submitted_ok: ['已陳報', 'Submitted'], w_follow_ok: ['已新增追蹤', 'Follow-up added'], w_closed_ok: ['已結案', 'Closed'],
  w_online_only: ['預警需連線才能送出；請在有網路時再試。', 'Early warnings are sent online; try again with a network.'],
  w_prefill_subject: ['採購案「{t}」缺失未改善', 'Procurement “{t}”: deficiencies not corrected'],
  w_prefill_observed: ['{kind}「{t}」（案號 {no}）發現下列缺失，迄未改善：', '{kind} “{t}” (case {no}) found these deficiencies, not corrected:'],
  w_offer: ['此採購案缺失尚未改善，可提出預警。', 'The deficiencies are not corrected: you can raise an early warning.'],
  w_open_record: ['開啟紀錄', 'Open the record'], w_needed_submit: ['陳報首長前必填', 'needed to submit'],
  w_read_only: ['這是同單位同仁的預警，僅供閱讀。', 'A colleague’s warning about your unit: read only.'],
  save: ['儲存', 'Save'], cancel: ['取消', 'Cancel'], back: ['返回', 'Back'], more: ['載入更多', 'Load more'],
  today_is: ['今天', 'today'],
};

/** ot translates a key of the officer's registers, filling {name} placeholders. */
export function ot(key, vars = {}) {
  const e = TEXT[key];
  let s = e ? e[getLang() === 'en' ? 1 : 0] : key;
  for (const [k, v] of Object.entries(vars)) s = s.replaceAll('{' + k + '}', String(v));
  return s;
}

/** officeToday is today's date in the office's time zone (Asia/Taipei), as
 * the server counts days for the 3-day rule. */
export function officeToday(now = new Date()) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Taipei', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}
/** daysBetween counts calendar days from one YYYY-MM-DD to another. */
export function daysBetween(a, b) {
  const p = (s) => { const [y, m, d] = s.split('-').map(Number); return Date.UTC(y, m - 1, d); };
  return Math.round((p(b) - p(a)) / 86_400_000);
}
/** lateNotice is the server's rule (services.LateNotice): more than 3 days. */
export const lateNotice = (event, notified) => daysBetween(event, notified) > 3;

/** rocDate shows a YYYY-MM-DD as 民國 115 年 3 月 1 日. */
export function rocDate(s) {
  const m = /^(\d{4})-(\d\d)-(\d\d)$/.exec(s || '');
  if (!m) return '';
  return ot('roc_date', { y: Number(m[1]) - 1911, m: Number(m[2]), d: Number(m[3]) });
}

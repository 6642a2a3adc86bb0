// messages.js — every error a person can meet, as a sentence in their
// language: by the envelope's code, and by field path and server message
// for validation errors. Never a raw code on screen.

import { getLang } from './i18n.js';

const zh = () => getLang() !== 'en';
const pick = (pair) => pair[zh() ? 0 : 1];

// By the envelope's code (SPEC "errors"), and the client's own (network, session_expired).
export const CODE_MESSAGES = {
  network: ['無法連線到伺服器，請確認網路後再試；已存的資料會保留並自動重送。', 'The server cannot be reached. Check the network; saved work is kept and sent again.'],
  session_expired: ['登入已逾時，請重新登入；待送出的資料會保留。', 'Your session has ended. Please sign in again; queued work is kept.'],
  bad_request: ['送出的資料格式不正確，請檢查後再試。', 'The request was not understood. Please check and try again.'],
  unauthenticated: ['帳號或密碼不正確，或登入已逾時。', 'Wrong username or password, or your session has ended.'],
  forbidden: ['您沒有權限進行這項操作。', 'You are not allowed to do this.'],
  not_found: ['找不到這筆資料，可能已被刪除或尚未送達伺服器。', 'This record was not found; it may have been deleted or not sent yet.'],
  id_conflict: ['這個編號已被另一筆資料使用。', 'This id is already used by another record.'],
  version_conflict: ['這筆紀錄在您編輯時已被更新，請比對後選擇保留哪一份。', 'Someone changed this record while you were editing. Compare and choose which to keep.'],
  capacity_full: ['名額已滿。', 'No places left.'],
  conflict: ['這項操作與目前狀態衝突，請重新整理後再試。', 'This conflicts with the current state. Refresh and try again.'],
  period_closed: ['該年度已結算，不能再修改。', 'That year is closed and can no longer be changed.'],
  payload_too_large: ['檔案太大，請縮小後再上傳。', 'The file is too large.'],
  unsupported_media_type: ['不支援這種檔案格式，請上傳照片（JPEG、PNG）或 PDF。', 'This file type is not accepted: send a photo (JPEG, PNG) or a PDF.'],
  validation_failed: ['有欄位需要修正，請看各欄位下方的說明。', 'Some fields need correcting: see the notes under them.'],
  too_many_requests: ['嘗試次數過多，請稍候再試。', 'Too many attempts. Please wait and try again.'],
  internal: ['伺服器發生錯誤，請稍後再試；資料已保留。', 'The server had a problem. Please try later; your work is kept.'],
  unavailable: ['伺服器暫時無法服務，請稍後再試；資料已保留。', 'The server is unavailable for now. Your work is kept.'],
  unknown_op: ['這筆待送資料無法處理。', 'This queued item cannot be processed.'],
  account_rejected: ['您的廉政志工申請未獲核准，如有疑問請洽政風處。', 'Your volunteer application was not approved; contact the office with questions.'],
};

// Field names as the form shows them, by the last part of the path.
export const FIELD_NAMES = {
  kind: ['類別', 'Kind'], title: ['標題', 'Title'], unit_id: ['受稽機關／學校', 'Agency or school'], scheduled_at: ['預定時間', 'Scheduled time'],
  notes: ['備註', 'Notes'], status: ['狀態', 'Status'], completed_at: ['完成時間', 'Completion time'], version: ['版本', 'Version'],
  name: ['地點名稱', 'Site name'], address: ['地址', 'Address'], lat: ['位置', 'Position'], lng: ['位置', 'Position'], radius_m: ['範圍半徑', 'Radius'],
  case_no: ['案號', 'Case no.'], case_title: ['案名', 'Case title'], category: ['採購類別', 'Category'], budget_amount: ['預算金額', 'Budget'],
  stage: ['採購階段', 'Stage'], deficiencies: ['缺失', 'Deficiencies'], corrected: ['已改善', 'Corrected'],
  event_name: ['專案名稱', 'Event'], risk_level: ['風險等級', 'Risk level'], measures: ['維護措施', 'Measures'],
  petitioners: ['陳情人數', 'Petitioners'], subject: ['陳情事由', 'Subject'], outcome: ['處理結果', 'Outcome'],
  checklist: ['檢查項目', 'Checklist'], item: ['檢查項目', 'Item'], result: ['檢查結果', 'Result'], note: ['說明', 'Note'],
  scale: ['規模', 'Scale'], audience: ['對象', 'Audience'], participants: ['參與人數', 'Participants'],
  volunteer_capacity: ['志工名額', 'Volunteer places'], ends_at: ['結束時間', 'End time'],
  captured_at: ['打卡時間', 'Check-in time'], accuracy_m: ['定位精確度', 'Accuracy'], type: ['打卡類型', 'Type'],
  username: ['帳號', 'Username'], password: ['密碼', 'Password'], display_name: ['姓名', 'Name'], phone: ['電話', 'Phone'], email: ['電子郵件', 'E-mail'],
  id: ['編號', 'Id'], file: ['檔案', 'File'], year: ['年度', 'Year'],
  // registers: opinion visits, ethics-code registrations, early warnings
  service: ['訪查的機關業務', 'Service'], count: ['受訪人數', 'Respondents'], respondents: ['受訪對象', 'Respondents'], questionnaire: ['問卷', 'Questionnaire'],
  integrity_score: ['廉潔滿意度', 'Integrity score'], efficiency_score: ['效率滿意度', 'Efficiency score'],
  asked_for_favours: ['是否被索取不當利益', 'Asked for favours'], knows_how_to_report: ['是否知道如何檢舉', 'Knows how to report'],
  findings: ['訪查發現', 'Findings'], suggestions: ['興革建議', 'Suggestions'],
  event_date: ['事件日期', 'Event date'], notified_date: ['知會日期', 'Notified date'], description: ['事由摘要', 'Description'],
  value_ntd: ['金額', 'Value'], handling: ['處理方式', 'Handling'], handling_note: ['處理說明', 'Handling note'],
  kind_cp: ['對象類別', 'Kind'], interested_party: ['職務上利害關係', 'Official interest'],
  risk_area: ['風險類別', 'Risk area'], observed: ['發現情形', 'Observed'], suggested_measures: ['建議措施', 'Suggested measures'],
  submitted_to_head_on: ['陳報首長日期', 'Submitted on'], date: ['日期', 'Date'], action_taken: ['辦理情形', 'Action taken'], comment: ['意見', 'Comment'],
  activity_id: ['來源紀錄', 'Source record'],
};

// ---- whistle-blowing reports, handlers' screens (檢舉)
Object.assign(FIELD_NAMES, {
  to: ['處理狀態', 'State'], referred_to: ['移送機關', 'Referred to'], referred_agency: ['受移送機關名稱', 'Receiving office'],
  referred_on: ['移送日期', 'Referral date'], reason: ['理由', 'Reason'], text: ['內容', 'Text'], internal: ['內部註記', 'Internal note'],
  assignee_id: ['承辦人', 'Handler'], involved_user_ids: ['涉案帳號', 'Accounts involved'], report_handler: ['檢舉承辦人', 'Report handler'],
});

// Paths whose last part means something else elsewhere (a servant's name is not a site's).
const FIELD_PATHS = {
  'servant.name': ['當事人姓名', 'Civil servant'], 'servant.title': ['當事人職稱', 'Title'], 'servant.unit_id': ['服務機關', 'Agency'],
  'counterparty.name': ['對象名稱', 'Counterparty'], 'counterparty.kind': ['對象類別', 'Counterparty kind'],
  'opinion_visit.respondents.type': ['受訪者類別', 'Respondent type'], 'opinion_visit.respondents.count': ['受訪人數', 'Respondents'],
};

// Server messages (English, stable) → sentences. Each rule: [pattern, zh(m), en(m)].
const RULES = [
  [/^must not be in the future \(today is/, () => '不能是未來的日期。', () => 'Cannot be in the future.'],
  [/^must not be before event_date$/, () => '知會日期不能早於事件日期。', () => 'Cannot be before the event date.'],
  [/^must be absent \(null\) for lobbying/, () => '請託關說不填金額。', () => 'A lobbying request has no value.'],
  [/^required for (gift|hospitality|other) \(NT\$/, () => '受贈財物與飲宴應酬必須填寫金額（可填 0）。', () => 'Gifts and hospitality need a value (0 is allowed).'],
  [/^a lobbying request is reported_to_superior_only or other/, () => '請託關說只能選「簽報長官知悉」或「其他」。', () => 'A lobbying request is “reported to the superior only” or “other”.'],
  [/^required: true or false/, () => '請選擇「是」或「否」。', () => 'Choose yes or no.'],
  [/^must be a date such as/, () => '請填寫正確的日期。', () => 'Give a valid date.'],
  [/^required to submit$/, () => '陳報首長前必須填寫。', () => 'Required to submit.'],
  [/^must not be before submitted_to_head_on/, () => '不能早於陳報首長的日期。', () => 'Cannot be before the day it was submitted.'],
  [/^no such activity$/, () => '找不到這筆紀錄。', () => 'No such record.'],
  [/^required to complete$/, () => '結案前必須填寫。', () => 'Required to complete the record.'],
  // whistle-blowing reports, handlers' side
  [/^the report is about this account/, () => '本案涉及這個帳號，請指派給其他承辦人。', () => 'The report is about this account: assign it to another handler.'],
  [/^must be an active report handler$/, () => '只能指派給已指定的檢舉承辦人。', () => 'Only a designated report handler can be assigned.'],
  [/^names an account that does not exist$/, () => '勾選的帳號不存在，請重新整理後再選。', () => 'An account ticked does not exist; reload and choose again.'],
  [/^name the agency the report is referred to$/, () => '請填寫權責機關名稱。', () => 'Name the agency concerned.'],
  [/^only for a referral to an agency$/, () => '只有移送權責機關時才填機關名稱。', () => 'Only for a referral to the agency concerned.'],
  [/^say why the report is closed$/, () => '請填寫結案理由。', () => 'Say why the report is closed.'],
  [/^is before the report was received$/, () => '不能早於收件日。', () => 'Cannot be before the report was received.'],
  [/^is in the future$/, () => '不能是未來的日期。', () => 'Cannot be in the future.'],
  [/^(must be a date|is required) \(?YYYY-MM-DD\)?$/, () => '請填寫正確的日期。', () => 'Give a valid date.'],
  [/^at most (\d+) characters$/, (m) => `最多 ${m[1]} 個字。`, (m) => `At most ${m[1]} characters.`],
  [/^only when referring$/, () => '只有移送時才選移送機關。', () => 'Only when referring.'],
  [/^must be one of (assessing|aac)/, () => '請從選項中選擇。', () => 'Pick one of the choices.'],
  [/^(is )?required( for kind .*)?$/, () => '必填。', () => 'Required.'],
  [/^no such unit$/, () => '找不到這個機關，請從清單中選擇。', () => 'No such agency: pick one from the list.'],
  [/^must be at most (\d+) characters$/, (m) => `最多 ${m[1]} 個字。`, (m) => `At most ${m[1]} characters.`],
  [/^must be one line/, () => '只能有一行，請刪除換行。', () => 'One line only: remove the line breaks.'],
  [/^must contain a visible character$/, () => '請填入文字。', () => 'Please type something.'],
  [/^must not contain the/, () => '含有無法使用的特殊字元，請刪除。', () => 'Contains a character that cannot be used; remove it.'],
  [/^must not be negative$/, () => '不能是負數。', () => 'Must not be negative.'],
  [/^must be at least (\d+)$/, (m) => `至少為 ${m[1]}。`, (m) => `At least ${m[1]}.`],
  [/^must be between (-?[\d.]+) and (-?[\d.]+)$/, (m) => `必須介於 ${m[1]} 與 ${m[2]} 之間。`, (m) => `Must be between ${m[1]} and ${m[2]}.`],
  [/^must be one of/, () => '請從選項中選擇。', () => 'Pick one of the choices.'],
  [/^give lat and lng together/, () => '位置不完整，請重新按「以目前位置為地點」。', () => 'The position is incomplete; use "Use my position" again.'],
  [/^must be after scheduled_at$/, () => '結束時間必須晚於開始時間。', () => 'Must be after the start.'],
  [/^must be at most 7 days after scheduled_at$/, () => '活動最長 7 天。', () => 'An event lasts at most 7 days.'],
  [/^must not be more than one day before scheduled_at$/, () => '完成時間不能早於預定時間一天以上。', () => 'Cannot be more than a day before the scheduled time.'],
  [/^only a completed activity/, () => '只有已結案的紀錄才有完成時間。', () => 'Only a completed record has a completion time.'],
  [/^must have at least one item$/, () => '至少要有一個檢查項目。', () => 'Add at least one item.'],
  [/^at most (\d+)( items)?$/, (m) => `最多 ${m[1]} 項。`, (m) => `At most ${m[1]}.`],
  [/^not allowed for kind/, () => '這個類別不使用這些欄位。', () => 'This kind does not use these fields.'],
  [/^send the version you read$/, () => '請重新開啟這筆紀錄再修改。', () => 'Open the record again and edit it.'],
  [/^must be a (lower-case )?UUID$/, () => '編號格式不正確。', () => 'The id is malformed.'],
  [/^must not be in the future$/, () => '不能是未來的時間。', () => 'Cannot be in the future.'],
  [/^must not be more than (\d+) years ahead$/, (m) => `不能晚於 ${m[1]} 年後，請確認年份。`, (m) => `At most ${m[1]} years ahead; check the year.`],
  [/^must be a date and time$/, () => '請填寫完整的日期與時間。', () => 'Give a whole date and time.'],
  [/^must not be before 1912/, () => '不能早於民國元年，請確認年份。', () => 'Cannot be before 1912 (ROC year 1).'],
  [/^must be a year from (\d+) to (\d+)$/, (m) => `年度必須介於民國 ${m[1] - 1911} 年與 ${m[2] - 1911} 年之間。`, (m) => `A year from ${m[1]} to ${m[2]}.`],
  [/must be an e-mail address/, () => '請填寫正確的電子郵件，例如 name@example.org。', () => 'An e-mail address such as name@example.org.'],
  [/must be a phone number/, () => '請填寫正確的電話，例如 0912-345-678。', () => 'A phone number such as 0912-345-678.'],
  [/^\d+ to \d+ characters: lower-case/, () => '帳號需 3 到 64 個小寫英文字母、數字、點、連字號或底線。', () => '3 to 64 lower-case letters, digits, dot, dash or underscore.'],
  [/check-in (opens) at (\S+ \S+)/, (m) => `尚未開放簽到，${m[2]} 起才能簽到。`, (m) => `Check-in opens at ${m[2]}.`],
  [/check-in (closed) at (\S+ \S+)/, (m) => `簽到已截止（${m[2]}）。`, (m) => `Check-in closed at ${m[2]}.`],
];

/** fieldName is the label of a field path (procurement.budget_amount → 預算金額; checklist[2].result → 第 3 項檢查結果). */
export function fieldName(path) {
  const p = String(path || '');
  const whole = FIELD_PATHS[p.replace(/^operations\[\d+\]\.body\./, '')];
  if (whole) return pick(whole);
  const last = p.replace(/\[\d+\]$/, '').split('.').pop().replace(/\[\d+\]/, '');
  const idx = /\[(\d+)\]/.exec(p);
  const base = FIELD_NAMES[last] ? pick(FIELD_NAMES[last]) : (zh() ? '欄位' : 'Field');
  if (!idx) return base;
  return zh() ? `第 ${Number(idx[1]) + 1} 項${base}` : `${base} ${Number(idx[1]) + 1}`;
}

/** fieldMessage is the sentence for one validation problem, without the field's name (it stands next to the field). */
export function fieldMessage(path, msg) {
  const s = String(msg || '');
  for (const [re, z, e] of RULES) {
    const m = re.exec(s);
    if (m) return zh() ? z(m, path) : e(m, path);
  }
  return zh() ? '這個欄位的內容不被接受，請檢查。' : 'This value is not accepted; please check it.';
}

/** fieldMessages lists every problem of an error as "欄位：說明" sentences. */
export function fieldMessages(e) {
  return Object.entries(e?.fields || {}).map(([k, v]) => `${fieldName(k)}：${fieldMessage(k, v)}`);
}

/** codeMessage is the sentence for an envelope code alone. */
export function codeMessage(code, status) {
  if (CODE_MESSAGES[code]) return pick(CODE_MESSAGES[code]);
  if (status >= 500) return pick(CODE_MESSAGES.internal);
  if (status === 404) return pick(CODE_MESSAGES.not_found);
  return zh() ? '操作未完成，請稍後再試。' : 'That did not work. Please try again.';
}

/** errorMessage is the whole sentence for an ApiError (or a stored copy of
 * one), the field problems included — never a raw code. */
export function errorMessage(e) {
  if (!e) return '';
  if (e.network || e.status === 0) return pick(CODE_MESSAGES.network);
  if (e.code === 'unauthenticated' && e.status === 401 && /wrong username or password/.test(e.message || '')) {
    return zh() ? '帳號或密碼不正確。' : 'Wrong username or password.';
  }
  if (e.status === 409 && /arrived/.test(e.message || '')) {
    return zh() ? '您已在活動簽到，無法取消報名。' : 'You have checked in at this event; the sign-up can no longer be cancelled.';
  }
  const f = fieldMessages(e);
  if (e.code === 'validation_failed' && f.length) return f.join('\n');
  const base = codeMessage(e.code, e.status);
  return f.length ? base + '\n' + f.join('\n') : base;
}

// ---- roster CSV import: the server's per-line and whole-file problems
// (English, stable) as sentences. A line's problems arrive joined by "; ".

const IMPORT_RULES = [
  [/^declarant name: (.*)$/, (m) => `姓名：${fieldMessage('declarant_name', m[1])}`, (m) => `Name: ${fieldMessage('declarant_name', m[1])}`],
  [/^position: (.*)$/, (m) => `職稱：${fieldMessage('position', m[1])}`, (m) => `Position: ${fieldMessage('position', m[1])}`],
  [/^unit is empty$/, () => '機關未填。', () => 'The agency is empty.'],
  [/^unknown type "(.*)"/, (m) => `申報類別「${m[1]}」無法辨識，請填「定期申報」「就(到)職申報」或「卸(離)職申報」。`, (m) => `Unknown type “${m[1]}”: use regular, on_assumption or on_leaving.`],
  [/^bad due date "(.*)"/, (m) => `申報期限「${m[1]}」不是正確的日期，請寫成 109/11/30 或 2020-11-30。`, (m) => `Due date “${m[1]}” is not a date: write 2020-11-30 or 109/11/30.`],
  [/^bad filing date "(.*)"/, (m) => `申報日期「${m[1]}」不是正確的日期，請寫成 109/11/30 或 2020-11-30。`, (m) => `Filing date “${m[1]}” is not a date: write 2020-11-30 or 109/11/30.`],
  [/^malformed CSV/, () => 'CSV 格式錯誤（多半是引號沒有成對），請在試算表中重新存成「CSV UTF-8」。', () => 'Malformed CSV (often an unmatched quote); save it again as “CSV UTF-8”.'],
  [/^unknown unit "(.*)"/, (m) => `找不到機關「${m[1]}」，請填機關代碼或全名。`, (m) => `No agency “${m[1]}”: use its code or full name.`],
  [/^due date (\S+) (.*)$/, (m) => `申報期限 ${m[1]}：${fieldMessage('due_date', m[2])}`, (m) => `Due date ${m[1]}: ${fieldMessage('due_date', m[2])}`],
  [/^filing date (\S+) (.*)$/, (m) => `申報日期 ${m[1]}：${fieldMessage('filed_at', m[2])}`, (m) => `Filing date ${m[1]}: ${fieldMessage('filed_at', m[2])}`],
  [/^duplicate of line (\d+)/, (m) => `與第 ${m[1]} 行重複（同一申報人、機關與類別）。`, (m) => `Repeats line ${m[1]} (same declarant, agency and type).`],
  [/^(.*) is already on the (\d+) roster/, (m) => `${m[1]} 已在民國 ${m[2] - 1911} 年這個機關的名冊上，但職稱、申報期限或申報日期不同；請在名冊或檔案中更正。`, (m) => `${m[1]} is on the ${m[2]} roster of this agency with a different position, due date or filing date; correct one of them.`],
  [/^is not UTF-8 text/, () => '檔案不是 UTF-8 文字，請在試算表中另存為「CSV UTF-8」。', () => 'The file is not UTF-8 text: save it as “CSV UTF-8”.'],
  [/^is empty/, () => '檔案是空的；第一列必須是欄位名稱。', () => 'The file is empty; the first row must name the columns.'],
  [/^has no data rows$/, () => '檔案只有欄位名稱，沒有資料列。', () => 'The file has no data rows.'],
  [/^line 1: missing column\(s\) (.*)$/, (m) => `第 1 行缺少欄位：${m[1].replace(/declarant_name\/|position\/|unit\/|type\/|due_date\//g, '')}。`, (m) => `Line 1 lacks the column(s) ${m[1]}.`],
  [/^line 1: column "(.*)" appears twice$/, (m) => `第 1 行的欄位「${m[1]}」重複。`, (m) => `Line 1: the column “${m[1]}” appears twice.`],
  [/^line 1: (.*)$/, () => '第 1 行（欄位名稱）格式錯誤。', () => 'Line 1 (the column names) is malformed.'],
  [/^has more than (\d+) rows/, (m) => `檔案超過 ${m[1]} 列，請分成幾個檔案匯入。`, (m) => `More than ${m[1]} rows: split the file.`],
  [/^is missing/, () => '請選擇要匯入的 CSV 檔案。', () => 'Choose the CSV file to import.'],
];
// A known problem starts each part; the roster-conflict sentence has a "; " of its own.
const IMPORT_SPLIT = /; (?=declarant name:|position:|unit is empty|unknown type|bad due date|bad filing date|malformed CSV|unknown unit|due date |filing date |duplicate of line|\S.* is already on the \d+ roster)/;

/** importProblems turns the server's text for one line (or for the whole
 * file) into sentences in the person's language, one per problem. */
export function importProblems(msg) {
  return String(msg || '').split(IMPORT_SPLIT).map((part) => {
    for (const [re, z, e] of IMPORT_RULES) {
      const m = re.exec(part.trim());
      if (m) return zh() ? z(m) : e(m);
    }
    return zh() ? '這一行的內容不被接受，請檢查。' : 'This line is not accepted; please check it.';
  });
}

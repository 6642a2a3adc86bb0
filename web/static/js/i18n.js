// i18n.js — Traditional Chinese by default, English on request. Labels of
// enumerations come from GET /api/v1/meta; the rest from this dictionary.
import { formatDate, formatDateTime } from './format.js';

const LANG_KEY = 'ethicsops.lang';
let lang = localStorage.getItem(LANG_KEY) || 'zh';
let metaLabels = {};

const dict = {
  app_title: ['政風處外勤', 'Ethics field work'],
  sign_in: ['登入', 'Sign in'], sign_out: ['登出', 'Sign out'],
  username: ['帳號', 'Username'], password: ['密碼', 'Password'],
  display_name: ['姓名', 'Name'], phone: ['電話', 'Phone'], email: ['電子郵件', 'Email'],
  register: ['廉政志工註冊', 'Volunteer registration'], register_submit: ['送出註冊', 'Register'],
  registered: ['註冊完成，請等候政風處審核後登入。', 'Registered. Sign in; your account waits for approval.'],
  back_to_sign_in: ['返回登入', 'Back to sign in'],
  session_expired: ['登入已逾時，請重新登入。尚未送出的資料仍保留在手機中。', 'Your session expired. Sign in again; queued items are kept on this phone.'],
  online: ['已連線', 'Online'], offline: ['離線中：資料會先存在手機，上線後自動送出', 'Offline: work is kept on this phone and sent when online'],
  queue_waiting: ['待送出 {n} 筆', '{n} waiting to send'], queue_failed: ['失敗 {n} 筆', '{n} failed'],
  queue_other_user: ['（屬於 {u}，待其登入）', '(belongs to {u}; waits for them to sign in)'],
  queue_all_sent: ['全部已送出', 'All sent'],
  retry: ['重試', 'Retry'], discard: ['放棄', 'Discard'], send_now: ['立即送出', 'Send now'],
  st_waiting: ['等待中', 'waiting'], st_sending: ['傳送中', 'sending'], st_failed: ['被退回', 'refused'], st_blocked: ['等待前一筆', 'waits for an earlier item'],
  tab_today: ['今日與近期', 'Today & upcoming'], tab_new: ['新增紀錄', 'New record'],
  tab_events: ['宣導活動', 'Events'], tab_hours: ['我的時數', 'My hours'],
  tab_kpi: ['績效指標', 'KPIs'], tab_approve: ['志工審核', 'Approvals'], tab_records: ['紀錄', 'Records'],
  today: ['今日', 'Today'], upcoming: ['近期', 'Upcoming'], earlier: ['進行中／先前', 'Open / earlier'],
  no_activities: ['沒有活動。', 'No activities.'],
  not_available: ['此功能的伺服器端點尚未上線（{code}）。', 'The server does not offer this yet ({code}).'],
  cached_copy: ['顯示手機中最後一次的資料。', 'Showing the last copy kept on this phone.'],
  queued_local: ['待送出', 'queued'],
  kind: ['類別', 'Kind'], title: ['標題', 'Title'], unit: ['受稽機關／學校', 'Agency or school'],
  scheduled_at: ['預定時間', 'Scheduled'], notes: ['備註', 'Notes'], status: ['狀態', 'Status'],
  site: ['地點', 'Site'], site_name: ['地點名稱', 'Site name'], address: ['地址', 'Address'],
  lat: ['緯度', 'Latitude'], lng: ['經度', 'Longitude'], radius_m: ['範圍半徑（公尺）', 'Radius (m)'],
  use_here: ['以目前位置為地點', 'Use my position'],
  save: ['儲存', 'Save'], saved_queued: ['已存入待送出佇列', 'Saved to the queue'],
  case_no: ['案號', 'Case no.'], case_title: ['案名', 'Case title'], category: ['採購類別', 'Category'],
  budget_amount: ['預算金額（新臺幣）', 'Budget (NT$)'], stage: ['階段', 'Stage'],
  deficiencies: ['缺失（每行一項）', 'Deficiencies (one per line)'], corrected: ['已改善', 'Corrected'],
  event_name: ['專案名稱', 'Event'], risk_level: ['風險等級', 'Risk level'], measures: ['維護措施', 'Measures'],
  petitioners: ['陳情人數', 'Petitioners'], subject: ['陳情事由', 'Subject'], outcome: ['處理結果', 'Outcome'],
  checklist: ['檢查項目', 'Checklist'], item: ['項目', 'Item'], result: ['結果', 'Result'], note: ['說明', 'Note'],
  add_item: ['新增項目', 'Add item'], remove: ['移除', 'Remove'],
  scale: ['規模', 'Scale'], audience: ['對象', 'Audience'], participants: ['參與人數', 'Participants'],
  volunteer_capacity: ['志工名額', 'Volunteer places'], published: ['公開給志工報名', 'Published to volunteers'],
  arrive: ['到達打卡', 'Check in (arrive)'], depart: ['離開打卡', 'Check out (depart)'],
  locating: ['定位中…', 'Locating…'], accuracy: ['精確度 ±{m} 公尺', 'accuracy ±{m} m'],
  geo_denied: ['無法取得位置：{msg}', 'No position: {msg}'],
  distance: ['距離 {m} 公尺', '{m} m away'], skew: ['手機時鐘與伺服器相差 {d}', 'phone clock off by {d}'],
  geofence_later: ['已排隊，上線後由伺服器判定範圍', 'Queued; the server answers the geofence when online'],
  photo_take: ['拍照', 'Take photo'], photo_choose: ['選擇照片', 'Choose photo'],
  photo_queued: ['照片已排隊上傳', 'Photo queued for upload'],
  complete: ['結案', 'Complete record'], completed_queued: ['結案已排隊', 'Completion queued'],
  checkins: ['打卡紀錄', 'Check-ins'], attachments: ['附件', 'Attachments'],
  back: ['返回', 'Back'], refresh: ['重新整理', 'Refresh'],
  pending_title: ['帳號審核中', 'Account waiting for approval'],
  pending_body: ['您的志工帳號尚待政風處核准，核准後即可報名活動。', 'A manager must approve your volunteer account before you can sign up for events.'],
  check_again: ['再次確認', 'Check again'],
  free_places: ['尚餘名額 {n}', '{n} places free'], capacity: ['名額 {n}', '{n} places'],
  sign_up: ['報名', 'Sign up'], cancel_signup: ['取消報名', 'Cancel sign-up'],
  signup_queued: ['報名已排隊', 'Sign-up queued'], cancel_queued: ['取消已排隊', 'Cancellation queued'],
  no_events: ['目前沒有開放報名的活動。', 'No published events.'],
  year: ['年度', 'Year'], hours: ['時數', 'Hours'], total_hours: ['總時數 {h} 小時', '{h} hours in total'],
  pending_hours: ['另有 {h} 小時待確認（簽到位置不在活動地點，待政風處確認後列計）', '{h} more hours wait for confirmation (you checked in away from the site)'],
  ends_at: ['結束時間', 'Ends'],
  att_confirmed: ['已確認', 'Confirmed'], att_unconfirmed: ['待確認', 'Unconfirmed'], att_rejected: ['不採認', 'Rejected'],
  checkin_window: ['簽到時間：{from} 至 {to}', 'Check-in: {from} to {to}'],
  checkin_opens: ['尚未開放簽到：活動開始前 1 小時（{at}）起才能簽到', 'Check-in is not open yet: it opens at {at}, 1 hour before the event'],
  checkin_closed: ['簽到已截止：活動結束後 1 小時（{at}）為止', 'Check-in has closed: it closed at {at}, 1 hour after the event'],
  cancel_after_arrival: ['您已在活動簽到，無法取消報名', 'You have checked in at this event; the sign-up can no longer be cancelled'],
  roster: ['志工名單', 'Volunteers'], roster_hours: ['已確認 {c} 小時 · 待確認 {u} 小時', '{c} h confirmed · {u} h unconfirmed'],
  confirm: ['確認', 'Confirm'], reject: ['不採認', 'Reject'], decision_queued: ['審核結果已排隊', 'Decision queued'],
  signup_cancelled: ['已取消報名', 'cancelled'], no_signups: ['尚無志工報名。', 'No volunteers signed up.'],
  show: ['查詢', 'Show'], download_csv: ['下載 CSV', 'Download CSV'], download_xlsx: ['下載 Excel', 'Download XLSX'],
  kpi: ['指標', 'KPI'], target: ['目標', 'Target'], actual: ['實績', 'Actual'], achieved: ['達成', 'Met'],
  yes: ['是', 'yes'], no: ['否', 'no'], on_track: ['進度符合', 'on track'], behind: ['進度落後', 'behind'],
  chart_title: ['實績占目標百分比', 'Actual as % of target'], no_target: ['未設目標', 'no target'],
  approve: ['核准', 'Approve'], approve_queued: ['核准已排隊', 'Approval queued'],
  no_pending: ['沒有待審核的志工。', 'No volunteers waiting.'],
  manager_cannot_list: ['伺服器目前只允許系統管理者列出待審核帳號（{code}）；主管可依帳號 ID 核准。', 'Only admins may list pending accounts on this server ({code}); a manager can approve by account id.'],
  user_id: ['帳號 ID', 'Account id'],
  roc: ['民國 {y} 年', 'ROC year {y}'],
  choose: ['請選擇…', 'Choose…'], choose_unit: ['請選擇機關或學校…', 'Choose the agency or school…'],
  unit_search: ['輸入名稱搜尋機關', 'Type to search agencies'], unit_unknown: ['（未知機關）', '(unknown agency)'],
  position_set: ['已設定地點位置。', 'The site position is set.'], position_none: ['尚未設定位置（可按上方按鈕以目前位置設定）。', 'No position yet (use the button above at the site).'],
  see_on_map: ['在地圖上查看', 'See on a map'], coords_manual: ['手動輸入座標（進階）', 'Type coordinates (advanced)'],
  required_note: ['標示 * 的欄位必填', 'Fields marked * are required'], complete_save: ['確認結案', 'Complete the record'],
  not_yet: ['尚未檢查', 'not checked yet'], needed_to_complete: ['結案時必填', 'needed to complete'],
  fix_fields: ['請修正標示的欄位後再儲存。', 'Please correct the marked fields and save again.'],
  next_fix: ['伺服器退回：請開啟修正後重送', 'Refused by the server: open, correct and resend'],
  next_queued: ['等網路恢復後自動送出', 'Sent automatically when online'],
  next_overdue: ['已逾期：請到場打卡，或改期、取消', 'Overdue: check in on site, or reschedule or cancel'],
  next_arrive: ['到場後按「到達打卡」', 'Tap “Check in (arrive)” on site'],
  next_complete: ['完成後按「結案」，需填寫{what}', 'When done, tap “Complete” and give the {what}'],
  next_late: ['已結案（逾期登錄）', 'Completed (entered late)'], next_done: ['已結案', 'Completed'], next_cancelled: ['已取消', 'Cancelled'],
  queued_failed: ['被退回', 'refused'], overdue: ['逾期', 'overdue'],
  overdue_h: ['逾期未辦（{n}）', 'Overdue ({n})'], in_progress_h: ['進行中', 'In progress'], none_in_progress: ['沒有進行中的紀錄。', 'Nothing in progress.'],
  done_h: ['最近結案', 'Recently completed'], none_done: ['尚無結案紀錄。', 'Nothing completed yet.'], all_done: ['查看全部已結案紀錄', 'All completed records'],
  more: ['載入更多', 'Load more'], no_results: ['沒有符合的紀錄。', 'No matching records.'], results: ['搜尋結果', 'Results'],
  search_ph: ['搜尋標題、案號、備註', 'Search title, case no., notes'], search: ['搜尋', 'Search'], filters: ['篩選條件', 'Filters'],
  all_kinds: ['全部類別', 'All kinds'], all_statuses: ['全部狀態', 'All statuses'], all_units: ['全部機關', 'All agencies'],
  date_from: ['起日', 'From'], date_to: ['迄日', 'To'], clear_search: ['清除搜尋，回到首頁', 'Clear the search'],
  discarded_h: ['已放棄（7 天內可復原）', 'Discarded (restorable for 7 days)'],
  discarded_note: ['放棄的資料在這支手機上保留 7 天，可隨時復原後修正重送。', 'Discarded items are kept on this phone for 7 days; restore one to fix and resend it.'],
  discarded_on: ['放棄於 {at}', 'discarded {at}'], restore: ['復原', 'Restore'], restored: ['已復原到待送出佇列', 'Restored to the queue'],
  edit: ['編輯', 'Edit'], completed_ok: ['已結案', 'Completed'], saved_ok: ['已儲存', 'Saved'],
  conflict_h: ['這筆紀錄已被他人更新', 'Someone else changed this record'],
  conflict_body: ['在您編輯時，伺服器上的資料已被修改。請比對下表，選擇保留您的內容或採用伺服器的內容，不必重新輸入。', 'The record changed on the server while you edited it. Compare and choose; nothing needs retyping.'],
  field: ['欄位', 'Field'], server_copy: ['伺服器上', 'On the server'], my_copy: ['我的修改', 'Mine'],
  keep_mine: ['保留我的修改', 'Keep mine'], take_server: ['採用伺服器的', 'Take the server’s'], took_server: ['已採用伺服器上的內容', 'Took the server’s copy'],
  fix_gone: ['這筆待送資料已不在佇列中（可能已送出或已放棄）。', 'This queued item is no longer waiting (sent or discarded).'],
  fix_intro: ['伺服器退回了這筆資料。您輸入的內容都還在，請依紅字修正後按「儲存」，排在後面的打卡與照片會接著送出。', 'The server refused this item. Everything you typed is here: correct the fields in red and save; the check-ins and photos behind it follow.'],
  fix_title: ['修正後重送', 'Correct and resend'], resent: ['已修正，重新排隊送出', 'Corrected and queued again'],
  fix_open: ['開啟修正', 'Open and fix'],
  discard_confirm: ['確定放棄？副本會保留 7 天。', 'Discard? A copy is kept for 7 days.'],
  discard_yes: ['確定放棄', 'Discard'], discard_no: ['不要', 'Keep'], discarded_toast: ['已放棄；7 天內可在首頁復原', 'Discarded; restore it from home within 7 days'],
  blocked_note: ['前一筆被退回，修正後會接著送出', 'Waits for the refused item before it'],
  geo_unavailable: ['這支手機無法定位', 'This phone cannot locate'],
  started_at: ['開始時間', 'Started'], completed_at: ['完成時間', 'Completed'],
  not_sent_yet: ['這筆紀錄尚未送達伺服器。', 'This record has not reached the server yet.'],
  no_checkins: ['尚無打卡紀錄。', 'No check-ins yet.'],
  cancel_record: ['取消這筆紀錄', 'Cancel the record'], keep_record: ['不取消', 'Keep it'],
  cancel_reason: ['取消原因', 'Reason for cancelling'], cancel_reason_needed: ['請填寫取消原因。', 'Please give a reason.'],
  cancel_queued: ['取消已排隊送出', 'Cancellation queued'],
  refused_here: ['這筆紀錄有一項修改被伺服器退回。', 'A change of this record was refused by the server.'], open_fix: ['開啟修正', 'Open and fix'],
  attachment: ['附件', 'Attachment'], history: ['歷程', 'History'],
  h_created: ['{at} 建立', 'Created {at}'], h_started: ['{at} 到場（開始辦理）', 'Started {at}'],
  h_completed: ['{at} 結案', 'Completed {at}'], h_updated: ['{at} 最後修改（第 {v} 版）', 'Last changed {at} (version {v})'],
  required: ['必填', 'required'],
  error: ['錯誤', 'Error'],

  // ---- volunteer screens (events, hours, certificate)
  events_upcoming: ['即將舉行的活動', 'Upcoming events'], events_past: ['已結束的活動', 'Past events'],
  open_map: ['在地圖開啟', 'Open in maps'], open_map_of: ['在地圖開啟 {place}', 'Open {place} in maps'],
  vol_state_open: ['可報名', 'Open for sign-up'], vol_state_signed: ['已報名', 'Signed up'], vol_state_full: ['已額滿', 'Full'],
  vol_state_none: ['不開放報名', 'No sign-ups'], vol_state_started: ['已開始，報名截止', 'Started; sign-ups closed'],
  vol_state_ended: ['已結束', 'Ended'], vol_state_cancelled: ['已取消', 'Cancelled'],
  vol_arrive: ['簽到', 'Check in'], vol_depart: ['簽退', 'Check out'],
  signup_done: ['報名成功', 'You are signed up'], cancel_done: ['已取消報名', 'Sign-up cancelled'],
  checkin_queued: ['簽到已存在手機，上線後送出', 'Check-in kept on this phone; sent when online'],
  arrived_ok: ['已簽到', 'Checked in'], departed_ok: ['已簽退', 'Checked out'],
  checkin_from: ['可於 {at} 起簽到', 'Check-in opens {at}'],
  vol_err_network: ['網路不通，請稍後再試。', 'No connection; try again later.'],
  vol_err_full: ['名額已滿，無法報名。', 'The event is full.'],
  vol_err_period_closed: ['該年度已結算，無法再簽到。', 'That year is closed; check-ins are no longer accepted.'],
  vol_err_no_signup: ['您未報名此活動，無法簽到。', 'You are not signed up for this event.'],
  vol_err_forbidden: ['您的帳號無法執行此操作。', 'Your account cannot do this.'],
  vol_err_not_found: ['找不到此活動，可能已下架。', 'This event is no longer listed.'],
  vol_err_unauthenticated: ['請重新登入。', 'Please sign in again.'],
  vol_err_started: ['活動已開始，報名已截止。', 'The event has started; sign-ups are closed.'],
  vol_err_cancelled: ['活動已取消。', 'The event is cancelled.'],
  vol_err_no_signups: ['此活動不開放志工報名。', 'This event takes no sign-ups.'],
  vol_err_conflict: ['活動狀態已變更，請重新整理。', 'The event changed; refresh the page.'],
  vol_err_invalid: ['資料有誤，請重新操作。', 'Something was not accepted; try again.'],
  vol_err_rate_limited: ['操作太頻繁，請稍候再試。', 'Too many tries; wait a moment.'],
  vol_err_other: ['伺服器暫時無法處理，請稍後再試。', 'The server could not do this now; try again later.'],
  total_hm: ['已確認時數 {hm}（時:分）', 'Confirmed hours {hm} (h:mm)'],
  pending_hm: ['另有 {hm}（時:分）待確認，政風處確認後列計', '{hm} (h:mm) more wait for confirmation'],
  hm_hint: ['時:分', 'hours:minutes'],
  hours_confirmed: ['已確認的服務', 'Confirmed service'], hours_waiting: ['待確認', 'Waiting for confirmation'],
  hours_signed_up: ['已報名、尚無時數', 'Signed up, no hours yet'],
  no_hours_yet: ['尚無時數', 'no hours yet'], still_open: ['已簽到，尚未簽退', 'checked in, not yet out'], none_yet: ['尚無資料。', 'Nothing yet.'],
  cert_title: ['志工服務時數證明', 'Volunteer service hours certificate'],
  cert_body: ['茲證明 {name} 於民國 {y} 年擔任{office}廉政志工，服務紀錄如下：', 'This certifies that {name} served as an integrity volunteer of the {office} in {y}:'],
  cert_date: ['日期', 'Date'], cert_event: ['活動', 'Event'], cert_hours: ['時數（時:分）', 'Hours (h:mm)'],
  cert_total: ['合計', 'Total'], cert_none: ['本年度尚無已確認的服務時數。', 'No confirmed hours this year.'],
  cert_issuer: ['{office}', '{office}'], cert_issued: ['列印日期：{d}', 'Printed: {d}'],
  cert_print: ['列印服務時數證明', 'Print certificate'],
  cert_hint: ['在列印畫面選「另存為 PDF」即可存成檔案。', 'Choose “Save as PDF” in the print dialog to keep a file.'],
  auth_err_wrong: ['帳號或密碼錯誤，請再試一次。', 'Wrong username or password; try again.'],
  auth_err_disabled: ['此帳號已停用，請洽政風處。', 'This account is disabled; contact the office.'],
  auth_err_taken: ['此帳號名稱已有人使用，請換一個。', 'That username is taken; choose another.'],
  auth_err_fields: ['請檢查：{f}', 'Please check: {f}'],
  office_name: ['嘉義市政府政風處', 'Department of Civil Service Ethics, Chiayi City Government'],

  // ---- registered sites and the map preview
  site_pick: ['機關登記的地點', 'Registered sites of the agency'], site_pick_choose: ['請選擇登記地點…', 'Choose a registered site…'],
  site_pick_loading: ['讀取登記地點中…', 'Loading the sites…'], site_pick_unit_first: ['請先選擇受稽機關', 'Choose the agency first'],
  site_pick_none: ['此機關尚未登記地點', 'No registered sites'], site_pick_offline: ['離線中，無法讀取登記地點', 'Offline: sites cannot be loaded'],
  site_pick_hint: ['選擇後會自動填入地點名稱、地址與範圍。', 'Picking one fills in the name, address and radius.'],
  site_pick_other: ['可按「以目前位置為地點」，或直接輸入地點名稱與地址。', 'Use your position, or type the site name and address.'],
  site_or: ['或', 'or'], site_position: ['位置', 'Position'],
  map_title: ['{name} 的位置與打卡範圍', 'Position and check-in area of {name}'], map_site: ['地點', 'Site'], map_you: ['您的位置', 'You'],
  map_north: ['↑北', '↑N'], map_radius: ['打卡範圍半徑 {m}\u00a0公尺', 'check-in radius {m}\u00a0m'],
  map_inside: ['您在範圍內（距中心 {m}\u00a0公尺）', 'you are inside ({m}\u00a0m from the centre)'],
  map_outside: ['您在範圍外，距離約 {m}', 'you are outside, about {m} away'],
  open_in_maps: ['在地圖中開啟', 'Open in maps'], km: ['公里', 'km'], m: ['公尺', 'm'],
  // ---- a record's history
  h_none: ['尚無歷程。', 'No history yet.'], h_system: ['系統', 'The system'],
  h_ev_created: ['建立紀錄', 'created the record'], h_ev_started: ['到場，紀錄轉為進行中', 'arrived; the record is in progress'],
  h_ev_arrived: ['到達打卡', 'checked in'], h_ev_departed: ['離開打卡', 'checked out'], h_ev_photo: ['新增照片或附件', 'added a photo or file'],
  h_ev_completed: ['結案', 'completed the record'], h_ev_cancelled: ['取消紀錄', 'cancelled the record'],
  h_ev_status: ['狀態改為{s}', 'set the status to {s}'], h_ev_edited: ['修改了{f}', 'changed {f}'], h_ev_edited_plain: ['修改紀錄', 'edited the record'],
  h_ev_approved: ['核閱通過', 'approved the record in review'], h_ev_returned: ['退回補正', 'returned the record for correction'],
  h_ev_other: ['其他異動', 'another change'], h_field_other: ['其他欄位', 'another field'], owner_id: ['承辦人', 'officer in charge'], h_late: ['逾期登錄，待主管審閱', 'entered late; for a manager’s review'],
  role_admin: ['系統管理者', 'admin'], role_manager: ['主管', 'manager'], role_officer: ['政風人員', 'officer'], role_volunteer: ['志工', 'volunteer'],
  // ---- version conflicts
  conflict_count: ['共 {n} 個欄位不同，其中 {mine} 個是您修改的。', '{n} fields differ; you changed {mine} of them.'],
  conflict_yours: ['您修改的：按「保留我的修改」才會送出', 'yours: sent when you keep yours'],
  conflict_theirs: ['他人修改的：一律保留伺服器上的內容', 'theirs: the server’s value stays either way'],
};

export const getLang = () => lang;
export function setLang(l) {
  lang = l;
  localStorage.setItem(LANG_KEY, l);
  document.documentElement.lang = l === 'en' ? 'en' : 'zh-Hant-TW';
}
document.documentElement.lang = lang === 'en' ? 'en' : 'zh-Hant-TW';

/** t translates a key, filling {name} placeholders. */
export function t(key, vars = {}) {
  const e = dict[key];
  let s = e ? e[lang === 'en' ? 1 : 0] : key;
  for (const [k, v] of Object.entries(vars)) s = s.replaceAll('{' + k + '}', String(v));
  return s;
}

/** setMeta keeps the enumerations of GET /api/v1/meta. */
export function setMeta(m) { metaLabels = m || {}; }
export const metaGroup = (group) => metaLabels[group] || [];

/** label is the label of one value of a /meta group, in the current language. */
export function label(group, value) {
  const l = (metaLabels[group] || []).find((x) => x.value === value);
  if (!l) return value ?? '';
  return lang === 'en' ? l.en : l.zh_tw;
}

/** fmtDate formats a timestamp in the phone's time zone, as the office reads
 * it (民國 date, 上午/下午 time that does not wrap); see format.js. */
export function fmtDate(iso, withTime = true) {
  if (!iso) return '';
  return withTime ? formatDateTime(iso, { year: false }) : formatDate(iso, { weekday: false });
}

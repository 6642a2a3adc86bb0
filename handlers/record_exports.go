package handlers

import (
	"fmt"
	"time"

	"github.com/gin-gonic/gin"

	"ethicsops/models"
	"ethicsops/services"
)

// labels are the words a clerk reads for the API's enum values.
var labels = map[string][2]string{
	models.KindProcurementSupervision: {"採購監辦", "Procurement supervision"},
	models.KindSecurityMaintenance:    {"專案維護", "Security maintenance"},
	models.KindPetition:               {"陳情請願", "Petition"},
	models.KindSafetyInspection:       {"安全維護檢查", "Safety inspection"},
	models.KindInfosecAudit:           {"資訊安全稽核", "Information security audit"},
	models.KindOutreachEvent:          {"反貪宣導活動", "Outreach event"},
	models.KindEthicsPromotion:        {"廉政倫理宣導", "Ethics promotion"},

	"status." + models.ActivityPlanned:    {"預定", "Planned"},
	"status." + models.ActivityInProgress: {"進行中", "In progress"},
	"status." + models.ActivityCompleted:  {"已結案", "Completed"},
	"status." + models.ActivityCancelled:  {"已取消", "Cancelled"},

	"scale.large":   {"大型", "Large"},
	"scale.regular": {"一般", "Regular"},

	"signup." + models.SignupActive:    {"已報名", "Signed up"},
	"signup." + models.SignupCancelled: {"已取消報名", "Cancelled"},

	"attendance.": {"未到", "Not arrived"},
	"attendance." + models.AttendanceConfirmed:   {"已確認", "Confirmed"},
	"attendance." + models.AttendanceUnconfirmed: {"待確認", "Waiting for a manager"},
	"attendance." + models.AttendanceRejected:    {"未採認", "Rejected"},

	"declaration." + models.DeclarationRegular:      {"定期申報", "Regular"},
	"declaration." + models.DeclarationOnAssumption: {"就（到）職申報", "On assumption of office"},
	"declaration." + models.DeclarationOnLeaving:    {"卸（離）職申報", "On leaving office"},

	"filing." + models.DeclarationFiledOnTime: {"依限申報", "Filed on time"},
	"filing." + models.DeclarationFiledLate:   {"逾期申報", "Filed late"},
	"filing." + models.DeclarationNotFiled:    {"逾期未申報", "Not filed"},
	"filing." + models.DeclarationNotYetDue:   {"尚未到期", "Not yet due"},
}

// label is the word for key, or the key itself when there is none (a value
// added later still shows, in the API's words).
func label(key string, en bool) any {
	l, ok := labels[key]
	if !ok {
		_, v, found := cutDot(key)
		if !found {
			v = key
		}
		if v == "" {
			return nil
		}
		return v
	}
	return pick(l, en)
}

func cutDot(s string) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// text is s as a cell: nil (empty) for "".
func text(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// nameOr is a name looked up by id, the id when the row is gone.
func nameOr(m map[string]string, id string) any {
	if n := m[id]; n != "" {
		return n
	}
	return text(id)
}

func stampTitle(title string, period string, st services.ExportStamp, en bool) []string {
	lines := []string{office(en) + " " + title}
	if period != "" {
		lines = append(lines, period)
	}
	return append(lines, producedLine(st.At, st.Loc, st.By, en))
}

var activityColumns = []exportCol{
	{"排定時間", "Scheduled at"}, {"類別", "Kind"}, {"標題", "Title"}, {"受稽機關／學校", "Agency or school"}, {"承辦人", "Owner"},
	{"狀態", "Status"}, {"地點", "Site"}, {"地址", "Address"}, {"案號", "Case no."}, {"規模", "Scale"}, {"開始時間", "Started at"},
	{"結案時間", "Completed at"}, {"逾期登錄", "Entered late"}, {"備註", "Notes"}, {"紀錄編號", "Record id"},
}

// ExportActivities godoc
//
//	@Summary		Download the record list (CSV or XLSX)
//	@Description	The records of `GET /activities` with the same filters (not paged: every matching record, at most 10,000; more is 422 validation_failed asking to narrow the filters), in Traditional Chinese (`lang=en`: English). CSV: UTF-8 with BOM, one header row; text cells that a spreadsheet would read as a formula (starting with = + - @, tab or CR) are prefixed with an apostrophe. XLSX: a title block (office, filter period, produced at and by, 民國 dates), bold header frozen and repeated on printed pages, A4 landscape one page wide. Audited as activities.export with the filter and the record ids. Who: officers, managers and admins.
//	@ID				exportActivities
//	@Tags			activities
//	@Produce		json
//	@Produce		text/csv
//	@Produce		application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
//	@Security		BearerAuth
//	@Param			format		query		string				true	"csv or xlsx"				Enums(csv,xlsx)
//	@Param			lang		query		string				false	"language (default zh-TW)"	Enums(zh-TW,en)
//	@Param			kind		query		string				false	"kind"						Enums(procurement_supervision,security_maintenance,petition,safety_inspection,infosec_audit,outreach_event,ethics_promotion,opinion_visit)
//	@Param			status		query		string				false	"status"					Enums(planned,in_progress,completed,cancelled)
//	@Param			unit_id		query		string				false	"unit"
//	@Param			owner_id	query		string				false	"owner (officer)"
//	@Param			from		query		string				false	"scheduled_at at or after (RFC 3339)"
//	@Param			to			query		string				false	"scheduled_at before (RFC 3339)"
//	@Param			q			query		string				false	"words in the title or the procurement case number"
//	@Param			late_entry	query		bool				false	"completions recorded more than 31 days after completed_at (true) or not (false)"
//	@Param			review		query		string				false	"review state"					Enums(pending,approved,returned)
//	@Param			sort		query		string				false	"order (default -scheduled_at)"	Enums(scheduled_at,-scheduled_at,updated_at,-updated_at,created_at,-created_at,completed_at,-completed_at)
//	@Success		200			{file}		file				"the CSV or XLSX file (Content-Disposition: attachment)"
//	@Header			200			{string}	Content-Disposition	"attachment with filename (ASCII) and, when the name is not ASCII, filename* (UTF-8)"
//	@Failure		400			{object}	ErrorResponse
//	@Failure		401			{object}	ErrorResponse
//	@Failure		403			{object}	ErrorResponse
//	@Failure		422			{object}	ErrorResponse	"more than 10,000 records: narrow the filters; or a time out of bounds"
//	@Failure		500			{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503			{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503			{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/activities/export [get]
func (h *Handler) ExportActivities(c *gin.Context) {
	get, err := query(c, "format", "lang", "kind", "status", "unit_id", "owner_id", "from", "to", "q", "sort", "late_entry", "review")
	if err != nil {
		fail(c, err)
		return
	}
	format, en, err := exportParams(get)
	if err != nil {
		fail(c, err)
		return
	}
	f, err := activityFilter(get)
	if err != nil {
		fail(c, err)
		return
	}
	x, err := h.Activities.Export(c.Request.Context(), actor(c), f, format)
	if err != nil {
		fail(c, err)
		return
	}
	loc := x.Stamp.Loc
	rows := make([][]any, len(x.Items))
	for i, a := range x.Items {
		var scale any
		if a.Scale != "" {
			scale = label("scale."+a.Scale, en)
		}
		rows[i] = []any{when(a.ScheduledAt, loc, en), label(a.Kind, en), a.Title, nameOr(x.Names.Units, a.UnitID), nameOr(x.Names.Users, a.OwnerID),
			label("status."+a.Status, en), text(a.SiteName), text(a.SiteAddress), text(a.CaseNo), scale, optTime(a.StartedAt, loc, en),
			optTime(a.CompletedAt, loc, en), yesNo(a.LateEntry, en), text(a.Notes), a.ID}
	}
	period := ""
	if f.From != nil || f.To != nil {
		from, to := "", ""
		if f.From != nil {
			from = rocDate(*f.From, loc)
		}
		if f.To != nil {
			to = rocDate(f.To.Add(-time.Nanosecond), loc) // to is exclusive
		}
		period = pick([2]string{"排定期間：" + from + "至" + to, "Scheduled: " + from + " to " + to}, en)
	}
	doc := exportDoc{title: stampTitle(pick([2]string{"業務紀錄清冊", "record list"}, en), period, x.Stamp, en),
		sheets: []exportSheet{{name: pick([2]string{"業務紀錄", "Records"}, en), cols: activityColumns, rows: rows}}}
	writeExport(c, format, "ethicsops-activities-"+x.Stamp.At.In(loc).Format("20060102"), doc, en)
}

var rosterColumns = []exportCol{
	{"序號", "No."}, {"志工", "Volunteer"}, {"報名狀態", "Sign-up"}, {"報名時間", "Signed up at"}, {"取消時間", "Cancelled at"},
	{"簽到時間", "Arrived at"}, {"簽退時間", "Departed at"}, {"出席確認", "Attendance"}, {"現場簽到", "On site"},
	{"採認時數", "Confirmed hours"}, {"待確認時數", "Hours waiting"}, {"審核說明", "Decision reason"},
}

// ExportSignups godoc
//
//	@Summary		Download an event's volunteer roster (CSV or XLSX)
//	@Description	The rows of `GET /activities/{id}/signups` (same rules: staff, 404 for an activity they cannot read), with attendance and hours, in Traditional Chinese (`lang=en`: English). The XLSX has a title block with the event, its time and owner. Volunteers' names are personal data: every download is audited as signups.export with the reader and the volunteers. Who: officers, managers and admins.
//	@ID				exportSignups
//	@Tags			volunteers
//	@Produce		json
//	@Produce		text/csv
//	@Produce		application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
//	@Security		BearerAuth
//	@Param			id		path		string				true	"activity id"
//	@Param			format	query		string				true	"csv or xlsx"				Enums(csv,xlsx)
//	@Param			lang	query		string				false	"language (default zh-TW)"	Enums(zh-TW,en)
//	@Success		200		{file}		file				"the CSV or XLSX file (Content-Disposition: attachment)"
//	@Header			200		{string}	Content-Disposition	"attachment with filename (ASCII) and, when the name is not ASCII, filename* (UTF-8)"
//	@Failure		400		{object}	ErrorResponse
//	@Failure		401		{object}	ErrorResponse
//	@Failure		403		{object}	ErrorResponse
//	@Failure		404		{object}	ErrorResponse
//	@Failure		500		{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503		{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503		{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/activities/{id}/signups/export [get]
func (h *Handler) ExportSignups(c *gin.Context) {
	get, err := query(c, "format", "lang")
	if err != nil {
		fail(c, err)
		return
	}
	format, en, err := exportParams(get)
	if err != nil {
		fail(c, err)
		return
	}
	x, err := h.Volunteers.ExportRoster(c.Request.Context(), actor(c), c.Param("id"), format)
	if err != nil {
		fail(c, err)
		return
	}
	loc := x.Stamp.Loc
	rows := make([][]any, len(x.Entries))
	for i, e := range x.Entries {
		a := e.Attendance
		var onSite, confirmed, waiting any
		if a.ArrivedAt != nil {
			onSite = yesNo(a.OnSite, en)
			confirmed, waiting = hours(a.ConfirmedHours()), hours(a.UnconfirmedHours())
		}
		rows[i] = []any{plain(i + 1), e.DisplayName, label("signup."+e.Signup.Status, en), when(e.Signup.CreatedAt, loc, en),
			optTime(e.Signup.CancelledAt, loc, en), optTime(a.ArrivedAt, loc, en), optTime(a.DepartedAt, loc, en), label("attendance."+a.Status, en),
			onSite, confirmed, waiting, text(e.Signup.DecisionReason)}
	}
	ev := x.Activity
	period := fmt.Sprintf("%s　%s　%s", ev.Title, rocDateTime(ev.ScheduledAt, loc), nameOr(x.Names.Users, ev.OwnerID))
	if en {
		period = fmt.Sprintf("%s, %s, owner %s", ev.Title, ev.ScheduledAt.In(loc).Format("2006-01-02 15:04"), nameOr(x.Names.Users, ev.OwnerID))
	}
	doc := exportDoc{title: stampTitle(pick([2]string{"志工名冊", "volunteer roster"}, en), period, x.Stamp, en),
		sheets: []exportSheet{{name: pick([2]string{"志工名冊", "Roster"}, en), cols: rosterColumns, rows: rows}}}
	writeExport(c, format, "ethicsops-roster-"+ev.ScheduledAt.In(loc).Format("20060102")+"-"+ev.ID[:8], doc, en)
}

var declarationColumns = []exportCol{
	{"申報年度（民國）", "Roster year (ROC)"}, {"機關", "Unit"}, {"申報人", "Declarant"}, {"職稱", "Position"}, {"申報類別", "Type"},
	{"申報期限", "Due date"}, {"申報時間", "Filed at"}, {"申報狀態", "Status"},
}

// ExportDeclarations godoc
//
//	@Summary		Download the property-declaration roster (CSV or XLSX)
//	@Description	The roster of `GET /declarations` with the same filters, every matching row (at most 10,000; more is 422 validation_failed asking to narrow the filters), ordered by due date, in Traditional Chinese (`lang=en`: English). `GET /declarations` itself stays JSON (a format parameter there is 400): downloads of every list live at `…/export`. Every download is audited as declarations.export with the reader, the filter and the rows, like a read of the roster. Who: officers, managers and admins.
//	@ID				exportDeclarations
//	@Tags			declarations
//	@Produce		json
//	@Produce		text/csv
//	@Produce		application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
//	@Security		BearerAuth
//	@Param			format	query		string				true	"csv or xlsx"				Enums(csv,xlsx)
//	@Param			lang	query		string				false	"language (default zh-TW)"	Enums(zh-TW,en)
//	@Param			year	query		int					false	"roster year (Gregorian)"
//	@Param			unit_id	query		string				false	"unit"
//	@Param			type	query		string				false	"declaration type"	Enums(regular,on_assumption,on_leaving)
//	@Param			status	query		string				false	"filing status"		Enums(filed_on_time,filed_late,not_filed,not_yet_due)
//	@Success		200		{file}		file				"the CSV or XLSX file (Content-Disposition: attachment)"
//	@Header			200		{string}	Content-Disposition	"attachment with filename (ASCII) and, when the name is not ASCII, filename* (UTF-8)"
//	@Failure		400		{object}	ErrorResponse
//	@Failure		401		{object}	ErrorResponse
//	@Failure		403		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse	"more than 10,000 rows: narrow the filters; or a year out of bounds"
//	@Failure		500		{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503		{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503		{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/declarations/export [get]
func (h *Handler) ExportDeclarations(c *gin.Context) {
	get, err := query(c, "format", "lang", "year", "unit_id", "type", "status")
	if err != nil {
		fail(c, err)
		return
	}
	format, en, err := exportParams(get)
	if err != nil {
		fail(c, err)
		return
	}
	year, err := intParam(get, "year")
	if err != nil {
		fail(c, err)
		return
	}
	x, err := h.Declarations.Export(c.Request.Context(), actor(c), services.DeclarationFilter{
		Year: year, UnitID: get("unit_id"), Type: get("type"), Status: get("status")}, format)
	if err != nil {
		fail(c, err)
		return
	}
	loc := x.Stamp.Loc
	rows := make([][]any, len(x.Items))
	for i, d := range x.Items {
		due := d.DueDate
		if t, err := time.Parse(time.DateOnly, d.DueDate); err == nil {
			due = fmt.Sprintf("%03d/%02d/%02d", services.ROCYear(t.Year()), t.Month(), t.Day())
			if en {
				due = d.DueDate
			}
		}
		rows[i] = []any{plain(services.ROCYear(d.Year)), nameOr(x.Names.Units, d.UnitID), d.DeclarantName, text(d.Position),
			label("declaration."+d.Type, en), due, optTime(d.FiledAt, loc, en), label("filing."+d.Status, en)}
	}
	title, base := pick([2]string{"公職人員財產申報名冊", "property-declaration roster"}, en), "ethicsops-declarations"
	period := ""
	if year != 0 {
		period = pick([2]string{fmt.Sprintf("申報年度：%d年", services.ROCYear(year)), fmt.Sprintf("Roster year: %d", year)}, en)
		base += fmt.Sprintf("-%d", year)
	}
	doc := exportDoc{title: stampTitle(title, period, x.Stamp, en),
		sheets: []exportSheet{{name: pick([2]string{"財產申報名冊", "Roster"}, en), cols: declarationColumns, rows: rows}}}
	writeExport(c, format, base, doc, en)
}

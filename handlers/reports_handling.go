package handlers

import (
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"ethicsops/models"
	"ethicsops/services"
	"ethicsops/services/reports"
)

// The handler side of the whistle-blowing reports: the designated handlers'
// queue, the audited reading of a report, assignment, the workflow and the
// messages; the counts for managers and admins.

// ReportPersonDTO is a staff account named on a report (never shown to the
// reporter).
type ReportPersonDTO struct {
	ID          string `json:"id" example:"0192f1c4-7a8e-7b3e-9c1d-2f5e8a9b0c1d" binding:"required"`
	DisplayName string `json:"display_name" example:"陳承辦" binding:"required"`
}

func toReportPerson(p *reports.Person) *ReportPersonDTO {
	if p == nil {
		return nil
	}
	return &ReportPersonDTO{ID: p.ID, DisplayName: p.DisplayName}
}

// ReportQueueItemDTO is one report of the handlers' queue: routing and
// deadlines, never its content.
type ReportQueueItemDTO struct {
	ID string `json:"id" example:"0192f1c4-7a8e-7b3e-9c1d-2f5e8a9b0c1d" binding:"required"`
	// Ref is the office's reference: the 民國 year and the number within it.
	Ref             string     `json:"ref" example:"115-0007" binding:"required"`
	State           string     `json:"state" enums:"received,assessing,referred,closed" example:"received" binding:"required"`
	Channel         string     `json:"channel" enums:"web,letter,phone,mailbox,in_person" example:"web" binding:"required"`
	Disclosure      string     `json:"disclosure" enums:"anonymous,confidential,open" example:"anonymous" binding:"required"`
	ReceivedAt      time.Time  `json:"received_at" example:"2026-11-20T09:30:00+08:00" binding:"required"`
	FirstAnswerDue  time.Time  `json:"first_answer_due" example:"2026-12-04T23:59:59.999999+08:00" binding:"required"`
	FirstAnsweredAt *time.Time `json:"first_answered_at" extensions:"x-nullable" example:"2026-11-24T10:00:00+08:00" binding:"required"`
	AssessmentDue   time.Time  `json:"assessment_due" example:"2026-12-20T23:59:59.999999+08:00" binding:"required"`
	AssessedAt      *time.Time `json:"assessed_at" extensions:"x-nullable" example:"2026-12-10T16:00:00+08:00" binding:"required"`
	// NextDue is the earlier of the deadlines still open; null once
	// referred or closed.
	NextDue *time.Time `json:"next_due" extensions:"x-nullable" example:"2026-12-04T23:59:59.999999+08:00" binding:"required"`
	// Overdue: the next deadline has passed.
	Overdue  bool             `json:"overdue" example:"false" binding:"required"`
	Assignee *ReportPersonDTO `json:"assignee" extensions:"x-nullable" binding:"required"`
	// UnreadFromReporter counts the reporter's messages no handler has
	// written after.
	UnreadFromReporter int `json:"unread_from_reporter" example:"1" binding:"required"`
	Version            int `json:"version" example:"2" binding:"required"`
}

// localTime: times go out in UTC, as in every other answer.
func (h *Handler) localTime(t time.Time) time.Time { return t.UTC() }

func (h *Handler) localTimePtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := h.localTime(*t)
	return &v
}

func (h *Handler) toReportQueueItem(it reports.QueueItem) ReportQueueItemDTO {
	r := it.Report
	return ReportQueueItemDTO{
		ID: r.ID, Ref: it.Ref, State: r.State, Channel: r.Channel, Disclosure: r.Disclosure,
		ReceivedAt: h.localTime(r.ReceivedAt), FirstAnswerDue: h.localTime(r.FirstAnswerDue), FirstAnsweredAt: h.localTimePtr(r.FirstAnsweredAt),
		AssessmentDue: h.localTime(r.AssessmentDue), AssessedAt: h.localTimePtr(r.AssessedAt), NextDue: h.localTimePtr(it.NextDue),
		Overdue: it.Overdue, Assignee: toReportPerson(it.Assignee), UnreadFromReporter: it.UnreadFromReporter, Version: r.Version,
	}
}

// ReportQueue is a page of the handlers' queue.
type ReportQueue struct {
	Items      []ReportQueueItemDTO `json:"items" binding:"required"`
	NextCursor string               `json:"next_cursor" binding:"required" example:"eyJrIjoiMHwyMDI2LTEyLTA0VDE1OjU5OjU5Ljk5OTk5OVoiLCJpIjoiMDE5MiJ9"`
}

// ReportInvolvedDTO is who a report is about, in the reporter's words.
type ReportInvolvedDTO struct {
	Agency string `json:"agency" example:"嘉義市政府工務處" binding:"required"`
	Person string `json:"person" example:"王○○" binding:"required"`
	Role   string `json:"role" example:"採購承辦人" binding:"required"`
}

// ReportIdentityDTO is the reporter's name and contact (empty when
// anonymous).
type ReportIdentityDTO struct {
	Name  string `json:"name" example:"李小華" binding:"required"`
	Phone string `json:"phone" example:"0912-345-678" binding:"required"`
	Email string `json:"email" example:"hua@example.com" binding:"required"`
}

// ReportContentDTO is what the reporter wrote.
type ReportContentDTO struct {
	What     string            `json:"what" example:"工務處採購承辦人於驗收前收受廠商招待餐敘，疑似放水驗收。" binding:"required"`
	Involved ReportInvolvedDTO `json:"involved" binding:"required"`
	When     string            `json:"when" example:"115年10月中旬某日晚間" binding:"required"`
	Where    string            `json:"where" example:"嘉義市西區某餐廳" binding:"required"`
	HowKnown string            `json:"how_known" example:"同桌親眼所見" binding:"required"`
}

// ReportMessageDTO is one message of a report as handlers see it.
type ReportMessageDTO struct {
	ID string `json:"id" example:"0192f1c4-7a8e-7b3e-9c1d-2f5e8a9b0c1d" binding:"required"`
	// From: the reporter, or a handler ("office" to the reporter).
	From string `json:"from" enums:"reporter,handler" example:"handler" binding:"required"`
	// Author is the handler who wrote it; null for the reporter.
	Author *ReportPersonDTO `json:"author" extensions:"x-nullable" binding:"required"`
	// Internal notes are never shown to the reporter.
	Internal  bool      `json:"internal" example:"false" binding:"required"`
	Text      string    `json:"text" example:"您好，本處已收到您的檢舉，請問餐敘的日期是否記得？" binding:"required"`
	CreatedAt time.Time `json:"created_at" example:"2026-11-24T10:00:00+08:00" binding:"required"`
}

func (h *Handler) toReportMessage(m reports.Message) ReportMessageDTO {
	return ReportMessageDTO{ID: m.ID, From: m.From, Author: toReportPerson(m.Author), Internal: m.Internal, Text: m.Text, CreatedAt: h.localTime(m.At)}
}

// ReportFileDTO is one evidence file of a report.
type ReportFileDTO struct {
	ID          string    `json:"id" example:"0192f1c4-7a8e-7b3e-9c1d-2f5e8a9b0c1d" binding:"required"`
	Name        string    `json:"name" example:"收據.jpg" binding:"required"`
	Size        int64     `json:"size" example:"482113" binding:"required"`
	ContentType string    `json:"content_type" example:"image/jpeg" binding:"required"`
	From        string    `json:"from" enums:"reporter,handler" example:"reporter" binding:"required"`
	CreatedAt   time.Time `json:"created_at" example:"2026-11-20T09:30:00+08:00" binding:"required"`
}

// ReportReferralDTO is where a report was referred and when.
type ReportReferralDTO struct {
	To string `json:"to" enums:"aac,prosecutor,agency" example:"aac" binding:"required"`
	// Agency names the agency concerned for "agency" ("" otherwise).
	Agency string `json:"agency" example:"嘉義市政府工務處" binding:"required"`
	On     string `json:"on" example:"2026-12-10" binding:"required"`
}

// ReportDTO is the whole report as a handler reads it.
type ReportDTO struct {
	ReportQueueItemDTO
	Content ReportContentDTO `json:"content" binding:"required"`
	// Identity is null for an anonymous report.
	Identity *ReportIdentityDTO `json:"identity" extensions:"x-nullable" binding:"required"`
	// Involved are the staff accounts the report is about: excluded from it.
	Involved []ReportPersonDTO  `json:"involved_users" binding:"required"`
	Messages []ReportMessageDTO `json:"messages" binding:"required"`
	Files    []ReportFileDTO    `json:"files" binding:"required"`
	Referral *ReportReferralDTO `json:"referral" extensions:"x-nullable" binding:"required"`
	// ClosedReason is why the report was closed (or the note on a referral).
	ClosedReason string     `json:"outcome_reason" example:"查無具體事證，函復檢舉人後結案" binding:"required"`
	ClosedAt     *time.Time `json:"closed_at" extensions:"x-nullable" example:"2026-12-10T16:00:00+08:00" binding:"required"`
}

func (h *Handler) toReportDTO(d reports.Detail) ReportDTO {
	c := d.Content
	out := ReportDTO{
		ReportQueueItemDTO: h.toReportQueueItem(reports.QueueItem{Report: d.Report, Ref: d.Ref, Assignee: d.Assignee, NextDue: d.NextDue, Overdue: d.Overdue}),
		Content:            ReportContentDTO{What: c.What, Involved: ReportInvolvedDTO(c.Involved), When: c.When, Where: c.Where, HowKnown: c.HowKnown},
		Involved:           []ReportPersonDTO{}, Messages: []ReportMessageDTO{}, Files: []ReportFileDTO{},
		ClosedReason: c.Outcome.Reason, ClosedAt: h.localTimePtr(d.Report.ClosedAt),
	}
	if c.Identity != (reports.Identity{}) {
		id := ReportIdentityDTO(c.Identity)
		out.Identity = &id
	}
	for _, p := range d.Involved {
		out.Involved = append(out.Involved, ReportPersonDTO{ID: p.ID, DisplayName: p.DisplayName})
	}
	for _, m := range d.Messages {
		out.Messages = append(out.Messages, h.toReportMessage(m))
	}
	for _, f := range d.Files {
		out.Files = append(out.Files, ReportFileDTO{ID: f.ID, Name: f.Name, Size: f.Size, ContentType: f.ContentType, From: f.From, CreatedAt: h.localTime(f.At)})
	}
	if d.Report.ReferredTo != "" {
		out.Referral = &ReportReferralDTO{To: d.Report.ReferredTo, Agency: c.Outcome.ReferredAgency, On: d.Report.ReferredOn}
	}
	return out
}

// ListReports godoc
//
//	@Summary		The handlers' queue of whistle-blowing reports
//	@Description	The reports the caller may handle, without their content: the open ones (received, assessing) first by their next deadline (the first answer to the reporter while there is none, then the assessment), the earliest on top, overdue ones marked; then the referred and closed ones. A report about the caller (they were named as involved at assignment) is never listed. Keyset pages (limit, cursor). Who: designated report handlers only; other accounts 403 (managers and admins see GET /reports/stats).
//	@ID				listReports
//	@Tags			reports
//	@Produce		json
//	@Security		BearerAuth
//	@Param			state		query		string	false	"only reports in this state"	Enums(received,assessing,referred,closed)
//	@Param			overdue		query		bool	false	"true: only the reports whose next deadline has passed"
//	@Param			assigned	query		string	false	"me: only the reports assigned to the caller"	Enums(me)
//	@Param			limit		query		int		false	"page size (1-200, default 50)"
//	@Param			cursor		query		string	false	"next_cursor of the previous page"
//	@Success		200			{object}	ReportQueue
//	@Failure		400			{object}	ErrorResponse	"an unknown parameter or value, a bad limit or cursor"
//	@Failure		401			{object}	ErrorResponse
//	@Failure		403			{object}	ErrorResponse	"not a designated report handler"
//	@Failure		422			{object}	ErrorResponse	"an unknown state"
//	@Failure		500			{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503			{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503			{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/reports [get]
func (h *Handler) ListReports(c *gin.Context) {
	get, limit, err := listQuery(c, "state", "overdue", "assigned")
	if err != nil {
		fail(c, err)
		return
	}
	f := reports.QueueFilter{State: get("state"), Limit: limit, Cursor: get("cursor")}
	switch get("overdue") {
	case "", "false":
	case "true":
		f.Overdue = true
	default:
		fail(c, services.BadRequest("overdue must be true or false"))
		return
	}
	switch get("assigned") {
	case "":
	case "me":
		f.Mine = true
	default:
		fail(c, services.BadRequest("assigned must be me"))
		return
	}
	page, err := h.Reports.Queue(c.Request.Context(), actor(c), f)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, ReportQueue{Items: mapSlice(page.Items, h.toReportQueueItem), NextCursor: page.NextCursor})
}

// GetReport godoc
//
//	@Summary		Read a whistle-blowing report
//	@Description	The whole report, decrypted: the reporter's content, their identity when they gave it, the messages (internal notes included, with their authors), the files, the referral and the deadlines. Every read is written to the audit trail (report.read) with the reader. Who: designated report handlers (others 403); a handler the report is about (named as involved) gets 404, as for a report that does not exist.
//	@ID				getReport
//	@Tags			reports
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		string	true	"report id"
//	@Success		200	{object}	ReportDTO
//	@Failure		401	{object}	ErrorResponse
//	@Failure		403	{object}	ErrorResponse	"not a designated report handler"
//	@Failure		404	{object}	ErrorResponse	"no such report, or the report is about the caller"
//	@Failure		500	{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503	{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503	{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/reports/{id} [get]
func (h *Handler) GetReport(c *gin.Context) {
	d, err := h.Reports.Get(c.Request.Context(), actor(c), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, h.toReportDTO(d))
}

// AssignReportRequest gives a report to a handler and names the staff
// accounts it is about.
type AssignReportRequest struct {
	AssigneeID string `json:"assignee_id" example:"0192f1c4-7a8e-7b3e-9c1d-2f5e8a9b0c1d" binding:"required"`
	// InvolvedUserIDs are the accounts of the people the report is about:
	// excluded from it for good (at most 20).
	InvolvedUserIDs []string `json:"involved_user_ids" example:"0192f1c4-6a1b-7d2c-8e3f-4a5b6c7d8e9f"`
	Version         int      `json:"version" example:"1" binding:"required"`
}

// AssignReport godoc
//
//	@Summary		Assign a report to a handler
//	@Description	Gives the report to a handler and names the staff accounts it is about (involved_user_ids): these are excluded from the report from then on (they get 404 on it and never see it in the queue), even if they are handlers, and cannot be assigned it. The assignee must be an active report handler not among them. Who: designated report handlers not excluded from the report.
//	@ID				assignReport
//	@Tags			reports
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string				true	"report id"
//	@Param			body	body		AssignReportRequest	true	"assignee, involved accounts, version"
//	@Success		200		{object}	ReportDTO
//	@Failure		400		{object}	ErrorResponse
//	@Failure		401		{object}	ErrorResponse
//	@Failure		403		{object}	ErrorResponse	"not a designated report handler"
//	@Failure		404		{object}	ErrorResponse	"no such report, or the report is about the caller"
//	@Failure		409		{object}	ErrorResponse	"version_conflict: the report changed since it was read"
//	@Failure		413		{object}	ErrorResponse
//	@Failure		415		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse	"the assignee is not an active handler or is involved; an unknown involved account"
//	@Failure		500		{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503		{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503		{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/reports/{id}/assign [post]
func (h *Handler) AssignReport(c *gin.Context) {
	var req AssignReportRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	d, err := h.Reports.Assign(c.Request.Context(), actor(c), c.Param("id"), reports.Assignment{AssigneeID: req.AssigneeID, InvolvedIDs: req.InvolvedUserIDs, Version: req.Version})
	if err != nil {
		fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, h.toReportDTO(d))
}

// TransitionReportRequest moves a report on in its workflow.
type TransitionReportRequest struct {
	To string `json:"to" enums:"assessing,referred,closed" example:"referred" binding:"required"`
	// ReferredTo, with to=referred: 法務部廉政署 (aac), 地方檢察署
	// (prosecutor) or the agency concerned (agency, named in
	// referred_agency).
	ReferredTo     string `json:"referred_to,omitempty" enums:"aac,prosecutor,agency" example:"aac"`
	ReferredAgency string `json:"referred_agency,omitempty" example:"嘉義市政府工務處" maxLength:"100"`
	// ReferredOn is the date of the referral (YYYY-MM-DD): not before the
	// report was received, not after today.
	ReferredOn string `json:"referred_on,omitempty" example:"2026-12-10"`
	// Reason is required to close (at most 2000 characters).
	Reason  string `json:"reason,omitempty" example:"查無具體事證，函復檢舉人後結案" maxLength:"2000"`
	Version int    `json:"version" example:"3" binding:"required"`
}

// TransitionReport godoc
//
//	@Summary		Move a report on: assess, refer or close it
//	@Description	received → assessing → referred or closed. A referral names its target (法務部廉政署 aac, 地方檢察署 prosecutor, or the agency concerned with its name) and its date; closing needs a reason. Referring or closing ends the assessment (assessed_at). The agency's name and the reason are sealed with the report and never shown to the reporter, who sees the new state. Who: designated report handlers not excluded from the report.
//	@ID				transitionReport
//	@Tags			reports
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string					true	"report id"
//	@Param			body	body		TransitionReportRequest	true	"the new state and what it needs"
//	@Success		200		{object}	ReportDTO
//	@Failure		400		{object}	ErrorResponse
//	@Failure		401		{object}	ErrorResponse
//	@Failure		403		{object}	ErrorResponse	"not a designated report handler"
//	@Failure		404		{object}	ErrorResponse	"no such report, or the report is about the caller"
//	@Failure		409		{object}	ErrorResponse	"version_conflict: the report changed since it was read; conflict: the workflow does not allow this move from the report's state"
//	@Failure		413		{object}	ErrorResponse
//	@Failure		415		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse	"a missing referral target, agency name, date (or one before reception or in the future), or closing reason"
//	@Failure		500		{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503		{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503		{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/reports/{id}/transition [post]
func (h *Handler) TransitionReport(c *gin.Context) {
	var req TransitionReportRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	d, err := h.Reports.Transition(c.Request.Context(), actor(c), c.Param("id"), reports.Transition{
		To: req.To, ReferredTo: req.ReferredTo, ReferredAgency: req.ReferredAgency, ReferredOn: req.ReferredOn, Reason: req.Reason, Version: req.Version,
	})
	if err != nil {
		fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, h.toReportDTO(d))
}

// ReportReplyRequest is a handler's message on a report.
type ReportReplyRequest struct {
	Text string `json:"text" example:"您好，本處已收到您的檢舉，請問餐敘的日期是否記得？" maxLength:"5000" binding:"required"`
	// Internal notes stay among the handlers; the reporter never sees them.
	Internal bool `json:"internal" example:"false"`
}

// ReplyToReport godoc
//
//	@Summary		Write to the reporter, or an internal note
//	@Description	A message to the reporter (they read it with their receipt; it comes from "the office", never a name), or with internal=true a note only handlers read. The first message to the reporter is the first answer: it sets first_answered_at. Who: designated report handlers not excluded from the report.
//	@ID				replyToReport
//	@Tags			reports
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string				true	"report id"
//	@Param			body	body		ReportReplyRequest	true	"the text"
//	@Success		201		{object}	ReportMessageDTO
//	@Failure		400		{object}	ErrorResponse
//	@Failure		401		{object}	ErrorResponse
//	@Failure		403		{object}	ErrorResponse	"not a designated report handler"
//	@Failure		404		{object}	ErrorResponse	"no such report, or the report is about the caller"
//	@Failure		413		{object}	ErrorResponse
//	@Failure		415		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse	"an empty text or one over 5000 characters"
//	@Failure		500		{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503		{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503		{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/reports/{id}/messages [post]
func (h *Handler) ReplyToReport(c *gin.Context) {
	var req ReportReplyRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	m, err := h.Reports.Reply(c.Request.Context(), actor(c), c.Param("id"), req.Text, req.Internal)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, h.toReportMessage(m))
}

// ReportYearCountDTO is the number of reports of one year, state and
// channel.
type ReportYearCountDTO struct {
	Year    int    `json:"year" example:"2026" binding:"required"`
	State   string `json:"state" enums:"received,assessing,referred,closed" example:"closed" binding:"required"`
	Channel string `json:"channel" enums:"web,letter,phone,mailbox,in_person" example:"web" binding:"required"`
	Count   int    `json:"count" example:"3" binding:"required"`
}

// ReportStatsDTO are counts of reports: no content, no ids.
type ReportStatsDTO struct {
	ByState   map[string]int       `json:"by_state" binding:"required" example:"received:2,assessing:1,referred:1,closed:4"`
	ByChannel map[string]int       `json:"by_channel" binding:"required" example:"web:5,letter:1,phone:1,mailbox:1,in_person:0"`
	Years     []ReportYearCountDTO `json:"years" binding:"required"`
	// Overdue counts the open reports whose next deadline has passed.
	Overdue int `json:"overdue" example:"1" binding:"required"`
	Total   int `json:"total" example:"8" binding:"required"`
}

func toReportStats(s reports.Stats) ReportStatsDTO {
	out := ReportStatsDTO{ByState: s.ByState, ByChannel: s.ByChannel, Overdue: s.Overdue, Total: s.Total, Years: []ReportYearCountDTO{}}
	for _, y := range s.Years {
		out.Years = append(out.Years, ReportYearCountDTO(y))
	}
	return out
}

// ReportStats godoc
//
//	@Summary		Counts of whistle-blowing reports
//	@Description	The number of reports by state, by channel, and by year, state and channel, and how many open ones are overdue, for the 廉政會報 and the yearly analysis: never content, never ids. year=2026 counts the reports received that year (office time zone); from and to bound a range of years; none counts every year. Who: managers, admins and designated report handlers (every report counted, including those about the caller).
//	@ID				reportStats
//	@Tags			reports
//	@Produce		json
//	@Security		BearerAuth
//	@Param			year	query		int	false	"one year (Gregorian)"
//	@Param			from	query		int	false	"first year (Gregorian)"
//	@Param			to		query		int	false	"last year (Gregorian)"
//	@Success		200		{object}	ReportStatsDTO
//	@Failure		400		{object}	ErrorResponse	"an unknown parameter, a year that is not an integer, year with from or to"
//	@Failure		401		{object}	ErrorResponse
//	@Failure		403		{object}	ErrorResponse	"an officer who is not a report handler, or a volunteer"
//	@Failure		422		{object}	ErrorResponse	"a year outside 2000–2200, to before from"
//	@Failure		500		{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503		{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503		{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/reports/stats [get]
func (h *Handler) ReportStats(c *gin.Context) {
	get, err := query(c, "year", "from", "to")
	if err != nil {
		fail(c, err)
		return
	}
	var f reports.StatsFilter
	for name, dst := range map[string]*int{"year": &f.From, "from": &f.From, "to": &f.To} {
		if v := get(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				fail(c, services.BadRequest("%s must be a year (an integer)", name))
				return
			}
			*dst = n
		}
	}
	if y := get("year"); y != "" {
		if get("from") != "" || get("to") != "" {
			fail(c, services.BadRequest("give year, or from and to, not both"))
			return
		}
		f.To = f.From
	}
	s, err := h.Reports.Stats(c.Request.Context(), actor(c), f)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toReportStats(s))
}

// GetReportFile godoc
//
//	@Summary		Download an evidence file of a report
//	@Description	Streams the file decrypted, with its content type; every download is written to the audit trail (report.file_read) with the reader before a byte is sent. Who: designated report handlers (others 403); a handler the report is about gets 404.
//	@ID				getReportFile
//	@Tags			reports
//	@Produce		image/jpeg,image/png,image/webp,image/heic,application/pdf,json
//	@Security		BearerAuth
//	@Param			id		path		string	true	"report id"
//	@Param			file_id	path		string	true	"file id"
//	@Success		200		{file}		binary
//	@Failure		401		{object}	ErrorResponse
//	@Failure		403		{object}	ErrorResponse	"not a designated report handler"
//	@Failure		404		{object}	ErrorResponse	"no such report or file, or the report is about the caller"
//	@Failure		500		{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503		{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503		{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/reports/{id}/files/{file_id} [get]
func (h *Handler) GetReportFile(c *gin.Context) {
	f, rc, err := h.Reports.OpenFile(c.Request.Context(), actor(c), c.Param("id"), c.Param("file_id"))
	if err != nil {
		fail(c, err)
		return
	}
	defer rc.Close()
	c.Header("Cache-Control", "no-store")
	c.Header("Content-Type", f.ContentType)
	c.Header("Content-Length", strconv.FormatInt(f.Size, 10))
	c.Header("X-Content-Type-Options", "nosniff")
	c.Header("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.Name}))
	c.Status(http.StatusOK)
	_, _ = io.Copy(c.Writer, rc)
}

// RecordReportRequest is a report received by letter, phone, mailbox or in
// person, recorded by a handler.
type RecordReportRequest struct {
	// ClientID (optional) is a UUID the client makes once per report: sent
	// again by the same handler with the same report (the answer was lost),
	// it answers 200 with the same receipt and stores nothing.
	ClientID string `json:"client_id" format:"uuid" example:"0b7f3c2e-8d1a-4f5e-9c6b-2a4d8e1f7a90"`
	// Channel is how the report reached the office.
	Channel  string            `json:"channel" binding:"required" enums:"letter,phone,mailbox,in_person" example:"letter"`
	What     string            `json:"what" binding:"required" example:"來函檢舉：環保局稽查員疑於稽查時向業者索取紅包。"`
	Involved PublicInvolvedDTO `json:"involved"`
	When     string            `json:"when" example:"115年9月"`
	Where    string            `json:"where" example:"嘉義市東區某工廠"`
	HowKnown string            `json:"how_known" example:"業者親身經歷"`
	// Disclosure: anonymous (no identity), confidential (known only to the
	// handlers) or open.
	Disclosure string            `json:"disclosure" binding:"required" enums:"anonymous,confidential,open" example:"confidential"`
	Identity   PublicIdentityDTO `json:"identity"`
}

// RecordedReportDTO is the answer to a handler's recording: the receipt to
// pass on to the reporter, shown this once, and the report's id and
// reference for the handler to open it.
type RecordedReportDTO struct {
	Receipt string `json:"receipt" binding:"required" example:"4829105736201948"`
	ID      string `json:"id" format:"uuid" binding:"required" example:"3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f"`
	Ref     string `json:"ref" binding:"required" example:"115-0007"`
}

// RecordReport godoc
//
//	@Summary		Record a report received by letter, phone, mailbox or in person
//	@Description	A handler enters a report that did not come through the public page, with its channel: the same fields and rules as POST /api/v1/reports without the proof of work. application/json, or multipart/form-data with a part named report holding that JSON first, then up to 5 parts named file (a scanned letter, photos; each at most 15 MiB; JPEG, PNG, WebP, HEIC or PDF). It is sealed and gets its deadlines as a web report; the answer is its receipt, shown this once, for the handler to pass on to the reporter (in the reply letter, on the phone) so that they can follow the report up on the web, with the report's id and reference. Replays: with a client_id (a UUID made once per report), the same handler sending the same channel and report again within 24 hours (the connection dropped after the server stored it) gets 200 with the same receipt, and nothing is stored (the files are not read again); the same client_id with another channel or report, or after those 24 hours, is a 409 id_conflict. Another handler's client_id is their own; two requests at once with one client_id store one report. Who: designated report handlers.
//	@ID				recordReport
//	@Tags			reports
//	@Accept			json,multipart/form-data
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		RecordReportRequest	true	"the report: the body, or the part named report followed by parts named file"
//	@Success		200		{object}	RecordedReportDTO	"the same client_id and report again: the same receipt, nothing stored"
//	@Success		201		{object}	RecordedReportDTO
//	@Failure		400		{object}	ErrorResponse
//	@Failure		401		{object}	ErrorResponse
//	@Failure		403		{object}	ErrorResponse	"not a designated report handler"
//	@Failure		409		{object}	ErrorResponse	"id_conflict: the client_id was used for another report, or its receipt is no longer kept (after 24 hours)"
//	@Failure		413		{object}	ErrorResponse
//	@Failure		415		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse	"validation_failed: fields name the paths (channel, client_id, what, identity.name, disclosure, file…)"
//	@Failure		500		{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503		{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503		{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/reports/intake [post]
func (h *Handler) RecordReport(c *gin.Context) {
	var req RecordReportRequest
	files, err := readReport(c, &req)
	if err != nil {
		drainBody(c)
		fail(c, err)
		return
	}
	in := reports.ReportInput{What: req.What, Involved: reports.Involved(req.Involved), When: req.When, Where: req.Where, HowKnown: req.HowKnown,
		Disclosure: req.Disclosure, Identity: reports.Identity(req.Identity)}
	rec, err := h.Reports.Record(c.Request.Context(), actor(c), reports.Recording{Channel: req.Channel, Report: in, Files: files, ClientID: req.ClientID})
	drainBody(c)
	if err != nil {
		fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	status := http.StatusCreated
	if rec.Replay {
		status = http.StatusOK
	}
	c.JSON(status, RecordedReportDTO{Receipt: rec.Receipt, ID: rec.ReportID, Ref: rec.Ref})
}

// drainBody reads what is left of the request body (within the route's
// body limit) before the answer: a replay or a refusal does not read the
// files, and a client still sending a scanned letter would otherwise meet a
// closed connection instead of its answer, and send again.
func drainBody(c *gin.Context) {
	_, _ = io.Copy(io.Discard, c.Request.Body)
}

// ReportYearTallyDTO is the 檢舉案件 section of the yearly analysis: the
// reports received in the year by state and channel, counts only.
type ReportYearTallyDTO struct {
	Total     int            `json:"total" example:"12" binding:"required"`
	ByState   map[string]int `json:"by_state" binding:"required" example:"received:2,assessing:1,referred:3,closed:6"`
	ByChannel map[string]int `json:"by_channel" binding:"required" example:"web:7,letter:2,phone:2,mailbox:1,in_person:0"`
	// Cells are the counts by channel (rows) and state (columns), as the
	// workbook's sheet: every channel and state, zero included.
	Cells []ReportYearCountDTO `json:"cells" binding:"required"`
}

func toReportYearTally(s reports.Stats) ReportYearTallyDTO {
	out := ReportYearTallyDTO{Total: s.Total, ByState: s.ByState, ByChannel: s.ByChannel, Cells: []ReportYearCountDTO{}}
	n := reportCells(s)
	for _, ch := range models.ReportChannels {
		for _, st := range models.ReportStates {
			out.Cells = append(out.Cells, ReportYearCountDTO{State: st, Channel: ch, Count: n[ch+"/"+st]})
		}
	}
	return out
}

// reportCells sums the counts of s by channel and state.
func reportCells(s reports.Stats) map[string]int {
	n := map[string]int{}
	for _, y := range s.Years {
		n[y.Channel+"/"+y.State] += y.Count
	}
	return n
}

// reportsSheet is the 檢舉案件 sheet of the yearly analysis workbook: a row
// per channel, a column per state, the totals; nothing of any report.
func reportsSheet(s reports.Stats, en bool) exportSheet {
	cols := []exportCol{{"受理管道", "Channel"}}
	for _, st := range models.ReportStates {
		cols = append(cols, exportCol{services.LabelZh("report_states", st), reportLabelEn("report_states", st)})
	}
	cols = append(cols, exportCol{"合計", "Total"})
	n := reportCells(s)
	var rows [][]any
	for _, ch := range models.ReportChannels {
		name := services.LabelZh("report_channels", ch)
		if en {
			name = reportLabelEn("report_channels", ch)
		}
		row := []any{name}
		for _, st := range models.ReportStates {
			row = append(row, count(n[ch+"/"+st]))
		}
		rows = append(rows, append(row, count(s.ByChannel[ch])))
	}
	total := []any{pick([2]string{"合計", "Total"}, en)}
	for _, st := range models.ReportStates {
		total = append(total, count(s.ByState[st]))
	}
	rows = append(rows, append(total, count(s.Total)))
	return exportSheet{name: pick([2]string{"檢舉案件", "Whistle-blowing reports"}, en), cols: cols, rows: rows}
}

// reportLabelEn is the English label of a report enumeration's value.
func reportLabelEn(enum, value string) string {
	for _, l := range services.GetMeta()[enum] {
		if l.Value == value {
			return l.En
		}
	}
	return value
}

// ReportHandlerList is the designated report handlers.
type ReportHandlerList struct {
	Items []ReportPersonDTO `json:"items" binding:"required"`
}

// ListReportHandlers godoc
//
//	@Summary		The designated report handlers
//	@Description	The active report handlers by name: whom a report can be assigned to, and the accounts a handler may name as involved (excluded from the report). Who: designated report handlers. Read-only.
//	@ID				listReportHandlers
//	@Tags			reports
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{object}	ReportHandlerList
//	@Failure		401	{object}	ErrorResponse
//	@Failure		403	{object}	ErrorResponse	"not a designated report handler"
//	@Failure		500	{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503	{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503	{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/reports/handlers [get]
func (h *Handler) ListReportHandlers(c *gin.Context) {
	ps, err := h.Reports.Handlers(c.Request.Context(), actor(c))
	if err != nil {
		fail(c, err)
		return
	}
	out := ReportHandlerList{Items: make([]ReportPersonDTO, 0, len(ps))}
	for _, p := range ps {
		out.Items = append(out.Items, ReportPersonDTO{ID: p.ID, DisplayName: p.DisplayName})
	}
	c.JSON(http.StatusOK, out)
}

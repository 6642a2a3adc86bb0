package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"ethicsops/services"
	"ethicsops/services/reports"
)

// The public side of whistle-blowing reports: no account; every answer
// carries Cache-Control: no-store (the api package sets it), and the
// request log of these routes carries no client address.

// ReporterKey is the gin context key under which the api package stores
// the report id of a reporter's token.
const ReporterKey = "ethicsops.report"

// reporterReport is the report of the reporter's token.
func reporterReport(c *gin.Context) string { return c.GetString(ReporterKey) }

// ReportChallengeDTO is a proof-of-work challenge.
type ReportChallengeDTO struct {
	// Challenge is opaque: send it back as it is.
	Challenge string `json:"challenge" binding:"required" example:"AQ8xY2h0ZXN0Y2hhbGxlbmdlAAAAAGmS3gD8aQ7a1b2c3d4e5f60718"`
	// Difficulty is the number of leading zero bits SHA-256(challenge ":" nonce) must have.
	Difficulty int `json:"difficulty" binding:"required" example:"16"`
	// ExpiresAt: the challenge is refused after this.
	ExpiresAt time.Time `json:"expires_at" binding:"required" example:"2026-03-01T09:10:00Z"`
}

// ReportChallenge godoc
//
//	@Summary		Get a proof-of-work challenge for a report (anyone)
//	@Description	A light proof of work instead of a captcha. Find a decimal nonce (digits only, at most 20) such that SHA-256 of the UTF-8 bytes challenge + ":" + nonce begins with difficulty zero bits (the most significant bit of the first byte first), and send both as pow in POST /api/v1/reports. A challenge is single-use and expires after 10 minutes; any server of the installation accepts it. The difficulty is ETHICSOPS_REPORTS_POW_BITS (default 18: 2^18 hashes on average, well under a second on a mid-range phone, a few seconds on a low-end one; 0: any nonce, the challenge still required). No account; never cached. Read-only.
//	@ID				getReportChallenge
//	@Tags			reports
//	@Produce		json
//	@Success		200	{object}	ReportChallengeDTO
//	@Failure		500	{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503	{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503	{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/reports/challenge [get]
func (h *Handler) ReportChallenge(c *gin.Context) {
	ch := h.Reports.NewChallenge(c.Request.Context())
	c.JSON(http.StatusOK, ReportChallengeDTO{Challenge: ch.Challenge, Difficulty: ch.Difficulty, ExpiresAt: ch.ExpiresAt.UTC()})
}

// PublicInvolvedDTO is who a report is about.
type PublicInvolvedDTO struct {
	Agency string `json:"agency" example:"某市政府工務局"`
	Person string `json:"person" example:"王○○"`
	Role   string `json:"role" example:"採購承辦人"`
}

// PublicIdentityDTO is the reporter's name and contact: required (name and
// a phone or an e-mail) unless the report is anonymous, and then empty.
type PublicIdentityDTO struct {
	Name  string `json:"name" example:"陳小明"`
	Phone string `json:"phone" example:"0912-345-678"`
	Email string `json:"email" example:"reporter@example.tw"`
}

// PowProofDTO is a challenge of GET /reports/challenge and its nonce.
type PowProofDTO struct {
	Challenge string `json:"challenge" binding:"required" example:"AQ8xY2h0ZXN0Y2hhbGxlbmdlAAAAAGmS3gD8aQ7a1b2c3d4e5f60718"`
	Nonce     string `json:"nonce" binding:"required" example:"48213"`
}

// PublicReportRequest is a report sent without an account.
type PublicReportRequest struct {
	// What happened (≤ 10000 characters).
	What     string            `json:"what" binding:"required" example:"工務局採購承辦人於標案開標前多次接受特定廠商招待飲宴。"`
	Involved PublicInvolvedDTO `json:"involved"`
	When     string            `json:"when" example:"2026年2月上旬，多次"`
	Where    string            `json:"where" example:"市區某餐廳"`
	HowKnown string            `json:"how_known" example:"親眼所見"`
	// Disclosure: anonymous (no identity), confidential (known only to
	// the handlers) or open.
	Disclosure string            `json:"disclosure" binding:"required" enums:"anonymous,confidential,open" example:"anonymous"`
	Identity   PublicIdentityDTO `json:"identity"`
	Pow        *PowProofDTO      `json:"pow" binding:"required"`
}

func (r PublicReportRequest) input() reports.ReportInput {
	return reports.ReportInput{What: r.What, Involved: reports.Involved(r.Involved), When: r.When, Where: r.Where, HowKnown: r.HowKnown,
		Disclosure: r.Disclosure, Identity: reports.Identity(r.Identity)}
}

// ReportReceiptDTO is the receipt of a report: shown once, never stored in
// clear; with it alone the reporter follows the report up.
type ReportReceiptDTO struct {
	Receipt string `json:"receipt" binding:"required" example:"4829105736201948"`
}

// SubmitReport godoc
//
//	@Summary		Send a whistle-blowing report (anyone, no account)
//	@Description	application/json (the body, at most 1 MiB) or multipart/form-data with a part named report holding that JSON first, then up to 5 parts named file (each at most 15 MiB; JPEG, PNG, WebP, HEIC or PDF decided by the content). Every field is checked and named by its path (what, involved.agency, identity.email, disclosure, pow, file…); unknown fields are refused. Disclosure anonymous needs an empty identity; confidential and open need identity.name and a phone or an e-mail. pow is the proof of GET /api/v1/reports/challenge: missing, wrong, expired or already used is a 422 naming pow. The report, its files and the spent challenge are stored together or not at all; the answer is the receipt (16 digits), shown this once. Sending the same report with the same proof again within the challenge's life (a phone that lost the answer) answers 200 with the same receipt and stores nothing. Limits: 5 reports an hour from one address, 200 an hour from all (429 with Retry-After). Nothing of the report and not the client address is logged.
//	@ID				submitReport
//	@Tags			reports
//	@Accept			json,multipart/form-data
//	@Produce		json
//	@Param			body	body		PublicReportRequest	true	"the report: the body (application/json), or the part named report (multipart/form-data) followed by up to 5 parts named file"
//	@Success		200		{object}	ReportReceiptDTO	"the same report sent again with the same proof: its receipt"
//	@Success		201		{object}	ReportReceiptDTO
//	@Failure		400		{object}	ErrorResponse
//	@Failure		413		{object}	ErrorResponse
//	@Failure		415		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse	"validation_failed: fields name the paths (pow for the proof, file for the files)"
//	@Failure		429		{object}	ErrorResponse	"too many reports from this address or from all; see Retry-After"
//	@Header			429		{integer}	Retry-After		"seconds until a report is accepted again"
//	@Failure		500		{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503		{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503		{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/reports [post]
func (h *Handler) SubmitReport(c *gin.Context) {
	var req PublicReportRequest
	files, err := readReport(c, &req)
	if err != nil {
		fail(c, err)
		return
	}
	sub := reports.Submission{Report: req.input(), Files: files}
	if req.Pow != nil {
		sub.Pow = &reports.Proof{Challenge: req.Pow.Challenge, Nonce: req.Pow.Nonce}
	}
	rec, err := h.Reports.Submit(c.Request.Context(), sub)
	if err != nil {
		fail(c, err)
		return
	}
	status := http.StatusCreated
	if rec.Replay {
		status = http.StatusOK
	}
	c.JSON(status, ReportReceiptDTO{Receipt: rec.Receipt})
}

// readReport reads a report's body into req: JSON within maxReportJSON, or
// multipart with a part "report" (that JSON) first and then the parts
// "file", given one at a time by the returned FileSource as the body is
// read. The public intake and a handler's recording share it.
func readReport(c *gin.Context, req any) (reports.FileSource, error) {
	mt, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if mt != "multipart/form-data" {
		// Only a multipart body may be larger than the JSON limit.
		if c.Request.ContentLength > maxReportJSON {
			return nil, services.E(services.CodeTooLarge, "the body is larger than %d bytes", maxReportJSON)
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxReportJSON)
		return nil, bindJSON(c, req)
	}
	mr, err := c.Request.MultipartReader()
	if err != nil {
		return nil, services.BadRequest("malformed multipart body")
	}
	part, err := mr.NextPart()
	if err != nil || part.FormName() != "report" {
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, bodyError(err)
		}
		return nil, services.Invalid("report", "required: the first part must be named report and hold the report's JSON")
	}
	body, err := io.ReadAll(io.LimitReader(bodyReader{part}, maxReportJSON+1))
	if err != nil {
		return nil, err
	}
	if len(body) > maxReportJSON {
		return nil, services.E(services.CodeTooLarge, "the report part is larger than %d bytes", maxReportJSON)
	}
	if err := decodeReportPart(body, req); err != nil {
		return nil, err
	}
	return func() (string, io.Reader, error) {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return "", nil, io.EOF
		}
		if err != nil {
			return "", nil, bodyError(err)
		}
		if part.FormName() != "file" {
			return "", nil, services.BadRequest("unexpected part %q: send report, then the parts named file", part.FormName())
		}
		return part.FileName(), bodyReader{part}, nil
	}, nil
}

// maxReportJSON bounds the report part of a multipart report.
const maxReportJSON = 1 << 20

// decodeReportPart is bindJSON's decoding for JSON already read (a multipart
// part): no unknown fields, one value only.
func decodeReportPart(body []byte, dst any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err, body, dst)
	}
	var extra json.RawMessage
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return services.BadRequest("the report part must hold one JSON value")
	}
	return nil
}

// ReportAccessRequest is a receipt.
type ReportAccessRequest struct {
	Receipt string `json:"receipt" binding:"required" example:"4829105736201948"`
}

// ReportAccessDTO is a reporter's access token, scoped to one report.
type ReportAccessDTO struct {
	AccessToken string `json:"access_token" binding:"required" example:"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOlsiZXRoaWNzb3BzLXJlcG9ydCJdfQ.c2lnbmF0dXJl"`
	TokenType   string `json:"token_type" binding:"required" enums:"Bearer" example:"Bearer"`
	// ExpiresIn is the token's life in seconds.
	ExpiresIn int `json:"expires_in" binding:"required" example:"1800"`
}

// ReportAccess godoc
//
//	@Summary		Open a report with its receipt (anyone, no account)
//	@Description	Exchanges the receipt for an access token of 30 minutes scoped to that one report (send it as Authorization: Bearer to /api/v1/reports/mine…; every other route refuses it). A wrong receipt is a 401, the same whether or not it is well formed. Wrong receipts are limited to 10 an hour from one address and 1000 an hour from all (429 with Retry-After): with 10^16 receipts a search is hopeless (README). Neither the receipt nor the client address is logged.
//	@ID				accessReport
//	@Tags			reports
//	@Accept			json
//	@Produce		json
//	@Param			body	body		ReportAccessRequest	true	"the receipt"
//	@Success		200		{object}	ReportAccessDTO
//	@Failure		400		{object}	ErrorResponse
//	@Failure		401		{object}	ErrorResponse	"this receipt opens no report"
//	@Failure		413		{object}	ErrorResponse
//	@Failure		415		{object}	ErrorResponse
//	@Failure		429		{object}	ErrorResponse	"too many wrong receipts from this address or from all; see Retry-After"
//	@Header			429		{integer}	Retry-After		"seconds until a receipt is checked again"
//	@Failure		500		{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503		{object}	ErrorResponse	"unavailable: the database cannot be reached, or too many receipts are being checked at once; retry after Retry-After seconds"
//	@Header			503		{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/reports/access [post]
func (h *Handler) ReportAccess(c *gin.Context) {
	var req ReportAccessRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	tok, err := h.Reports.Access(c.Request.Context(), req.Receipt)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, ReportAccessDTO{AccessToken: tok.Token, TokenType: "Bearer", ExpiresIn: tok.ExpiresIn})
}

// MyReportContentDTO is what the reporter wrote (their identity is not sent
// back).
type MyReportContentDTO struct {
	What     string            `json:"what" binding:"required" example:"工務局採購承辦人於標案開標前多次接受特定廠商招待飲宴。"`
	Involved PublicInvolvedDTO `json:"involved" binding:"required"`
	When     string            `json:"when" binding:"required" example:"2026年2月上旬，多次"`
	Where    string            `json:"where" binding:"required" example:"市區某餐廳"`
	HowKnown string            `json:"how_known" binding:"required" example:"親眼所見"`
}

// MyReportMessageDTO is a message of the follow-up: from the reporter or
// from the office (never who in the office).
type MyReportMessageDTO struct {
	ID        string    `json:"id" binding:"required" example:"5f0c6a1e-8d2b-4c3a-9e7f-1a2b3c4d5e6f"`
	From      string    `json:"from" binding:"required" enums:"reporter,office" example:"office"`
	Text      string    `json:"text" binding:"required" example:"請問您記得招待的確切日期嗎？"`
	CreatedAt time.Time `json:"created_at" binding:"required" example:"2026-03-02T10:00:00Z"`
}

// MyReportFileDTO is a file of the report.
type MyReportFileDTO struct {
	ID          string    `json:"id" binding:"required" example:"7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"`
	Name        string    `json:"name" binding:"required" example:"收據.jpg"`
	Size        int64     `json:"size" binding:"required" example:"482133"`
	ContentType string    `json:"content_type" binding:"required" enums:"image/jpeg,image/png,image/webp,image/heic,application/pdf" example:"image/jpeg"`
	From        string    `json:"from" binding:"required" enums:"reporter,office" example:"reporter"`
	CreatedAt   time.Time `json:"created_at" binding:"required" example:"2026-03-01T09:05:00Z"`
}

// MyReportDTO is the reporter's view of their report.
type MyReportDTO struct {
	State          string               `json:"state" binding:"required" enums:"received,assessing,referred,closed" example:"received"`
	ReceivedAt     time.Time            `json:"received_at" binding:"required" example:"2026-03-01T09:05:00Z"`
	Channel        string               `json:"channel" binding:"required" enums:"web,letter,phone,mailbox,in_person" example:"web"`
	Disclosure     string               `json:"disclosure" binding:"required" enums:"anonymous,confidential,open" example:"anonymous"`
	Content        MyReportContentDTO   `json:"content" binding:"required"`
	Messages       []MyReportMessageDTO `json:"messages" binding:"required"`
	Files          []MyReportFileDTO    `json:"files" binding:"required"`
	FirstAnswerDue time.Time            `json:"first_answer_due" binding:"required" example:"2026-03-13T15:59:59Z"`
}

func toMyMessage(m reports.ReporterMessage) MyReportMessageDTO {
	return MyReportMessageDTO{ID: m.ID, From: m.From, Text: m.Text, CreatedAt: m.CreatedAt.UTC()}
}

func toMyFile(f reports.ReporterFile) MyReportFileDTO {
	return MyReportFileDTO{ID: f.ID, Name: f.Name, Size: f.Size, ContentType: f.ContentType, From: f.From, CreatedAt: f.CreatedAt.UTC()}
}

// MyReport godoc
//
//	@Summary		Read my report (reporter's token)
//	@Description	The report of the reporter's token (POST /api/v1/reports/access): its state, what was written (not the identity: the reporter knows it), the messages between the reporter and the office (never the handler's name, never internal notes), the files and the due date of the first answer. Read-only; never cached.
//	@ID				getMyReport
//	@Tags			reports
//	@Produce		json
//	@Security		ReportAccess
//	@Success		200	{object}	MyReportDTO
//	@Failure		401	{object}	ErrorResponse	"no, a wrong or an expired reporter's token (staff tokens included)"
//	@Failure		500	{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503	{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503	{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/reports/mine [get]
func (h *Handler) MyReport(c *gin.Context) {
	v, err := h.Reports.Mine(c.Request.Context(), reporterReport(c))
	if err != nil {
		fail(c, err)
		return
	}
	out := MyReportDTO{State: v.State, ReceivedAt: v.ReceivedAt.UTC(), Channel: v.Channel, Disclosure: v.Disclosure, FirstAnswerDue: v.FirstAnswerDue.UTC(),
		Content:  MyReportContentDTO{What: v.Content.What, Involved: PublicInvolvedDTO(v.Content.Involved), When: v.Content.When, Where: v.Content.Where, HowKnown: v.Content.HowKnown},
		Messages: make([]MyReportMessageDTO, 0, len(v.Messages)), Files: make([]MyReportFileDTO, 0, len(v.Files))}
	for _, m := range v.Messages {
		out.Messages = append(out.Messages, toMyMessage(m))
	}
	for _, f := range v.Files {
		out.Files = append(out.Files, toMyFile(f))
	}
	c.JSON(http.StatusOK, out)
}

// MyReportMessageRequest is the reporter's message.
type MyReportMessageRequest struct {
	// Text: at most 5000 characters.
	Text string `json:"text" binding:"required" example:"日期是2月3日與2月10日，地點在同一家餐廳。"`
}

// PostMyReportMessage godoc
//
//	@Summary		Answer the office (reporter's token)
//	@Description	Adds the reporter's message (at most 5000 characters) to their report. Not idempotent: each call adds a message.
//	@ID				postMyReportMessage
//	@Tags			reports
//	@Accept			json
//	@Produce		json
//	@Security		ReportAccess
//	@Param			body	body		MyReportMessageRequest	true	"the message"
//	@Success		201		{object}	MyReportMessageDTO
//	@Failure		400		{object}	ErrorResponse
//	@Failure		401		{object}	ErrorResponse	"no, a wrong or an expired reporter's token (staff tokens included)"
//	@Failure		413		{object}	ErrorResponse
//	@Failure		415		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse	"validation_failed: text"
//	@Failure		500		{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503		{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503		{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/reports/mine/messages [post]
func (h *Handler) PostMyReportMessage(c *gin.Context) {
	var req MyReportMessageRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	m, err := h.Reports.ReporterSays(c.Request.Context(), reporterReport(c), req.Text)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, toMyMessage(m))
}

// PostMyReportFile godoc
//
//	@Summary		Add a file to my report (reporter's token)
//	@Description	multipart/form-data with one part named file (at most 15 MiB; JPEG, PNG, WebP, HEIC or PDF decided by the content), sealed at rest. A reporter sends at most 5 files with a report in all (those of the report included): more is a 422 naming file. Not idempotent.
//	@ID				postMyReportFile
//	@Tags			reports
//	@Accept			multipart/form-data
//	@Produce		json
//	@Security		ReportAccess
//	@Param			file	formData	file	true	"the file"
//	@Success		201		{object}	MyReportFileDTO
//	@Failure		400		{object}	ErrorResponse
//	@Failure		401		{object}	ErrorResponse	"no, a wrong or an expired reporter's token (staff tokens included)"
//	@Failure		413		{object}	ErrorResponse
//	@Failure		415		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse	"validation_failed: file (missing, empty, or a sixth file)"
//	@Failure		500		{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503		{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503		{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/reports/mine/files [post]
func (h *Handler) PostMyReportFile(c *gin.Context) {
	mt, _, err := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		fail(c, services.E(services.CodeUnsupportedType, "send the file as multipart/form-data with a part named file"))
		return
	}
	mr, err := c.Request.MultipartReader()
	if err != nil {
		fail(c, services.BadRequest("malformed multipart body"))
		return
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			fail(c, bodyError(err))
			return
		}
		if part.FormName() != "file" {
			continue
		}
		f, err := h.Reports.ReporterAddsFile(c.Request.Context(), reporterReport(c), part.FileName(), bodyReader{part})
		if err != nil {
			fail(c, err)
			return
		}
		c.JSON(http.StatusCreated, toMyFile(f))
		return
	}
	fail(c, services.Invalid("file", "required: a multipart part named file"))
}

package handlers

import (
	"errors"
	"io"
	"mime"
	"net/http"

	"github.com/gin-gonic/gin"

	"ethicsops/services"
)

// ListDeclarations godoc
//
//	@Summary		List the property-declaration roster
//	@Description	Every read is written to the audit trail (who, which filter, which rows). Status is computed against today in the office time zone. Who: officers, managers and admins. Changes nothing but the audit trail.
//	@ID				listDeclarations
//	@Tags			declarations
//	@Produce		json
//	@Security		BearerAuth
//	@Param			year	query		int		false	"roster year"
//	@Param			unit_id	query		string	false	"unit"
//	@Param			type	query		string	false	"declaration type"	Enums(regular,on_assumption,on_leaving)
//	@Param			status	query		string	false	"filing status"		Enums(filed_on_time,filed_late,not_filed,not_yet_due)
//	@Param			limit	query		int		false	"page size (1-200, default 50)"
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	DeclarationList
//	@Failure		400		{object}	ErrorResponse
//	@Failure		401		{object}	ErrorResponse
//	@Failure		403		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse	"a time or year out of bounds (before 1912, or too far ahead)"
//	@Failure		500		{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503		{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503		{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/declarations [get]
func (h *Handler) ListDeclarations(c *gin.Context) {
	get, limit, err := listQuery(c, "year", "unit_id", "type", "status")
	if err != nil {
		fail(c, err)
		return
	}
	year, err := intParam(get, "year")
	if err != nil {
		fail(c, err)
		return
	}
	page, err := h.Declarations.List(c.Request.Context(), actor(c), services.DeclarationFilter{
		Year: year, UnitID: get("unit_id"), Type: get("type"), Status: get("status"), Limit: limit, Cursor: get("cursor"),
	})
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, DeclarationList{Items: mapSlice(page.Items, toDeclarationDTO), NextCursor: page.NextCursor})
}

// CreateDeclaration godoc
//
//	@Summary		Add a declarant to the roster
//	@Description	A client-made id makes the create safe to resend: the same id and content again answers 200 with the stored row. Who: officers, managers and admins.
//	@ID				createDeclaration
//	@Tags			declarations
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		CreateDeclarationRequest	true	"the roster row"
//	@Success		201		{object}	DeclarationDTO
//	@Success		200		{object}	DeclarationDTO	"already stored with this id and content"
//	@Failure		400		{object}	ErrorResponse
//	@Failure		401		{object}	ErrorResponse
//	@Failure		403		{object}	ErrorResponse
//	@Failure		409		{object}	ErrorResponse	"id_conflict, or conflict: the declarant is on the roster, or period_closed: the roster year or the due date's year is a closed KPI year"
//	@Failure		413		{object}	ErrorResponse
//	@Failure		415		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse
//	@Failure		500		{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503		{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503		{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/declarations [post]
func (h *Handler) CreateDeclaration(c *gin.Context) {
	var req CreateDeclarationRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	d, created, err := h.Declarations.Create(c.Request.Context(), actor(c), services.NewDeclaration{
		ID: req.ID, Year: req.Year, DeclarantName: req.DeclarantName, Position: req.Position, UnitID: req.UnitID,
		Type: req.Type, DueDate: req.DueDate, FiledAt: req.FiledAt,
	})
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(createdStatus(created), toDeclarationDTO(d))
}

// UpdateDeclaration godoc
//
//	@Summary		Record a filing or correct a roster row
//	@Description	Send the version you read; a stale one answers 409 version_conflict. filed_at null clears a filing recorded by mistake. The audit trail keeps before and after. Who: officers, managers and admins.
//	@ID				updateDeclaration
//	@Tags			declarations
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string					true	"declaration id"
//	@Param			body	body		PatchDeclarationRequest	true	"fields to change"
//	@Success		200		{object}	DeclarationDTO
//	@Failure		400		{object}	ErrorResponse
//	@Failure		401		{object}	ErrorResponse
//	@Failure		403		{object}	ErrorResponse
//	@Failure		404		{object}	ErrorResponse
//	@Failure		409		{object}	ErrorResponse	"version_conflict, or period_closed: the roster year or the due date's year (before or after) is a closed KPI year"
//	@Failure		413		{object}	ErrorResponse
//	@Failure		415		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse
//	@Failure		500		{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503		{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503		{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/declarations/{id} [patch]
func (h *Handler) UpdateDeclaration(c *gin.Context) {
	var req PatchDeclarationRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	d, err := h.Declarations.Update(c.Request.Context(), actor(c), c.Param("id"), services.DeclarationPatch{
		Version: req.Version, FiledAtSet: req.FiledAt.Set, FiledAt: req.FiledAt.Value, Position: req.Position, DueDate: req.DueDate,
	})
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toDeclarationDTO(d))
}

// ImportDeclarations godoc
//
//	@Summary		Import a roster CSV (all or nothing)
//	@Description	UTF-8 CSV (with or without BOM), at most 5 MiB and 10,000 rows. Header in English (declarant_name, position, unit, type, due_date, filed_at) or Chinese (姓名, 職稱, 機關, 申報類別, 申報期限, 申報日期). Dates ISO (2020-11-30) or ROC (109/11/30). Any bad line stores nothing; the 422 lists every bad line ("line 3": reason). Importing the same file again changes nothing. Who: officers, managers and admins.
//	@ID				importDeclarations
//	@Tags			declarations
//	@Accept			multipart/form-data
//	@Produce		json
//	@Security		BearerAuth
//	@Param			year	query		int		true	"roster year"
//	@Param			file	formData	file	true	"the roster CSV"
//	@Success		200		{object}	ImportResultDTO
//	@Failure		400		{object}	ErrorResponse
//	@Failure		401		{object}	ErrorResponse
//	@Failure		403		{object}	ErrorResponse
//	@Failure		413		{object}	ErrorResponse
//	@Failure		409		{object}	ErrorResponse	"period_closed: new rows for a closed KPI year (a file whose rows are all on the roster already still answers 200)"
//	@Failure		415		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse
//	@Failure		500		{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503		{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503		{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/declarations/import [post]
func (h *Handler) ImportDeclarations(c *gin.Context) {
	get, err := query(c, "year")
	if err != nil {
		fail(c, err)
		return
	}
	year, err := intParam(get, "year")
	if err != nil {
		fail(c, err)
		return
	}
	if year == 0 {
		fail(c, services.BadRequest("year is required, e.g. ?year=2020"))
		return
	}
	data, err := readUpload(c, "file", services.MaxImportBytes)
	if err != nil {
		fail(c, err)
		return
	}
	res, err := h.Declarations.Import(c.Request.Context(), actor(c), year, data)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, ImportResultDTO{Year: res.Year, Rows: res.Rows, Created: res.Created, Unchanged: res.Unchanged, FileSHA256: res.FileHash})
}

// readUpload streams a multipart body and returns the part named field, at
// most limit bytes, without spooling anything to disk.
func readUpload(c *gin.Context, field string, limit int64) ([]byte, error) {
	mt, _, err := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		return nil, services.E(services.CodeUnsupportedType, "send the file as multipart/form-data in the field %q", field)
	}
	mr, err := c.Request.MultipartReader()
	if err != nil {
		return nil, services.BadRequest("malformed multipart body")
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, services.Invalid(field, "is missing; send the CSV in the form field \""+field+"\"")
		}
		if err != nil {
			return nil, uploadErr(err)
		}
		if part.FormName() != field {
			_ = part.Close()
			continue
		}
		data, err := io.ReadAll(io.LimitReader(part, limit+1))
		if err != nil {
			return nil, uploadErr(err)
		}
		if int64(len(data)) > limit {
			return nil, services.E(services.CodeTooLarge, "the file is larger than %d bytes", limit)
		}
		return data, nil
	}
}

func uploadErr(err error) error {
	var maxErr *http.MaxBytesError
	if errors.As(err, &maxErr) {
		return services.E(services.CodeTooLarge, "the upload is larger than %d bytes", maxErr.Limit)
	}
	return services.BadRequest("malformed multipart body")
}

// CreateDraw godoc
//
//	@Summary		Run a public draw (公開抽籤) of declarations for substantive review
//	@Description	candidates = roster ids of the year (and filters), sorted; key = hex(SHA-256(seed + "\n" + id)); the N smallest keys win (N = count, or ceil(ratio × candidates)). The draw, its seed, snapshot and result are stored and never change. Who: managers and admins. Not idempotent: each call stores a new draw, which never changes afterwards.
//	@ID				createDraw
//	@Tags			declarations
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		CreateDrawRequest	true	"the draw"
//	@Success		201		{object}	DrawDTO
//	@Failure		400		{object}	ErrorResponse
//	@Failure		401		{object}	ErrorResponse
//	@Failure		403		{object}	ErrorResponse
//	@Failure		413		{object}	ErrorResponse
//	@Failure		415		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse
//	@Failure		500		{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503		{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503		{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/declarations/draws [post]
func (h *Handler) CreateDraw(c *gin.Context) {
	var req CreateDrawRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	d, err := h.Declarations.CreateDraw(c.Request.Context(), actor(c), services.NewDraw{
		Year: req.Year, Count: req.Count, Ratio: req.Ratio, Seed: req.Seed, UnitID: req.UnitID, Type: req.Type,
	})
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, toDrawDTO(d))
}

// ListDraws godoc
//
//	@Summary		List declaration draws
//	@Description	The declaration draws of the year, newest first, without their candidate lists. Who: managers and admins. Read-only.
//	@ID				listDraws
//	@Tags			declarations
//	@Produce		json
//	@Security		BearerAuth
//	@Param			year	query		int		false	"roster year"
//	@Param			limit	query		int		false	"page size (1-200, default 50)"
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	DrawList
//	@Failure		400		{object}	ErrorResponse
//	@Failure		401		{object}	ErrorResponse
//	@Failure		403		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse	"a time or year out of bounds (before 1912, or too far ahead)"
//	@Failure		500		{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503		{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503		{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/declarations/draws [get]
func (h *Handler) ListDraws(c *gin.Context) {
	get, limit, err := listQuery(c, "year")
	if err != nil {
		fail(c, err)
		return
	}
	year, err := intParam(get, "year")
	if err != nil {
		fail(c, err)
		return
	}
	page, err := h.Declarations.ListDraws(c.Request.Context(), actor(c), services.DrawFilter{Year: year, Limit: limit, Cursor: get("cursor")})
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, DrawList{Items: mapSlice(page.Items, toDrawSummaryDTO), NextCursor: page.NextCursor})
}

// GetDraw godoc
//
//	@Summary		Show a draw with its selected declarants
//	@Description	The read is written to the audit trail. Who: managers and admins. Changes nothing but the audit trail.
//	@ID				getDraw
//	@Tags			declarations
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		string	true	"draw id"
//	@Success		200	{object}	DrawDTO
//	@Failure		401	{object}	ErrorResponse
//	@Failure		403	{object}	ErrorResponse
//	@Failure		404	{object}	ErrorResponse
//	@Failure		500	{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503	{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503	{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/declarations/draws/{id} [get]
func (h *Handler) GetDraw(c *gin.Context) {
	d, err := h.Declarations.GetDraw(c.Request.Context(), actor(c), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toDrawDTO(d))
}

// VerifyDraw godoc
//
//	@Summary		Recompute a draw from its stored seed and snapshot
//	@Description	match is true when the stored snapshot hashes to the stored hash, the seed and snapshot give the stored selection, and both agree with the audit event of the draw. current_roster_differs tells whether the roster has changed since. Who: managers and admins. Read-only.
//	@ID				verifyDraw
//	@Tags			declarations
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		string	true	"draw id"
//	@Success		200	{object}	DrawVerificationDTO
//	@Failure		401	{object}	ErrorResponse
//	@Failure		403	{object}	ErrorResponse
//	@Failure		404	{object}	ErrorResponse
//	@Failure		500	{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503	{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503	{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/declarations/draws/{id}/verify [get]
func (h *Handler) VerifyDraw(c *gin.Context) {
	v, err := h.Declarations.VerifyDraw(c.Request.Context(), actor(c), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toDrawVerificationDTO(v))
}

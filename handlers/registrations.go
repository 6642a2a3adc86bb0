package handlers

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"ethicsops/services"
)

// ListEthicsRegistrations godoc
//
//	@Summary		List or export ethics-code registrations (staff)
//	@Description	The 公務員廉政倫理規範登錄 register: gifts (受贈財物), hospitality (飲宴應酬), lobbying (請託關說) and other events civil servants reported. JSON: keyset pages, newest event_date first. `format=csv` (UTF-8 with BOM, zh-TW headers) or `format=xlsx` (a sheet titled 嘉義市政府政風處 ○○○年度公務員廉政倫理規範登錄案件, A4 landscape) download every registration the filter selects, oldest first (at most 20,000; limit and cursor are not taken with a format). year is the Gregorian year of event_date; roc_year the same as a 民國 year (one of the two). late=true selects notices more than 3 calendar days after the event. Personal data: every list, page and export is written to the audit trail with its reader, filter and the ids read. Who: officers, managers and admins. Read-only.
//	@ID				listEthicsRegistrations
//	@Tags			ethics-registrations
//	@Produce		json
//	@Produce		text/csv
//	@Produce		application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
//	@Security		BearerAuth
//	@Param			type		query		string	false	"type"	Enums(gift,hospitality,lobbying,other)
//	@Param			unit_id		query		string	false	"the servant's unit"
//	@Param			owner_id	query		string	false	"who registered it (an officer's own list: their user id)"
//	@Param			year		query		int		false	"Gregorian year of event_date"
//	@Param			roc_year	query		int		false	"ROC year (民國) of event_date, e.g. 115 for 2026"
//	@Param			late		query		bool	false	"notified more than 3 days after the event (true) or not (false)"
//	@Param			format		query		string	false	"json (default), csv or xlsx"	Enums(json,csv,xlsx)
//	@Param			limit		query		int		false	"page size (1-200, default 50); JSON only"
//	@Param			cursor		query		string	false	"next_cursor of the previous page; JSON only"
//	@Success		200			{object}	EthicsRegistrationList
//	@Failure		400			{object}	ErrorResponse	"an unknown parameter or value, year with roc_year, limit or cursor with a format, more than 20,000 rows to export"
//	@Failure		401			{object}	ErrorResponse
//	@Failure		403			{object}	ErrorResponse
//	@Failure		422			{object}	ErrorResponse	"a year out of bounds (before 1912, or too far ahead)"
//	@Failure		500			{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503			{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503			{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/ethics-registrations [get]
func (h *Handler) ListEthicsRegistrations(c *gin.Context) {
	get, limit, err := listQuery(c, "type", "unit_id", "owner_id", "year", "roc_year", "late", "format")
	if err != nil {
		fail(c, err)
		return
	}
	f := services.RegistrationFilter{Type: get("type"), UnitID: get("unit_id"), OwnerID: get("owner_id"), Limit: limit, Cursor: get("cursor")}
	for name, dst := range map[string]*int{"year": &f.Year, "roc_year": &f.ROCYear} {
		if v := get(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				fail(c, services.BadRequest("%s must be a year (an integer)", name))
				return
			}
			*dst = n
		}
	}
	switch get("late") {
	case "":
	case "true", "false":
		late := get("late") == "true"
		f.Late = &late
	default:
		fail(c, services.BadRequest("late must be true or false"))
		return
	}
	ctx, act := c.Request.Context(), actor(c)
	switch format := get("format"); format {
	case "", "json":
		page, err := h.Registrations.List(ctx, act, f)
		if err != nil {
			fail(c, err)
			return
		}
		c.JSON(http.StatusOK, EthicsRegistrationList{Items: mapSlice(page.Items, toEthicsRegistrationDTO), NextCursor: page.NextCursor})
	case "csv", "xlsx":
		if get("limit") != "" || get("cursor") != "" {
			fail(c, services.BadRequest("an export holds every matching registration: leave out limit and cursor"))
			return
		}
		year, err := h.Registrations.ResolveYear(f)
		if err != nil {
			fail(c, err)
			return
		}
		rows, err := h.Registrations.Export(ctx, act, f, format)
		if err != nil {
			fail(c, err)
			return
		}
		name := "ethicsops-ethics-registrations"
		if year != 0 {
			name = fmt.Sprintf("%s-%d", name, year)
		}
		ex := registrationExport{rows: rows, year: year, asOf: h.Registrations.Now()}
		if format == "csv" {
			ex.writeCSV(c, name+".csv")
		} else {
			ex.writeXLSX(c, name+".xlsx")
		}
	default:
		fail(c, services.BadRequest("format must be json, csv or xlsx"))
	}
}

// CreateEthicsRegistration godoc
//
//	@Summary		Register an ethics-code event (staff)
//	@Description	A gift, a meal, a lobbying request or another ethics event a civil servant reported. late is computed: notified_date more than 3 calendar days (office time zone) after event_date (an event on 2026-03-01 notified on 03-04 is on time, on 03-05 late). value_ntd: required for gift and hospitality, absent or null for lobbying. handling other needs handling_note. With a client-made id: 201 the first time, 200 and the same record when resent with the same content, 409 id_conflict with different content (or from another account); two identical requests at once store one record. Every bad field is a 422 naming it by its JSON path (servant.unit_id, counterparty.name, value_ntd…) and nothing is stored. The create is audited in its transaction. Who: officers, managers and admins; the caller becomes the owner.
//	@ID				createEthicsRegistration
//	@Tags			ethics-registrations
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		CreateEthicsRegistrationRequest	true	"the registration"
//	@Success		201		{object}	EthicsRegistrationDTO
//	@Success		200		{object}	EthicsRegistrationDTO	"replay of an earlier create"
//	@Failure		400		{object}	ErrorResponse
//	@Failure		401		{object}	ErrorResponse
//	@Failure		403		{object}	ErrorResponse
//	@Failure		409		{object}	ErrorResponse	"id_conflict"
//	@Failure		413		{object}	ErrorResponse
//	@Failure		415		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse	"fields such as event_date, notified_date, value_ntd, handling_note, servant.unit_id"
//	@Failure		500		{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503		{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503		{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/ethics-registrations [post]
func (h *Handler) CreateEthicsRegistration(c *gin.Context) {
	var req CreateEthicsRegistrationRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	r, created, err := h.Registrations.Create(c.Request.Context(), actor(c), req.input())
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(createdStatus(created), toEthicsRegistrationDTO(r))
}

// GetEthicsRegistration godoc
//
//	@Summary		One ethics-code registration (staff)
//	@Description	Personal data: the read is written to the audit trail with its reader. Who: officers, managers and admins. Read-only.
//	@ID				getEthicsRegistration
//	@Tags			ethics-registrations
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		string	true	"registration id"
//	@Success		200	{object}	EthicsRegistrationDTO
//	@Failure		401	{object}	ErrorResponse
//	@Failure		403	{object}	ErrorResponse
//	@Failure		404	{object}	ErrorResponse
//	@Failure		500	{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503	{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503	{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/ethics-registrations/{id} [get]
func (h *Handler) GetEthicsRegistration(c *gin.Context) {
	r, err := h.Registrations.Get(c.Request.Context(), actor(c), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toEthicsRegistrationDTO(r))
}

// UpdateEthicsRegistration godoc
//
//	@Summary		Change an ethics-code registration (owner, manager, admin)
//	@Description	Send the version you read; a stale one gets 409 version_conflict and nothing changes. The whole record is checked again by the rules of a create (422 naming each bad field; nothing stored). late is recomputed from the dates. A patch that changes nothing answers 200 with the record, so a replay is harmless. The change is audited (before and after) in its transaction. Who: the officer who registered it, managers and admins; other officers 403.
//	@ID				updateEthicsRegistration
//	@Tags			ethics-registrations
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string							true	"registration id"
//	@Param			body	body		PatchEthicsRegistrationRequest	true	"fields to change"
//	@Success		200		{object}	EthicsRegistrationDTO
//	@Failure		400		{object}	ErrorResponse
//	@Failure		401		{object}	ErrorResponse
//	@Failure		403		{object}	ErrorResponse
//	@Failure		404		{object}	ErrorResponse
//	@Failure		409		{object}	ErrorResponse	"version_conflict"
//	@Failure		413		{object}	ErrorResponse
//	@Failure		415		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse
//	@Failure		500		{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503		{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503		{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/ethics-registrations/{id} [patch]
func (h *Handler) UpdateEthicsRegistration(c *gin.Context) {
	var req PatchEthicsRegistrationRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	r, err := h.Registrations.Update(c.Request.Context(), actor(c), c.Param("id"), req.patch())
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toEthicsRegistrationDTO(r))
}

// DeleteEthicsRegistration godoc
//
//	@Summary		Delete an ethics-code registration (soft; owner, manager, admin)
//	@Description	The record is kept with deleted_at set and leaves every list, read and export; the deletion is audited. Deleting a deleted record is a 404. Who: the officer who registered it, managers and admins; other officers 403.
//	@ID				deleteEthicsRegistration
//	@Tags			ethics-registrations
//	@Security		BearerAuth
//	@Param			id	path	string	true	"registration id"
//	@Success		204
//	@Failure		401	{object}	ErrorResponse
//	@Failure		403	{object}	ErrorResponse
//	@Failure		404	{object}	ErrorResponse
//	@Failure		500	{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503	{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503	{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/ethics-registrations/{id} [delete]
func (h *Handler) DeleteEthicsRegistration(c *gin.Context) {
	if err := h.Registrations.Delete(c.Request.Context(), actor(c), c.Param("id")); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// UploadEthicsRegistrationAttachment godoc
//
//	@Summary		Attach a file to an ethics-code registration (owner, manager, admin)
//	@Description	A photo of the gift, the letter that returned it, the superior's signed note: multipart/form-data exactly as for an activity's attachment (an optional part id, then the part file; JPEG, PNG, WebP, HEIC or PDF by content, at most 15 MiB). The first upload of an id answers 201; the same id with the same bytes on the same registration again 200 and nothing stored; the id with other bytes or on another record 409 id_conflict. Download with GET /attachments/{id} (staff; the read is audited); GET /ethics-registrations/{id} lists the files. Who: the officer who registered it, managers and admins; other officers 403.
//	@ID				uploadEthicsRegistrationAttachment
//	@Tags			ethics-registrations
//	@Accept			multipart/form-data
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id				path		string			true	"registration id"
//	@Param			Idempotency-Key	header		string			false	"client id of the upload (UUID), as the form field id"
//	@Param			id				formData	string			false	"client id of the upload (UUID), sent before file"
//	@Param			file			formData	file			true	"the file"
//	@Success		200				{object}	AttachmentDTO	"a resend: the attachment stored under this id"
//	@Success		201				{object}	AttachmentDTO
//	@Failure		400				{object}	ErrorResponse
//	@Failure		401				{object}	ErrorResponse
//	@Failure		403				{object}	ErrorResponse
//	@Failure		404				{object}	ErrorResponse
//	@Failure		409				{object}	ErrorResponse	"id_conflict"
//	@Failure		413				{object}	ErrorResponse
//	@Failure		415				{object}	ErrorResponse
//	@Failure		422				{object}	ErrorResponse
//	@Failure		500				{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503				{object}	ErrorResponse	"unavailable: the database or the file store cannot be reached; retry after Retry-After seconds (a resend with the same id is safe)"
//	@Header			503				{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/ethics-registrations/{id}/attachments [post]
func (h *Handler) UploadEthicsRegistrationAttachment(c *gin.Context) {
	h.upload(c, h.Attachments.UploadForRegistration)
}

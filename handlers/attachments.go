package handlers

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"ethicsops/models"
	"ethicsops/services"
)

// UploadAttachment godoc
//
//	@Summary		Attach a photo or document (owner)
//	@Description	multipart/form-data with one part named file and, before it, an optional part named id: the client id (UUID) of the upload, also accepted as the Idempotency-Key header (both given and different is a 422). The first upload of an id answers 201; the same id with the same bytes on the same activity again answers 200 with the stored attachment and stores nothing; the id with other bytes or on another activity is 409 id_conflict. Parts after file are not read. The type is decided by the content (JPEG, PNG, WebP, HEIC, PDF), never by the name; at most 15 MiB. The stored filename keeps the visible base of the name sent (controls, bidi and zero-width characters removed, at most 200 bytes, "attachment" when nothing visible is left) with the extension of the type found, so x.html holding a PNG is stored as x.png. Who: whoever may change the activity (its owning officer, managers and admins).
//	@ID				uploadAttachment
//	@Tags			attachments
//	@Accept			multipart/form-data
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id				path		string			true	"activity id"
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
//	@Router			/api/v1/activities/{id}/attachments [post]
func (h *Handler) UploadAttachment(c *gin.Context) {
	h.upload(c, h.Attachments.Upload)
}

// upload reads a multipart upload (the id part, then the file part, which
// is streamed to store) for the record named by the path's id.
func (h *Handler) upload(c *gin.Context, store func(context.Context, services.Actor, string, services.UploadInput) (models.Attachment, bool, error)) {
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
	in := services.UploadInput{IdempotencyKey: c.GetHeader("Idempotency-Key")}
	// Stream the part named file; the id comes before it; others are skipped.
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			fail(c, bodyError(err))
			return
		}
		switch part.FormName() {
		case "id":
			b, err := io.ReadAll(io.LimitReader(bodyReader{part}, maxIDField+1))
			if err != nil {
				fail(c, err)
				return
			}
			if len(b) > maxIDField {
				fail(c, services.Invalid("id", "must be a UUID"))
				return
			}
			in.ID = string(b)
		case "file":
			in.Filename, in.Body = part.FileName(), bodyReader{part}
			att, created, err := store(c.Request.Context(), actor(c), c.Param("id"), in)
			if err != nil {
				fail(c, err)
				return
			}
			status := http.StatusOK
			if created {
				status = http.StatusCreated
			}
			c.JSON(status, toAttachmentDTO(att))
			return
		}
	}
	fail(c, services.Invalid("file", "required: a multipart part named file"))
}

// maxIDField bounds the form field id (a UUID is 36 characters; braces and
// a urn:uuid: prefix are accepted too).
const maxIDField = 64

// GetAttachment godoc
//
//	@Summary		Download an attachment (whoever may read its activity or registration)
//	@Description	Streams the stored file with its content type, Content-Disposition attachment with the stored filename, and its SHA-256 as the ETag. Who: whoever may read the activity (staff; a volunteer only for a published event); for a file of an ethics-code registration, office staff, and the read is written to the audit trail with its reader (others get 404). Read-only.
//	@ID				getAttachment
//	@Tags			attachments
//	@Produce		image/jpeg,image/png,image/webp,image/heic,application/pdf,json
//	@Security		BearerAuth
//	@Param			id	path		string	true	"attachment id"
//	@Success		200	{file}		binary
//	@Failure		401	{object}	ErrorResponse
//	@Failure		403	{object}	ErrorResponse	"account waiting for approval"
//	@Failure		404	{object}	ErrorResponse
//	@Failure		500	{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503	{object}	ErrorResponse	"unavailable: the database or the file store cannot be reached; retry after Retry-After seconds"
//	@Header			503	{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/attachments/{id} [get]
func (h *Handler) GetAttachment(c *gin.Context) {
	att, f, err := h.Attachments.Open(c.Request.Context(), actor(c), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	defer f.Close()
	name := att.Filename
	if name == "" {
		name = att.ID
	}
	c.Header("Content-Type", att.ContentType)
	c.Header("Content-Length", strconv.FormatInt(att.Size, 10))
	c.Header("ETag", `"`+att.SHA256+`"`)
	c.Header("X-Content-Type-Options", "nosniff")
	c.Header("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	c.Status(http.StatusOK)
	_, _ = io.Copy(c.Writer, f)
}

// bodyReader turns the body limit's error into payload_too_large.
type bodyReader struct{ r io.Reader }

func (b bodyReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		err = bodyError(err)
	}
	return n, err
}

func bodyError(err error) error {
	var maxErr *http.MaxBytesError
	if errors.As(err, &maxErr) {
		return services.E(services.CodeTooLarge, "the upload is larger than %d bytes", maxErr.Limit)
	}
	return services.BadRequest("malformed multipart body")
}

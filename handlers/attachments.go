package handlers

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"ethicsops/services"
)

// UploadAttachment godoc
//
//	@Summary		Attach a photo or document (owner)
//	@Description	multipart/form-data with one part named file. The type is decided by the content (JPEG, PNG, WebP, HEIC, PDF), never by the name; at most 15 MiB.
//	@ID				uploadAttachment
//	@Tags			attachments
//	@Accept			multipart/form-data
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string	true	"activity id"
//	@Param			file	formData	file	true	"the file"
//	@Success		201		{object}	AttachmentDTO
//	@Failure		400		{object}	ErrorResponse
//	@Failure		401		{object}	ErrorResponse
//	@Failure		403		{object}	ErrorResponse
//	@Failure		404		{object}	ErrorResponse
//	@Failure		413		{object}	ErrorResponse
//	@Failure		415		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse
//	@Router			/api/v1/activities/{id}/attachments [post]
func (h *Handler) UploadAttachment(c *gin.Context) {
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
	// Stream the part named file; other parts are skipped.
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
		att, err := h.Attachments.Upload(c.Request.Context(), actor(c), c.Param("id"), part.FileName(), bodyReader{part})
		if err != nil {
			fail(c, err)
			return
		}
		c.JSON(http.StatusCreated, toAttachmentDTO(att))
		return
	}
	fail(c, services.Invalid("file", "required: a multipart part named file"))
}

// GetAttachment godoc
//
//	@Summary	Download an attachment (whoever may read its activity)
//	@ID			getAttachment
//	@Tags		attachments
//	@Produce	image/jpeg,image/png,image/webp,image/heic,application/pdf,json
//	@Security	BearerAuth
//	@Param		id	path		string	true	"attachment id"
//	@Success	200	{file}		binary
//	@Failure	401	{object}	ErrorResponse
//	@Failure	403	{object}	ErrorResponse	"account waiting for approval"
//	@Failure	404	{object}	ErrorResponse
//	@Router		/api/v1/attachments/{id} [get]
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

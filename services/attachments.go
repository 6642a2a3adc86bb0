package services

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"ethicsops/models"
	"ethicsops/services/storage"
)

// MaxAttachmentSize is the largest file accepted (SPEC.md: 15 MiB).
const MaxAttachmentSize = 15 << 20

// AttachmentService keeps the photos and documents of activities and of
// ethics-code registrations in the process's file store under the key
// attachments/<sha256[:2]>/<sha256> (in the data directory, the path
// <DataDir>/attachments/<sha256[:2]>/<sha256>), with a metadata row each.
//
// Uploads of the same bytes share one object. An object is written before
// the row that names it commits and is never removed by an upload, so that
// two uploads of the same bytes on different servers cannot lose each
// other's file; objects no row names (an upload whose row failed) are
// removed by SweepOrphans once they are old enough.
type AttachmentService struct {
	db         *gorm.DB
	now        Clock
	files      storage.Store
	tmpDir     string // where an upload is spooled while it is hashed
	activities *ActivityService
	// registrations decides who may attach to and read the files of a
	// registration (nil: registrations take no files).
	registrations *RegistrationService
}

// attachmentPrefix is the key prefix of the attachments in the file store.
const attachmentPrefix = "attachments/"

// NewAttachmentService builds the service on the file store files; uploads
// are spooled under dataDir/tmp while they are hashed.
func NewAttachmentService(db *gorm.DB, now Clock, files storage.Store, dataDir string, activities *ActivityService) *AttachmentService {
	return &AttachmentService{db: db, now: now, files: files, tmpDir: filepath.Join(dataDir, "tmp"), activities: activities}
}

// UploadInput is one file sent for an activity.
type UploadInput struct {
	// ID is the client id (the form field id), IdempotencyKey the same id
	// given as the Idempotency-Key header; either, both (then equal) or
	// neither may be given.
	ID, IdempotencyKey string
	Filename           string // as the client named it
	Body               io.Reader
}

// Upload stores in.Body as an attachment of activity id. The type is decided
// by content; the upload is spooled to a temporary file and hashed while it
// streams, then written to the file store (unless the same bytes are there)
// before the row and its audit event commit in one transaction. If anything
// fails no row remains; an object written for it is left to SweepOrphans.
// With a client id it is idempotent, as Create is: the same id with the same
// bytes on the same activity again returns the stored attachment and created
// false, storing nothing; the id with other bytes or on another activity is
// id_conflict.
// Errors: ErrNotFound, ErrForbidden, payload_too_large, unsupported_media_type,
// validation_failed (no file, a bad id), id_conflict.
func (s *AttachmentService) Upload(ctx context.Context, actor Actor, activityID string, in UploadInput) (models.Attachment, bool, error) {
	a, err := s.activities.Get(ctx, actor, activityID)
	if err != nil {
		return models.Attachment{}, false, err
	}
	if !CanUpload(actor, a) {
		return models.Attachment{}, false, Forbidden("only the owner adds files to this activity")
	}
	return s.store(ctx, actor, attachmentOwner{activityID: a.ID}, in)
}

// UploadForRegistration stores in.Body as an attachment of the ethics-code
// registration id, as Upload does for an activity (the same idempotency;
// an id used on another activity or registration is id_conflict). Those who
// may edit the registration may attach to it.
// Errors: ErrForbidden, ErrNotFound, payload_too_large,
// unsupported_media_type, validation_failed, id_conflict.
func (s *AttachmentService) UploadForRegistration(ctx context.Context, actor Actor, registrationID string, in UploadInput) (models.Attachment, bool, error) {
	if s.registrations == nil {
		return models.Attachment{}, false, NotFound("registration")
	}
	r, err := s.registrations.editable(ctx, actor, registrationID)
	if err != nil {
		return models.Attachment{}, false, err
	}
	return s.store(ctx, actor, attachmentOwner{registrationID: r.ID}, in)
}

// attachmentOwner is the record a file belongs to: one of the two is set.
type attachmentOwner struct{ activityID, registrationID string }

// store is the upload itself, for the owner already checked.
func (s *AttachmentService) store(ctx context.Context, actor Actor, owner attachmentOwner, in UploadInput) (models.Attachment, bool, error) {
	id, err := uploadID(in.ID, in.IdempotencyKey)
	if err != nil {
		return models.Attachment{}, false, err
	}
	r := in.Body
	if r == nil {
		return models.Attachment{}, false, Invalid("file", "required")
	}
	// The key is the content's hash, known only at the end: the upload is
	// spooled to a temporary file while it is hashed and sniffed.
	if err := os.MkdirAll(s.tmpDir, 0o750); err != nil {
		return models.Attachment{}, false, err
	}
	tmp, err := os.CreateTemp(s.tmpDir, "upload-*")
	if err != nil {
		return models.Attachment{}, false, err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	h := sha256.New()
	head := make([]byte, SniffLen)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return models.Attachment{}, false, err
	}
	head = head[:n]
	if n == 0 {
		return models.Attachment{}, false, Invalid("file", "the file is empty")
	}
	ctype := SniffContentType(head)
	if ctype == "" {
		return models.Attachment{}, false, E(CodeUnsupportedType, "only JPEG, PNG, WebP, HEIC and PDF files are accepted")
	}
	w := io.MultiWriter(tmp, h)
	if _, err := w.Write(head); err != nil {
		return models.Attachment{}, false, err
	}
	copied, err := io.Copy(w, io.LimitReader(r, MaxAttachmentSize-int64(n)+1))
	size := int64(n) + copied
	if err == nil && size > MaxAttachmentSize {
		err = E(CodeTooLarge, "the file is larger than %d bytes", MaxAttachmentSize)
	}
	if err != nil {
		return models.Attachment{}, false, err
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if old, found, err := s.replay(ctx, id, owner, sum); err != nil || found {
		return old, false, err
	}
	if err := s.putObject(ctx, sum, tmp, size); err != nil {
		return models.Attachment{}, false, err
	}
	att := models.Attachment{
		ID: id, ActivityID: owner.activityID, RegistrationID: owner.registrationID, UploaderID: actor.UserID, SHA256: sum, Size: size, ContentType: ctype,
		Filename: attachmentFilename(in.Filename, ctype), CreatedAt: s.now(),
	}
	after := map[string]any{"activity_id": att.ActivityID, "sha256": att.SHA256, "size": att.Size, "content_type": att.ContentType, "filename": att.Filename}
	if att.RegistrationID != "" {
		delete(after, "activity_id")
		after["registration_id"] = att.RegistrationID
	}
	err = inTx(ctx, s.db, func(tx *gorm.DB) error {
		if err := tx.Create(&att).Error; err != nil {
			return err
		}
		return appendAudit(ctx, tx, s.now, AuditEntry{Actor: actor, Action: "attachment.create", EntityType: "attachment", EntityID: att.ID, After: after})
	})
	if models.IsDuplicate(err) {
		// The same id committed meanwhile by another server on this
		// database: with the same bytes, it is this upload.
		old, found, rerr := s.replay(ctx, id, owner, sum)
		if found && rerr == nil {
			return old, false, nil
		}
		if rerr != nil {
			err = rerr
		}
	}
	if err != nil {
		// The object stays: another upload of the same bytes may have
		// found it and committed its row meanwhile. If none did, the sweep
		// removes it.
		return models.Attachment{}, false, err
	}
	return att, true, nil
}

// attachmentRefresh is the age past which an upload that finds its object
// already stored writes it again: the write renews the object's time, so
// that the sweep (which removes only objects older than
// AttachmentOrphanAge that no row names) cannot take an object this upload
// is about to name.
const attachmentRefresh = time.Hour

// putObject makes sure the object of sum holds the size bytes of body
// (the spooled upload): it is written unless an object of that size and
// recent enough is already there.
func (s *AttachmentService) putObject(ctx context.Context, sum string, body *os.File, size int64) error {
	key := attachmentKey(sum)
	if o, err := s.files.Stat(ctx, key); err == nil && o.Size == size && s.now().Sub(o.ModTime) < attachmentRefresh {
		return nil
	} else if err != nil && !errors.Is(err, storage.ErrNotExist) {
		return err
	}
	if _, err := body.Seek(0, io.SeekStart); err != nil {
		return err
	}
	return s.files.Put(ctx, key, body, size)
}

func attachmentKey(sum string) string { return attachmentPrefix + sum[:2] + "/" + sum }

// uploadID is the client id of an upload, from the form field or the
// header (a new UUIDv7 when neither is given).
func uploadID(field, header string) (string, error) {
	field, header = strings.TrimSpace(field), strings.TrimSpace(header)
	id := field
	if id == "" {
		id = header
	}
	if id == "" {
		return newID(), nil
	}
	u, err := uuid.Parse(id)
	if err != nil {
		return "", Invalid("id", "must be a UUID")
	}
	if field != "" && header != "" {
		if h, err := uuid.Parse(header); err != nil || h != u {
			return "", Invalid("id", "differs from the Idempotency-Key header; send one id")
		}
	}
	return u.String(), nil
}

// replay finds an attachment already stored under id: found with the stored
// row when it holds the same bytes (sum) on the same record, id_conflict
// when it holds anything else.
func (s *AttachmentService) replay(ctx context.Context, id string, owner attachmentOwner, sum string) (models.Attachment, bool, error) {
	var old models.Attachment
	err := s.db.WithContext(ctx).Where("id = ?", id).Take(&old).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return models.Attachment{}, false, nil
	}
	if err != nil {
		return models.Attachment{}, false, err
	}
	if old.ActivityID != owner.activityID || old.RegistrationID != owner.registrationID || old.SHA256 != sum {
		return models.Attachment{}, false, Conflict(CodeIDConflict, "id %s is already used by a different attachment", id)
	}
	return old, true, nil
}

// Open returns an attachment and its bytes to one who may read its activity
// or registration; a registration's file is personal data, and its reading
// is written to the audit trail with the reader. The caller closes the file.
// Errors: ErrNotFound.
func (s *AttachmentService) Open(ctx context.Context, actor Actor, id string) (models.Attachment, io.ReadCloser, error) {
	var att models.Attachment
	err := s.db.WithContext(ctx).Where("id = ?", id).Take(&att).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return att, nil, NotFound("attachment")
	} else if err != nil {
		return att, nil, err
	}
	if att.RegistrationID != "" {
		if s.registrations == nil {
			return att, nil, NotFound("attachment")
		}
		if err := s.registrations.readFile(ctx, actor, att); err != nil {
			return att, nil, err
		}
	} else if _, err := s.activities.Get(ctx, actor, att.ActivityID); err != nil {
		return att, nil, NotFound("attachment")
	}
	f, _, err := s.files.Open(ctx, attachmentKey(att.SHA256))
	if err != nil {
		return att, nil, fmt.Errorf("open attachment %s: %w", att.ID, err)
	}
	return att, f, nil
}

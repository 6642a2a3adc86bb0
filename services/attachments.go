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
	"sync"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"ethicsops/models"
)

// MaxAttachmentSize is the largest file accepted (SPEC.md: 15 MiB).
const MaxAttachmentSize = 15 << 20

// AttachmentService keeps the photos and documents of activities and of
// ethics-code registrations under <DataDir>/attachments/<sha256[:2]>/<sha256>,
// with a metadata row each.
type AttachmentService struct {
	db         *gorm.DB
	now        Clock
	dir        string
	activities *ActivityService
	// registrations decides who may attach to and read the files of a
	// registration (nil: registrations take no files).
	registrations *RegistrationService
	// stored serializes, per content hash, the step from "is the file
	// there?" to the commit of the row (see Upload).
	stored keyedMutex
}

// NewAttachmentService builds the service; dataDir is the data directory.
func NewAttachmentService(db *gorm.DB, now Clock, dataDir string, activities *ActivityService) *AttachmentService {
	return &AttachmentService{db: db, now: now, dir: filepath.Join(dataDir, "attachments"), activities: activities}
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
// by content; the file is written to a temporary file and hashed while it
// streams, then renamed into place; the row and its audit event commit in one
// transaction. If anything fails, neither a row nor a new file remains.
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
	tmpDir := filepath.Join(s.dir, "tmp")
	if err := os.MkdirAll(tmpDir, 0o750); err != nil {
		return models.Attachment{}, false, err
	}
	tmp, err := os.CreateTemp(tmpDir, "upload-*")
	if err != nil {
		return models.Attachment{}, false, err
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName) // a no-op once renamed
	h := sha256.New()
	head := make([]byte, SniffLen)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		tmp.Close()
		return models.Attachment{}, false, err
	}
	head = head[:n]
	if n == 0 {
		tmp.Close()
		return models.Attachment{}, false, Invalid("file", "the file is empty")
	}
	ctype := SniffContentType(head)
	if ctype == "" {
		tmp.Close()
		return models.Attachment{}, false, E(CodeUnsupportedType, "only JPEG, PNG, WebP, HEIC and PDF files are accepted")
	}
	w := io.MultiWriter(tmp, h)
	if _, err := w.Write(head); err != nil {
		tmp.Close()
		return models.Attachment{}, false, err
	}
	copied, err := io.Copy(w, io.LimitReader(r, MaxAttachmentSize-int64(n)+1))
	size := int64(n) + copied
	if err == nil && size > MaxAttachmentSize {
		err = E(CodeTooLarge, "the file is larger than %d bytes", MaxAttachmentSize)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return models.Attachment{}, false, err
	}
	sum := hex.EncodeToString(h.Sum(nil))
	final := s.path(sum)
	if err := os.MkdirAll(filepath.Dir(final), 0o750); err != nil {
		return models.Attachment{}, false, err
	}
	// Uploads of the same bytes share one file. Without this lock, two of
	// them at once (a phone retrying on a weak signal while its first try is
	// still being stored) could both find the file missing or one find the
	// other's, and the one whose row then failed would remove the file the
	// other's committed row points to. Held to the end, the lock lets a
	// failed upload remove only a file no other upload has counted on.
	defer s.stored.lock(sum)()
	if old, found, err := s.replay(ctx, id, owner, sum); err != nil || found {
		return old, false, err
	}
	_, statErr := os.Stat(final)
	existed := statErr == nil
	if !existed {
		if err := os.Rename(tmpName, final); err != nil {
			return models.Attachment{}, false, err
		}
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
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&att).Error; err != nil {
			return err
		}
		return appendAudit(ctx, tx, s.now, AuditEntry{Actor: actor, Action: "attachment.create", EntityType: "attachment", EntityID: att.ID, After: after})
	})
	if models.IsDuplicate(err) {
		// The same id committed meanwhile by another server on this
		// database. With the same bytes its row points to this very path,
		// so the file stays whoever put it there.
		old, found, rerr := s.replay(ctx, id, owner, sum)
		if found && rerr == nil {
			return old, false, nil
		}
		if rerr != nil {
			err = rerr
		}
	}
	if err != nil {
		if !existed {
			_ = os.Remove(final)
		}
		return models.Attachment{}, false, err
	}
	return att, true, nil
}

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
func (s *AttachmentService) Open(ctx context.Context, actor Actor, id string) (models.Attachment, *os.File, error) {
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
	f, err := os.Open(s.path(att.SHA256))
	if err != nil {
		return att, nil, fmt.Errorf("open attachment %s: %w", att.ID, err)
	}
	return att, f, nil
}

func (s *AttachmentService) path(sum string) string {
	return filepath.Join(s.dir, sum[:2], sum)
}

// keyedMutex is a mutex per key, kept only while someone holds or waits
// for it.
type keyedMutex struct {
	mu sync.Mutex
	m  map[string]*keyedEntry
}

type keyedEntry struct {
	mu      sync.Mutex
	holders int // holding or waiting
}

// lock locks key and returns its unlock.
func (k *keyedMutex) lock(key string) func() {
	k.mu.Lock()
	if k.m == nil {
		k.m = make(map[string]*keyedEntry)
	}
	e := k.m[key]
	if e == nil {
		e = &keyedEntry{}
		k.m[key] = e
	}
	e.holders++
	k.mu.Unlock()
	e.mu.Lock()
	return func() {
		e.mu.Unlock()
		k.mu.Lock()
		if e.holders--; e.holders == 0 {
			delete(k.m, key)
		}
		k.mu.Unlock()
	}
}

// Dir is where the files are kept (for operators and tests).
func (s *AttachmentService) Dir() string { return s.dir }

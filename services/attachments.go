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
	"unicode/utf8"

	"gorm.io/gorm"

	"ethicsops/models"
)

// MaxAttachmentSize is the largest file accepted (SPEC.md: 15 MiB).
const MaxAttachmentSize = 15 << 20

// AttachmentService keeps the photos and documents of activities under
// <DataDir>/attachments/<sha256[:2]>/<sha256>, with a metadata row each.
type AttachmentService struct {
	db         *gorm.DB
	now        Clock
	dir        string
	activities *ActivityService
	// stored serializes, per content hash, the step from "is the file
	// there?" to the commit of the row (see Upload).
	stored keyedMutex
}

// NewAttachmentService builds the service; dataDir is the data directory.
func NewAttachmentService(db *gorm.DB, now Clock, dataDir string, activities *ActivityService) *AttachmentService {
	return &AttachmentService{db: db, now: now, dir: filepath.Join(dataDir, "attachments"), activities: activities}
}

// Upload stores r as an attachment of activity id. The type is decided by
// content; the file is written to a temporary file and hashed while it
// streams, then renamed into place; the row and its audit event commit in one
// transaction. If anything fails, neither a row nor a new file remains.
// Errors: ErrNotFound, ErrForbidden, payload_too_large, unsupported_media_type,
// validation_failed (no file).
func (s *AttachmentService) Upload(ctx context.Context, actor Actor, activityID, filename string, r io.Reader) (models.Attachment, error) {
	a, err := s.activities.Get(ctx, actor, activityID)
	if err != nil {
		return models.Attachment{}, err
	}
	if !CanUpload(actor, a) {
		return models.Attachment{}, Forbidden("only the owner adds files to this activity")
	}
	if r == nil {
		return models.Attachment{}, Invalid("file", "required")
	}
	tmpDir := filepath.Join(s.dir, "tmp")
	if err := os.MkdirAll(tmpDir, 0o750); err != nil {
		return models.Attachment{}, err
	}
	tmp, err := os.CreateTemp(tmpDir, "upload-*")
	if err != nil {
		return models.Attachment{}, err
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName) // a no-op once renamed
	h := sha256.New()
	head := make([]byte, SniffLen)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		tmp.Close()
		return models.Attachment{}, err
	}
	head = head[:n]
	if n == 0 {
		tmp.Close()
		return models.Attachment{}, Invalid("file", "the file is empty")
	}
	ctype := SniffContentType(head)
	if ctype == "" {
		tmp.Close()
		return models.Attachment{}, E(CodeUnsupportedType, "only JPEG, PNG, WebP, HEIC and PDF files are accepted")
	}
	w := io.MultiWriter(tmp, h)
	if _, err := w.Write(head); err != nil {
		tmp.Close()
		return models.Attachment{}, err
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
		return models.Attachment{}, err
	}
	sum := hex.EncodeToString(h.Sum(nil))
	final := s.path(sum)
	if err := os.MkdirAll(filepath.Dir(final), 0o750); err != nil {
		return models.Attachment{}, err
	}
	// Uploads of the same bytes share one file. Without this lock, two of
	// them at once (a phone retrying on a weak signal while its first try is
	// still being stored) could both find the file missing or one find the
	// other's, and the one whose row then failed would remove the file the
	// other's committed row points to. Held to the end, the lock lets a
	// failed upload remove only a file no other upload has counted on.
	defer s.stored.lock(sum)()
	_, statErr := os.Stat(final)
	existed := statErr == nil
	if !existed {
		if err := os.Rename(tmpName, final); err != nil {
			return models.Attachment{}, err
		}
	}
	att := models.Attachment{
		ID: newID(), ActivityID: a.ID, UploaderID: actor.UserID, SHA256: sum, Size: size, ContentType: ctype,
		Filename: cleanFilename(filename), CreatedAt: s.now(),
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&att).Error; err != nil {
			return err
		}
		return appendAudit(ctx, tx, s.now, AuditEntry{Actor: actor, Action: "attachment.create", EntityType: "attachment", EntityID: att.ID,
			After: map[string]any{"activity_id": att.ActivityID, "sha256": att.SHA256, "size": att.Size, "content_type": att.ContentType, "filename": att.Filename}})
	})
	if err != nil {
		if !existed {
			_ = os.Remove(final)
		}
		return models.Attachment{}, err
	}
	return att, nil
}

// Open returns an attachment and its bytes to one who may read its activity.
// The caller closes the file.
// Errors: ErrNotFound.
func (s *AttachmentService) Open(ctx context.Context, actor Actor, id string) (models.Attachment, *os.File, error) {
	var att models.Attachment
	err := s.db.WithContext(ctx).Where("id = ?", id).Take(&att).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return att, nil, NotFound("attachment")
	} else if err != nil {
		return att, nil, err
	}
	if _, err := s.activities.Get(ctx, actor, att.ActivityID); err != nil {
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

// cleanFilename keeps the base name a client gave, for Content-Disposition.
func cleanFilename(n string) string {
	n = filepath.Base(strings.ReplaceAll(n, "\\", "/"))
	n = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '"' {
			return -1
		}
		return r
	}, n)
	if n == "." || n == "/" || !utf8.ValidString(n) {
		return ""
	}
	for len(n) > 255 {
		_, size := utf8.DecodeLastRuneInString(n)
		n = n[:len(n)-size]
	}
	return n
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

package services

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"time"

	"ethicsops/models"
	"ethicsops/services/storage"
)

// AttachmentOrphanAge is how old an object under attachments/ must be
// before SweepOrphans removes it when no attachment row names it. An
// upload writes its object before its row commits, and an upload of the
// same bytes may rely on an object that is already there: a day is far
// beyond any upload in flight, so a committed row never loses its file.
const AttachmentOrphanAge = 24 * time.Hour

// AttachmentSweepInterval is how often serve sweeps the orphaned objects.
const AttachmentSweepInterval = time.Hour

// SweepResult counts one sweep.
type SweepResult struct {
	Seen    int // objects under attachments/
	Deleted int // orphaned and old enough: removed
}

// SweepOrphans removes the objects under attachments/ that are older than
// AttachmentOrphanAge and that no attachment row names (left by uploads
// whose row failed). Several servers sweeping one store at once delete the
// same objects, which is harmless. Keys that are not a content hash are
// left alone.
func (s *AttachmentService) SweepOrphans(ctx context.Context) (SweepResult, error) {
	var res SweepResult
	cutoff := s.now().Add(-AttachmentOrphanAge)
	s.sweepSpool(cutoff)
	var old []storage.Object
	err := s.files.List(ctx, attachmentPrefix, func(o storage.Object) error {
		res.Seen++
		if o.ModTime.Before(cutoff) && hashKey(o.Key) != "" {
			old = append(old, o)
		}
		return nil
	})
	if err != nil {
		return res, err
	}
	const batch = 200
	for len(old) > 0 {
		n := min(batch, len(old))
		chunk := old[:n]
		old = old[n:]
		sums := make([]string, len(chunk))
		for i, o := range chunk {
			sums[i] = hashKey(o.Key)
		}
		var named []string
		if err := s.db.WithContext(ctx).Model(&models.Attachment{}).Where("sha256 IN ?", sums).Distinct().Pluck("sha256", &named).Error; err != nil {
			return res, err
		}
		keep := make(map[string]bool, len(named))
		for _, h := range named {
			keep[h] = true
		}
		for _, o := range chunk {
			if keep[hashKey(o.Key)] {
				continue
			}
			// Looked at again just before: an upload that found the object
			// old has written it anew (attachmentRefresh) before naming it.
			if cur, err := s.files.Stat(ctx, o.Key); err != nil || !cur.ModTime.Before(cutoff) {
				continue
			}
			if err := s.files.Delete(ctx, o.Key); err != nil {
				return res, err
			}
			res.Deleted++
		}
	}
	return res, nil
}

// sweepSpool removes the spooled uploads a killed process left in the
// temporary directory (a live upload's file is minutes old at most).
func (s *AttachmentService) sweepSpool(cutoff time.Time) {
	entries, _ := os.ReadDir(s.tmpDir)
	for _, d := range entries {
		if info, err := d.Info(); err == nil && !d.IsDir() && strings.HasPrefix(d.Name(), "upload-") && info.ModTime().Before(cutoff) {
			_ = os.Remove(filepath.Join(s.tmpDir, d.Name()))
		}
	}
}

// SweepOrphansEvery runs SweepOrphans every interval until ctx ends; errors
// go to onErr and the next tick tries again.
func (s *AttachmentService) SweepOrphansEvery(ctx context.Context, interval time.Duration, onErr func(error)) {
	every(ctx, interval, func(ctx context.Context) error { _, err := s.SweepOrphans(ctx); return err }, onErr)
}

// hashKey returns the content hash an attachment key names
// (attachments/<h[:2]>/<h>), or "" for any other key.
func hashKey(key string) string {
	rest, ok := strings.CutPrefix(key, attachmentPrefix)
	if !ok {
		return ""
	}
	dir, sum, ok := strings.Cut(rest, "/")
	if !ok || len(sum) != 64 || dir != sum[:2] {
		return ""
	}
	for _, c := range sum {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return ""
		}
	}
	return sum
}

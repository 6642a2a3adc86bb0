package reports

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"

	"gorm.io/gorm"

	"ethicsops/models"
)

// Key rotation (`ethicsops reports rotate-key`): the service is built with
// the new key as Key and the old one among PreviousKeys; Rotate re-seals
// under the new key everything sealed under another, batch by batch:
// report contents, message texts, file names and the file objects (whose
// header alone holds the wrapped data key: the chunks are copied as they
// are). Each row says by its KeyID whether it is done, and a file's object
// is rewritten before its row, so a rotation cut short is resumed by
// running it again, and a rerun after the end changes nothing. Servers
// started meanwhile open both keys (ETHICSOPS_REPORTS_OLD_KEY).

// RotateCounts says what a rotation re-sealed. Recordings are the
// receipts kept for a handler's replay (recording.go).
type RotateCounts struct {
	Reports, Messages, Files, Recordings int
}

const rotateBatch = 100

// Rotate re-seals everything not sealed under the current key; progress
// gets a line per batch.
func (s *Service) Rotate(ctx context.Context, progress io.Writer) (RotateCounts, error) {
	var c RotateCounts
	cur := s.sealer.KeyID()
	db := s.db.WithContext(ctx)
	for {
		var rows []models.Report
		if err := db.Select("id", "sealed", "key_id").Where("key_id <> ?", cur).Order("id").Limit(rotateBatch).Find(&rows).Error; err != nil {
			return c, err
		}
		if len(rows) == 0 {
			break
		}
		for _, r := range rows {
			plain, err := s.sealer.Open(r.Sealed, aad(r.ID, "content"))
			if err != nil {
				return c, fmt.Errorf("report %s (key %s): %w", r.ID, r.KeyID, err)
			}
			n, err := reseal(db, &models.Report{}, r.ID, r.KeyID, "sealed", r.Sealed, map[string]any{"sealed": s.sealer.Seal(plain, aad(r.ID, "content")), "key_id": cur})
			if err != nil {
				return c, err
			}
			c.Reports += n
		}
		fmt.Fprintf(progress, "reports: %d re-sealed\n", c.Reports)
	}
	for {
		var rows []models.ReportMessage
		if err := db.Select("id", "sealed", "key_id").Where("key_id <> ?", cur).Order("id").Limit(rotateBatch).Find(&rows).Error; err != nil {
			return c, err
		}
		if len(rows) == 0 {
			break
		}
		for _, m := range rows {
			plain, err := s.sealer.Open(m.Sealed, aad(m.ID, "text"))
			if err != nil {
				return c, fmt.Errorf("message %s (key %s): %w", m.ID, m.KeyID, err)
			}
			n, err := reseal(db, &models.ReportMessage{}, m.ID, m.KeyID, "sealed", m.Sealed, map[string]any{"sealed": s.sealer.Seal(plain, aad(m.ID, "text")), "key_id": cur})
			if err != nil {
				return c, err
			}
			c.Messages += n
		}
		fmt.Fprintf(progress, "messages: %d re-sealed\n", c.Messages)
	}
	for {
		var rows []models.ReportFile
		if err := db.Where("key_id <> ?", cur).Order("id").Limit(rotateBatch).Find(&rows).Error; err != nil {
			return c, err
		}
		if len(rows) == 0 {
			break
		}
		for _, f := range rows {
			name, err := s.sealer.Open(f.SealedName, aad(f.ID, "name"))
			if err != nil {
				return c, fmt.Errorf("file %s (key %s): name: %w", f.ID, f.KeyID, err)
			}
			if err := s.resealObject(ctx, f); err != nil {
				return c, fmt.Errorf("file %s (key %s): %w", f.ID, f.KeyID, err)
			}
			n, err := reseal(db, &models.ReportFile{}, f.ID, f.KeyID, "sealed_name", f.SealedName, map[string]any{"sealed_name": s.sealer.Seal(name, aad(f.ID, "name")), "key_id": cur})
			if err != nil {
				return c, err
			}
			c.Files += n
		}
		fmt.Fprintf(progress, "files: %d re-sealed\n", c.Files)
	}
	// The receipts kept for a handler's replay (a day at most).
	for {
		var rows []models.ReportIntake
		if err := db.Where("key_id <> ? AND sealed IS NOT NULL", cur).Order("handler_id, client_id").Limit(rotateBatch).Find(&rows).Error; err != nil {
			return c, err
		}
		if len(rows) == 0 {
			break
		}
		for _, r := range rows {
			aad := intakeAAD(r.HandlerID, r.ClientID)
			key := s.keyByID(r.KeyID)
			receipt, hash, ok := "", []byte(nil), false
			if key != nil {
				receipt, hash, ok = openReplay(intakeKey(key, r.HandlerID, r.ClientID), aad, r.Sealed)
			}
			// A seal no key opens any more (a key dropped before its
			// rotation ended) is only a convenience lost: it is cleared, and
			// a replay of that recording says its receipt is no longer kept.
			var sealed any = gorm.Expr("NULL")
			if ok {
				b, err := sealReplay(intakeKey(s.opts.Key, r.HandlerID, r.ClientID), aad, receipt, hash)
				if err != nil {
					return c, err
				}
				sealed = b
			}
			res := db.Model(&models.ReportIntake{}).Where("handler_id = ? AND client_id = ? AND key_id = ?", r.HandlerID, r.ClientID, r.KeyID).
				Updates(map[string]any{"sealed": sealed, "key_id": cur})
			if res.Error != nil {
				return c, res.Error
			}
			c.Recordings += int(res.RowsAffected)
		}
		fmt.Fprintf(progress, "recordings: %d re-sealed\n", c.Recordings)
	}
	return c, nil
}

// reseal writes the re-sealed columns of one row if it still holds what
// was read (column's value under key was): a server still sealing under the
// old key may have changed it meanwhile, and its change must not be lost;
// the row is then taken again by the next batch.
func reseal(db *gorm.DB, model any, id, was, column string, old []byte, cols map[string]any) (int, error) {
	res := db.Model(model).Where("id = ? AND key_id = ? AND "+column+" = ?", id, was, old).Updates(cols)
	return int(res.RowsAffected), res.Error
}

// resealObject rewrites the header of f's object with its data key wrapped
// under the current key, copying the sealed chunks as they are. Run again
// on an object already rewritten, it rewrites it the same way.
func (s *Service) resealObject(ctx context.Context, f models.ReportFile) error {
	rc, _, err := s.files.Open(ctx, f.ObjectKey)
	if err != nil {
		return err
	}
	defer rc.Close()
	br := bufio.NewReaderSize(rc, fileChunk)
	wrapped, prefix, err := readFileHeader(br)
	if err != nil {
		return err
	}
	key, err := s.sealer.Open(wrapped, aad(f.ID, "filekey"))
	if err != nil {
		return err
	}
	var head bytes.Buffer
	if err := s.writeFileHeader(&head, f.ID, key, prefix); err != nil {
		return err
	}
	return s.files.Put(ctx, f.ObjectKey, io.MultiReader(&head, br), -1)
}

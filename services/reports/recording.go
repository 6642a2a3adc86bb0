package reports

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"ethicsops/models"
	"ethicsops/services"
)

// IntakeReplayTTL is how long the receipt of a report recorded with a
// client id is kept sealed for a replay: long enough for a handler whose
// office connection dropped to press 送出 again the same day or the next
// morning, short enough that receipts do not pile up at rest (even sealed).
const IntakeReplayTTL = 24 * time.Hour

// Recording is a report a handler received otherwise than through the
// public page, as they enter it.
type Recording struct {
	// Channel is letter, phone, mailbox or in_person.
	Channel string
	Report  ReportInput
	Files   FileSource // nil: none
	// ClientID (optional) is a UUID the client made once for this report:
	// the same handler recording the same report with it again (the answer
	// was lost) gets the same receipt, and nothing new is stored.
	ClientID string
}

// errClaimed makes a recording's transaction roll back when its client id
// was claimed meanwhile (a retry racing its first try).
var errClaimed = errors.New("reports: the client id was claimed meanwhile")

// Record stores a report a handler received otherwise than through the
// public page (channel: letter, phone, mailbox or in_person) with its
// enclosures, exactly as the intake stores a web report: sealed, with its
// deadlines from now, audited (report.receive) with the handler as actor.
// The receipt is for the handler to pass on to the reporter (in the answer
// letter, on the phone), who follows the report up with it like anyone.
//
// With a client id it is idempotent per handler: the same id with the same
// channel and report again, within IntakeReplayTTL, answers the same
// receipt (Replay) and stores nothing — its files are not read again; the
// same id with another channel or report, or once the receipt is no longer
// kept, is id_conflict. Another handler's client ids are their own. Two
// requests at once with one id store one report: the second answers as a
// replay.
//
// Errors: forbidden, validation_failed (channel, client_id and the report's
// fields), id_conflict, payload_too_large, unsupported_media_type.
func (s *Service) Record(ctx context.Context, actor services.Actor, rec Recording) (Receipt, error) {
	if _, err := s.handler(ctx, actor); err != nil {
		return Receipt{}, err
	}
	s.maybeSweep(ctx)
	in, err := validateReport(rec.Report)
	if rec.Channel == "web" || !oneOf(rec.Channel, models.ReportChannels) {
		err = mergeFields(err, services.Invalid("channel", "must be letter, phone, mailbox or in_person (web reports come through the public page)"))
	}
	clientID := strings.TrimSpace(rec.ClientID)
	if clientID != "" {
		u, perr := uuid.Parse(clientID)
		if perr != nil || len(clientID) != 36 {
			err = mergeFields(err, services.Invalid("client_id", "must be a UUID such as 0b7f3c2e-8d1a-4f5e-9c6b-2a4d8e1f7a90"))
		}
		clientID = u.String()
	}
	if err != nil {
		return Receipt{}, err
	}
	if clientID == "" {
		out, err := s.receive(ctx, actor, rec.Channel, in, rec.Files, nil)
		return s.withRef(ctx, out, err)
	}
	hash, err := recordingHash(rec.Channel, in)
	if err != nil {
		return Receipt{}, err
	}
	if out, found, err := s.intakeReplay(ctx, actor.UserID, clientID, hash); err != nil || found {
		return s.withRef(ctx, out, err)
	}
	claim := func(tx *gorm.DB, reportID, receipt string) error {
		sealed, err := sealReplay(intakeKey(s.opts.Key, actor.UserID, clientID), intakeAAD(actor.UserID, clientID), receipt, hash)
		if err != nil {
			return err
		}
		now := s.now()
		err = tx.Create(&models.ReportIntake{HandlerID: actor.UserID, ClientID: clientID, ReportID: reportID, Sealed: sealed,
			KeyID: s.sealer.KeyID(), ReplayUntil: now.Add(IntakeReplayTTL), CreatedAt: now}).Error
		if models.IsDuplicate(err) {
			return errClaimed
		}
		return err
	}
	out, err := s.receive(ctx, actor, rec.Channel, in, rec.Files, claim)
	if errors.Is(err, errClaimed) {
		var found bool
		out, found, err = s.intakeReplay(ctx, actor.UserID, clientID, hash)
		if err == nil && !found {
			err = fmt.Errorf("reports: client id %s claimed, then not found", clientID)
		}
	}
	return s.withRef(ctx, out, err)
}

// recordingHash is what a replay of a recording must match: its channel
// and its cleaned content.
func recordingHash(channel string, in ReportInput) ([]byte, error) {
	doc, err := json.Marshal(in.content())
	if err != nil {
		return nil, err
	}
	h := sha256.Sum256(append([]byte("intake\x00"+channel+"\x00"+in.Disclosure+"\x00"), doc...))
	return h[:], nil
}

// intakeKey is the key of one recording's replay seal: derived from a
// reports key and bound to the handler and the client id.
func intakeKey(key []byte, handlerID, clientID string) []byte {
	m := hmac.New(sha256.New, derive(key, "intake-replay"))
	m.Write([]byte(handlerID + "\x00" + clientID))
	return m.Sum(nil)
}

func intakeAAD(handlerID, clientID string) []byte {
	return []byte("ethicsops/report-intake/" + handlerID + "/" + clientID)
}

// keyByID is the reports key (current or previous) whose id is id.
func (s *Service) keyByID(id string) []byte {
	for _, k := range s.keys() {
		if KeyID(k) == id {
			return k
		}
	}
	return nil
}

// intakeReplay looks up the client id of a handler: not found when it is
// new; the stored report's receipt when it recorded the same report (hash);
// id_conflict when it recorded another, or when its receipt is no longer
// kept.
func (s *Service) intakeReplay(ctx context.Context, handlerID, clientID string, hash []byte) (Receipt, bool, error) {
	var row models.ReportIntake
	err := s.db.WithContext(ctx).Where("handler_id = ? AND client_id = ?", handlerID, clientID).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Receipt{}, false, nil
	}
	if err != nil {
		return Receipt{}, false, err
	}
	key := s.keyByID(row.KeyID)
	if len(row.Sealed) == 0 || !s.now().Before(row.ReplayUntil) || key == nil {
		return Receipt{}, false, services.Conflict(services.CodeIDConflict,
			"client_id %s was used for a report recorded more than %v ago; its receipt is no longer kept: find the report in the queue", clientID, IntakeReplayTTL)
	}
	receipt, h, ok := openReplay(intakeKey(key, handlerID, clientID), intakeAAD(handlerID, clientID), row.Sealed)
	if !ok {
		return Receipt{}, false, fmt.Errorf("reports: the replay seal of client id %s does not open", clientID)
	}
	if !hmac.Equal(h, hash) {
		return Receipt{}, false, services.Conflict(services.CodeIDConflict, "client_id %s was already used for a different report", clientID)
	}
	return Receipt{ReportID: row.ReportID, Receipt: receipt, Replay: true}, true, nil
}

// withRef adds the office's reference of the report to a handler's receipt.
func (s *Service) withRef(ctx context.Context, out Receipt, err error) (Receipt, error) {
	if err != nil || out.ReportID == "" {
		return out, err
	}
	var r struct {
		Year int
		Seq  int
	}
	if err := s.db.WithContext(ctx).Model(&models.Report{}).Select("reports.year AS year, "+refExpr+" AS seq").
		Where("reports.id = ?", out.ReportID).Scan(&r).Error; err != nil {
		return out, err
	}
	if r.Year == 0 {
		return out, nil
	}
	out.Ref = Ref(r.Year, r.Seq)
	return out, nil
}

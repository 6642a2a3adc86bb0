// Package reports is the whistle-blowing intake (檢舉): anonymous reports
// sent without an account, followed up with a receipt, sealed at rest under
// the reports key, and read only by the handlers an admin designated.
//
// It stands apart from the field records: it shares no state with them and
// keeps its own rules, and it uses the services package only for the caller
// (services.Actor), the error kinds of the one error table and the audit
// trail.
package reports

import (
	"fmt"
	"time"

	"gorm.io/gorm"

	"ethicsops/services"
	"ethicsops/services/storage"
)

// Options configure the reports service of one process.
type Options struct {
	// Key seals new content; PreviousKeys still open older content while a
	// key rotation is under way.
	Key          []byte
	PreviousKeys [][]byte
	// Files keeps the sealed evidence files, under keys "reports/…".
	Files storage.Store
	// Location is the office time zone (years, working days, dates).
	Location *time.Location
	// Clock is the time source; nil means services.SystemClock.
	Clock services.Clock
	// FirstAnswerDays (working days) and AssessDays (calendar days) are the
	// handling deadlines (deadlines.go); 0 means the defaults.
	FirstAnswerDays int
	AssessDays      int
	// PowBits is the proof-of-work difficulty of the public intake in
	// leading zero bits (pow.go); 0: any nonce, the challenge still required.
	PowBits int
	// Limits are the public side's throttles (throttle.go); zero fields
	// mean the defaults.
	Limits Limits
}

// Service is the whistle-blowing intake and its handling.
type Service struct {
	db     *gorm.DB
	now    services.Clock
	loc    *time.Location
	sealer *Sealer
	files  storage.Store
	opts   Options
	// pub is the state of the public side (receipt salt, hash slots).
	pub publicState
}

// New builds the service over db.
func New(db *gorm.DB, o Options) (*Service, error) {
	sealer, err := NewSealer(o.Key, o.PreviousKeys...)
	if err != nil {
		return nil, fmt.Errorf("reports key: %w", err)
	}
	if o.Clock == nil {
		o.Clock = services.SystemClock
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.Files == nil {
		return nil, fmt.Errorf("reports: no file store")
	}
	return &Service{db: db, now: o.Clock, loc: o.Location, sealer: sealer, files: o.Files, opts: o, pub: newPublicState()}, nil
}

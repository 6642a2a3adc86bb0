package models

import "time"

// ReportSecret is a per-installation secret of the whistle-blowing intake
// that must be the same on every server of a cluster and must survive a
// rotation of the reports key: the salt of the receipt hashes. It is made
// once (the first server to need it inserts it) and never changes.
type ReportSecret struct {
	Name      string    `gorm:"primaryKey;size:32"`
	Value     []byte    `gorm:"type:blob;not null"`
	CreatedAt time.Time `gorm:"precision:6;not null"`
}

// ReportChallenge is a spent proof-of-work challenge, kept until it expires
// so that no server of a cluster accepts it twice. ID is the SHA-256 of the
// challenge (hex). Sealed holds the receipt the report sent with it was
// answered with and a hash of that report, sealed under a key derived from
// the challenge, the nonce and the server key: a phone that lost the answer
// gets the same receipt back by sending the same report with the same proof
// again, and the row alone gives nothing away. Rows are deleted once
// expired.
type ReportChallenge struct {
	ID        string    `gorm:"primaryKey;size:64"`
	Sealed    []byte    `gorm:"type:blob;not null"`
	ExpiresAt time.Time `gorm:"precision:6;not null;index"`
}

// ReportThrottle counts the attempts of one key in one fixed window: the
// intake and the receipt checks, per address (Key is a keyed hash of the
// address under a key that changes daily: no address is stored) and
// globally (Key "global:<kind>").
type ReportThrottle struct {
	Key         string    `gorm:"primaryKey;size:80"`
	Count       int       `gorm:"not null"`
	WindowStart time.Time `gorm:"precision:6;not null"`
	ExpiresAt   time.Time `gorm:"precision:6;not null;index"`
}

// ReportIntake is a report a handler recorded with a client id (a UUID the
// web client makes once per draft): the handler's office connection may drop
// after the report was stored, and pressing 送出 again must give the same
// receipt rather than a second report. The primary key (HandlerID,
// ClientID) makes two requests at once store one report. Sealed holds the
// receipt the report was answered with and a hash of what was recorded,
// sealed under a key derived from the reports key (KeyID) and bound to the
// handler and the client id; it is emptied (NULL) once ReplayUntil has
// passed, so that no receipt is kept longer than a retry needs. The row
// stays, so that the client id never records a second report.
type ReportIntake struct {
	HandlerID   string    `gorm:"primaryKey;size:36"`
	ClientID    string    `gorm:"primaryKey;size:36"`
	ReportID    string    `gorm:"size:36;not null;index"`
	Sealed      []byte    `gorm:"type:blob"`
	KeyID       string    `gorm:"size:16;not null;index"`
	ReplayUntil time.Time `gorm:"precision:6;not null;index"`
	CreatedAt   time.Time `gorm:"precision:6;not null"`
}

package models

import (
	"time"
)

// AuditEvent is one entry of the append-only audit trail. It is written in the
// same transaction as the change it records. Seq, PrevHash and Hash are filled
// later by the sealer, which chains committed events in order.
type AuditEvent struct {
	ID         string    `gorm:"primaryKey;size:36"`
	At         time.Time `gorm:"precision:6;not null;index"`
	ActorID    string    `gorm:"size:36;not null;default:'';index"`
	ActorRole  string    `gorm:"size:16;not null;default:''"`
	Action     string    `gorm:"size:48;not null;index"`
	EntityType string    `gorm:"size:32;not null;index:idx_audit_entity"`
	EntityID   string    `gorm:"size:64;not null;default:'';index:idx_audit_entity"`
	RequestID  string    `gorm:"size:64;not null;default:''"`
	Before     string    `gorm:"type:text"`
	After      string    `gorm:"type:text"`
	Seq        *int64    `gorm:"uniqueIndex"`
	PrevHash   string    `gorm:"size:64;not null;default:''"`
	Hash       string    `gorm:"size:64;not null;default:''"`
}

// AuditSealState is the one row that remembers the tail of the sealed chain.
type AuditSealState struct {
	ID       int    `gorm:"primaryKey;autoIncrement:false"`
	LastSeq  int64  `gorm:"not null"`
	LastHash string `gorm:"size:64;not null"`
}

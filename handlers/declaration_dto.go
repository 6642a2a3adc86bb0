package handlers

import (
	"encoding/json"
	"time"

	"ethicsops/models"
	"ethicsops/services"
)

// DeclarationDTO is a roster row of the property declarations (財產申報名冊).
// It never carries asset details: they are not stored anywhere.
type DeclarationDTO struct {
	ID            string     `json:"id" example:"0192f1c4-7a8e-7b3e-9c1d-2f5e8a9b0c1d"`
	Year          int        `json:"year" example:"2020"`
	DeclarantName string     `json:"declarant_name" example:"王大明"`
	Position      string     `json:"position" example:"工務處處長"`
	UnitID        string     `json:"unit_id"`
	Type          string     `json:"type" enums:"regular,on_assumption,on_leaving"`
	DueDate       string     `json:"due_date" example:"2020-12-31" format:"date"`
	FiledAt       *time.Time `json:"filed_at" extensions:"x-nullable"`
	Status        string     `json:"status" enums:"filed_on_time,filed_late,not_filed,not_yet_due"`
	Version       int        `json:"version" example:"1"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
}

func toDeclarationDTO(d services.Declaration) DeclarationDTO {
	return DeclarationDTO{
		ID: d.ID, Year: d.Year, DeclarantName: d.DeclarantName, Position: d.Position, UnitID: d.UnitID, Type: d.Type,
		DueDate: d.DueDate, FiledAt: d.FiledAt, Status: d.Status, Version: d.Version, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt,
	}
}

// DeclarationList is a page of roster rows.
type DeclarationList struct {
	Items      []DeclarationDTO `json:"items"`
	NextCursor string           `json:"next_cursor"`
}

// CreateDeclarationRequest adds a roster row; id is optional (client-made
// UUID, safe to resend).
type CreateDeclarationRequest struct {
	ID string `json:"id,omitempty"`
	// Year is from 1912 to this year + 2.
	Year          int    `json:"year" example:"2020"`
	DeclarantName string `json:"declarant_name" example:"王大明"` // one line, 1–100 characters
	Position      string `json:"position" example:"工務處處長"`     // one line, 1–100 characters
	UnitID        string `json:"unit_id"`
	Type          string `json:"type" enums:"regular,on_assumption,on_leaving"`
	// DueDate is a date from 1912-01-01 to 2 years ahead.
	DueDate string `json:"due_date" example:"2020-12-31" format:"date"`
	// FiledAt is from 1912-01-01 to at most 5 minutes ahead.
	FiledAt *time.Time `json:"filed_at,omitempty"`
}

// NullableTime tells an absent field from an explicit null.
type NullableTime struct {
	Set   bool
	Value *time.Time
}

// UnmarshalJSON records that the field was sent, and its value (nil for null).
func (n *NullableTime) UnmarshalJSON(b []byte) error {
	n.Set = true
	if string(b) == "null" {
		n.Value = nil
		return nil
	}
	var t time.Time
	if err := json.Unmarshal(b, &t); err != nil {
		return err
	}
	n.Value = &t
	return nil
}

// PatchDeclarationRequest records a filing or corrects a roster row. Send the
// version you read; filed_at null clears a filing recorded by mistake.
type PatchDeclarationRequest struct {
	Version  int          `json:"version" example:"1"`
	FiledAt  NullableTime `json:"filed_at" swaggertype:"string" format:"date-time" extensions:"x-nullable"`
	Position *string      `json:"position,omitempty"`
	DueDate  *string      `json:"due_date,omitempty" format:"date"`
}

// ImportResultDTO says what an import did; it echoes no roster rows.
type ImportResultDTO struct {
	Year       int    `json:"year" example:"2020"`
	Rows       int    `json:"rows" example:"120"`
	Created    int    `json:"created" example:"118"`
	Unchanged  int    `json:"unchanged" example:"2"`
	FileSHA256 string `json:"file_sha256"`
}

// CreateDrawRequest runs a public draw: exactly one of count and ratio.
type CreateDrawRequest struct {
	Year   int      `json:"year" example:"2020"`
	Count  int      `json:"count,omitempty" example:"5"`
	Ratio  *float64 `json:"ratio,omitempty" example:"0.05"`
	Seed   string   `json:"seed" example:"109000123"`
	UnitID string   `json:"unit_id,omitempty"`
	Type   string   `json:"type,omitempty" enums:"regular,on_assumption,on_leaving"`
}

// DrawnDeclarantDTO is a selected declarant as a draw shows them.
type DrawnDeclarantDTO struct {
	ID            string `json:"id"`
	DeclarantName string `json:"declarant_name,omitempty" example:"王大明"`
	Position      string `json:"position,omitempty" example:"工務處處長"`
	UnitID        string `json:"unit_id,omitempty"`
	UnitName      string `json:"unit_name,omitempty" example:"嘉義市政府工務處"`
	Type          string `json:"type,omitempty" enums:"regular,on_assumption,on_leaving"`
	DueDate       string `json:"due_date,omitempty" format:"date"`
	Missing       bool   `json:"missing,omitempty"`
}

// DrawSummaryDTO is a draw without its declarants.
type DrawSummaryDTO struct {
	ID             string    `json:"id"`
	Year           int       `json:"year" example:"2020"`
	UnitID         string    `json:"unit_id,omitempty"`
	Type           string    `json:"type,omitempty"`
	Seed           string    `json:"seed" example:"109000123"`
	Ratio          *float64  `json:"ratio,omitempty"`
	Count          int       `json:"count" example:"5"`
	SnapshotSHA256 string    `json:"snapshot_sha256"`
	CreatedBy      string    `json:"created_by"`
	CreatedAt      time.Time `json:"created_at"`
}

func toDrawSummaryDTO(d models.DeclarationDraw) DrawSummaryDTO {
	return DrawSummaryDTO{ID: d.ID, Year: d.Year, UnitID: d.UnitID, Type: d.Type, Seed: d.Seed, Ratio: d.Ratio, Count: d.Count,
		SnapshotSHA256: d.SnapshotSHA256, CreatedBy: d.CreatedBy, CreatedAt: d.CreatedAt}
}

// DrawDTO is a stored draw: its inputs (seed, the candidate ids it ran on and
// their hash) and its result, in draw order.
type DrawDTO struct {
	DrawSummaryDTO
	CandidateCount int                 `json:"candidate_count" example:"100"`
	CandidateIDs   []string            `json:"candidate_ids"`
	SelectedIDs    []string            `json:"selected_ids"`
	Selected       []DrawnDeclarantDTO `json:"selected"`
}

func toDrawDTO(d services.Draw) DrawDTO {
	return DrawDTO{
		DrawSummaryDTO: toDrawSummaryDTO(d.DeclarationDraw), CandidateCount: d.CandidateCount,
		CandidateIDs: splitLines(d.CandidateIDs), SelectedIDs: splitLines(d.SelectedIDs),
		Selected: mapSlice(d.Selected, func(s services.DrawnDeclarant) DrawnDeclarantDTO {
			return DrawnDeclarantDTO{ID: s.ID, DeclarantName: s.DeclarantName, Position: s.Position, UnitID: s.UnitID, UnitName: s.UnitName, Type: s.Type, DueDate: s.DueDate, Missing: s.Missing}
		}),
	}
}

// DrawList is a page of draws.
type DrawList struct {
	Items      []DrawSummaryDTO `json:"items"`
	NextCursor string           `json:"next_cursor"`
}

// DrawVerificationDTO is the outcome of recomputing a stored draw.
type DrawVerificationDTO struct {
	DrawID                string   `json:"draw_id"`
	Match                 bool     `json:"match"`
	SnapshotHashMatches   bool     `json:"snapshot_hash_matches"`
	SelectionMatches      bool     `json:"selection_matches"`
	AuditRecordMatches    bool     `json:"audit_record_matches"`
	StoredSnapshotSHA256  string   `json:"stored_snapshot_sha256"`
	RecomputedSnapshot    string   `json:"recomputed_snapshot_sha256"`
	StoredCandidateCount  int      `json:"stored_candidate_count"`
	StoredSelectedCount   int      `json:"stored_selected_count"`
	RecomputedSelectedIDs []string `json:"recomputed_selected_ids"`
	CurrentRosterDiffers  bool     `json:"current_roster_differs"`
	CurrentSnapshotSHA256 string   `json:"current_snapshot_sha256"`
	CurrentCandidateCount int      `json:"current_candidate_count"`
	StoredSelectedIDsHash string   `json:"stored_selected_sha256"`
}

func toDrawVerificationDTO(v services.DrawVerification) DrawVerificationDTO {
	return DrawVerificationDTO{
		DrawID: v.DrawID, Match: v.Match, SnapshotHashMatches: v.SnapshotHashMatches, SelectionMatches: v.SelectionMatches,
		AuditRecordMatches: v.AuditRecordMatches, StoredSnapshotSHA256: v.StoredSnapshotHash, RecomputedSnapshot: v.RecomputedSnapshotHash,
		StoredCandidateCount: v.StoredCandidateCount, StoredSelectedCount: v.StoredSelectedCount, RecomputedSelectedIDs: v.RecomputedSelectedIDs,
		CurrentRosterDiffers: v.CurrentRosterDiffers, CurrentSnapshotSHA256: v.CurrentSnapshotHash, CurrentCandidateCount: v.CurrentCandidateCount,
		StoredSelectedIDsHash: v.StoredSelectedIDsSHA256,
	}
}

func splitLines(s string) []string {
	out := []string{}
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

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
	ID            string     `json:"id" example:"0192f1c4-7a8e-7b3e-9c1d-2f5e8a9b0c1d" binding:"required"`
	Year          int        `json:"year" example:"2020" binding:"required"`
	DeclarantName string     `json:"declarant_name" example:"王大明" binding:"required"`
	Position      string     `json:"position" example:"工務處處長" binding:"required"`
	UnitID        string     `json:"unit_id" binding:"required" example:"0192f1c4-6a1b-7d2c-8e3f-4a5b6c7d8e9f"`
	Type          string     `json:"type" enums:"regular,on_assumption,on_leaving" binding:"required"`
	DueDate       string     `json:"due_date" example:"2020-12-31" format:"date" binding:"required"`
	FiledAt       *time.Time `json:"filed_at" extensions:"x-nullable" binding:"required" example:"2026-11-15T16:20:00+08:00"`
	Status        string     `json:"status" enums:"filed_on_time,filed_late,not_filed,not_yet_due" binding:"required"`
	Version       int        `json:"version" example:"1" binding:"required"`
	CreatedAt     time.Time  `json:"created_at" binding:"required" example:"2026-11-20T14:00:00+08:00"`
	UpdatedAt     time.Time  `json:"updated_at" binding:"required" example:"2026-11-28T11:31:00+08:00"`
}

func toDeclarationDTO(d services.Declaration) DeclarationDTO {
	return DeclarationDTO{
		ID: d.ID, Year: d.Year, DeclarantName: d.DeclarantName, Position: d.Position, UnitID: d.UnitID, Type: d.Type,
		DueDate: d.DueDate, FiledAt: d.FiledAt, Status: d.Status, Version: d.Version, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt,
	}
}

// DeclarationList is a page of roster rows.
type DeclarationList struct {
	Items      []DeclarationDTO `json:"items" binding:"required"`
	NextCursor string           `json:"next_cursor" binding:"required" example:"eyJ0IjoiMjAyNi0xMS0yOFQwMTowMDowMFoiLCJpZCI6IjAxOTIifQ"`
}

// CreateDeclarationRequest adds a roster row; id is optional (client-made
// UUID, safe to resend).
type CreateDeclarationRequest struct {
	ID string `json:"id,omitempty" example:"0192f1c4-7a8e-7b3e-9c1d-2f5e8a9b0c1d"`
	// Year is from 1912 to this year + 2.
	Year          int    `json:"year" example:"2020" binding:"required"`
	DeclarantName string `json:"declarant_name" example:"王大明" binding:"required"` // one line, 1–100 characters
	Position      string `json:"position" example:"工務處處長" binding:"required"`     // one line, 1–100 characters
	UnitID        string `json:"unit_id" binding:"required" example:"0192f1c4-6a1b-7d2c-8e3f-4a5b6c7d8e9f"`
	Type          string `json:"type" enums:"regular,on_assumption,on_leaving" binding:"required"`
	// DueDate is a date from 1912-01-01 to 2 years ahead.
	DueDate string `json:"due_date" example:"2020-12-31" format:"date" binding:"required"`
	// FiledAt is from 1912-01-01 to at most 5 minutes ahead.
	FiledAt *time.Time `json:"filed_at,omitempty" example:"2026-11-15T16:20:00+08:00"`
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
	Version  int          `json:"version" example:"1" binding:"required"`
	FiledAt  NullableTime `json:"filed_at" swaggertype:"string" format:"date-time" extensions:"x-nullable" example:"2026-11-15T16:20:00+08:00"`
	Position *string      `json:"position,omitempty" example:"工務處處長"`
	DueDate  *string      `json:"due_date,omitempty" format:"date" example:"2026-12-31"`
}

// ImportResultDTO says what an import did; it echoes no roster rows.
type ImportResultDTO struct {
	Year       int    `json:"year" example:"2020" binding:"required"`
	Rows       int    `json:"rows" example:"120" binding:"required"`
	Created    int    `json:"created" example:"118" binding:"required"`
	Unchanged  int    `json:"unchanged" example:"2" binding:"required"`
	FileSHA256 string `json:"file_sha256" binding:"required" example:"9f2c4e1a7b3d5f60812a4c6e8f0b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c4e6b"`
}

// CreateDrawRequest runs a public draw: exactly one of count and ratio.
type CreateDrawRequest struct {
	Year   int      `json:"year" example:"2020" binding:"required"`
	Count  int      `json:"count,omitempty" example:"5"`
	Ratio  *float64 `json:"ratio,omitempty" example:"0.05"`
	Seed   string   `json:"seed" example:"109000123" binding:"required"`
	UnitID string   `json:"unit_id,omitempty" example:"0192f1c4-6a1b-7d2c-8e3f-4a5b6c7d8e9f"`
	Type   string   `json:"type,omitempty" enums:"regular,on_assumption,on_leaving"`
}

// DrawnDeclarantDTO is a selected declarant as a draw shows them.
type DrawnDeclarantDTO struct {
	ID            string `json:"id" binding:"required" example:"0192f1c4-7a8e-7b3e-9c1d-2f5e8a9b0c1d"`
	DeclarantName string `json:"declarant_name,omitempty" example:"王大明"`
	Position      string `json:"position,omitempty" example:"工務處處長"`
	UnitID        string `json:"unit_id,omitempty" example:"0192f1c4-6a1b-7d2c-8e3f-4a5b6c7d8e9f"`
	UnitName      string `json:"unit_name,omitempty" example:"嘉義市政府工務處"`
	Type          string `json:"type,omitempty" enums:"regular,on_assumption,on_leaving"`
	DueDate       string `json:"due_date,omitempty" format:"date" example:"2026-12-31"`
	Missing       bool   `json:"missing,omitempty" example:"false"`
}

// DrawSummaryDTO is a draw without its declarants.
type DrawSummaryDTO struct {
	ID             string    `json:"id" binding:"required" example:"0192f1c4-7a8e-7b3e-9c1d-2f5e8a9b0c1d"`
	Year           int       `json:"year" example:"2020" binding:"required"`
	UnitID         string    `json:"unit_id,omitempty" example:"0192f1c4-6a1b-7d2c-8e3f-4a5b6c7d8e9f"`
	Type           string    `json:"type,omitempty" enums:"regular,on_assumption,on_leaving"`
	Seed           string    `json:"seed" example:"109000123" binding:"required"`
	Ratio          *float64  `json:"ratio,omitempty" example:"0.05"`
	Count          int       `json:"count" example:"5" binding:"required"`
	SnapshotSHA256 string    `json:"snapshot_sha256" binding:"required" example:"9f2c4e1a7b3d5f60812a4c6e8f0b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c4e6b"`
	CreatedBy      string    `json:"created_by" binding:"required" example:"0192f1c4-3e4f-7a5b-8c6d-7e8f9a0b1c2d"`
	CreatedAt      time.Time `json:"created_at" binding:"required" example:"2026-11-20T14:00:00+08:00"`
}

func toDrawSummaryDTO(d models.DeclarationDraw) DrawSummaryDTO {
	return DrawSummaryDTO{ID: d.ID, Year: d.Year, UnitID: d.UnitID, Type: d.Type, Seed: d.Seed, Ratio: d.Ratio, Count: d.Count,
		SnapshotSHA256: d.SnapshotSHA256, CreatedBy: d.CreatedBy, CreatedAt: d.CreatedAt}
}

// DrawDTO is a stored draw: its inputs (seed, the candidate ids it ran on and
// their hash) and its result, in draw order.
type DrawDTO struct {
	DrawSummaryDTO
	CandidateCount int                 `json:"candidate_count" example:"100" binding:"required"`
	CandidateIDs   []string            `json:"candidate_ids" binding:"required" example:"0192f1c4-0001-7000-8000-000000000001,0192f1c4-0002-7000-8000-000000000002"`
	SelectedIDs    []string            `json:"selected_ids" binding:"required" example:"0192f1c4-0002-7000-8000-000000000002"`
	Selected       []DrawnDeclarantDTO `json:"selected" binding:"required"`
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
	Items      []DrawSummaryDTO `json:"items" binding:"required"`
	NextCursor string           `json:"next_cursor" binding:"required" example:"eyJ0IjoiMjAyNi0xMS0yOFQwMTowMDowMFoiLCJpZCI6IjAxOTIifQ"`
}

// DrawVerificationDTO is the outcome of recomputing a stored draw.
type DrawVerificationDTO struct {
	DrawID                string   `json:"draw_id" binding:"required" example:"0192f1c5-1a2b-7c3d-8e4f-5a6b7c8d9e0f"`
	Match                 bool     `json:"match" binding:"required" example:"true"`
	SnapshotHashMatches   bool     `json:"snapshot_hash_matches" binding:"required" example:"true"`
	SelectionMatches      bool     `json:"selection_matches" binding:"required" example:"true"`
	AuditRecordMatches    bool     `json:"audit_record_matches" binding:"required" example:"true"`
	StoredSnapshotSHA256  string   `json:"stored_snapshot_sha256" binding:"required" example:"9f2c4e1a7b3d5f60812a4c6e8f0b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c4e6b"`
	RecomputedSnapshot    string   `json:"recomputed_snapshot_sha256" binding:"required" example:"9f2c4e1a7b3d5f60812a4c6e8f0b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c4e6b"`
	StoredCandidateCount  int      `json:"stored_candidate_count" binding:"required" example:"120"`
	StoredSelectedCount   int      `json:"stored_selected_count" binding:"required" example:"6"`
	RecomputedSelectedIDs []string `json:"recomputed_selected_ids" binding:"required" example:"0192f1c4-0002-7000-8000-000000000002"`
	CurrentRosterDiffers  bool     `json:"current_roster_differs" binding:"required" example:"false"`
	CurrentSnapshotSHA256 string   `json:"current_snapshot_sha256" binding:"required" example:"9f2c4e1a7b3d5f60812a4c6e8f0b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c4e6b"`
	CurrentCandidateCount int      `json:"current_candidate_count" binding:"required" example:"120"`
	StoredSelectedIDsHash string   `json:"stored_selected_sha256" binding:"required" example:"9f2c4e1a7b3d5f60812a4c6e8f0b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c4e6b"`
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

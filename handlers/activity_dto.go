package handlers

import (
	"context"
	"time"

	"ethicsops/models"
	"ethicsops/services"
)

// SiteDTO is where an activity takes place.
type SiteDTO struct {
	Name    string   `json:"name" example:"嘉義市東區民生國民小學"`
	Address string   `json:"address" example:"嘉義市東區民生路123號"`
	Lat     *float64 `json:"lat" example:"23.4801" extensions:"x-nullable"`
	Lng     *float64 `json:"lng" example:"120.4491" extensions:"x-nullable"`
	RadiusM int      `json:"radius_m" example:"100"`
}

// ProcurementDTO is the part of a procurement_supervision (採購監辦／驗收監驗).
type ProcurementDTO struct {
	CaseNo       string   `json:"case_no" example:"1090315-PW-012"`
	CaseTitle    string   `json:"case_title" example:"嘉義市東區道路改善工程"`
	Category     string   `json:"category" enums:"works,goods,services"`
	BudgetAmount int64    `json:"budget_amount" example:"12500000"`
	Stage        string   `json:"stage,omitempty" enums:"bid_opening,price_comparison,negotiation,award,acceptance"`
	Deficiencies []string `json:"deficiencies"`
	Corrected    bool     `json:"corrected"`
}

// MaintenanceDTO is the part of a security_maintenance (專案維護).
type MaintenanceDTO struct {
	EventName string `json:"event_name" example:"市長選舉投開票所安全維護"`
	RiskLevel string `json:"risk_level" enums:"low,medium,high"`
	Measures  string `json:"measures" example:"會同警察局加強巡邏"`
}

// PetitionDTO is the part of a petition (陳情請願).
type PetitionDTO struct {
	Petitioners int    `json:"petitioners" example:"30"`
	Subject     string `json:"subject" example:"反對垃圾轉運站設置"`
	Outcome     string `json:"outcome" example:"協調環保局說明，陳情人和平離去"`
}

// ChecklistItemDTO is one line of a safety_inspection or infosec_audit.
type ChecklistItemDTO struct {
	Item   string `json:"item" example:"消防設備定期檢修"`
	Result string `json:"result,omitempty" enums:"pass,fail,na"`
	Note   string `json:"note,omitempty"`
}

// EventDTO is the part of an outreach_event or ethics_promotion.
type EventDTO struct {
	Scale             string `json:"scale" enums:"large,regular"`
	Audience          string `json:"audience" example:"市民及志工"`
	Participants      *int   `json:"participants" example:"320" extensions:"x-nullable"`
	VolunteerCapacity int    `json:"volunteer_capacity" example:"20"`
	Published         bool   `json:"published"`
	// EndsAt is when the event ends: after scheduled_at, at most 7 days
	// after it. Optional in a request (default scheduled_at + 3 h; a PATCH
	// without it keeps the event's length); always set in an answer.
	// Volunteers check in from 1 h before scheduled_at to 1 h after it, and
	// their hours are the part of their stay between the two.
	EndsAt *time.Time `json:"ends_at,omitempty" example:"2026-12-01T12:00:00+08:00"`
}

// PartsDTO holds the kind-specific parts: exactly the one of the activity's
// kind (procurement_supervision → procurement; security_maintenance →
// maintenance; petition → petition; safety_inspection and infosec_audit →
// checklist; outreach_event and ethics_promotion → event).
type PartsDTO struct {
	Procurement *ProcurementDTO    `json:"procurement,omitempty"`
	Maintenance *MaintenanceDTO    `json:"maintenance,omitempty"`
	Petition    *PetitionDTO       `json:"petition,omitempty"`
	Checklist   []ChecklistItemDTO `json:"checklist,omitempty"`
	Event       *EventDTO          `json:"event,omitempty"`
}

// CreateActivityRequest records an activity. id is optional (a client-made
// UUID makes the create safe to resend). status defaults to planned; a record
// made offline may arrive completed with its completed_at. Text fields refuse
// control and bidirectional characters and text with nothing visible; titles
// and other single-line fields also refuse line breaks and tabs.
type CreateActivityRequest struct {
	ID    string `json:"id,omitempty" example:"0192f1c4-7a8e-7b3e-9c1d-2f5e8a9b0c1d"`
	Kind  string `json:"kind" enums:"procurement_supervision,security_maintenance,petition,safety_inspection,infosec_audit,outreach_event,ethics_promotion"`
	Title string `json:"title" example:"「嘉義市東區道路改善工程」驗收"` // one line, 1–200 characters
	// UnitID is the agency or school concerned.
	UnitID string   `json:"unit_id"`
	Site   *SiteDTO `json:"site,omitempty"`
	// ScheduledAt is from 1912-01-01 to 2 years ahead.
	ScheduledAt time.Time `json:"scheduled_at"`
	Status      string    `json:"status,omitempty" enums:"planned,in_progress,completed,cancelled"`
	// CompletedAt is from 1912-01-01 to at most 5 minutes ahead; only with status completed.
	CompletedAt *time.Time `json:"completed_at,omitempty"`
	// Notes may hold line breaks and tabs; at most 4000 characters.
	Notes string `json:"notes,omitempty"`
	PartsDTO
}

// PatchActivityRequest changes some fields; absent fields stay. version is
// required. A part given replaces the stored part. clear_site removes the site.
type PatchActivityRequest struct {
	Version   int      `json:"version" example:"3"`
	Kind      *string  `json:"kind,omitempty" enums:"procurement_supervision,security_maintenance,petition,safety_inspection,infosec_audit,outreach_event,ethics_promotion"`
	Title     *string  `json:"title,omitempty"`
	UnitID    *string  `json:"unit_id,omitempty"`
	Site      *SiteDTO `json:"site,omitempty"`
	ClearSite bool     `json:"clear_site,omitempty"`
	// ScheduledAt is from 1912-01-01 to 2 years ahead.
	ScheduledAt *time.Time `json:"scheduled_at,omitempty"`
	Status      *string    `json:"status,omitempty" enums:"planned,in_progress,completed,cancelled"`
	// CompletedAt is from 1912-01-01 to at most 5 minutes ahead.
	CompletedAt *time.Time `json:"completed_at,omitempty"`
	Notes       *string    `json:"notes,omitempty"`
	PartsDTO
}

// ActivityDTO is an activity as staff see it.
type ActivityDTO struct {
	ID          string     `json:"id"`
	Kind        string     `json:"kind" enums:"procurement_supervision,security_maintenance,petition,safety_inspection,infosec_audit,outreach_event,ethics_promotion"`
	Title       string     `json:"title"`
	UnitID      string     `json:"unit_id"`
	OwnerID     string     `json:"owner_id"`
	Site        *SiteDTO   `json:"site" extensions:"x-nullable"`
	ScheduledAt time.Time  `json:"scheduled_at"`
	Status      string     `json:"status" enums:"planned,in_progress,completed,cancelled"`
	StartedAt   *time.Time `json:"started_at" extensions:"x-nullable"`
	CompletedAt *time.Time `json:"completed_at" extensions:"x-nullable"`
	// LateEntry: the completion was recorded more than 31 days after
	// completed_at (kept for the reviewing manager; cleared on reopening).
	LateEntry bool      `json:"late_entry"`
	Notes     string    `json:"notes"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// DeletedAt is set only in updated_since lists, for records deleted since.
	DeletedAt *time.Time `json:"deleted_at,omitempty"`
	PartsDTO
}

// PublicActivityDTO is a published event as a volunteer sees it: none of the
// office's internal fields.
type PublicActivityDTO struct {
	ID          string    `json:"id"`
	Kind        string    `json:"kind" enums:"outreach_event,ethics_promotion"`
	Title       string    `json:"title"`
	ScheduledAt time.Time `json:"scheduled_at"`
	// EndsAt is the event's end (check-in closes 1 h after it).
	EndsAt      time.Time `json:"ends_at"`
	Status      string    `json:"status" enums:"planned,in_progress,completed,cancelled"`
	SiteName    string    `json:"site_name"`
	SiteAddress string    `json:"site_address"`
	Audience    string    `json:"audience"`
	// Event is the places of the event; SignedUp whether the caller holds one.
	Event    PublicEventDTO `json:"event"`
	SignedUp bool           `json:"signed_up"`
}

// ActivityList is a page of activities (staff).
type ActivityList struct {
	Items      []ActivityDTO `json:"items"`
	NextCursor string        `json:"next_cursor"`
}

// PublicActivityList is a page of published events (volunteers).
type PublicActivityList struct {
	Items      []PublicActivityDTO `json:"items"`
	NextCursor string              `json:"next_cursor"`
}

// CheckinRequest is an arrival or departure captured by a phone.
type CheckinRequest struct {
	ID        string   `json:"id,omitempty"`
	Type      string   `json:"type" enums:"arrive,depart"`
	Lat       *float64 `json:"lat" example:"23.4801" extensions:"x-nullable"`
	Lng       *float64 `json:"lng" example:"120.4491" extensions:"x-nullable"`
	AccuracyM float64  `json:"accuracy_m" example:"12"`
	// CapturedAt is when the phone took the position: from 1912-01-01 to at
	// most 5 minutes ahead of the server.
	CapturedAt time.Time `json:"captured_at"`
}

// CheckinDTO is a stored check-in with what the server made of it.
type CheckinDTO struct {
	ID         string    `json:"id"`
	ActivityID string    `json:"activity_id"`
	UserID     string    `json:"user_id"`
	Type       string    `json:"type" enums:"arrive,depart"`
	Lat        float64   `json:"lat"`
	Lng        float64   `json:"lng"`
	AccuracyM  float64   `json:"accuracy_m"`
	CapturedAt time.Time `json:"captured_at"`
	ReceivedAt time.Time `json:"received_at"`
	Geofence   string    `json:"geofence" enums:"inside,outside,unknown"`
	DistanceM  *float64  `json:"distance_m" example:"42.5" extensions:"x-nullable"`
	ClockSkewS float64   `json:"clock_skew_s" example:"3.2"`
}

// CheckinList is the check-ins of an activity.
type CheckinList struct {
	Items []CheckinDTO `json:"items"`
}

// AttachmentDTO is a stored file's metadata.
type AttachmentDTO struct {
	ID          string    `json:"id"`
	ActivityID  string    `json:"activity_id"`
	SHA256      string    `json:"sha256"`
	Size        int64     `json:"size"`
	ContentType string    `json:"content_type" enums:"image/jpeg,image/png,image/webp,image/heic,application/pdf"`
	Filename    string    `json:"filename"`
	CreatedAt   time.Time `json:"created_at"`
}

func toSite(s *SiteDTO) *services.Site {
	if s == nil {
		return nil
	}
	return &services.Site{Name: s.Name, Address: s.Address, Lat: s.Lat, Lng: s.Lng, RadiusM: s.RadiusM}
}

func toDetails(p PartsDTO) services.Details {
	var d services.Details
	if x := p.Procurement; x != nil {
		d.Procurement = &services.Procurement{CaseNo: x.CaseNo, CaseTitle: x.CaseTitle, Category: x.Category, BudgetAmount: x.BudgetAmount,
			Stage: x.Stage, Deficiencies: x.Deficiencies, Corrected: x.Corrected}
	}
	if x := p.Maintenance; x != nil {
		d.Maintenance = &services.Maintenance{EventName: x.EventName, RiskLevel: x.RiskLevel, Measures: x.Measures}
	}
	if x := p.Petition; x != nil {
		d.Petition = &services.Petition{Petitioners: x.Petitioners, Subject: x.Subject, Outcome: x.Outcome}
	}
	if p.Checklist != nil {
		d.Checklist = mapSlice(p.Checklist, func(i ChecklistItemDTO) services.ChecklistItem {
			return services.ChecklistItem{Item: i.Item, Result: i.Result, Note: i.Note}
		})
	}
	if x := p.Event; x != nil {
		d.Event = &services.Event{Scale: x.Scale, Audience: x.Audience, Participants: x.Participants, VolunteerCapacity: x.VolunteerCapacity,
			Published: x.Published, EndsAt: x.EndsAt}
	}
	return d
}

func (p PartsDTO) empty() bool {
	return p.Procurement == nil && p.Maintenance == nil && p.Petition == nil && p.Checklist == nil && p.Event == nil
}

func toPartsDTO(d services.Details) PartsDTO {
	var p PartsDTO
	if x := d.Procurement; x != nil {
		p.Procurement = &ProcurementDTO{CaseNo: x.CaseNo, CaseTitle: x.CaseTitle, Category: x.Category, BudgetAmount: x.BudgetAmount,
			Stage: x.Stage, Deficiencies: x.Deficiencies, Corrected: x.Corrected}
		if p.Procurement.Deficiencies == nil {
			p.Procurement.Deficiencies = []string{}
		}
	}
	if x := d.Maintenance; x != nil {
		p.Maintenance = &MaintenanceDTO{EventName: x.EventName, RiskLevel: x.RiskLevel, Measures: x.Measures}
	}
	if x := d.Petition; x != nil {
		p.Petition = &PetitionDTO{Petitioners: x.Petitioners, Subject: x.Subject, Outcome: x.Outcome}
	}
	if d.Checklist != nil {
		p.Checklist = mapSlice(d.Checklist, func(i services.ChecklistItem) ChecklistItemDTO {
			return ChecklistItemDTO{Item: i.Item, Result: i.Result, Note: i.Note}
		})
	}
	if x := d.Event; x != nil {
		p.Event = &EventDTO{Scale: x.Scale, Audience: x.Audience, Participants: x.Participants, VolunteerCapacity: x.VolunteerCapacity,
			Published: x.Published, EndsAt: x.EndsAt}
	}
	return p
}

func (r CreateActivityRequest) input() services.ActivityInput {
	return services.ActivityInput{
		ID: r.ID, Kind: r.Kind, Title: r.Title, UnitID: r.UnitID, Site: toSite(r.Site), ScheduledAt: r.ScheduledAt,
		Status: r.Status, CompletedAt: r.CompletedAt, Notes: r.Notes, Details: toDetails(r.PartsDTO),
	}
}

func (r PatchActivityRequest) patch() services.ActivityPatch {
	p := services.ActivityPatch{
		Version: r.Version, Kind: r.Kind, Title: r.Title, UnitID: r.UnitID, Site: toSite(r.Site), ClearSite: r.ClearSite,
		ScheduledAt: r.ScheduledAt, Status: r.Status, CompletedAt: r.CompletedAt, Notes: r.Notes,
	}
	if !r.PartsDTO.empty() {
		d := toDetails(r.PartsDTO)
		p.Details = &d
	}
	return p
}

func toActivityDTO(a models.Activity) ActivityDTO {
	dto := ActivityDTO{
		ID: a.ID, Kind: a.Kind, Title: a.Title, UnitID: a.UnitID, OwnerID: a.OwnerID, ScheduledAt: a.ScheduledAt,
		Status: a.Status, StartedAt: a.StartedAt, CompletedAt: a.CompletedAt, LateEntry: a.LateEntry, Notes: a.Notes, Version: a.Version,
		CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt, DeletedAt: a.DeletedAt, PartsDTO: toPartsDTO(services.DecodeDetails(a)),
	}
	if s := services.SiteOf(a); s != nil {
		dto.Site = &SiteDTO{Name: s.Name, Address: s.Address, Lat: s.Lat, Lng: s.Lng, RadiusM: s.RadiusM}
	}
	return dto
}

func toPublicActivityDTO(a models.Activity, p services.Places) PublicActivityDTO {
	dto := PublicActivityDTO{ID: a.ID, Kind: a.Kind, Title: a.Title, ScheduledAt: a.ScheduledAt, EndsAt: models.EventEnd(a), Status: a.Status,
		SiteName: a.SiteName, SiteAddress: a.SiteAddress, SignedUp: p.Mine,
		Event: PublicEventDTO{VolunteerCapacity: a.VolunteerCapacity, SignupsCount: p.SignedUp, FreePlaces: p.Free(a)}}
	if e := services.DecodeDetails(a).Event; e != nil {
		dto.Audience, dto.Event.Audience = e.Audience, e.Audience
	}
	return dto
}

// publicActivities is the volunteers' view of a list of events, with places.
func (h *Handler) publicActivities(ctx context.Context, actor services.Actor, list []models.Activity) ([]PublicActivityDTO, error) {
	ids := mapSlice(list, func(a models.Activity) string { return a.ID })
	places, err := h.Volunteers.PlacesOf(ctx, actor, ids)
	if err != nil {
		return nil, err
	}
	return mapSlice(list, func(a models.Activity) PublicActivityDTO { return toPublicActivityDTO(a, places[a.ID]) }), nil
}

// activityView is the DTO actor may see of a.
func (h *Handler) activityView(ctx context.Context, actor services.Actor, a models.Activity) (any, error) {
	if actor.IsStaff() {
		return toActivityDTO(a), nil
	}
	list, err := h.publicActivities(ctx, actor, []models.Activity{a})
	if err != nil {
		return nil, err
	}
	return list[0], nil
}

func toCheckinDTO(c models.Checkin) CheckinDTO {
	return CheckinDTO{ID: c.ID, ActivityID: c.ActivityID, UserID: c.UserID, Type: c.Type, Lat: c.Lat, Lng: c.Lng, AccuracyM: c.AccuracyM,
		CapturedAt: c.CapturedAt, ReceivedAt: c.ReceivedAt, Geofence: c.Geofence, DistanceM: c.DistanceM, ClockSkewS: c.ClockSkewS}
}

func toAttachmentDTO(a models.Attachment) AttachmentDTO {
	return AttachmentDTO{ID: a.ID, ActivityID: a.ActivityID, SHA256: a.SHA256, Size: a.Size, ContentType: a.ContentType,
		Filename: a.Filename, CreatedAt: a.CreatedAt}
}

func (r CheckinRequest) input() (services.CheckinInput, error) {
	f := services.Fields{}
	if r.Lat == nil {
		f.Add("lat", "required")
	}
	if r.Lng == nil {
		f.Add("lng", "required")
	}
	if err := f.Err(); err != nil {
		return services.CheckinInput{}, err
	}
	return services.CheckinInput{ID: r.ID, Type: r.Type, Lat: *r.Lat, Lng: *r.Lng, AccuracyM: r.AccuracyM, CapturedAt: r.CapturedAt}, nil
}

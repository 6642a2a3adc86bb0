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
	CaseNo       string   `json:"case_no" example:"1090315-PW-012" binding:"required"`
	CaseTitle    string   `json:"case_title" example:"嘉義市東區道路改善工程" binding:"required"`
	Category     string   `json:"category" enums:"works,goods,services" binding:"required"`
	BudgetAmount int64    `json:"budget_amount" example:"12500000"`
	Stage        string   `json:"stage,omitempty" enums:"bid_opening,price_comparison,negotiation,award,acceptance"`
	Deficiencies []string `json:"deficiencies" example:"施工日誌未逐日填寫,部分鋼筋未附出廠證明"`
	Corrected    bool     `json:"corrected" example:"true"`
}

// MaintenanceDTO is the part of a security_maintenance (專案維護).
type MaintenanceDTO struct {
	EventName string `json:"event_name" example:"市長選舉投開票所安全維護" binding:"required"`
	RiskLevel string `json:"risk_level" enums:"low,medium,high" binding:"required"`
	Measures  string `json:"measures" example:"會同警察局加強巡邏"`
}

// PetitionDTO is the part of a petition (陳情請願).
type PetitionDTO struct {
	Petitioners int    `json:"petitioners" example:"30" binding:"required"`
	Subject     string `json:"subject" example:"反對垃圾轉運站設置" binding:"required"`
	Outcome     string `json:"outcome" example:"協調環保局說明，陳情人和平離去"`
}

// ChecklistItemDTO is one line of a safety_inspection or infosec_audit.
type ChecklistItemDTO struct {
	Item   string `json:"item" example:"消防設備定期檢修" binding:"required"`
	Result string `json:"result,omitempty" enums:"pass,fail,na"`
	Note   string `json:"note,omitempty" example:"滅火器壓力不足，已請總務處更換"`
}

// EventDTO is the part of an outreach_event or ethics_promotion.
type EventDTO struct {
	Scale             string `json:"scale" enums:"large,regular" binding:"required"`
	Audience          string `json:"audience" example:"市民及志工"`
	Participants      *int   `json:"participants" example:"320" extensions:"x-nullable"`
	VolunteerCapacity int    `json:"volunteer_capacity" example:"20"`
	Published         bool   `json:"published" example:"true"`
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
// checklist; outreach_event and ethics_promotion → event; opinion_visit →
// opinion_visit).
type PartsDTO struct {
	Procurement  *ProcurementDTO    `json:"procurement,omitempty"`
	Maintenance  *MaintenanceDTO    `json:"maintenance,omitempty"`
	Petition     *PetitionDTO       `json:"petition,omitempty"`
	Checklist    []ChecklistItemDTO `json:"checklist,omitempty"`
	Event        *EventDTO          `json:"event,omitempty"`
	OpinionVisit *OpinionVisitDTO   `json:"opinion_visit,omitempty"`
}

// CreateActivityRequest records an activity. id is optional (a client-made
// UUID makes the create safe to resend). status defaults to planned; a record
// made offline may arrive completed with its completed_at. Text fields refuse
// control and bidirectional characters and text with nothing visible; titles
// and other single-line fields also refuse line breaks and tabs.
type CreateActivityRequest struct {
	ID    string `json:"id,omitempty" example:"0192f1c4-7a8e-7b3e-9c1d-2f5e8a9b0c1d"`
	Kind  string `json:"kind" enums:"procurement_supervision,security_maintenance,petition,safety_inspection,infosec_audit,outreach_event,ethics_promotion,opinion_visit" binding:"required"`
	Title string `json:"title" example:"「嘉義市東區道路改善工程」驗收" binding:"required"` // one line, 1–200 characters
	// UnitID is the agency or school concerned.
	UnitID string   `json:"unit_id" binding:"required" example:"0192f1c4-6a1b-7d2c-8e3f-4a5b6c7d8e9f"`
	Site   *SiteDTO `json:"site,omitempty"`
	// ScheduledAt is from 1912-01-01 to 2 years ahead.
	ScheduledAt time.Time `json:"scheduled_at" binding:"required" example:"2026-11-28T09:00:00+08:00"`
	Status      string    `json:"status,omitempty" enums:"planned,in_progress,completed,cancelled"`
	// CompletedAt is from 1912-01-01 to at most 5 minutes ahead; only with status completed.
	CompletedAt *time.Time `json:"completed_at,omitempty" example:"2026-11-28T11:30:00+08:00"`
	// Notes may hold line breaks and tabs; at most 4000 characters.
	Notes string `json:"notes,omitempty" example:"會同主計室及使用單位辦理驗收，\n缺失已要求廠商限期改善。"`
	PartsDTO
}

// PatchActivityRequest changes some fields; absent fields stay. version is
// required. A part given replaces the stored part. clear_site removes the site.
type PatchActivityRequest struct {
	Version   int      `json:"version" example:"3" binding:"required"`
	Kind      *string  `json:"kind,omitempty" enums:"procurement_supervision,security_maintenance,petition,safety_inspection,infosec_audit,outreach_event,ethics_promotion,opinion_visit"`
	Title     *string  `json:"title,omitempty" example:"「嘉義市東區道路改善工程」驗收"`
	UnitID    *string  `json:"unit_id,omitempty" example:"0192f1c4-6a1b-7d2c-8e3f-4a5b6c7d8e9f"`
	Site      *SiteDTO `json:"site,omitempty"`
	ClearSite bool     `json:"clear_site,omitempty" example:"false"`
	// ScheduledAt is from 1912-01-01 to 2 years ahead.
	ScheduledAt *time.Time `json:"scheduled_at,omitempty" example:"2026-11-28T09:00:00+08:00"`
	Status      *string    `json:"status,omitempty" enums:"planned,in_progress,completed,cancelled"`
	// CompletedAt is from 1912-01-01 to at most 5 minutes ahead.
	CompletedAt *time.Time `json:"completed_at,omitempty" example:"2026-11-28T11:30:00+08:00"`
	Notes       *string    `json:"notes,omitempty" example:"會同主計室及使用單位辦理驗收，\n缺失已要求廠商限期改善。"`
	PartsDTO
}

// ActivityDTO is an activity as staff see it.
type ActivityDTO struct {
	ID      string `json:"id" binding:"required" example:"0192f1c4-7a8e-7b3e-9c1d-2f5e8a9b0c1d"`
	Kind    string `json:"kind" enums:"procurement_supervision,security_maintenance,petition,safety_inspection,infosec_audit,outreach_event,ethics_promotion,opinion_visit" binding:"required"`
	Title   string `json:"title" binding:"required" example:"「嘉義市東區道路改善工程」驗收"`
	UnitID  string `json:"unit_id" binding:"required" example:"0192f1c4-6a1b-7d2c-8e3f-4a5b6c7d8e9f"`
	OwnerID string `json:"owner_id" binding:"required" example:"0192f1c4-5c6d-7e8f-9a0b-1c2d3e4f5a6b"`
	// Owner names the owner on lists and reads (GET /activities,
	// GET /activities/{id}, the KPI drill-down); answers to writes leave it
	// out.
	Owner       *UserRefDTO `json:"owner,omitempty"`
	Site        *SiteDTO    `json:"site" extensions:"x-nullable" binding:"required"`
	ScheduledAt time.Time   `json:"scheduled_at" binding:"required" example:"2026-11-28T09:00:00+08:00"`
	Status      string      `json:"status" enums:"planned,in_progress,completed,cancelled" binding:"required"`
	StartedAt   *time.Time  `json:"started_at" extensions:"x-nullable" binding:"required" example:"2026-11-28T09:05:00+08:00"`
	CompletedAt *time.Time  `json:"completed_at" extensions:"x-nullable" binding:"required" example:"2026-11-28T11:30:00+08:00"`
	// LateEntry: the completion was recorded more than 31 days after
	// completed_at (kept for the reviewing manager; cleared on reopening).
	LateEntry bool      `json:"late_entry" binding:"required" example:"false"`
	Notes     string    `json:"notes" binding:"required" example:"會同主計室及使用單位辦理驗收，\n缺失已要求廠商限期改善。"`
	Version   int       `json:"version" binding:"required" example:"3"`
	CreatedAt time.Time `json:"created_at" binding:"required" example:"2026-11-20T14:00:00+08:00"`
	UpdatedAt time.Time `json:"updated_at" binding:"required" example:"2026-11-28T11:31:00+08:00"`
	// DeletedAt is set only in updated_since lists, for records deleted since.
	DeletedAt *time.Time `json:"deleted_at,omitempty" example:"2026-11-21T08:00:00+08:00"`
	ReviewDTO
	PartsDTO
}

// ReviewDTO is a record's review (核閱) by a manager. review_status is none
// while the record was never completed (or its owner reopened it), pending
// once completed, approved, or returned (reopened for its owner, who reads
// review_comment). review_comment, reviewed_at and reviewed_by are of the
// last review ("" and null before any) and stay when the record is
// completed again; the audit trail keeps every review.
type ReviewDTO struct {
	ReviewStatus  string      `json:"review_status" enums:"none,pending,approved,returned" binding:"required"`
	ReviewComment string      `json:"review_comment" example:"缺少驗收紀錄照片，請補上後再送核閱" binding:"required"`
	ReviewedAt    *time.Time  `json:"reviewed_at" extensions:"x-nullable" binding:"required" example:"2026-11-29T10:00:00+08:00"`
	ReviewedBy    *UserRefDTO `json:"reviewed_by" extensions:"x-nullable" binding:"required"`
}

// UserRefDTO names a person: their id and display name.
type UserRefDTO struct {
	ID          string `json:"id" binding:"required" example:"0192f1c4-5c6d-7e8f-9a0b-1c2d3e4f5a6b"`
	DisplayName string `json:"display_name" binding:"required" example:"陳科長"`
}

// ReviewRequest is a manager's decision on a completed record.
type ReviewRequest struct {
	// Decision approved keeps the record completed; returned reopens it for
	// its owner (in_progress) with the comment.
	Decision string `json:"decision" enums:"approved,returned" binding:"required"`
	// Comment is at most 500 characters, line breaks allowed; required (not
	// blank) when returning.
	Comment string `json:"comment,omitempty" example:"缺少驗收紀錄照片，請補上後再送核閱" maxLength:"500"`
	// Version is the version of the record the manager read.
	Version int `json:"version" example:"3" binding:"required"`
}

func toReviewDTO(a models.Activity) ReviewDTO {
	r := ReviewDTO{ReviewStatus: a.ReviewStatus, ReviewComment: a.ReviewComment, ReviewedAt: a.ReviewedAt}
	if r.ReviewStatus == "" {
		r.ReviewStatus = models.ReviewNone
	}
	if a.ReviewedBy != nil {
		r.ReviewedBy = &UserRefDTO{ID: *a.ReviewedBy, DisplayName: a.ReviewerName}
	}
	return r
}

// PublicActivityDTO is a published event as a volunteer sees it: none of the
// office's internal fields.
type PublicActivityDTO struct {
	ID          string    `json:"id" binding:"required"`
	Kind        string    `json:"kind" enums:"outreach_event,ethics_promotion" binding:"required"`
	Title       string    `json:"title" binding:"required"`
	ScheduledAt time.Time `json:"scheduled_at" binding:"required"`
	// EndsAt is the event's end (check-in closes 1 h after it).
	EndsAt      time.Time `json:"ends_at" binding:"required"`
	Status      string    `json:"status" enums:"planned,in_progress,completed,cancelled" binding:"required"`
	SiteName    string    `json:"site_name" binding:"required"`
	SiteAddress string    `json:"site_address" binding:"required"`
	Audience    string    `json:"audience" binding:"required"`
	// Event is the places of the event; SignedUp whether the caller holds one.
	Event    PublicEventDTO `json:"event" binding:"required"`
	SignedUp bool           `json:"signed_up" binding:"required"`
}

// ActivityList is a page of activities (staff).
type ActivityList struct {
	Items      []ActivityDTO `json:"items" binding:"required"`
	NextCursor string        `json:"next_cursor" binding:"required" example:"eyJ0IjoiMjAyNi0xMS0yOFQwMTowMDowMFoiLCJpZCI6IjAxOTIifQ"`
}

// PublicActivityList is a page of published events (volunteers).
type PublicActivityList struct {
	Items      []PublicActivityDTO `json:"items" binding:"required"`
	NextCursor string              `json:"next_cursor" binding:"required"`
}

// CheckinRequest is an arrival or departure captured by a phone.
type CheckinRequest struct {
	ID   string `json:"id,omitempty" example:"0192f1c4-7a8e-7b3e-9c1d-2f5e8a9b0c1d"`
	Type string `json:"type" enums:"arrive,depart" binding:"required"`
	// Lat and Lng are pointers only to tell a missing one (422 "required")
	// from the equator or the prime meridian.
	Lat       *float64 `json:"lat" example:"23.4801" binding:"required"`
	Lng       *float64 `json:"lng" example:"120.4491" binding:"required"`
	AccuracyM float64  `json:"accuracy_m" example:"12"`
	// CapturedAt is when the phone took the position: from 1912-01-01 to at
	// most 5 minutes ahead of the server.
	CapturedAt time.Time `json:"captured_at" binding:"required" example:"2026-11-28T09:04:58+08:00"`
}

// CheckinDTO is a stored check-in with what the server made of it.
type CheckinDTO struct {
	ID         string    `json:"id" binding:"required" example:"0192f1c4-7a8e-7b3e-9c1d-2f5e8a9b0c1d"`
	ActivityID string    `json:"activity_id" binding:"required" example:"0192f1c4-8b2a-7c4d-9e5f-3a6b7c8d9e0f"`
	UserID     string    `json:"user_id" binding:"required" example:"0192f1c4-4d5e-7f6a-8b9c-0d1e2f3a4b5c"`
	Type       string    `json:"type" enums:"arrive,depart" binding:"required"`
	Lat        float64   `json:"lat" binding:"required" example:"23.4801"`
	Lng        float64   `json:"lng" binding:"required" example:"120.4491"`
	AccuracyM  float64   `json:"accuracy_m" binding:"required" example:"12"`
	CapturedAt time.Time `json:"captured_at" binding:"required" example:"2026-11-28T09:04:58+08:00"`
	ReceivedAt time.Time `json:"received_at" binding:"required" example:"2026-11-28T09:05:01+08:00"`
	Geofence   string    `json:"geofence" enums:"inside,outside,unknown" binding:"required"`
	DistanceM  *float64  `json:"distance_m" example:"42.5" extensions:"x-nullable" binding:"required"`
	ClockSkewS float64   `json:"clock_skew_s" example:"3.2" binding:"required"`
}

// CheckinList is the check-ins of an activity.
type CheckinList struct {
	Items []CheckinDTO `json:"items" binding:"required"`
}

// AttachmentDTO is a stored file's metadata.
type AttachmentDTO struct {
	ID          string    `json:"id" binding:"required" example:"0192f1c4-7a8e-7b3e-9c1d-2f5e8a9b0c1d"`
	ActivityID  string    `json:"activity_id" binding:"required" example:"0192f1c4-8b2a-7c4d-9e5f-3a6b7c8d9e0f"`
	SHA256      string    `json:"sha256" binding:"required" example:"9f2c4e1a7b3d5f60812a4c6e8f0b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c4e6b"`
	Size        int64     `json:"size" binding:"required" example:"248031"`
	ContentType string    `json:"content_type" enums:"image/jpeg,image/png,image/webp,image/heic,application/pdf" binding:"required"`
	Filename    string    `json:"filename" binding:"required" example:"驗收現場.jpg"`
	CreatedAt   time.Time `json:"created_at" binding:"required" example:"2026-11-20T14:00:00+08:00"`

	// RegistrationID is the ethics-code registration a file belongs to
	// (absent for an activity's file, whose activity_id is set; "" is then
	// the activity_id of a registration's file).
	RegistrationID string `json:"registration_id,omitempty" example:"0192f1c4-9c3b-7d5e-8f6a-4b7c8d9e0f1a"`
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
	d.OpinionVisit = p.OpinionVisit.toService()
	return d
}

func (p PartsDTO) empty() bool {
	return p.Procurement == nil && p.Maintenance == nil && p.Petition == nil && p.Checklist == nil && p.Event == nil &&
		p.OpinionVisit == nil
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
	p.OpinionVisit = toOpinionVisitDTO(d.OpinionVisit)
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
		ReviewDTO: toReviewDTO(a),
	}
	if a.OwnerName != "" {
		dto.Owner = &UserRefDTO{ID: a.OwnerID, DisplayName: a.OwnerName}
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
		Filename: a.Filename, CreatedAt: a.CreatedAt, RegistrationID: a.RegistrationID}
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

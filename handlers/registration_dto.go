package handlers

import (
	"time"

	"ethicsops/services"
)

// ServantDTO is the civil servant a registration is about.
type ServantDTO struct {
	// Name is one line, 1–50 characters.
	Name string `json:"name" example:"王建國" binding:"required"`
	// UnitID is an existing unit (agency or school) the servant works in.
	UnitID string `json:"unit_id" example:"0192f1c4-6a1b-7d2c-8e3f-4a5b6c7d8e9f" binding:"required"`
	// Title is one line, 1–50 characters.
	Title string `json:"title" example:"技正" binding:"required"`
}

// ServantView is the civil servant as an answer shows it, with the unit's name.
type ServantView struct {
	Name     string `json:"name" example:"王建國" binding:"required"`
	UnitID   string `json:"unit_id" example:"0192f1c4-6a1b-7d2c-8e3f-4a5b6c7d8e9f" binding:"required"`
	UnitName string `json:"unit_name" example:"嘉義市政府工務處" binding:"required"`
	Title    string `json:"title" example:"技正" binding:"required"`
}

// CounterpartyDTO is who gave the gift or the meal, or made the request.
type CounterpartyDTO struct {
	// Name is one line, 1–100 characters.
	Name string `json:"name" example:"大成營造股份有限公司" binding:"required"`
	Kind string `json:"kind" enums:"person,organisation" example:"organisation" binding:"required"`
	// InterestedParty: the counterparty has a 職務上利害關係 with the servant
	// (a contractor of the servant's unit, a party to a case the servant
	// handles). Required: true or false.
	InterestedParty *bool `json:"interested_party" example:"true" binding:"required"`
}

// CreateEthicsRegistrationRequest registers an ethics-code event. id is
// optional (a client-made UUID makes the create safe to resend). Dates are
// days in the office time zone: "2026-03-01", or an RFC 3339 time, which
// stands for the office day it falls on. value_ntd is required for gift and
// hospitality, must be absent or null for lobbying, optional for other.
type CreateEthicsRegistrationRequest struct {
	ID           string           `json:"id,omitempty" example:"0192f1c4-7a8e-7b3e-9c1d-2f5e8a9b0c1d"`
	Type         string           `json:"type" enums:"gift,hospitality,lobbying,other" example:"gift" binding:"required"`
	Servant      *ServantDTO      `json:"servant" binding:"required"`
	Counterparty *CounterpartyDTO `json:"counterparty" binding:"required"`
	// EventDate is when the gift, meal or request happened: from 1912-01-01
	// to today (office time zone).
	EventDate string `json:"event_date" example:"2026-09-22" binding:"required"`
	// NotifiedDate is when the ethics office was told: on or after
	// event_date, not in the future. More than 3 calendar days after the
	// event makes the registration late.
	NotifiedDate string `json:"notified_date" example:"2026-09-23" binding:"required"`
	// Description may hold line breaks; 1–2000 characters.
	Description string `json:"description" example:"廠商於中秋節前送月餅禮盒一盒至辦公室，當事人即簽報並退還。" binding:"required"`
	// ValueNTD is the market value in NT$ (integer, 0–100,000,000).
	ValueNTD *int64 `json:"value_ntd,omitempty" example:"1200" extensions:"x-nullable"`
	// Handling: lobbying takes reported_to_superior_only or other only.
	Handling string `json:"handling" enums:"returned,paid,handed_to_agency,donated,reported_to_superior_only,other" example:"returned" binding:"required"`
	// HandlingNote is required when handling is other; at most 500 characters.
	HandlingNote string `json:"handling_note,omitempty" example:"以掛號郵寄退還並附函說明"`
}

func (r CreateEthicsRegistrationRequest) input() services.RegistrationInput {
	in := services.RegistrationInput{
		ID: r.ID, Type: r.Type, EventDate: r.EventDate, NotifiedDate: r.NotifiedDate, Description: r.Description,
		ValueNTD: r.ValueNTD, Handling: r.Handling, HandlingNote: r.HandlingNote,
	}
	if s := r.Servant; s != nil {
		in.Servant = services.Servant{Name: s.Name, UnitID: s.UnitID, Title: s.Title}
	}
	if c := r.Counterparty; c != nil {
		in.Counterparty = services.Counterparty{Name: c.Name, Kind: c.Kind, InterestedParty: c.InterestedParty}
	}
	return in
}

// PatchEthicsRegistrationRequest changes some fields; absent fields stay.
// version is required. A servant or counterparty given replaces the stored
// one whole. clear_value_ntd removes the value (when the type becomes
// lobbying); give it or value_ntd, not both.
type PatchEthicsRegistrationRequest struct {
	Version       int              `json:"version" example:"1" binding:"required"`
	Type          *string          `json:"type,omitempty" enums:"gift,hospitality,lobbying,other" example:"hospitality"`
	Servant       *ServantDTO      `json:"servant,omitempty"`
	Counterparty  *CounterpartyDTO `json:"counterparty,omitempty"`
	EventDate     *string          `json:"event_date,omitempty" example:"2026-09-22"`
	NotifiedDate  *string          `json:"notified_date,omitempty" example:"2026-09-24"`
	Description   *string          `json:"description,omitempty" example:"里長邀宴，席開三桌，當事人自行支付餐費。"`
	ValueNTD      *int64           `json:"value_ntd,omitempty" example:"800"`
	ClearValueNTD bool             `json:"clear_value_ntd,omitempty" example:"false"`
	Handling      *string          `json:"handling,omitempty" enums:"returned,paid,handed_to_agency,donated,reported_to_superior_only,other" example:"paid"`
	HandlingNote  *string          `json:"handling_note,omitempty" example:"以掛號郵寄退還並附函說明"`
}

func (r PatchEthicsRegistrationRequest) patch() services.RegistrationPatch {
	p := services.RegistrationPatch{
		Version: r.Version, Type: r.Type, EventDate: r.EventDate, NotifiedDate: r.NotifiedDate, Description: r.Description,
		ValueNTD: r.ValueNTD, ClearValueNTD: r.ClearValueNTD, Handling: r.Handling, HandlingNote: r.HandlingNote,
	}
	if s := r.Servant; s != nil {
		p.Servant = &services.Servant{Name: s.Name, UnitID: s.UnitID, Title: s.Title}
	}
	if c := r.Counterparty; c != nil {
		p.Counterparty = &services.Counterparty{Name: c.Name, Kind: c.Kind, InterestedParty: c.InterestedParty}
	}
	return p
}

// CounterpartyView is the counterparty as an answer shows it.
type CounterpartyView struct {
	Name            string `json:"name" example:"大成營造股份有限公司" binding:"required"`
	Kind            string `json:"kind" enums:"person,organisation" example:"organisation" binding:"required"`
	InterestedParty bool   `json:"interested_party" example:"true" binding:"required"`
}

// EthicsRegistrationDTO is a registration as staff see it.
type EthicsRegistrationDTO struct {
	ID           string           `json:"id" example:"0192f1c4-7a8e-7b3e-9c1d-2f5e8a9b0c1d" binding:"required"`
	Type         string           `json:"type" enums:"gift,hospitality,lobbying,other" example:"gift" binding:"required"`
	Servant      ServantView      `json:"servant" binding:"required"`
	Counterparty CounterpartyView `json:"counterparty" binding:"required"`
	EventDate    string           `json:"event_date" example:"2026-09-22" binding:"required"`
	NotifiedDate string           `json:"notified_date" example:"2026-09-23" binding:"required"`
	// DaysToNotify is the calendar days from event_date to notified_date.
	DaysToNotify int `json:"days_to_notify" example:"1" binding:"required"`
	// Late: notified more than 3 calendar days (office time zone) after the event.
	Late         bool   `json:"late" example:"false" binding:"required"`
	Description  string `json:"description" example:"廠商於中秋節前送月餅禮盒一盒至辦公室，當事人即簽報並退還。" binding:"required"`
	ValueNTD     *int64 `json:"value_ntd" example:"1200" extensions:"x-nullable" binding:"required"`
	Handling     string `json:"handling" enums:"returned,paid,handed_to_agency,donated,reported_to_superior_only,other" example:"returned" binding:"required"`
	HandlingNote string `json:"handling_note" example:"以掛號郵寄退還並附函說明" binding:"required"`
	// Attachments are the registration's files, oldest first; only in the
	// answer of GET /ethics-registrations/{id}.
	Attachments []AttachmentDTO `json:"attachments,omitempty"`
	// OwnerID is the officer who registered it (who may change it, with managers and admins).
	OwnerID   string    `json:"owner_id" example:"0192f1c4-7a8e-7b3e-9c1d-2f5e8a9b0c1e" binding:"required"`
	Version   int       `json:"version" example:"1" binding:"required"`
	CreatedAt time.Time `json:"created_at" example:"2026-09-23T10:15:00+08:00" binding:"required"`
	UpdatedAt time.Time `json:"updated_at" example:"2026-09-23T10:15:00+08:00" binding:"required"`
}

func toEthicsRegistrationDTO(r services.EthicsRegistration) EthicsRegistrationDTO {
	out := EthicsRegistrationDTO{
		ID: r.ID, Type: r.Type,
		Servant:      ServantView{Name: r.ServantName, UnitID: r.ServantUnitID, UnitName: r.UnitName, Title: r.ServantTitle},
		Counterparty: CounterpartyView{Name: r.CounterpartyName, Kind: r.CounterpartyKind, InterestedParty: r.InterestedParty},
		EventDate:    r.EventDate, NotifiedDate: r.NotifiedDate, DaysToNotify: r.DaysToNotify, Late: r.Late,
		Description: r.Description, ValueNTD: r.ValueNTD, Handling: r.Handling, HandlingNote: r.HandlingNote,
		OwnerID: r.OwnerID, Version: r.Version, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}
	if r.Attachments != nil {
		out.Attachments = mapSlice(r.Attachments, toAttachmentDTO)
	}
	return out
}

// EthicsRegistrationList is a page of registrations, newest event first.
type EthicsRegistrationList struct {
	Items      []EthicsRegistrationDTO `json:"items" binding:"required"`
	NextCursor string                  `json:"next_cursor" binding:"required" example:"eyJrIjoiMjAyNi0wOS0yMiIsImkiOiIwMTkyIn0"`
}

package services

import (
	"fmt"
	"strings"
	"time"

	"ethicsops/models"
)

// The rules of the ethics-code register (公務員廉政倫理規範登錄), as pure
// functions of a request, the office's "now" and its time zone, so that
// each is table-tested without a database.

// NotifyWithinDays is how many calendar days after the event a servant has
// to tell the ethics office: the 公務員廉政倫理規範 asks for notice within
// 3 days. Notice on the 4th day after the event or later is late.
const NotifyWithinDays = 3

// MaxRegistrationValue bounds value_ntd (NT$ 100,000,000): far above any
// gift or meal, low enough that a typo with extra zeros is caught.
const MaxRegistrationValue = 100_000_000

// Servant is the civil servant the registration is about.
type Servant struct {
	Name   string `json:"name"`
	UnitID string `json:"unit_id"`
	Title  string `json:"title"`
}

// Counterparty is who gave the gift, the meal or made the request.
// InterestedParty is whether it has a 職務上利害關係 with the servant (nil:
// not answered, which is invalid).
type Counterparty struct {
	Name            string `json:"name"`
	Kind            string `json:"kind"`
	InterestedParty *bool  `json:"interested_party"`
}

// RegistrationInput is a whole registration as a client sends it. Dates are
// "YYYY-MM-DD" (a day in the office time zone) or an RFC 3339 time, which
// names the office day it falls on; normalizeRegistration makes them dates.
type RegistrationInput struct {
	ID           string // optional client id (UUID)
	Type         string
	Servant      Servant
	Counterparty Counterparty
	EventDate    string
	NotifiedDate string
	Description  string
	ValueNTD     *int64
	Handling     string
	HandlingNote string
}

// RegistrationPatch changes some fields of a registration; nil fields stay.
// A servant or counterparty given replaces the stored one. ClearValueNTD
// removes the value (for a change to lobbying). Version must be the one read.
type RegistrationPatch struct {
	Version       int
	Type          *string
	Servant       *Servant
	Counterparty  *Counterparty
	EventDate     *string
	NotifiedDate  *string
	Description   *string
	ValueNTD      *int64
	ClearValueNTD bool
	Handling      *string
	HandlingNote  *string
}

// officeDate turns a client date into the office-calendar date it names:
// "YYYY-MM-DD" stays as it is; an RFC 3339 time becomes the date of its
// instant in loc (2026-03-04T16:30:00Z is 2026-03-05 in Taipei). ok is
// false when v is neither.
func officeDate(v string, loc *time.Location) (string, bool) {
	if d, err := time.Parse(time.DateOnly, v); err == nil {
		return v, d.Format(time.DateOnly) == v
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return "", false
	}
	return t.In(loc).Format(time.DateOnly), true
}

// daysBetween counts the calendar days from date a to date b (both
// "YYYY-MM-DD"): 0 for the same day, negative when b is before a.
func daysBetween(a, b string) int {
	da, err1 := time.Parse(time.DateOnly, a)
	db, err2 := time.Parse(time.DateOnly, b)
	if err1 != nil || err2 != nil {
		return 0
	}
	// Both are midnights UTC: whole days, no daylight saving.
	return int(db.Sub(da).Hours() / 24)
}

// LateNotice reports whether notice on notified (a date) of an event on
// event (a date) is late: more than NotifyWithinDays calendar days after it.
// An event on 2026-03-01 notified on 03-04 is on time; on 03-05, late.
func LateNotice(event, notified string) bool {
	return daysBetween(event, notified) > NotifyWithinDays
}

// DaysToNotify is how many calendar days after the event notice came.
func DaysToNotify(event, notified string) int { return daysBetween(event, notified) }

// CanEditRegistration reports whether actor may change or delete r: the
// officer who registered it, and managers and admins.
func CanEditRegistration(actor Actor, r models.EthicsRegistration) bool {
	return actor.Is(models.RoleManager, models.RoleAdmin) || (actor.Is(models.RoleOfficer) && r.OwnerID == actor.UserID)
}

// valueTypes are the types whose registration carries a value (a gift, a
// meal); lobbying never has one; other may.
func valueRequired(typ string) bool {
	return typ == models.RegistrationGift || typ == models.RegistrationHospitality
}

// itemHandlings are the handlings of a thing received (returned, paid for,
// handed over, donated): a lobbying request has no such thing.
var itemHandlings = []string{models.HandlingReturned, models.HandlingPaid, models.HandlingHandedToAgency, models.HandlingDonated}

// normalizeRegistration trims text, keeps prose line breaks as "\n" and
// turns the two dates into office dates. A date that is neither form is
// added to f and left as it was.
func normalizeRegistration(f Fields, in *RegistrationInput, loc *time.Location) {
	in.Servant.Name = strings.TrimSpace(in.Servant.Name)
	in.Servant.Title = strings.TrimSpace(in.Servant.Title)
	in.Servant.UnitID = strings.TrimSpace(in.Servant.UnitID)
	in.Counterparty.Name = strings.TrimSpace(in.Counterparty.Name)
	in.Description = normalizeLines(strings.TrimSpace(in.Description))
	in.HandlingNote = normalizeLines(strings.TrimSpace(in.HandlingNote))
	for field, p := range map[string]*string{"event_date": &in.EventDate, "notified_date": &in.NotifiedDate} {
		v := strings.TrimSpace(*p)
		if v == "" {
			*p = ""
			continue
		}
		if d, ok := officeDate(v, loc); ok {
			*p = d
		} else {
			f.Add(field, "must be a date such as 2026-03-01 (or an RFC 3339 time)")
		}
	}
}

// validateRegistration checks a normalized registration at now (office time
// zone loc) and adds every problem to f by its JSON path. The unit's
// existence is the service's check (it needs the database).
func validateRegistration(f Fields, in RegistrationInput, now time.Time, loc *time.Location) {
	if !oneOf(in.Type, models.RegistrationTypes...) {
		f.Add("type", "must be one of "+strings.Join(models.RegistrationTypes, ", "))
	}
	checkText(f, "servant.name", in.Servant.Name, 50, true, Line)
	checkText(f, "servant.title", in.Servant.Title, 50, true, Line)
	if in.Servant.UnitID == "" {
		f.Add("servant.unit_id", "required")
	}
	checkText(f, "counterparty.name", in.Counterparty.Name, 100, true, Line)
	if !oneOf(in.Counterparty.Kind, models.CounterpartyKinds...) {
		f.Add("counterparty.kind", "must be one of "+strings.Join(models.CounterpartyKinds, ", "))
	}
	if in.Counterparty.InterestedParty == nil {
		f.Add("counterparty.interested_party", "required: true or false (職務上利害關係)")
	}
	checkText(f, "description", in.Description, 2000, true, Prose)
	today := now.In(loc).Format(time.DateOnly)
	for _, d := range []struct{ field, v string }{{"event_date", in.EventDate}, {"notified_date", in.NotifiedDate}} {
		switch {
		case d.v == "":
			f.Add(d.field, "required")
		case d.v < "1912-01-01":
			f.Add(d.field, "must not be before 1912-01-01 (ROC year 1)")
		case d.v > today:
			f.Add(d.field, "must not be in the future (today is "+today+" in the office time zone)")
		}
	}
	if in.EventDate != "" && in.NotifiedDate != "" && in.NotifiedDate < in.EventDate {
		f.Add("notified_date", "must not be before event_date")
	}
	switch {
	case in.ValueNTD != nil && in.Type == models.RegistrationLobbying:
		f.Add("value_ntd", "must be absent (null) for lobbying: a request has no value")
	case in.ValueNTD == nil && valueRequired(in.Type):
		f.Add("value_ntd", "required for "+in.Type+" (NT$, 0 or more)")
	case in.ValueNTD != nil && (*in.ValueNTD < 0 || *in.ValueNTD > MaxRegistrationValue):
		f.Add("value_ntd", fmt.Sprintf("must be between 0 and %d", MaxRegistrationValue))
	}
	switch {
	case !oneOf(in.Handling, models.RegistrationHandlings...):
		f.Add("handling", "must be one of "+strings.Join(models.RegistrationHandlings, ", "))
	case in.Type == models.RegistrationLobbying && oneOf(in.Handling, itemHandlings...):
		f.Add("handling", "a lobbying request is reported_to_superior_only or other: nothing was received to return, pay, hand over or donate")
	}
	checkText(f, "handling_note", in.HandlingNote, 500, in.Handling == models.HandlingOther, Prose)
}

// applyRegistrationPatch lays p over in.
func applyRegistrationPatch(in *RegistrationInput, p RegistrationPatch) {
	if p.Type != nil {
		in.Type = *p.Type
	}
	if p.Servant != nil {
		in.Servant = *p.Servant
	}
	if p.Counterparty != nil {
		in.Counterparty = *p.Counterparty
	}
	if p.EventDate != nil {
		in.EventDate = *p.EventDate
	}
	if p.NotifiedDate != nil {
		in.NotifiedDate = *p.NotifiedDate
	}
	if p.Description != nil {
		in.Description = *p.Description
	}
	if p.ClearValueNTD {
		in.ValueNTD = nil
	}
	if p.ValueNTD != nil {
		v := *p.ValueNTD
		in.ValueNTD = &v
	}
	if p.Handling != nil {
		in.Handling = *p.Handling
	}
	if p.HandlingNote != nil {
		in.HandlingNote = *p.HandlingNote
	}
}

package services

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"ethicsops/models"
)

// Hours rule of integrity volunteers (廉政志工). An event runs from its
// scheduled_at to its end (event.ends_at). A volunteer checks in from
// CheckinLead before the start to CheckinLead after the end (the check-in
// window; CheckIn refuses captured times outside it). A volunteer's hours at
// an event are the part of their stay, arrive … depart, that lies within the
// event itself, so never more than its length, in hours rounded to 0.01.
// Without a depart the attendance is open and has no hours: they are never
// guessed.
//
// Hours count (participation totals, rosters' totals, the managers' list,
// the KPI report's volunteer line) only when the attendance is confirmed:
// automatically when the volunteer arrived on site (geofence inside, with a
// fix at least as accurate as the site's radius), or by a manager's
// decision. An arrival off site, or at a site without coordinates, is
// recorded but its hours wait, unconfirmed, for a manager to confirm or
// reject them.
const CheckinLead = time.Hour

// VolunteerService is the integrity volunteers' side of outreach events:
// sign-ups, attendance and hours, and the managers' list of volunteers.
type VolunteerService struct {
	db  *gorm.DB
	now Clock
	loc *time.Location
	// periods refuses decisions on hours of closed KPI years (set by New;
	// nil: none are checked, for tests of the hours alone).
	periods *KPIService
}

// NewVolunteerService builds the service; loc is the office time zone, in
// which years are counted.
func NewVolunteerService(db *gorm.DB, now Clock, loc *time.Location) *VolunteerService {
	return &VolunteerService{db: db, now: now, loc: loc}
}

// CheckinWindow is when volunteers may check in at event a: from
// CheckinLead before its start to CheckinLead after its end.
func CheckinWindow(a models.Activity) (opens, closes time.Time) {
	return a.ScheduledAt.Add(-CheckinLead), models.EventEnd(a).Add(CheckinLead)
}

// checkWindow refuses a volunteer's check-in captured outside the window of
// a, saying when check-in opens or closed in the office time zone.
func checkWindow(a models.Activity, captured time.Time, loc *time.Location) error {
	opens, closes := CheckinWindow(a)
	const layout = "2006-01-02 15:04"
	switch {
	case captured.Before(opens):
		return Invalid("captured_at", fmt.Sprintf("check-in opens at %s (%s), 1 hour before the event starts", opens.In(loc).Format(layout), loc))
	case captured.After(closes):
		return Invalid("captured_at", fmt.Sprintf("check-in closed at %s (%s), 1 hour after the event ended", closes.In(loc).Format(layout), loc))
	}
	return nil
}

// Attendance is what a volunteer's check-ins at one event say.
type Attendance struct {
	ArrivedAt  *time.Time // the arrival that counts (see AttendanceOf)
	DepartedAt *time.Time // the last depart after ArrivedAt
	Hours      *float64   // nil unless both are known
	// Status is "" before an arrival, else confirmed, unconfirmed or
	// rejected (models.Attendance*).
	Status string
	// OnSite is whether the arrival was inside the geofence with an
	// accurate fix.
	OnSite bool
}

// Open reports whether the volunteer arrived and has not departed yet.
func (a Attendance) Open() bool { return a.ArrivedAt != nil && a.DepartedAt == nil }

// hoursIf is the hours when the attendance has status, else 0.
func (a Attendance) hoursIf(status string) float64 {
	if a.Status != status || a.Hours == nil {
		return 0
	}
	return *a.Hours
}

// ConfirmedHours are the hours that count (0 unless confirmed).
func (a Attendance) ConfirmedHours() float64 { return a.hoursIf(models.AttendanceConfirmed) }

// UnconfirmedHours are the hours waiting for a manager (0 unless unconfirmed).
func (a Attendance) UnconfirmedHours() float64 { return a.hoursIf(models.AttendanceUnconfirmed) }

// onSite reports whether an arrival proves presence at a's site: inside the
// geofence, with a fix no worse than the site's radius (a fix of ±5 km is
// "inside" everywhere). A site without coordinates proves nothing.
func onSite(c models.Checkin, a models.Activity) bool {
	return c.Geofence == "inside" && c.AccuracyM <= float64(a.SiteRadiusM)
}

// AttendanceOf applies the hours rule to one volunteer's check-ins at event
// a (any order), with sg's decision. Check-ins captured outside the check-in
// window are ignored (CheckIn refuses them; older rows may hold some). The
// arrival that counts is the first on-site arrival, or the first arrival
// when none was on site; the depart is the last one after it.
func AttendanceOf(checkins []models.Checkin, a models.Activity, sg models.Signup) Attendance {
	opens, closes := CheckinWindow(a)
	var out Attendance
	var first, firstOnSite *models.Checkin
	for i := range checkins {
		c := &checkins[i]
		if c.Type != "arrive" || c.CapturedAt.Before(opens) || c.CapturedAt.After(closes) {
			continue
		}
		if first == nil || c.CapturedAt.Before(first.CapturedAt) {
			first = c
		}
		if onSite(*c, a) && (firstOnSite == nil || c.CapturedAt.Before(firstOnSite.CapturedAt)) {
			firstOnSite = c
		}
	}
	arrival := first
	if firstOnSite != nil {
		arrival = firstOnSite
	}
	if arrival == nil {
		return out
	}
	t := arrival.CapturedAt
	out.ArrivedAt, out.OnSite = &t, firstOnSite != nil
	for _, c := range checkins {
		if c.Type == "depart" && c.CapturedAt.After(t) && !c.CapturedAt.After(closes) && (out.DepartedAt == nil || c.CapturedAt.After(*out.DepartedAt)) {
			d := c.CapturedAt
			out.DepartedAt = &d
		}
	}
	if out.DepartedAt != nil {
		h := HoursWithin(*out.ArrivedAt, *out.DepartedAt, a.ScheduledAt, models.EventEnd(a))
		out.Hours = &h
	}
	switch {
	case sg.Decision != "":
		out.Status = sg.Decision
	case out.OnSite:
		out.Status = models.AttendanceConfirmed
	default:
		out.Status = models.AttendanceUnconfirmed
	}
	return out
}

// HoursWithin is the overlap of arrive … depart with the event start … end,
// in hours rounded to 0.01: never negative, never more than the event.
func HoursWithin(arrive, depart, start, end time.Time) float64 {
	from, to := arrive, depart
	if start.After(from) {
		from = start
	}
	if end.Before(to) {
		to = end
	}
	d := to.Sub(from)
	if d < 0 {
		d = 0
	}
	return math.Round(d.Hours()*100) / 100
}

// EventState is what a volunteer is told of an event they signed up for:
// deleted, unpublished, or the activity's status.
func EventState(a models.Activity) string {
	switch {
	case a.DeletedAt != nil:
		return "deleted"
	case !a.Published:
		return "unpublished"
	default:
		return a.Status
	}
}

// started reports whether sign-ups of a are closed because it began.
func started(a models.Activity, now time.Time) bool {
	return a.Status == models.ActivityInProgress || a.Status == models.ActivityCompleted || !now.Before(a.ScheduledAt)
}

func isVolunteer(actor Actor) bool {
	return actor.Is(models.RoleVolunteer) && actor.Status == models.StatusActive
}

// lockEvent reads activity id inside tx, locking its row on MySQL/MariaDB
// (SQLite transactions are BEGIN IMMEDIATE: already exclusive).
func lockEvent(tx *gorm.DB, id string) (models.Activity, error) {
	return takeRow[models.Activity](tx, true, "activity", "id = ? AND deleted_at IS NULL", id)
}

// activeSignups counts the active sign-ups of an activity inside tx. On
// MySQL it is a locking read, so it sees the latest committed rows whatever
// the transaction read before (a plain read would use the snapshot of the
// transaction's first read under REPEATABLE READ).
func activeSignups(tx *gorm.DB, activityID string) (int64, error) {
	var n int64
	q := tx.Model(&models.Signup{})
	if models.IsMySQL(tx) {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	err := q.Where("activity_id = ? AND status = ?", activityID, models.SignupActive).Count(&n).Error
	return n, err
}

// hasActiveSignup reports whether user holds an active sign-up for activity.
func hasActiveSignup(db *gorm.DB, activityID, userID string) (bool, error) {
	var n int64
	err := db.Model(&models.Signup{}).Where("activity_id = ? AND user_id = ? AND status = ?", activityID, userID, models.SignupActive).Count(&n).Error
	return n > 0, err
}

// checkCapacity refuses an activity change that leaves fewer volunteer
// places than active sign-ups (a lower capacity, or a kind without places).
// It runs in the update's transaction, after the activity row was locked,
// so that it is serialized with SignUp.
func checkCapacity(tx *gorm.DB, before, after models.Activity) error {
	if after.VolunteerCapacity >= before.VolunteerCapacity && after.Kind == before.Kind {
		return nil
	}
	n, err := activeSignups(tx, before.ID)
	if err != nil {
		return err
	}
	if int64(after.VolunteerCapacity) < n || (n > 0 && after.Kind != models.KindOutreachEvent) {
		return Invalid("event.volunteer_capacity", fmt.Sprintf("%d volunteers are signed up: keep at least that many places, or have them cancel first", n))
	}
	return nil
}

// SignUp gives actor (an approved volunteer) a place at outreach event
// activityID. It is idempotent: when actor already holds a place it answers
// that sign-up with created false.
//
// Capacity: the activity row is locked (SELECT … FOR UPDATE on MySQL; SQLite
// transactions are exclusive) and the active sign-ups are counted inside the
// same transaction. Every sign-up and every capacity change of one event
// thus queue on one row lock, across all servers sharing the database, and
// the count a transaction sees cannot change before it commits. A counter
// column with a conditional UPDATE would be as safe, but it would be a second
// copy of the truth to keep in step with the rows (and the activity update
// path writes whole rows), and a lock held for one short insert costs little
// at the scale of an event's volunteers.
//
// Errors: ErrForbidden (not an approved volunteer), ErrNotFound (no such
// published event), capacity_full, conflict (not an outreach event,
// cancelled, or already started).
func (s *VolunteerService) SignUp(ctx context.Context, actor Actor, activityID string) (models.Signup, bool, error) {
	if !isVolunteer(actor) {
		return models.Signup{}, false, Forbidden("only approved volunteers sign up")
	}
	var out models.Signup
	var created bool
	err := inTx(ctx, s.db, func(tx *gorm.DB) error {
		created = false
		a, err := lockEvent(tx, activityID)
		if err != nil {
			return err
		}
		if !CanRead(actor, a) {
			return NotFound("activity")
		}
		now := s.now()
		switch {
		case a.Kind != models.KindOutreachEvent:
			return Conflict(CodeConflict, "volunteers sign up for outreach events only")
		case a.Status == models.ActivityCancelled:
			return Conflict(CodeConflict, "this event is cancelled")
		case started(a, now):
			return Conflict(CodeConflict, "this event has started; sign-ups are closed")
		}
		var sg models.Signup
		err = tx.Where("activity_id = ? AND user_id = ?", a.ID, actor.UserID).Take(&sg).Error
		found := err == nil
		if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
			return err
		}
		if found && sg.Status == models.SignupActive {
			out = sg
			return nil
		}
		n, err := activeSignups(tx, a.ID)
		if err != nil {
			return err
		}
		if n >= int64(a.VolunteerCapacity) {
			return Conflict(CodeCapacityFull, "no free places left at this event (%d)", a.VolunteerCapacity)
		}
		// The event's row, written: on Galera the lock above does not reach
		// the other nodes, but this write makes a concurrent sign-up there
		// fail certification (1213, retried by inTx, then counted again).
		if err := tx.Model(&models.Activity{}).Where("id = ?", a.ID).
			UpdateColumn("signup_version", gorm.Expr("signup_version + 1")).Error; err != nil {
			return err
		}
		if found {
			sg.Status, sg.CancelledAt = models.SignupActive, nil
			if err := tx.Model(&models.Signup{}).Where("id = ?", sg.ID).
				Updates(map[string]any{"status": sg.Status, "cancelled_at": nil}).Error; err != nil {
				return err
			}
		} else {
			sg = models.Signup{ID: newID(), ActivityID: a.ID, UserID: actor.UserID, Status: models.SignupActive, CreatedAt: now}
			if err := tx.Create(&sg).Error; err != nil {
				return err
			}
		}
		out, created = sg, true
		return appendAudit(ctx, tx, s.now, AuditEntry{Actor: actor, Action: "signup.create", EntityType: "signup", EntityID: sg.ID,
			After: map[string]any{"activity_id": a.ID, "user_id": actor.UserID, "status": sg.Status}})
	})
	return out, created, err
}

// Cancel gives up actor's place at activityID. Cancelling without a place
// (never signed up, or cancelled already) does nothing.
// Errors: ErrForbidden, ErrNotFound, conflict (the event has started).
func (s *VolunteerService) Cancel(ctx context.Context, actor Actor, activityID string) error {
	if !isVolunteer(actor) {
		return Forbidden("only approved volunteers cancel sign-ups")
	}
	return inTx(ctx, s.db, func(tx *gorm.DB) error {
		a, err := lockEvent(tx, activityID)
		if err != nil {
			return err
		}
		if !CanRead(actor, a) {
			return NotFound("activity")
		}
		var sg models.Signup
		err = tx.Where("activity_id = ? AND user_id = ? AND status = ?", a.ID, actor.UserID, models.SignupActive).Take(&sg).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		now := s.now()
		if started(a, now) {
			return Conflict(CodeConflict, "this event has started; a sign-up can no longer be cancelled")
		}
		// Once arrived, the volunteer's check-ins are the record of their
		// attendance: cancelling would leave hours without a place.
		var arrivals int64
		if err := tx.Model(&models.Checkin{}).Where("activity_id = ? AND user_id = ? AND type = ?", a.ID, actor.UserID, "arrive").
			Count(&arrivals).Error; err != nil {
			return err
		}
		if arrivals > 0 {
			return Conflict(CodeConflict, "you have checked in at this event; a sign-up can no longer be cancelled once you have arrived")
		}
		if err := tx.Model(&models.Signup{}).Where("id = ?", sg.ID).
			Updates(map[string]any{"status": models.SignupCancelled, "cancelled_at": now}).Error; err != nil {
			return err
		}
		return appendAudit(ctx, tx, s.now, AuditEntry{Actor: actor, Action: "signup.cancel", EntityType: "signup", EntityID: sg.ID,
			Before: map[string]any{"status": models.SignupActive}, After: map[string]any{"status": models.SignupCancelled, "activity_id": a.ID}})
	})
}

// Places is the sign-up state of one event: active sign-ups, and whether the
// caller holds one of them.
type Places struct {
	SignedUp int
	Mine     bool
}

// Free is the number of places left at an event of capacity places.
func (p Places) Free(a models.Activity) int {
	if a.Kind != models.KindOutreachEvent {
		return 0
	}
	return max(0, a.VolunteerCapacity-p.SignedUp)
}

// PlacesOf answers the sign-up state of activities ids (one query).
func (s *VolunteerService) PlacesOf(ctx context.Context, actor Actor, ids []string) (map[string]Places, error) {
	out := map[string]Places{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []struct {
		ActivityID string
		N          int
		Mine       int
	}
	err := s.db.WithContext(ctx).Model(&models.Signup{}).
		Select("activity_id, COUNT(*) AS n, SUM(CASE WHEN user_id = ? THEN 1 ELSE 0 END) AS mine", actor.UserID).
		Where("activity_id IN ? AND status = ?", ids, models.SignupActive).Group("activity_id").Scan(&rows).Error
	for _, r := range rows {
		out[r.ActivityID] = Places{SignedUp: r.N, Mine: r.Mine > 0}
	}
	return out, err
}

// pair is one volunteer at one event.
type pair struct{ ActivityID, UserID string }

// attendance reads the check-ins of the sign-ups and applies the hours rule
// with their events (acts, by id; a sign-up whose event is missing has no
// attendance).
func (s *VolunteerService) attendance(ctx context.Context, signups []models.Signup, acts map[string]models.Activity) (map[pair]Attendance, error) {
	out := map[pair]Attendance{}
	if len(signups) == 0 {
		return out, nil
	}
	want := map[pair]models.Signup{}
	actIDs, users := map[string]bool{}, map[string]bool{}
	for _, sg := range signups {
		p := pair{sg.ActivityID, sg.UserID}
		want[p], actIDs[p.ActivityID], users[p.UserID] = sg, true, true
	}
	var rows []models.Checkin
	err := s.db.WithContext(ctx).Select("activity_id, user_id, type, captured_at, geofence, accuracy_m").
		Where("activity_id IN ? AND user_id IN ?", keys(actIDs), keys(users)).Find(&rows).Error
	if err != nil {
		return nil, err
	}
	by := map[pair][]models.Checkin{}
	for _, c := range rows {
		if p := (pair{c.ActivityID, c.UserID}); want[p].ID != "" {
			by[p] = append(by[p], c)
		}
	}
	for p, cs := range by {
		if a, ok := acts[p.ActivityID]; ok {
			out[p] = AttendanceOf(cs, a, want[p])
		}
	}
	return out, nil
}

// activitiesByID reads activities ids (deleted ones too) by id.
func (s *VolunteerService) activitiesByID(ctx context.Context, ids []string) (map[string]models.Activity, error) {
	out := map[string]models.Activity{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []models.Activity
	if err := s.db.WithContext(ctx).Where("id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, err
	}
	for _, a := range rows {
		out[a.ID] = a
	}
	return out, nil
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// RosterEntry is one volunteer on an event's roster.
type RosterEntry struct {
	Signup      models.Signup
	DisplayName string
	Attendance  Attendance
}

// Roster is the sign-ups of an event for staff, with the hours of its
// active sign-ups: those that count, and those waiting for a manager.
type Roster struct {
	Activity         models.Activity
	Places           Places
	Entries          []RosterEntry
	ConfirmedHours   float64
	UnconfirmedHours float64
}

func round2(h float64) float64 { return math.Round(h*100) / 100 }

// Roster lists the volunteers signed up for activityID (active and
// cancelled), with attendance and hours. Staff only.
// Errors: ErrForbidden, ErrNotFound.
func (s *VolunteerService) Roster(ctx context.Context, actor Actor, activityID string) (Roster, error) {
	if !actor.IsStaff() {
		return Roster{}, Forbidden("only office staff read rosters")
	}
	var a models.Activity
	err := s.db.WithContext(ctx).Where("id = ? AND deleted_at IS NULL", activityID).Take(&a).Error
	if errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && !CanRead(actor, a)) {
		return Roster{}, NotFound("activity")
	}
	if err != nil {
		return Roster{}, err
	}
	var rows []struct {
		models.Signup
		DisplayName string
	}
	err = s.db.WithContext(ctx).Table("signups").Select("signups.*, users.display_name").
		Joins("JOIN users ON users.id = signups.user_id").Where("signups.activity_id = ?", a.ID).
		Order("signups.created_at, signups.id").Limit(10000).Scan(&rows).Error
	if err != nil {
		return Roster{}, err
	}
	signups := make([]models.Signup, len(rows))
	for i, r := range rows {
		signups[i] = r.Signup
	}
	att, err := s.attendance(ctx, signups, map[string]models.Activity{a.ID: a})
	if err != nil {
		return Roster{}, err
	}
	out := Roster{Activity: a, Entries: make([]RosterEntry, len(rows))}
	var confirmed, unconfirmed float64
	for i, r := range rows {
		e := RosterEntry{Signup: r.Signup, DisplayName: r.DisplayName, Attendance: att[pair{r.ActivityID, r.UserID}]}
		if r.Status == models.SignupActive {
			out.Places.SignedUp++
			confirmed += e.Attendance.ConfirmedHours()
			unconfirmed += e.Attendance.UnconfirmedHours()
		}
		out.Entries[i] = e
	}
	out.ConfirmedHours, out.UnconfirmedHours = round2(confirmed), round2(unconfirmed)
	return out, nil
}

// ParticipationEntry is one of a volunteer's sign-ups with its event.
type ParticipationEntry struct {
	Signup     models.Signup
	Activity   models.Activity
	Attendance Attendance
}

// Participation is a volunteer's year. TotalHours are the confirmed hours,
// the ones that count; UnconfirmedHours wait for a manager.
type Participation struct {
	Year             int
	Timezone         string
	Entries          []ParticipationEntry
	TotalHours       float64
	UnconfirmedHours float64
}

// yearBounds are the UTC bounds of a calendar year in the office time zone.
func (s *VolunteerService) yearBounds(year int) (time.Time, time.Time) {
	return time.Date(year, 1, 1, 0, 0, 0, 0, s.loc).UTC(), time.Date(year+1, 1, 1, 0, 0, 0, 0, s.loc).UTC()
}

func (s *VolunteerService) year(year int) (int, error) {
	if year == 0 {
		return s.now().In(s.loc).Year(), nil
	}
	if err := queryYear("year", year, s.now(), s.loc); err != nil {
		return 0, err
	}
	return year, nil
}

// Participation lists actor's own sign-ups for events scheduled in year
// (office time zone; 0 is this year), cancelled ones and those of events
// since cancelled, unpublished or deleted included, with attendance, and the
// year's confirmed and unconfirmed hours (active sign-ups at events not
// deleted).
// Errors: ErrForbidden (not a volunteer), bad_request (year).
func (s *VolunteerService) Participation(ctx context.Context, actor Actor, year int) (Participation, error) {
	if !isVolunteer(actor) {
		return Participation{}, Forbidden("participation is the volunteer's own")
	}
	year, err := s.year(year)
	if err != nil {
		return Participation{}, err
	}
	from, to := s.yearBounds(year)
	var signups []models.Signup
	err = s.db.WithContext(ctx).Model(&models.Signup{}).Select("signups.*").
		Joins("JOIN activities ON activities.id = signups.activity_id").
		Where("signups.user_id = ? AND activities.scheduled_at >= ? AND activities.scheduled_at < ?", actor.UserID, from, to).
		Order("activities.scheduled_at, signups.id").Limit(1000).Find(&signups).Error
	if err != nil {
		return Participation{}, err
	}
	ids := make([]string, len(signups))
	for i, sg := range signups {
		ids[i] = sg.ActivityID
	}
	acts, err := s.activitiesByID(ctx, ids)
	if err != nil {
		return Participation{}, err
	}
	att, err := s.attendance(ctx, signups, acts)
	if err != nil {
		return Participation{}, err
	}
	out := Participation{Year: year, Timezone: s.loc.String(), Entries: make([]ParticipationEntry, len(signups))}
	var total, pending float64
	for i, sg := range signups {
		e := ParticipationEntry{Signup: sg, Activity: acts[sg.ActivityID], Attendance: att[pair{sg.ActivityID, sg.UserID}]}
		if e.Activity.DeletedAt == nil && sg.Status == models.SignupActive {
			total += e.Attendance.ConfirmedHours()
			pending += e.Attendance.UnconfirmedHours()
		}
		out.Entries[i] = e
	}
	out.TotalHours, out.UnconfirmedHours = round2(total), round2(pending)
	return out, nil
}

// YearTotal is a volunteer's (or all volunteers') confirmed attendance in a
// year: only what counts (see the hours rule).
type YearTotal struct {
	People int     // volunteers with at least one confirmed attendance
	Events int     // confirmed attendances at events
	Hours  float64 // confirmed hours of closed attendances
	// UnconfirmedHours wait for a manager; they are not in Hours.
	UnconfirmedHours float64
}

// yearTotals computes attendance at events scheduled in year (office time
// zone, not deleted; optionally of one unit), per volunteer; users nil
// means every volunteer.
func (s *VolunteerService) yearTotals(ctx context.Context, year int, users []string, unitID string) (map[string]YearTotal, error) {
	from, to := s.yearBounds(year)
	q := s.db.WithContext(ctx).Model(&models.Signup{}).Select("signups.*").
		Joins("JOIN activities ON activities.id = signups.activity_id").
		Where("signups.status = ? AND activities.deleted_at IS NULL AND activities.scheduled_at >= ? AND activities.scheduled_at < ?",
			models.SignupActive, from, to)
	if users != nil {
		if len(users) == 0 {
			return map[string]YearTotal{}, nil
		}
		q = q.Where("signups.user_id IN ?", users)
	}
	if unitID != "" {
		q = q.Where("activities.unit_id = ?", unitID)
	}
	var signups []models.Signup
	if err := q.Find(&signups).Error; err != nil {
		return nil, err
	}
	ids := map[string]bool{}
	for _, sg := range signups {
		ids[sg.ActivityID] = true
	}
	acts, err := s.activitiesByID(ctx, keys(ids))
	if err != nil {
		return nil, err
	}
	att, err := s.attendance(ctx, signups, acts)
	if err != nil {
		return nil, err
	}
	out := map[string]YearTotal{}
	for p, a := range att {
		t := out[p.UserID]
		switch a.Status {
		case models.AttendanceConfirmed:
			t.People, t.Events = 1, t.Events+1
			t.Hours = round2(t.Hours + a.ConfirmedHours())
		case models.AttendanceUnconfirmed:
			t.UnconfirmedHours = round2(t.UnconfirmedHours + a.UnconfirmedHours())
		default:
			continue
		}
		out[p.UserID] = t
	}
	return out, nil
}

// YearTotal sums the attendance of all volunteers in year (office time
// zone), optionally at events of one unit: the KPI report's informational
// line.
func (s *VolunteerService) YearTotal(ctx context.Context, year int, unitID string) (YearTotal, error) {
	by, err := s.yearTotals(ctx, year, nil, unitID)
	if err != nil {
		return YearTotal{}, err
	}
	var sum YearTotal
	var hours, pending float64
	for _, t := range by {
		sum.People += t.People
		sum.Events += t.Events
		hours += t.Hours
		pending += t.UnconfirmedHours
	}
	sum.Hours, sum.UnconfirmedHours = round2(hours), round2(pending)
	return sum, nil
}

// VolunteerFilter selects volunteers in List.
type VolunteerFilter struct {
	Status string // pending, active or disabled; "" all
	Year   int    // of the hours; 0 this year
	Limit  int
	Cursor string
}

// VolunteerSummary is a volunteer with their year's attendance.
type VolunteerSummary struct {
	User  models.User
	Year  int
	Total YearTotal
}

// List returns a page of volunteers (oldest registration first) with their
// attendance in f.Year. Managers and admins only.
// Errors: ErrForbidden, bad_request (status, year, limit, cursor).
func (s *VolunteerService) List(ctx context.Context, actor Actor, f VolunteerFilter) (Page[VolunteerSummary], error) {
	var zero Page[VolunteerSummary]
	if !actor.Is(models.RoleAdmin, models.RoleManager) {
		return zero, Forbidden("only managers and admins list volunteers")
	}
	limit, err := ClampLimit(f.Limit)
	if err != nil {
		return zero, err
	}
	year, err := s.year(f.Year)
	if err != nil {
		return zero, err
	}
	cur, err := DecodeCursor(f.Cursor)
	if err != nil {
		return zero, err
	}
	q := s.db.WithContext(ctx).Model(&models.User{}).Where("role = ?", models.RoleVolunteer)
	if f.Status != "" {
		if !oneOf(f.Status, models.UserStatuses...) {
			return zero, BadRequest("status must be one of %v", models.UserStatuses)
		}
		q = q.Where("status = ?", f.Status)
	}
	if q, err = afterTimeCursor(q, cur, "created_at", false); err != nil {
		return zero, err
	}
	var users []models.User
	if err := q.Order("created_at, id").Limit(limit + 1).Find(&users).Error; err != nil {
		return zero, err
	}
	page := pageOf(users, limit, func(u models.User) Cursor { return timeCursor(u.CreatedAt, u.ID) })
	ids := make([]string, len(page.Items))
	for i, u := range page.Items {
		ids[i] = u.ID
	}
	totals, err := s.yearTotals(ctx, year, ids, "")
	if err != nil {
		return zero, err
	}
	out := Page[VolunteerSummary]{NextCursor: page.NextCursor, Items: make([]VolunteerSummary, len(page.Items))}
	for i, u := range page.Items {
		out.Items[i] = VolunteerSummary{User: u, Year: year, Total: totals[u.ID]}
	}
	return out, nil
}

// ConfirmAttendance accepts the hours of volunteer userID at event
// activityID (managers and admins): the attendance counts from then on,
// wherever the volunteer arrived. reason is optional (at most 500
// characters). Confirming a confirmed attendance changes nothing and answers
// changed false.
// Errors: ErrForbidden, ErrNotFound (no such event, or the user has no
// sign-up for it), validation_failed (reason), conflict (the volunteer has
// not arrived).
func (s *VolunteerService) ConfirmAttendance(ctx context.Context, actor Actor, activityID, userID, reason string) (RosterEntry, bool, error) {
	return s.decide(ctx, actor, activityID, userID, models.AttendanceConfirmed, reason)
}

// RejectAttendance refuses the hours of volunteer userID at event
// activityID (managers and admins): they never count, even if the volunteer
// arrived on site. As ConfirmAttendance otherwise.
// Errors: as ConfirmAttendance.
func (s *VolunteerService) RejectAttendance(ctx context.Context, actor Actor, activityID, userID, reason string) (RosterEntry, bool, error) {
	return s.decide(ctx, actor, activityID, userID, models.AttendanceRejected, reason)
}

// decide stores a manager's decision on an attendance, audited, in one
// transaction with the event row locked (as sign-ups are), so that a
// decision and a change of the event are serialized.
func (s *VolunteerService) decide(ctx context.Context, actor Actor, activityID, userID, decision, reason string) (RosterEntry, bool, error) {
	if !actor.Is(models.RoleAdmin, models.RoleManager) {
		return RosterEntry{}, false, Forbidden("only managers and admins confirm or reject volunteers' hours")
	}
	reason = strings.TrimSpace(reason)
	f := Fields{}
	checkText(f, "reason", reason, 500, false, Prose)
	if err := f.Err(); err != nil {
		return RosterEntry{}, false, err
	}
	var out RosterEntry
	var changed bool
	err := inTx(ctx, s.db, func(tx *gorm.DB) error {
		changed = false
		a, err := lockEvent(tx, activityID)
		if err != nil {
			return err
		}
		var row struct {
			models.Signup
			DisplayName string
		}
		err = tx.Table("signups").Select("signups.*, users.display_name").Joins("JOIN users ON users.id = signups.user_id").
			Where("signups.activity_id = ? AND signups.user_id = ?", a.ID, userID).Take(&row).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return NotFound("attendance")
		}
		if err != nil {
			return err
		}
		var cs []models.Checkin
		if err := tx.Select("activity_id, user_id, type, captured_at, geofence, accuracy_m").
			Where("activity_id = ? AND user_id = ?", a.ID, userID).Find(&cs).Error; err != nil {
			return err
		}
		before := AttendanceOf(cs, a, row.Signup)
		if before.ArrivedAt == nil {
			return Conflict(CodeConflict, "this volunteer has not checked in at this event: there are no hours to confirm or reject")
		}
		sg := row.Signup
		if sg.Decision == decision {
			out = RosterEntry{Signup: sg, DisplayName: row.DisplayName, Attendance: before}
			return nil
		}
		// A decision moves hours of the event's year: not in a closed one.
		if s.periods != nil {
			if err := s.periods.EnsureOpen(ctx, tx, a.ScheduledAt); err != nil {
				return err
			}
		}
		now := s.now()
		sg.Decision, sg.DecidedBy, sg.DecidedAt, sg.DecisionReason = decision, &actor.UserID, &now, reason
		if err := tx.Model(&models.Signup{}).Where("id = ?", sg.ID).Updates(map[string]any{
			"decision": sg.Decision, "decided_by": sg.DecidedBy, "decided_at": sg.DecidedAt, "decision_reason": sg.DecisionReason,
		}).Error; err != nil {
			return err
		}
		after := AttendanceOf(cs, a, sg)
		out, changed = RosterEntry{Signup: sg, DisplayName: row.DisplayName, Attendance: after}, true
		action := "attendance.confirm"
		if decision == models.AttendanceRejected {
			action = "attendance.reject"
		}
		return appendAudit(ctx, tx, s.now, AuditEntry{Actor: actor, Action: action, EntityType: "signup", EntityID: sg.ID,
			Before: map[string]any{"attendance_status": before.Status, "hours": before.Hours},
			After: map[string]any{"activity_id": a.ID, "user_id": userID, "attendance_status": after.Status, "hours": after.Hours,
				"reason": reason}})
	})
	return out, changed, err
}

package services

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"ethicsops/models"
)

// Hours rule of integrity volunteers (廉政志工). An event has a start
// (scheduled_at) but no end in the model, so every event is taken to last
// EventLength; a volunteer's hours at an event are depart − arrive (the first
// arrive, the last depart after it), capped at EventLength + HoursMargin, in
// hours rounded to 0.01. Without a depart the attendance is open and has no
// hours: they are never guessed.
const (
	EventLength = 3 * time.Hour
	HoursMargin = 1 * time.Hour
)

// VolunteerService is the integrity volunteers' side of outreach events:
// sign-ups, attendance and hours, and the managers' list of volunteers.
type VolunteerService struct {
	db  *gorm.DB
	now Clock
	loc *time.Location
}

// NewVolunteerService builds the service; loc is the office time zone, in
// which years are counted.
func NewVolunteerService(db *gorm.DB, now Clock, loc *time.Location) *VolunteerService {
	return &VolunteerService{db: db, now: now, loc: loc}
}

// Attendance is what a volunteer's check-ins at one event say.
type Attendance struct {
	ArrivedAt  *time.Time // the first arrive
	DepartedAt *time.Time // the last depart after ArrivedAt
	Hours      *float64   // nil unless both are known
}

// Open reports whether the volunteer arrived and has not departed yet.
func (a Attendance) Open() bool { return a.ArrivedAt != nil && a.DepartedAt == nil }

// AttendanceOf applies the hours rule to one volunteer's check-ins at one
// event (any order).
func AttendanceOf(checkins []models.Checkin) Attendance {
	var out Attendance
	for _, c := range checkins {
		if c.Type == "arrive" && (out.ArrivedAt == nil || c.CapturedAt.Before(*out.ArrivedAt)) {
			t := c.CapturedAt
			out.ArrivedAt = &t
		}
	}
	if out.ArrivedAt == nil {
		return out
	}
	for _, c := range checkins {
		if c.Type == "depart" && c.CapturedAt.After(*out.ArrivedAt) && (out.DepartedAt == nil || c.CapturedAt.After(*out.DepartedAt)) {
			t := c.CapturedAt
			out.DepartedAt = &t
		}
	}
	if out.DepartedAt != nil {
		h := HoursBetween(*out.ArrivedAt, *out.DepartedAt)
		out.Hours = &h
	}
	return out
}

// HoursBetween is depart − arrive in hours, capped at EventLength +
// HoursMargin and rounded to 0.01.
func HoursBetween(arrive, depart time.Time) float64 {
	d := depart.Sub(arrive)
	if limit := EventLength + HoursMargin; d > limit {
		d = limit
	}
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
	var a models.Activity
	q := tx
	if models.IsMySQL(tx) {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	err := q.Where("id = ? AND deleted_at IS NULL", id).Take(&a).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return a, NotFound("activity")
	}
	return a, err
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

// attendance reads the check-ins of the pairs and applies the hours rule.
func (s *VolunteerService) attendance(ctx context.Context, pairs []pair) (map[pair]Attendance, error) {
	out := map[pair]Attendance{}
	if len(pairs) == 0 {
		return out, nil
	}
	want := map[pair]bool{}
	acts, users := map[string]bool{}, map[string]bool{}
	for _, p := range pairs {
		want[p], acts[p.ActivityID], users[p.UserID] = true, true, true
	}
	var rows []models.Checkin
	err := s.db.WithContext(ctx).Select("activity_id, user_id, type, captured_at").
		Where("activity_id IN ? AND user_id IN ?", keys(acts), keys(users)).Find(&rows).Error
	if err != nil {
		return nil, err
	}
	by := map[pair][]models.Checkin{}
	for _, c := range rows {
		if p := (pair{c.ActivityID, c.UserID}); want[p] {
			by[p] = append(by[p], c)
		}
	}
	for p, cs := range by {
		out[p] = AttendanceOf(cs)
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

// Roster is the sign-ups of an event for staff.
type Roster struct {
	Activity models.Activity
	Places   Places
	Entries  []RosterEntry
}

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
	pairs := make([]pair, len(rows))
	for i, r := range rows {
		pairs[i] = pair{r.ActivityID, r.UserID}
	}
	att, err := s.attendance(ctx, pairs)
	if err != nil {
		return Roster{}, err
	}
	out := Roster{Activity: a, Entries: make([]RosterEntry, len(rows))}
	for i, r := range rows {
		out.Entries[i] = RosterEntry{Signup: r.Signup, DisplayName: r.DisplayName, Attendance: att[pairs[i]]}
		if r.Status == models.SignupActive {
			out.Places.SignedUp++
		}
	}
	return out, nil
}

// ParticipationEntry is one of a volunteer's sign-ups with its event.
type ParticipationEntry struct {
	Signup     models.Signup
	Activity   models.Activity
	Attendance Attendance
}

// Participation is a volunteer's year.
type Participation struct {
	Year       int
	Timezone   string
	Entries    []ParticipationEntry
	TotalHours float64
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
// year's total hours (events not deleted).
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
	pairs := make([]pair, len(signups))
	for i, sg := range signups {
		ids[i], pairs[i] = sg.ActivityID, pair{sg.ActivityID, sg.UserID}
	}
	acts := map[string]models.Activity{}
	if len(ids) > 0 {
		var rows []models.Activity
		if err := s.db.WithContext(ctx).Where("id IN ?", ids).Find(&rows).Error; err != nil {
			return Participation{}, err
		}
		for _, a := range rows {
			acts[a.ID] = a
		}
	}
	att, err := s.attendance(ctx, pairs)
	if err != nil {
		return Participation{}, err
	}
	out := Participation{Year: year, Timezone: s.loc.String(), Entries: make([]ParticipationEntry, len(signups))}
	var total float64
	for i, sg := range signups {
		e := ParticipationEntry{Signup: sg, Activity: acts[sg.ActivityID], Attendance: att[pairs[i]]}
		if e.Attendance.Hours != nil && e.Activity.DeletedAt == nil {
			total += *e.Attendance.Hours
		}
		out.Entries[i] = e
	}
	out.TotalHours = math.Round(total*100) / 100
	return out, nil
}

// YearTotal is a volunteer's (or all volunteers') attendance in a year.
type YearTotal struct {
	People int     // volunteers who arrived at least once
	Events int     // attendances (arrivals) at events
	Hours  float64 // closed attendances only
}

// yearTotals computes attendance at events scheduled in year (office time
// zone, not deleted; optionally of one unit), per volunteer; users nil
// means every volunteer.
func (s *VolunteerService) yearTotals(ctx context.Context, year int, users []string, unitID string) (map[string]YearTotal, error) {
	from, to := s.yearBounds(year)
	q := s.db.WithContext(ctx).Model(&models.Signup{}).Select("signups.activity_id, signups.user_id").
		Joins("JOIN activities ON activities.id = signups.activity_id").
		Where("activities.deleted_at IS NULL AND activities.scheduled_at >= ? AND activities.scheduled_at < ?", from, to)
	if users != nil {
		if len(users) == 0 {
			return map[string]YearTotal{}, nil
		}
		q = q.Where("signups.user_id IN ?", users)
	}
	if unitID != "" {
		q = q.Where("activities.unit_id = ?", unitID)
	}
	var pairs []pair
	if err := q.Scan(&pairs).Error; err != nil {
		return nil, err
	}
	att, err := s.attendance(ctx, pairs)
	if err != nil {
		return nil, err
	}
	out := map[string]YearTotal{}
	for p, a := range att {
		if a.ArrivedAt == nil {
			continue
		}
		t := out[p.UserID]
		t.People, t.Events = 1, t.Events+1
		if a.Hours != nil {
			t.Hours = math.Round((t.Hours+*a.Hours)*100) / 100
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
	var hours float64
	for _, t := range by {
		sum.People++
		sum.Events += t.Events
		hours += t.Hours
	}
	sum.Hours = math.Round(hours*100) / 100
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

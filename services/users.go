package services

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"time"

	"gorm.io/gorm"

	"ethicsops/models"
)

// UserService manages accounts: staff created by an admin, volunteers who
// register themselves and wait for a manager's approval.
type UserService struct {
	db   *gorm.DB
	auth *AuthService
	now  Clock
	// registerPerHour throttles Register per client address.
	registerPerHour int
}

// NewUserService builds the service; registerPerHour ≤ 0 means
// DefaultRegistrationsPerHour.
func NewUserService(db *gorm.DB, auth *AuthService, now Clock, registerPerHour int) *UserService {
	if registerPerHour <= 0 {
		registerPerHour = DefaultRegistrationsPerHour
	}
	return &UserService{db: db, auth: auth, now: now, registerPerHour: registerPerHour}
}

var (
	usernameRe = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{2,63}$`)
	phoneRe    = regexp.MustCompile(`^\+?[0-9][0-9 -]{6,19}$`)
)

// DefaultRegistrationsPerHour is how many sign-ups one client address may
// make per hour unless Options.RegisterPerHour says otherwise.
const DefaultRegistrationsPerHour = 10

// NewUser is what an admin gives to create an account.
type NewUser struct {
	Username    string
	Password    string
	DisplayName string
	Role        string
	Status      string // default active
	UnitID      *string
	Phone       string
	Email       string
}

// UserPatch changes some fields of an account; nil fields stay.
type UserPatch struct {
	DisplayName *string
	Role        *string
	Status      *string
	UnitID      *string // "" clears the unit
	Password    *string
	Phone       *string
	Email       *string
	// ReportHandler designates (or no longer) the account to handle
	// whistle-blowing reports: officers and managers only.
	ReportHandler *bool
}

// UserFilter selects accounts in List.
type UserFilter struct {
	Role   string
	Status string
	Limit  int
	Cursor string
}

// Get returns one account; ErrNotFound when there is none.
func (s *UserService) Get(ctx context.Context, id string) (models.User, error) {
	var u models.User
	err := s.db.WithContext(ctx).Where("id = ?", id).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return u, NotFound("user")
	}
	return u, err
}

// List returns accounts ordered by creation. Admin only.
// Errors: ErrForbidden, bad_request for a bad filter or cursor.
func (s *UserService) List(ctx context.Context, actor Actor, f UserFilter) (Page[models.User], error) {
	if !actor.Is(models.RoleAdmin) {
		return Page[models.User]{}, Forbidden("only an admin lists accounts")
	}
	limit, err := ClampLimit(f.Limit)
	if err != nil {
		return Page[models.User]{}, err
	}
	cur, err := DecodeCursor(f.Cursor)
	if err != nil {
		return Page[models.User]{}, err
	}
	q := s.db.WithContext(ctx).Model(&models.User{})
	if f.Role != "" {
		if !oneOf(f.Role, models.Roles...) {
			return Page[models.User]{}, BadRequest("role must be one of %v", models.Roles)
		}
		q = q.Where("role = ?", f.Role)
	}
	if f.Status != "" {
		if !oneOf(f.Status, models.UserStatuses...) {
			return Page[models.User]{}, BadRequest("status must be one of %v", models.UserStatuses)
		}
		q = q.Where("status = ?", f.Status)
	}
	if q, err = afterTimeCursor(q, cur, "created_at", false); err != nil {
		return Page[models.User]{}, err
	}
	var users []models.User
	if err := q.Order("created_at, id").Limit(limit + 1).Find(&users).Error; err != nil {
		return Page[models.User]{}, err
	}
	return pageOf(users, limit, func(u models.User) Cursor { return timeCursor(u.CreatedAt, u.ID) }), nil
}

// Create makes an account. Admin only.
// Errors: ErrForbidden, validation_failed, conflict (username taken).
func (s *UserService) Create(ctx context.Context, actor Actor, in NewUser) (models.User, error) {
	if !actor.Is(models.RoleAdmin) {
		return models.User{}, Forbidden("only an admin creates accounts")
	}
	if in.Status == "" {
		in.Status = models.StatusActive
	}
	in.Username = NormalizeUsername(in.Username)
	f := Fields{}
	validateUsername(f, in.Username)
	validatePassword(f, "password", in.Password)
	validateDisplayName(f, in.DisplayName)
	if !oneOf(in.Role, models.Roles...) {
		f.Add("role", "must be one of admin, manager, officer, volunteer")
	}
	if !oneOf(in.Status, models.UserStatuses...) {
		f.Add("status", "must be one of active, pending, disabled, rejected")
	}
	validateContact(f, in.Phone, in.Email, false)
	if in.UnitID != nil && *in.UnitID == "" {
		in.UnitID = nil
	}
	if in.UnitID != nil {
		if ok, err := s.unitExists(ctx, *in.UnitID); err != nil {
			return models.User{}, err
		} else if !ok {
			f.Add("unit_id", "no such unit")
		}
	}
	if err := f.Err(); err != nil {
		return models.User{}, err
	}
	hash, err := s.auth.HashPassword(in.Password)
	if err != nil {
		return models.User{}, err
	}
	now := s.now()
	u := models.User{
		ID: newID(), Username: in.Username, DisplayName: in.DisplayName, Role: in.Role, Status: in.Status,
		UnitID: in.UnitID, Phone: in.Phone, Email: in.Email, PasswordHash: hash, CreatedAt: now, UpdatedAt: now,
	}
	err = inTx(ctx, s.db, func(tx *gorm.DB) error {
		if err := tx.Create(&u).Error; err != nil {
			return err
		}
		return appendAudit(ctx, tx, s.now, AuditEntry{Actor: actor, Action: "user.create", EntityType: "user", EntityID: u.ID,
			After: map[string]any{"username": u.Username, "role": u.Role, "status": u.Status, "unit_id": u.UnitID}})
	})
	if models.IsDuplicate(err) {
		return models.User{}, Conflict(CodeConflict, "username %q is taken", in.Username)
	}
	return u, err
}

// Update changes an account. Admin only; an admin cannot demote or disable
// themselves (the office would be locked out).
// Errors: ErrForbidden, ErrNotFound, validation_failed.
func (s *UserService) Update(ctx context.Context, actor Actor, id string, p UserPatch) (models.User, error) {
	if !actor.Is(models.RoleAdmin) {
		return models.User{}, Forbidden("only an admin changes accounts")
	}
	f := Fields{}
	if p.DisplayName != nil {
		validateDisplayName(f, *p.DisplayName)
	}
	if p.Role != nil && !oneOf(*p.Role, models.Roles...) {
		f.Add("role", "must be one of admin, manager, officer, volunteer")
	}
	if p.Status != nil && !oneOf(*p.Status, models.UserStatuses...) {
		f.Add("status", "must be one of active, pending, disabled, rejected")
	}
	if p.Password != nil {
		validatePassword(f, "password", *p.Password)
	}
	if p.Phone != nil || p.Email != nil {
		validateContact(f, deref(p.Phone), deref(p.Email), false)
	}
	if id == actor.UserID {
		if p.Role != nil && *p.Role != models.RoleAdmin {
			f.Add("role", "you cannot change your own role")
		}
		if p.Status != nil && *p.Status != models.StatusActive {
			f.Add("status", "you cannot disable your own account")
		}
	}
	if p.ReportHandler != nil && *p.ReportHandler && p.Role != nil && !canHandleReports(*p.Role) {
		f.Add("report_handler", "only an officer or a manager can handle reports")
	}
	if p.UnitID != nil && *p.UnitID != "" {
		if ok, err := s.unitExists(ctx, *p.UnitID); err != nil {
			return models.User{}, err
		} else if !ok {
			f.Add("unit_id", "no such unit")
		}
	}
	if err := f.Err(); err != nil {
		return models.User{}, err
	}
	// Hashed before the transaction: not again on each attempt, and not
	// while the account's row is locked.
	var hash string
	if p.Password != nil {
		h, err := s.auth.HashPassword(*p.Password)
		if err != nil {
			return models.User{}, err
		}
		hash = h
	}
	var out models.User
	err := inTx(ctx, s.db, func(tx *gorm.DB) error {
		out = models.User{}
		var u models.User
		if err := tx.Where("id = ?", id).Take(&u).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return NotFound("user")
			}
			return err
		}
		before, after := map[string]any{}, map[string]any{}
		set := func(name string, old, new any) {
			before[name], after[name] = old, new
		}
		if p.DisplayName != nil && *p.DisplayName != u.DisplayName {
			set("display_name", u.DisplayName, *p.DisplayName)
			u.DisplayName = *p.DisplayName
		}
		if p.Role != nil && *p.Role != u.Role {
			set("role", u.Role, *p.Role)
			u.Role = *p.Role
		}
		if p.Status != nil && *p.Status != u.Status {
			set("status", u.Status, *p.Status)
			u.Status = *p.Status
			if u.Status != models.StatusRejected && u.RejectionReason != "" {
				// Re-opened (or decided otherwise) by an admin: the reason
				// no longer applies; the audit trail keeps it.
				u.RejectionReason, u.RejectedAt, u.RejectedBy = "", nil, nil
			}
		}
		if p.UnitID != nil && deref(u.UnitID) != *p.UnitID {
			set("unit_id", u.UnitID, *p.UnitID)
			u.UnitID = nilIfEmpty(*p.UnitID)
		}
		if p.Phone != nil && *p.Phone != u.Phone {
			set("phone", "***", "***")
			u.Phone = *p.Phone
		}
		if p.Email != nil && *p.Email != u.Email {
			set("email", "***", "***")
			u.Email = *p.Email
		}
		if p.ReportHandler != nil && *p.ReportHandler && !canHandleReports(u.Role) {
			return Invalid("report_handler", "only an officer or a manager can handle reports")
		}
		if p.ReportHandler != nil && *p.ReportHandler != u.ReportHandler {
			set("report_handler", u.ReportHandler, *p.ReportHandler)
			u.ReportHandler = *p.ReportHandler
		}
		if u.ReportHandler && !canHandleReports(u.Role) {
			// A handler who becomes a volunteer or an admin stops
			// handling reports: the flag goes with the role.
			set("report_handler", true, false)
			u.ReportHandler = false
		}
		if p.Password != nil {
			set("password", "***", "***")
			u.PasswordHash = hash
		}
		if len(after) == 0 {
			out = u
			return nil
		}
		u.UpdatedAt = s.now()
		// session_epoch is only ever bumped (endSessions), never written
		// back from a copy read earlier.
		if err := tx.Omit("session_epoch").Save(&u).Error; err != nil {
			return err
		}
		// A new password, a new role or a disabled account ends every
		// session of the account at once: whoever held its tokens signs in
		// again, with the new password and under the new role.
		_, newRole := after["role"]
		if p.Password != nil || newRole || after["status"] == models.StatusDisabled || after["status"] == models.StatusRejected {
			if err := endSessions(tx, u.UpdatedAt, u.ID); err != nil {
				return err
			}
		}
		out = u
		return appendAudit(ctx, tx, s.now, AuditEntry{Actor: actor, Action: "user.update", EntityType: "user", EntityID: u.ID, Before: before, After: after})
	})
	return out, err
}

// canHandleReports: only officers and managers may be designated to handle
// whistle-blowing reports.
func canHandleReports(role string) bool {
	return role == models.RoleOfficer || role == models.RoleManager
}

// MaxPasswordChangeFailures wrong current passwords end the session that
// sent them, so that a stolen access token cannot be used to guess the
// password: a new session needs a sign-in, which is throttled.
const MaxPasswordChangeFailures = 5

// ChangePassword sets the caller's own password, given the current one, and
// ends every session of the account (this one too: the caller signs in again
// with the new password).
// Errors: validation_failed (current_password wrong, new_password invalid),
// ErrUnauthenticated once MaxPasswordChangeFailures wrong current passwords
// have ended the session, ErrNotFound when the account is gone.
func (s *UserService) ChangePassword(ctx context.Context, actor Actor, current, next string) error {
	f := Fields{}
	if current == "" {
		f.Add("current_password", "is required")
	}
	validatePassword(f, "new_password", next)
	if err := f.Err(); err != nil {
		return err
	}
	u, err := s.Get(ctx, actor.UserID)
	if err != nil {
		return err
	}
	same, err := s.auth.checkPassword(ctx, []byte(u.PasswordHash), current)
	if err != nil {
		return err // no slot for the hash: not judged, not a wrong password
	}
	if !same {
		return s.wrongCurrentPassword(ctx, actor)
	}
	hash, err := s.auth.HashPassword(next)
	if err != nil {
		return err
	}
	return inTx(ctx, s.db, func(tx *gorm.DB) error {
		now := s.now()
		// Only if the password is still the one just checked: of two
		// concurrent changes, the second must prove the first one's password.
		res := tx.Model(&models.User{}).Where("id = ? AND password_hash = ?", u.ID, u.PasswordHash).
			Updates(map[string]any{"password_hash": hash, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return Invalid("current_password", "is not your current password")
		}
		if err := endSessions(tx, now, u.ID); err != nil {
			return err
		}
		return appendAudit(ctx, tx, s.now, AuditEntry{Actor: actor, Action: "user.password_change", EntityType: "user", EntityID: u.ID,
			Before: map[string]any{"password": "***"}, After: map[string]any{"password": "***"}})
	})
}

// wrongCurrentPassword counts a wrong current password against the caller's
// session and ends the session at MaxPasswordChangeFailures.
func (s *UserService) wrongCurrentPassword(ctx context.Context, actor Actor) error {
	ended := false
	err := inTx(ctx, s.db, func(tx *gorm.DB) error {
		ended = false
		if err := tx.Model(&models.Session{}).Where("id = ?", actor.SessionID).
			UpdateColumn("password_failures", gorm.Expr("password_failures + 1")).Error; err != nil {
			return err
		}
		res := tx.Model(&models.Session{}).
			Where("id = ? AND password_failures >= ? AND revoked_at IS NULL", actor.SessionID, MaxPasswordChangeFailures).
			Update("revoked_at", s.now())
		if res.Error != nil {
			return res.Error
		}
		if ended = res.RowsAffected > 0; ended {
			if err := tx.Model(&models.RefreshToken{}).Where("family_id = ? AND revoked_at IS NULL", actor.SessionID).
				Update("revoked_at", s.now()).Error; err != nil {
				return err
			}
		}
		return appendAudit(ctx, tx, s.now, AuditEntry{Actor: actor, Action: "auth.password_change_failed", EntityType: "user", EntityID: actor.UserID,
			After: map[string]any{"session_ended": ended}})
	})
	if err != nil {
		return err
	}
	if ended {
		return E(CodeUnauthenticated, "too many wrong passwords; this session has ended, sign in again")
	}
	return Invalid("current_password", "is not your current password")
}

// Approve makes a pending volunteer active. Managers and admins only;
// approving an already active volunteer changes nothing.
// Errors: ErrForbidden, ErrNotFound, conflict (not a volunteer, or disabled).
func (s *UserService) Approve(ctx context.Context, actor Actor, id string) (models.User, error) {
	if !actor.Is(models.RoleAdmin, models.RoleManager) {
		return models.User{}, Forbidden("only a manager or an admin approves volunteers")
	}
	var out models.User
	err := inTx(ctx, s.db, func(tx *gorm.DB) error {
		out = models.User{}
		var u models.User
		if err := tx.Where("id = ?", id).Take(&u).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return NotFound("user")
			}
			return err
		}
		if u.Role != models.RoleVolunteer {
			return Conflict(CodeConflict, "only volunteer accounts are approved")
		}
		switch u.Status {
		case models.StatusActive:
			out = u
			return nil
		case models.StatusDisabled:
			return Conflict(CodeConflict, "this account is disabled; an admin must re-enable it")
		case models.StatusRejected:
			return Conflict(CodeConflict, "this application was rejected; an admin must set it back to pending before it can be approved")
		}
		now := s.now()
		res := tx.Model(&models.User{}).Where("id = ? AND status = ?", id, models.StatusPending).
			Updates(map[string]any{"status": models.StatusActive, "approved_at": now, "approved_by": actor.UserID, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		u.Status, u.ApprovedAt, u.ApprovedBy, u.UpdatedAt = models.StatusActive, &now, &actor.UserID, now
		out = u
		if res.RowsAffected == 0 { // approved concurrently by someone else
			return nil
		}
		return appendAudit(ctx, tx, s.now, AuditEntry{Actor: actor, Action: "volunteer.approve", EntityType: "user", EntityID: u.ID,
			Before: map[string]any{"status": models.StatusPending}, After: map[string]any{"status": models.StatusActive}})
	})
	return out, err
}

// MaxRejectionReason is the longest reason for rejecting an application.
const MaxRejectionReason = 500

// Reject turns down a pending volunteer application with a reason, which the
// applicant is shown when they sign in (account_rejected); their sessions
// end. Managers and admins only. Rejecting a rejected application again
// changes nothing (the first reason stands). Approving a rejected one is
// refused until an admin sets it back to pending (PATCH /users/{id}).
// Audited as volunteer.reject with the reason.
// Errors: ErrForbidden, ErrNotFound, validation_failed (reason), conflict
// (not a volunteer, or not pending: active or disabled).
func (s *UserService) Reject(ctx context.Context, actor Actor, id, reason string) (models.User, error) {
	if !actor.Is(models.RoleAdmin, models.RoleManager) {
		return models.User{}, Forbidden("only a manager or an admin rejects volunteer applications")
	}
	reason = normalizeLines(strings.TrimSpace(reason))
	f := Fields{}
	checkText(f, "reason", reason, MaxRejectionReason, true, Prose)
	if err := f.Err(); err != nil {
		return models.User{}, err
	}
	var out models.User
	err := inTx(ctx, s.db, func(tx *gorm.DB) error {
		out = models.User{}
		var u models.User
		if err := tx.Where("id = ?", id).Take(&u).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return NotFound("user")
			}
			return err
		}
		if u.Role != models.RoleVolunteer {
			return Conflict(CodeConflict, "only volunteer applications are rejected")
		}
		switch u.Status {
		case models.StatusRejected:
			out = u
			return nil
		case models.StatusActive:
			return Conflict(CodeConflict, "this volunteer is already approved; an admin disables an account instead")
		case models.StatusDisabled:
			return Conflict(CodeConflict, "this account is disabled")
		}
		now := s.now()
		res := tx.Model(&models.User{}).Where("id = ? AND status = ?", id, models.StatusPending).
			Updates(map[string]any{"status": models.StatusRejected, "rejection_reason": reason, "rejected_at": now, "rejected_by": actor.UserID, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 { // decided concurrently by someone else
			if err := tx.Where("id = ?", id).Take(&out).Error; err != nil {
				return err
			}
			if out.Status != models.StatusRejected {
				return Conflict(CodeConflict, "this application was decided meanwhile: %s", out.Status)
			}
			return nil
		}
		// A pending applicant may be signed in (to see their status): that
		// session ends now.
		if err := endSessions(tx, now, u.ID); err != nil {
			return err
		}
		u.Status, u.RejectionReason, u.RejectedAt, u.RejectedBy, u.UpdatedAt = models.StatusRejected, reason, &now, &actor.UserID, now
		out = u
		return appendAudit(ctx, tx, s.now, AuditEntry{Actor: actor, Action: "volunteer.reject", EntityType: "user", EntityID: u.ID,
			Before: map[string]any{"status": models.StatusPending}, After: map[string]any{"status": models.StatusRejected, "reason": reason}})
	})
	return out, err
}

// Registration is what a would-be volunteer sends.
type Registration struct {
	Username    string
	Password    string
	DisplayName string
	Phone       string
	Email       string
}

// Register creates a pending volunteer account. clientKey (the client's
// address) is throttled to the configured registrations per hour.
// Errors: validation_failed, conflict (username taken), too_many_requests.
func (s *UserService) Register(ctx context.Context, clientKey string, in Registration) (models.User, error) {
	key := "register:" + clientKey
	if wait, err := lockedFor(ctx, s.db, s.now, key); err != nil {
		return models.User{}, err
	} else if wait > 0 {
		return models.User{}, TooMany(wait, "too many registrations from this address; try again later")
	}
	in.Username = NormalizeUsername(in.Username)
	f := Fields{}
	validateUsername(f, in.Username)
	validatePassword(f, "password", in.Password)
	validateDisplayName(f, in.DisplayName)
	validateContact(f, in.Phone, in.Email, true)
	if err := f.Err(); err != nil {
		return models.User{}, err
	}
	if _, err := countAttempt(ctx, s.db, s.now, key, s.registerPerHour, time.Hour, time.Hour); err != nil {
		return models.User{}, err
	}
	hash, err := s.auth.HashPassword(in.Password)
	if err != nil {
		return models.User{}, err
	}
	now := s.now()
	u := models.User{
		ID: newID(), Username: in.Username, DisplayName: in.DisplayName, Role: models.RoleVolunteer,
		Status: models.StatusPending, Phone: in.Phone, Email: in.Email, PasswordHash: hash, CreatedAt: now, UpdatedAt: now,
	}
	err = inTx(ctx, s.db, func(tx *gorm.DB) error {
		if err := tx.Create(&u).Error; err != nil {
			return err
		}
		return appendAudit(ctx, tx, s.now, AuditEntry{Actor: Actor{UserID: u.ID, Role: u.Role}, Action: "volunteer.register", EntityType: "user", EntityID: u.ID})
	})
	if models.IsDuplicate(err) {
		return models.User{}, Conflict(CodeConflict, "username %q is taken", in.Username)
	}
	return u, err
}

func (s *UserService) unitExists(ctx context.Context, id string) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&models.Unit{}).Where("id = ?", id).Count(&n).Error
	return n > 0, err
}

// Identity bounds. A username is 3 to 64 characters of a–z, 0–9, ".", "_"
// and "-", starting with a letter or digit (after trimming and lower-casing,
// NormalizeUsername). A new password is 12 to 72 bytes: bcrypt reads no
// further than 72, so a longer one would be partly ignored; bytes, not
// characters, because a Chinese character takes three. A display name is at
// most 100 characters. Passwords set before the 12-byte minimum keep working:
// only a password being set is checked.
const (
	MinPasswordBytes = 12
	MaxPasswordBytes = 72
	MaxDisplayName   = 100
)

// ValidUsername reports whether u (normalized) is a name an account may have.
func ValidUsername(u string) bool { return usernameRe.MatchString(u) }

func validateUsername(f Fields, u string) {
	if !ValidUsername(u) {
		f.Add("username", "3 to 64 characters: lower-case letters, digits, dot, dash or underscore, starting with a letter or digit")
	}
}

func validatePassword(f Fields, field, pw string) {
	switch {
	case len(pw) < MinPasswordBytes:
		f.Add(field, fmt.Sprintf("must be at least %d bytes", MinPasswordBytes))
	case len(pw) > MaxPasswordBytes:
		f.Add(field, fmt.Sprintf("must be at most %d bytes", MaxPasswordBytes))
	}
}

func validateDisplayName(f Fields, n string) {
	checkText(f, "display_name", n, MaxDisplayName, true, Line)
}

func validateContact(f Fields, phone, email string, required bool) {
	if phone != "" || required {
		if !phoneRe.MatchString(phone) {
			f.Add("phone", "must be a phone number such as 0912-345-678 or +886 912 345 678")
		}
	}
	if email != "" || required {
		checkText(f, "email", email, 254, true, Line)
		if a, err := mail.ParseAddress(email); err != nil || a.Address != email || len(email) > 254 {
			f.Add("email", "must be an e-mail address such as name@example.org")
		}
	}
}

func oneOf(v string, allowed ...string) bool {
	for _, a := range allowed {
		if v == a {
			return true
		}
	}
	return false
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func nilIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// pageOf trims rows fetched with limit+1 to a page and makes its cursor.
func pageOf[T any](rows []T, limit int, cursorOf func(T) Cursor) Page[T] {
	p := Page[T]{Items: rows}
	if len(rows) > limit {
		p.Items = rows[:limit]
		p.NextCursor = EncodeCursor(cursorOf(rows[limit-1]))
	}
	if p.Items == nil {
		p.Items = []T{}
	}
	return p
}

// Bootstrap gives an empty database its first admin account. The password is
// password, or a random one when password is empty; generated reports which.
// On a database that has any account it does nothing and created is false.
func (s *UserService) Bootstrap(ctx context.Context, password string) (created bool, generated string, err error) {
	var n int64
	if err := s.db.WithContext(ctx).Model(&models.User{}).Count(&n).Error; err != nil {
		return false, "", err
	}
	if n > 0 {
		return false, "", nil
	}
	if password == "" {
		generated = randomPassword()
		password = generated
	}
	_, err = s.Create(ctx, Actor{Role: models.RoleAdmin}, NewUser{Username: "admin", Password: password, DisplayName: "系統管理員", Role: models.RoleAdmin})
	if err != nil {
		return false, "", err
	}
	return true, generated, nil
}

// randomPassword makes a 20-character password from an unambiguous alphabet.
func randomPassword() string {
	const alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

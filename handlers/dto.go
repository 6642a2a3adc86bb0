package handlers

import (
	"time"

	"ethicsops/models"
	"ethicsops/services"
)

// UserDTO is an account as the API shows it (never the password hash).
type UserDTO struct {
	ID          string     `json:"id" example:"0192f1c4-7a8e-7b3e-9c1d-2f5e8a9b0c1d" binding:"required"`
	Username    string     `json:"username" example:"officer.lin" binding:"required"`
	DisplayName string     `json:"display_name" example:"林政風" binding:"required"`
	Role        string     `json:"role" enums:"admin,manager,officer,volunteer" binding:"required"`
	Status      string     `json:"status" enums:"active,pending,disabled,rejected" binding:"required"`
	UnitID      *string    `json:"unit_id" extensions:"x-nullable" binding:"required" example:"0192f1c4-6a1b-7d2c-8e3f-4a5b6c7d8e9f"`
	Phone       string     `json:"phone,omitempty" example:"0912-345-678"`
	Email       string     `json:"email,omitempty" example:"lin@example.gov.tw"`
	ApprovedAt  *time.Time `json:"approved_at,omitempty" example:"2026-03-02T10:15:00+08:00"`
	// RejectionReason is why a manager rejected the volunteer application
	// ("" unless status is rejected).
	RejectionReason string    `json:"rejection_reason" example:"本年度志工名額已滿，歡迎明年再報名" binding:"required"`
	CreatedAt       time.Time `json:"created_at" binding:"required" example:"2026-11-20T14:00:00+08:00"`
	UpdatedAt       time.Time `json:"updated_at" binding:"required" example:"2026-11-28T11:31:00+08:00"`
	// ReportHandler: an admin designated this officer or manager to handle
	// whistle-blowing reports.
	ReportHandler bool `json:"report_handler" example:"false" binding:"required"`
}

func toUserDTO(u models.User) UserDTO {
	return UserDTO{
		ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Role: u.Role, Status: u.Status,
		UnitID: u.UnitID, Phone: u.Phone, Email: u.Email, ApprovedAt: u.ApprovedAt, RejectionReason: u.RejectionReason,
		CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt, ReportHandler: u.ReportHandler,
	}
}

// UserList is a page of accounts.
type UserList struct {
	Items      []UserDTO `json:"items" binding:"required"`
	NextCursor string    `json:"next_cursor" binding:"required" example:"eyJ0IjoiMjAyNi0xMS0yOFQwMTowMDowMFoiLCJpZCI6IjAxOTIifQ"`
}

// LoginRequest signs in with a username and password.
type LoginRequest struct {
	Username string `json:"username" example:"officer" binding:"required"`
	Password string `json:"password" example:"demo-officer-2026" binding:"required"`
}

// RefreshRequest carries a refresh token.
type RefreshRequest struct {
	RefreshToken string `json:"refresh_token" binding:"required" example:"r1_3q2-7wErT5yUiOpAsDfGhJkL0zXcVbNm9QwE8rTy"`
}

// PasswordChangeRequest changes the caller's own password.
type PasswordChangeRequest struct {
	CurrentPassword string `json:"current_password" binding:"required" example:"demo-officer-2026"`
	NewPassword     string `json:"new_password" binding:"required" example:"a-longer-new-passphrase"`
}

// TokenResponse is a signed-in session.
type TokenResponse struct {
	AccessToken  string  `json:"access_token" binding:"required" example:"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwMTkyZjFjNCJ9.c2lnbmF0dXJl"`
	RefreshToken string  `json:"refresh_token" binding:"required" example:"r1_3q2-7wErT5yUiOpAsDfGhJkL0zXcVbNm9QwE8rTy"`
	TokenType    string  `json:"token_type" example:"Bearer" binding:"required"`
	ExpiresIn    int     `json:"expires_in" example:"900" binding:"required"`
	User         UserDTO `json:"user" binding:"required"`
}

func toTokenResponse(p services.TokenPair, u models.User) TokenResponse {
	return TokenResponse{AccessToken: p.AccessToken, RefreshToken: p.RefreshToken, TokenType: "Bearer", ExpiresIn: p.ExpiresIn, User: toUserDTO(u)}
}

// CreateUserRequest is what an admin sends to create an account.
type CreateUserRequest struct {
	Username    string  `json:"username" example:"officer.chen" binding:"required"`
	Password    string  `json:"password" example:"a-long-passphrase" binding:"required"`
	DisplayName string  `json:"display_name" example:"陳專員" binding:"required"`
	Role        string  `json:"role" enums:"admin,manager,officer,volunteer" binding:"required"`
	Status      string  `json:"status,omitempty" enums:"active,pending,disabled,rejected"`
	UnitID      *string `json:"unit_id,omitempty" example:"0192f1c4-6a1b-7d2c-8e3f-4a5b6c7d8e9f"`
	Phone       string  `json:"phone,omitempty" example:"0912-345-678"`
	Email       string  `json:"email,omitempty" example:"lin@example.gov.tw"`
}

// PatchUserRequest changes some fields of an account; absent fields stay.
type PatchUserRequest struct {
	DisplayName *string `json:"display_name,omitempty" example:"林政風"`
	Role        *string `json:"role,omitempty" enums:"admin,manager,officer,volunteer"`
	Status      *string `json:"status,omitempty" enums:"active,pending,disabled,rejected"`
	UnitID      *string `json:"unit_id,omitempty" example:"0192f1c4-6a1b-7d2c-8e3f-4a5b6c7d8e9f"`
	Password    *string `json:"password,omitempty" example:"a-long-passphrase"`
	Phone       *string `json:"phone,omitempty" example:"0912-345-678"`
	Email       *string `json:"email,omitempty" example:"lin@example.gov.tw"`
	// ReportHandler designates an officer or manager to handle
	// whistle-blowing reports (or no longer).
	ReportHandler *bool `json:"report_handler,omitempty" example:"true"`
}

// RegisterRequest is a volunteer's self-registration.
type RegisterRequest struct {
	Username    string `json:"username" example:"volunteer.wang" binding:"required"`
	Password    string `json:"password" example:"a-long-passphrase" binding:"required"`
	DisplayName string `json:"display_name" example:"王志工" binding:"required"`
	Phone       string `json:"phone" example:"0912-345-678" binding:"required"`
	Email       string `json:"email" example:"wang@example.org" binding:"required"`
}

// UnitDTO is an agency or school.
type UnitDTO struct {
	ID        string    `json:"id" binding:"required" example:"0192f1c4-7a8e-7b3e-9c1d-2f5e8a9b0c1d"`
	Code      string    `json:"code" example:"CYC-CIV" binding:"required"`
	Name      string    `json:"name" example:"嘉義市政府民政處" binding:"required"`
	Kind      string    `json:"kind" enums:"agency,school" binding:"required"`
	CreatedAt time.Time `json:"created_at" binding:"required" example:"2026-11-20T14:00:00+08:00"`
}

func toUnitDTO(u models.Unit) UnitDTO {
	return UnitDTO{ID: u.ID, Code: u.Code, Name: u.Name, Kind: u.Kind, CreatedAt: u.CreatedAt}
}

// UnitList is a page of units.
type UnitList struct {
	Items      []UnitDTO `json:"items" binding:"required"`
	NextCursor string    `json:"next_cursor" binding:"required" example:"eyJ0IjoiMjAyNi0xMS0yOFQwMTowMDowMFoiLCJpZCI6IjAxOTIifQ"`
}

// CreateUnitRequest adds a unit.
type CreateUnitRequest struct {
	Code string `json:"code" example:"CYC-CIV" binding:"required"`
	Name string `json:"name" example:"嘉義市政府民政處" binding:"required"`
	Kind string `json:"kind" enums:"agency,school" binding:"required"`
}

// LabelDTO is one enumeration value with its zh-TW and English names.
type LabelDTO struct {
	Value string `json:"value" example:"procurement_supervision" binding:"required"`
	ZhTW  string `json:"zh_tw" example:"採購監辦／驗收監驗" binding:"required"`
	En    string `json:"en" example:"Procurement supervision" binding:"required"`
}

// MetaResponse maps enumeration names (activity_kinds, procurement_stages, …)
// to their values.
type MetaResponse map[string][]LabelDTO

// HealthResponse answers /healthz and /readyz.
type HealthResponse struct {
	Status string `json:"status" example:"ok" binding:"required"`
}

func mapSlice[T, U any](in []T, f func(T) U) []U {
	out := make([]U, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return out
}

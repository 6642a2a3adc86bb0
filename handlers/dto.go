package handlers

import (
	"time"

	"ethicsops/models"
	"ethicsops/services"
)

// UserDTO is an account as the API shows it (never the password hash).
type UserDTO struct {
	ID          string     `json:"id" example:"0192f1c4-7a8e-7b3e-9c1d-2f5e8a9b0c1d"`
	Username    string     `json:"username" example:"officer.lin"`
	DisplayName string     `json:"display_name" example:"林政風"`
	Role        string     `json:"role" enums:"admin,manager,officer,volunteer"`
	Status      string     `json:"status" enums:"active,pending,disabled"`
	UnitID      *string    `json:"unit_id" extensions:"x-nullable"`
	Phone       string     `json:"phone,omitempty" example:"0912-345-678"`
	Email       string     `json:"email,omitempty" example:"lin@example.gov.tw"`
	ApprovedAt  *time.Time `json:"approved_at,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
}

func toUserDTO(u models.User) UserDTO {
	return UserDTO{
		ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Role: u.Role, Status: u.Status,
		UnitID: u.UnitID, Phone: u.Phone, Email: u.Email, ApprovedAt: u.ApprovedAt,
		CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt,
	}
}

// UserList is a page of accounts.
type UserList struct {
	Items      []UserDTO `json:"items"`
	NextCursor string    `json:"next_cursor"`
}

// LoginRequest signs in with a username and password.
type LoginRequest struct {
	Username string `json:"username" example:"officer"`
	Password string `json:"password" example:"demo-officer-2026"`
}

// RefreshRequest carries a refresh token.
type RefreshRequest struct {
	RefreshToken string `json:"refresh_token"`
}

// PasswordChangeRequest changes the caller's own password.
type PasswordChangeRequest struct {
	CurrentPassword string `json:"current_password" example:"demo-officer-2026"`
	NewPassword     string `json:"new_password" example:"a-longer-new-passphrase"`
}

// TokenResponse is a signed-in session.
type TokenResponse struct {
	AccessToken  string  `json:"access_token"`
	RefreshToken string  `json:"refresh_token"`
	TokenType    string  `json:"token_type" example:"Bearer"`
	ExpiresIn    int     `json:"expires_in" example:"900"`
	User         UserDTO `json:"user"`
}

func toTokenResponse(p services.TokenPair, u models.User) TokenResponse {
	return TokenResponse{AccessToken: p.AccessToken, RefreshToken: p.RefreshToken, TokenType: "Bearer", ExpiresIn: p.ExpiresIn, User: toUserDTO(u)}
}

// CreateUserRequest is what an admin sends to create an account.
type CreateUserRequest struct {
	Username    string  `json:"username" example:"officer.chen"`
	Password    string  `json:"password" example:"a-long-passphrase"`
	DisplayName string  `json:"display_name" example:"陳專員"`
	Role        string  `json:"role" enums:"admin,manager,officer,volunteer"`
	Status      string  `json:"status,omitempty" enums:"active,pending,disabled"`
	UnitID      *string `json:"unit_id,omitempty"`
	Phone       string  `json:"phone,omitempty"`
	Email       string  `json:"email,omitempty"`
}

// PatchUserRequest changes some fields of an account; absent fields stay.
type PatchUserRequest struct {
	DisplayName *string `json:"display_name,omitempty"`
	Role        *string `json:"role,omitempty" enums:"admin,manager,officer,volunteer"`
	Status      *string `json:"status,omitempty" enums:"active,pending,disabled"`
	UnitID      *string `json:"unit_id,omitempty"`
	Password    *string `json:"password,omitempty"`
	Phone       *string `json:"phone,omitempty"`
	Email       *string `json:"email,omitempty"`
}

// RegisterRequest is a volunteer's self-registration.
type RegisterRequest struct {
	Username    string `json:"username" example:"volunteer.wang"`
	Password    string `json:"password" example:"a-long-passphrase"`
	DisplayName string `json:"display_name" example:"王志工"`
	Phone       string `json:"phone" example:"0912-345-678"`
	Email       string `json:"email" example:"wang@example.org"`
}

// UnitDTO is an agency or school.
type UnitDTO struct {
	ID        string    `json:"id"`
	Code      string    `json:"code" example:"CYC-CIV"`
	Name      string    `json:"name" example:"嘉義市政府民政處"`
	Kind      string    `json:"kind" enums:"agency,school"`
	CreatedAt time.Time `json:"created_at"`
}

func toUnitDTO(u models.Unit) UnitDTO {
	return UnitDTO{ID: u.ID, Code: u.Code, Name: u.Name, Kind: u.Kind, CreatedAt: u.CreatedAt}
}

// UnitList is a page of units.
type UnitList struct {
	Items      []UnitDTO `json:"items"`
	NextCursor string    `json:"next_cursor"`
}

// CreateUnitRequest adds a unit.
type CreateUnitRequest struct {
	Code string `json:"code" example:"CYC-CIV"`
	Name string `json:"name" example:"嘉義市政府民政處"`
	Kind string `json:"kind" enums:"agency,school"`
}

// LabelDTO is one enumeration value with its zh-TW and English names.
type LabelDTO struct {
	Value string `json:"value" example:"procurement_supervision"`
	ZhTW  string `json:"zh_tw" example:"採購監辦／驗收監驗"`
	En    string `json:"en" example:"Procurement supervision"`
}

// MetaResponse maps enumeration names (activity_kinds, procurement_stages, …)
// to their values.
type MetaResponse map[string][]LabelDTO

// HealthResponse answers /healthz and /readyz.
type HealthResponse struct {
	Status string `json:"status" example:"ok"`
}

func mapSlice[T, U any](in []T, f func(T) U) []U {
	out := make([]U, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return out
}

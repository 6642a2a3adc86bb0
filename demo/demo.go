// Package demo fills an empty database with a realistic demo office of the
// Chiayi City Government's Department of Civil Service Ethics (嘉義市政府政風處):
// units, one account of each role with a known password, and records.
package demo

import (
	"context"
	"fmt"

	"ethicsops/models"
	"ethicsops/services"
)

// Account is a demo sign-in printed at start.
type Account struct {
	Username, Password, Role, DisplayName string
}

// Accounts are the demo sign-ins, one per role.
var Accounts = []Account{
	{"admin", "demo-admin-2026", models.RoleAdmin, "系統管理員"},
	{"manager", "demo-manager-2026", models.RoleManager, "黃處長"},
	{"officer", "demo-officer-2026", models.RoleOfficer, "林政風"},
	{"officer2", "demo-officer2-2026", models.RoleOfficer, "陳專員"},
	{"volunteer", "demo-volunteer-2026", models.RoleVolunteer, "王志工"},
}

// PendingVolunteer registered and waits for a manager's approval.
var PendingVolunteer = Account{"volunteer.pending", "demo-pending-2026", models.RoleVolunteer, "張志工"}

// Units are the demo agencies and schools.
var Units = []services.NewUnit{
	{Code: "CYC-ETH", Name: "嘉義市政府政風處", Kind: models.UnitAgency},
	{Code: "CYC-PW", Name: "嘉義市政府工務處", Kind: models.UnitAgency},
	{Code: "CYC-EDU", Name: "嘉義市政府教育處", Kind: models.UnitAgency},
	{Code: "CYC-ENV", Name: "嘉義市政府環境保護局", Kind: models.UnitAgency},
	{Code: "CYC-SOC", Name: "嘉義市政府社會處", Kind: models.UnitAgency},
	{Code: "CYC-TRF", Name: "嘉義市政府交通處", Kind: models.UnitAgency},
	{Code: "CYC-CIV", Name: "嘉義市政府民政處", Kind: models.UnitAgency},
	{Code: "SCH-CYJH", Name: "嘉義市立嘉義國民中學", Kind: models.UnitSchool},
	{Code: "SCH-MSES", Name: "嘉義市東區民生國民小學", Kind: models.UnitSchool},
	{Code: "SCH-LHJH", Name: "嘉義市立蘭潭國民中學", Kind: models.UnitSchool},
}

// Office is what Seed made, for features that add their demo records.
type Office struct {
	Units map[string]models.Unit // by code
	Users map[string]models.User // by username
}

// Seed fills an empty database. It returns (nil, nil) when the database has
// any account already: the demo never touches real data.
func Seed(ctx context.Context, s *services.Services) (*Office, error) {
	return SeedWithAdmin(ctx, s, "")
}

// SeedWithAdmin is Seed where the admin account gets adminPassword instead
// of its printed demo password (when adminPassword is not empty): a demo
// reachable by others should not open with a password everyone knows.
func SeedWithAdmin(ctx context.Context, s *services.Services, adminPassword string) (*Office, error) {
	var n int64
	if err := s.DB.WithContext(ctx).Model(&models.User{}).Count(&n).Error; err != nil {
		return nil, err
	}
	if n > 0 {
		return nil, nil
	}
	sys := services.Actor{Role: models.RoleAdmin}
	o := &Office{Units: map[string]models.Unit{}, Users: map[string]models.User{}}
	for _, nu := range Units {
		u, err := s.Units.Create(ctx, sys, nu)
		if err != nil {
			return nil, fmt.Errorf("demo unit %s: %w", nu.Code, err)
		}
		o.Units[u.Code] = u
	}
	eth := o.Units["CYC-ETH"].ID
	for _, a := range Accounts {
		nu := services.NewUser{Username: a.Username, Password: a.Password, DisplayName: a.DisplayName, Role: a.Role}
		if a.Role == models.RoleAdmin && adminPassword != "" {
			nu.Password = adminPassword
		}
		if a.Role != models.RoleVolunteer {
			nu.UnitID = &eth
		} else {
			nu.Phone, nu.Email = "0912-345-678", "volunteer@example.org"
		}
		u, err := s.Users.Create(ctx, sys, nu)
		if err != nil {
			return nil, fmt.Errorf("demo user %s: %w", a.Username, err)
		}
		o.Users[u.Username] = u
	}
	// A volunteer who registered and waits for approval.
	pending, err := s.Users.Create(ctx, sys, services.NewUser{
		Username: PendingVolunteer.Username, Password: PendingVolunteer.Password, DisplayName: PendingVolunteer.DisplayName, Role: models.RoleVolunteer,
		Status: models.StatusPending, Phone: "0922-111-222", Email: "chang@example.org",
	})
	if err != nil {
		return nil, fmt.Errorf("demo pending volunteer: %w", err)
	}
	o.Users[pending.Username] = pending
	if err := seedSites(ctx, s, o); err != nil {
		return nil, err
	}
	if err := seedDeclarations(ctx, s, o); err != nil {
		return nil, err
	}
	if _, err := seedRecords(ctx, s, o, models.Now()); err != nil {
		return nil, err
	}
	if err := seedTargets(ctx, s, o); err != nil {
		return nil, err
	}
	if err := seedVolunteers(ctx, s, o, models.Now()); err != nil {
		return nil, err
	}
	if err := seedAttachments(ctx, s, o); err != nil {
		return nil, err
	}
	if err := seedEarlyWarnings(ctx, s, o, models.Now()); err != nil {
		return nil, err
	}
	if err := seedOpinionVisits(ctx, s, o, models.Now()); err != nil {
		return nil, err
	}
	if err := seedReviews(ctx, s, o, models.Now()); err != nil {
		return nil, err
	}
	if err := seedPeriods(ctx, s, o, models.Now()); err != nil {
		return nil, err
	}
	if err := seedRegistrations(ctx, s, o, models.Now()); err != nil {
		return nil, err
	}
	return o, nil
}

// seedTargets has the admin carry the plan's targets on into the next plan
// period (2023–2026), as an office would, so that the year in progress shows
// its pace against a target.
func seedTargets(ctx context.Context, s *services.Services, o *Office) error {
	admin := o.Users["admin"]
	actor := services.Actor{UserID: admin.ID, Role: admin.Role, Status: admin.Status}
	for year := 2023; year <= 2026; year++ {
		targets := map[string]*float64{}
		for code, v := range models.PlanTargets {
			v := v
			if code == models.KPIProcurementSupervisions && year >= 2025 {
				v = 260 // the office raised the bar
			}
			targets[code] = &v
		}
		if _, err := s.KPIs.SetTargets(ctx, actor, year, targets); err != nil {
			return fmt.Errorf("demo targets %d: %w", year, err)
		}
	}
	return nil
}

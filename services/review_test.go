package services_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"gorm.io/gorm"

	"ethicsops/models"
	"ethicsops/models/dbtest"
	"ethicsops/services"
)

// TestReviewStates walks a record through the review states: a returned
// record stays returned while its owner works on it (also cancelled and
// planned again), waits again once completed; nobody reviews their own; the
// rollups follow every step.
func TestReviewStates(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		w := newWorld(t, db, 3)
		svc := w.svc
		done := time.Date(2021, 5, 3, 2, 0, 0, 0, time.UTC)
		a, _, err := svc.Activities.Create(ctx, w.owner, services.ActivityInput{Kind: models.KindInfosecAudit, Title: "資安稽核", UnitID: w.units[0],
			ScheduledAt: done.Add(-time.Hour), Status: models.ActivityCompleted, CompletedAt: &done, Details: details(models.KindInfosecAudit, "")})
		if err != nil || a.ReviewStatus != models.ReviewPending {
			t.Fatalf("create: %v %s", err, a.ReviewStatus)
		}
		str := func(s string) *string { return &s }
		step := func(name string, p services.ActivityPatch, want string) {
			t.Helper()
			cur, err := svc.Activities.Get(ctx, w.owner, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			p.Version = cur.Version
			got, err := svc.Activities.Update(ctx, w.owner, a.ID, p)
			if err != nil || got.ReviewStatus != want {
				t.Fatalf("%s: %v, review %q, want %q", name, err, got.ReviewStatus, want)
			}
		}
		// Reviewing one's own record is refused, whatever the role.
		ownerAsManager := w.owner
		ownerAsManager.Role = models.RoleManager
		if _, err := svc.Activities.Review(ctx, ownerAsManager, a.ID, services.ReviewInput{Decision: services.DecisionApproved, Version: 1}); !errors.Is(err, services.ErrForbidden) {
			t.Fatalf("own review: %v", err)
		}
		r, err := svc.Activities.Review(ctx, w.reviewer, a.ID, services.ReviewInput{Decision: services.DecisionReturned, Comment: "請補附稽核紀錄", Version: 1})
		if err != nil || r.Status != models.ActivityInProgress || r.CompletedAt != nil || r.ReviewStatus != models.ReviewReturned || r.ReviewerName != "主管" {
			t.Fatalf("return: %v %+v", err, r)
		}
		step("cancel", services.ActivityPatch{Status: str(models.ActivityCancelled)}, models.ReviewReturned)
		step("plan again", services.ActivityPatch{Status: str(models.ActivityPlanned)}, models.ReviewReturned)
		step("notes", services.ActivityPatch{Notes: str("已補附")}, models.ReviewReturned)
		step("complete", services.ActivityPatch{Status: str(models.ActivityCompleted), CompletedAt: &done}, models.ReviewPending)
		cur, _ := svc.Activities.Get(ctx, w.owner, a.ID)
		if cur.ReviewComment != "請補附稽核紀錄" {
			t.Fatalf("the last comment is kept: %q", cur.ReviewComment)
		}
		if _, err := svc.Activities.Review(ctx, w.reviewer, a.ID, services.ReviewInput{Decision: services.DecisionApproved, Version: cur.Version}); err != nil {
			t.Fatal(err)
		}
		step("another completion time", services.ActivityPatch{CompletedAt: ptrTime(done.Add(time.Hour))}, models.ReviewPending)
		step("reopen", services.ActivityPatch{Status: str(models.ActivityInProgress)}, models.ReviewNone)
		if diffs, err := svc.KPIs.Verify(ctx); err != nil || len(diffs) != 0 {
			t.Fatalf("rollups: %v %v", diffs, err)
		}
		var n int64
		db.Model(&models.AuditEvent{}).Where("entity_id = ? AND action IN ?", a.ID, []string{"activity.review_returned", "activity.review_approved"}).Count(&n)
		if n != 2 {
			t.Fatalf("%d reviews audited, want 2", n)
		}
	})
}

func ptrTime(t time.Time) *time.Time { return &t }

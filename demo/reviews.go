package demo

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"ethicsops/models"
	"ethicsops/services"
)

// RejectedVolunteer applied and was turned down, with a reason they read
// when they sign in.
var RejectedVolunteer = Account{"volunteer.rejected", "demo-rejected-2026", models.RoleVolunteer, "李志工"}

// RejectionReason is the demo manager's reason for RejectedVolunteer.
const RejectionReason = "申請資料未附志工服務意願書及保險資料，請備齊後重新申請"

// ReturnComment is the demo manager's comment on the record sent back to
// the demo officer.
const ReturnComment = "缺少驗收紀錄照片，請補上後再送核閱"

// reviewedBefore is how far back the office has caught up with its review:
// records completed earlier were approved, later ones wait in the queue.
const reviewedBefore = 10 * 24 * time.Hour

// seedReviews shows the manager's review (核閱) as an office would have it:
// the history approved, the last days' records waiting (of different ages),
// a few of them approved today, and one supervision of the demo officer
// returned with a comment; and one volunteer application rejected.
func seedReviews(ctx context.Context, s *services.Services, o *Office, now time.Time) error {
	mgr := o.Users["manager"]
	manager := services.Actor{UserID: mgr.ID, Role: mgr.Role, Status: mgr.Status}
	// The backfilled history was reviewed as it came in; setting it in one
	// statement (and recounting the rollups after) rather than through
	// ~1,300 audited reviews keeps the demo's start fast, as seedPeriods
	// does for the late-entry marks.
	err := s.DB.WithContext(ctx).Model(&models.Activity{}).
		Where("status = ? AND review_status = ? AND completed_at < ?", models.ActivityCompleted, models.ReviewPending, now.Add(-reviewedBefore)).
		Updates(map[string]any{"review_status": models.ReviewApproved, "reviewed_at": gorm.Expr("completed_at"), "reviewed_by": mgr.ID,
			"reviewer_name": mgr.DisplayName}).Error
	if err != nil {
		return fmt.Errorf("demo reviews: %w", err)
	}
	if _, err := s.KPIs.Rebuild(ctx); err != nil {
		return fmt.Errorf("demo reviews: rebuild counts: %w", err)
	}
	var recent []models.Activity
	if err := s.DB.WithContext(ctx).Where("status = ? AND review_status = ? AND deleted_at IS NULL", models.ActivityCompleted, models.ReviewPending).
		Order("completed_at, id").Find(&recent).Error; err != nil {
		return err
	}
	// One of the demo officer's supervisions goes back with a comment; the
	// two oldest of the rest are approved today; the others wait.
	returned := false
	approved := 0
	for _, a := range recent {
		switch {
		case !returned && a.Kind == models.KindProcurementSupervision && a.OwnerID == o.Users["officer"].ID:
			_, err = s.Activities.Review(ctx, manager, a.ID, services.ReviewInput{Decision: services.DecisionReturned, Comment: ReturnComment, Version: a.Version})
			returned = true
		case approved < 2:
			_, err = s.Activities.Review(ctx, manager, a.ID, services.ReviewInput{Decision: services.DecisionApproved, Comment: "資料齊全，准予備查", Version: a.Version})
			approved++
		}
		if err != nil {
			return fmt.Errorf("demo review of %q: %w", a.Title, err)
		}
	}
	// A volunteer application turned down.
	u, err := s.Users.Create(ctx, services.Actor{Role: models.RoleAdmin}, services.NewUser{
		Username: RejectedVolunteer.Username, Password: RejectedVolunteer.Password, DisplayName: RejectedVolunteer.DisplayName,
		Role: models.RoleVolunteer, Status: models.StatusPending, Phone: "0933-222-111", Email: "lee@example.org",
	})
	if err != nil {
		return fmt.Errorf("demo rejected volunteer: %w", err)
	}
	if u, err = s.Users.Reject(ctx, manager, u.ID, RejectionReason); err != nil {
		return fmt.Errorf("demo rejected volunteer: %w", err)
	}
	o.Users[u.Username] = u
	return nil
}

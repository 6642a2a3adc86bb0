package services

import (
	"context"
	"strings"

	"gorm.io/gorm"

	"ethicsops/models"
)

// Review decisions (核閱).
const (
	DecisionApproved = models.ReviewApproved
	DecisionReturned = models.ReviewReturned
)

// MaxReviewComment is the longest review comment, in characters.
const MaxReviewComment = 500

// ReviewInput is a manager's decision on a completed record. Version must be
// the version the manager read.
type ReviewInput struct {
	Decision string
	Comment  string
	Version  int
}

// reviewAfterWrite is the review state of after once an ordinary write (not
// a review) has made it from before (nil for a new record):
//   - a record that becomes completed waits for review (pending), also one
//     that was returned and is now completed again;
//   - an approved record whose content changes while it stays completed
//     waits again: the approval was of other content;
//   - a record its owner reopens (completed → in progress) is no longer
//     reviewable (none) until completed again;
//   - otherwise the state stays (a returned record stays returned while its
//     owner works on it, also when cancelled).
//
// The caller has established that something changed.
func reviewAfterWrite(before, after *models.Activity) string {
	done := after.Status == models.ActivityCompleted && after.DeletedAt == nil
	switch {
	case before == nil:
		if done {
			return models.ReviewPending
		}
		return models.ReviewNone
	case done && before.Status != models.ActivityCompleted:
		return models.ReviewPending
	case done && before.ReviewStatus == models.ReviewApproved:
		return models.ReviewPending
	case !done && before.Status == models.ActivityCompleted && after.DeletedAt == nil:
		return models.ReviewNone
	case before.ReviewStatus == "":
		return models.ReviewNone
	}
	return before.ReviewStatus
}

// CanReview reports whether actor may review records (核閱): managers and
// admins.
func CanReview(actor Actor) bool { return actor.Is(models.RoleAdmin, models.RoleManager) }

// Review records a manager's decision on a completed record: approved keeps
// it completed and counts it as reviewed; returned reopens it (in progress,
// completed_at cleared, so that its KPI count is removed until its owner
// completes it again) with the comment for its owner. The comment is
// optional when approving and required when returning. Audited as
// activity.review_approved or activity.review_returned, in the transaction
// of the write, through the same path (applyWrite) as every activity write,
// so that the rollups stay exact and a closed KPI year refuses it.
// Reviewing again is allowed while the record stays completed (an approval
// may follow a pending review, or replace an earlier approval's comment).
// Errors: ErrNotFound (also for volunteers), ErrForbidden (officers),
// validation_failed (decision, comment, version), version_conflict,
// conflict (the record is not completed), period_closed.
func (s *ActivityService) Review(ctx context.Context, actor Actor, id string, in ReviewInput) (models.Activity, error) {
	if !actor.IsStaff() {
		return models.Activity{}, NotFound("activity")
	}
	if !CanReview(actor) {
		return models.Activity{}, Forbidden("only a manager or an admin reviews records")
	}
	in.Comment = normalizeLines(strings.TrimSpace(in.Comment))
	f := Fields{}
	switch in.Decision {
	case "":
		f.Add("decision", "required: approved or returned")
	case DecisionApproved, DecisionReturned:
	default:
		f.Add("decision", "must be approved or returned")
	}
	checkText(f, "comment", in.Comment, MaxReviewComment, in.Decision == DecisionReturned, Prose)
	if in.Version < 1 {
		f.Add("version", "required: the version you last read")
	}
	if err := f.Err(); err != nil {
		return models.Activity{}, err
	}
	var out models.Activity
	err := inTx(ctx, s.db, func(tx *gorm.DB) error {
		before, err := s.load(tx, id, true)
		if err != nil {
			return err
		}
		if in.Version != before.Version {
			return ErrVersionConflict
		}
		if before.Status != models.ActivityCompleted {
			return Conflict(CodeConflict, "only a completed record can be reviewed; this one is %s", before.Status)
		}
		var name string
		if err := tx.Model(&models.User{}).Where("id = ?", actor.UserID).Pluck("display_name", &name).Error; err != nil {
			return err
		}
		now := s.now()
		after := before
		reviewer := actor.UserID
		after.ReviewStatus, after.ReviewComment, after.ReviewedAt, after.ReviewedBy, after.ReviewerName = in.Decision, in.Comment, &now, &reviewer, name
		if in.Decision == DecisionReturned {
			// Back to its owner as if reopened: in progress, no completion
			// time, no late-entry mark (set again when completed again).
			after.Status, after.CompletedAt, after.LateEntry = models.ActivityInProgress, nil, false
		}
		after.Version, after.UpdatedAt = before.Version+1, now
		if err := s.save(tx, before.Version, &after); err != nil {
			return err
		}
		out = after
		return s.applyWrite(ctx, tx, actor, "activity.review_"+in.Decision, &before, &after)
	})
	return out, err
}

package reports

import (
	"context"
	"strings"
	"time"

	"ethicsops/models"
	"ethicsops/services"
)

// QueueFilter selects the reports of the handlers' queue.
type QueueFilter struct {
	// State is one of models.ReportStates, or "" for all.
	State string
	// Overdue keeps the reports whose next deadline has passed.
	Overdue bool
	// Mine keeps the reports assigned to the caller.
	Mine   bool
	Limit  int
	Cursor string
}

// QueueItem is one report of the queue: its routing and deadlines, never
// its content.
type QueueItem struct {
	Report   models.Report
	Ref      string
	Assignee *Person // nil until assigned
	NextDue  *time.Time
	Overdue  bool
	// UnreadFromReporter counts the reporter's messages no handler has
	// answered yet (none written after them).
	UnreadFromReporter int
}

// The queue's order: the open reports (received, assessing) first, by
// their next deadline, the earliest (most overdue) on top; then the
// referred and closed ones by their assessment deadline. Both keys are SQL
// built from code constants, never from a request.
const (
	doneExpr  = `(CASE WHEN reports.state IN ('received', 'assessing') THEN 0 ELSE 1 END)`
	orderExpr = `(CASE WHEN reports.state IN ('received', 'assessing') THEN ` + nextDueExpr + ` ELSE reports.assessment_due END)`
)

type queueRow struct {
	models.Report `gorm:"embedded"`
	Seq           int
}

// Queue lists the reports a handler may see, in deadline order, a page at
// a time. Errors: forbidden (not a handler), validation_failed (state),
// bad_request (limit, cursor).
func (s *Service) Queue(ctx context.Context, actor services.Actor, f QueueFilter) (services.Page[QueueItem], error) {
	var page services.Page[QueueItem]
	if _, err := s.handler(ctx, actor); err != nil {
		return page, err
	}
	if f.State != "" && !oneOf(f.State, models.ReportStates) {
		return page, services.Invalid("state", "must be one of "+strings.Join(models.ReportStates, ", "))
	}
	limit, err := services.ClampLimit(f.Limit)
	if err != nil {
		return page, err
	}
	cur, err := services.DecodeCursor(f.Cursor)
	if err != nil {
		return page, err
	}
	now := s.now().UTC()
	q := notExcluded(s.db.WithContext(ctx).Model(&models.Report{}), actor.UserID).
		Select("reports.*, " + refExpr + " AS seq")
	if f.State != "" {
		q = q.Where("reports.state = ?", f.State)
	}
	if f.Overdue {
		q = q.Where("reports.state IN ('received', 'assessing') AND "+nextDueExpr+" < ?", now)
	}
	if f.Mine {
		q = q.Where("reports.assignee_id = ?", actor.UserID)
	}
	if cur != nil {
		d, at, ok := strings.Cut(cur.Key, "|")
		t, err := time.Parse(time.RFC3339Nano, at)
		if !ok || (d != "0" && d != "1") || err != nil {
			return page, services.BadRequest("cursor is not valid")
		}
		done := 0 // a number: SQLite never finds a number equal to text
		if d == "1" {
			done = 1
		}
		t = t.UTC()
		q = q.Where("("+doneExpr+" > ? OR ("+doneExpr+" = ? AND ("+orderExpr+" > ? OR ("+orderExpr+" = ? AND reports.id > ?))))",
			done, done, t, t, cur.ID)
	}
	var rows []queueRow
	if err := q.Order(doneExpr + ", " + orderExpr + ", reports.id").Limit(limit + 1).Find(&rows).Error; err != nil {
		return page, err
	}
	if len(rows) > limit {
		rows = rows[:limit]
		last := rows[limit-1]
		done := "0"
		if !open(last.State) {
			done = "1"
		}
		key := last.AssessmentDue
		if nd, _ := nextDue(last.Report, now); nd != nil {
			key = *nd
		}
		page.NextCursor = services.EncodeCursor(services.Cursor{Key: done + "|" + key.UTC().Format(time.RFC3339Nano), ID: last.ID})
	}
	ids, assignees := make([]string, 0, len(rows)), []string{}
	for _, r := range rows {
		ids = append(ids, r.ID)
		if r.AssigneeID != nil {
			assignees = append(assignees, *r.AssigneeID)
		}
	}
	people, err := s.people(ctx, s.db, assignees)
	if err != nil {
		return page, err
	}
	unread := map[string]int{}
	if len(ids) > 0 {
		var counts []struct {
			ReportID string
			N        int
		}
		err := s.db.WithContext(ctx).Model(&models.ReportMessage{}).Select("report_id, COUNT(*) AS n").
			Where("report_id IN ? AND author = 'reporter'", ids).
			Where("NOT EXISTS (SELECT 1 FROM report_messages h WHERE h.report_id = report_messages.report_id AND h.author = 'handler' AND h.created_at >= report_messages.created_at)").
			Group("report_id").Scan(&counts).Error
		if err != nil {
			return page, err
		}
		for _, c := range counts {
			unread[c.ReportID] = c.N
		}
	}
	page.Items = make([]QueueItem, 0, len(rows))
	for _, r := range rows {
		it := QueueItem{Report: r.Report, Ref: Ref(r.Year, r.Seq), UnreadFromReporter: unread[r.ID]}
		it.NextDue, it.Overdue = nextDue(r.Report, now)
		if r.AssigneeID != nil {
			it.Assignee = people[*r.AssigneeID]
		}
		page.Items = append(page.Items, it)
	}
	return page, nil
}

func oneOf(v string, set []string) bool {
	for _, s := range set {
		if v == s {
			return true
		}
	}
	return false
}

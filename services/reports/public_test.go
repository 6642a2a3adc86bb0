package reports

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"ethicsops/models"
	"ethicsops/models/dbtest"
	"ethicsops/services"
	"ethicsops/services/storage"
)

func submission(s *Service, what string) Submission {
	ch := s.NewChallenge(context.Background())
	return Submission{
		Report: ReportInput{What: what, Disclosure: "anonymous"},
		Pow:    &Proof{Challenge: ch.Challenge, Nonce: Solve(ch.Challenge, ch.Difficulty)},
	}
}

func from(addr string) context.Context {
	return services.WithClientAddr(context.Background(), addr)
}

func tooMany(err error) bool {
	de, ok := services.AsError(err)
	return ok && de.Code == services.CodeTooManyRequests && de.RetryAfter > 0
}

// TestGlobalThrottles: past the global limit every address waits, however
// many addresses the sender uses; the limit is shared by every server of
// the database (here two services over one).
func TestGlobalThrottles(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		limits := Limits{IntakePerAddress: 2, IntakeGlobal: 3, AccessPerAddress: 2, AccessGlobal: 4}
		key := newKey(t)
		dir := t.TempDir()
		mk := func() *Service {
			s, err := New(db, Options{Key: key, Files: storage.NewLocal(dir), PowBits: 4, Limits: limits})
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		a, b := mk(), mk()
		var receipt string
		for i := range 3 {
			s := []*Service{a, b}[i%2]
			r, err := s.Submit(from(fmt.Sprintf("192.0.2.%d", i+1)), submission(s, "x"))
			if err != nil {
				t.Fatalf("report %d: %v", i, err)
			}
			receipt = r.Receipt
		}
		if _, err := a.Submit(from("192.0.2.50"), submission(a, "x")); !tooMany(err) {
			t.Fatalf("fourth report from a fresh address: %v", err)
		}
		for i := range 4 {
			if _, err := []*Service{a, b}[i%2].Access(from(fmt.Sprintf("192.0.2.%d", 10+i)), "1111111111111111"); !errors.Is(err, services.ErrUnauthenticated) {
				t.Fatalf("wrong receipt %d: %v", i, err)
			}
		}
		if _, err := b.Access(from("192.0.2.99"), receipt); !tooMany(err) {
			t.Fatalf("after the global limit of wrong receipts: %v", err)
		}
	})
}

// TestReporterSeesNoInternalNotesNorHandlers: the office's messages show as
// "office", internal notes not at all, and nothing names a handler.
func TestReporterSeesNoInternalNotesNorHandlers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s, _ := testService(t, db)
		ctx := from("192.0.2.1")
		sub := submission(s, "採購弊端")
		sub.Report.Disclosure = "open"
		sub.Report.Identity = Identity{Name: "陳小明", Email: "ming@example.tw"}
		r, err := s.Submit(ctx, sub)
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		for i, m := range []struct {
			author, authorID, text string
			internal               bool
		}{{"handler", "handler-user-id", "請提供日期", false}, {"handler", "handler-user-id", "內部：疑涉及主管", true}} {
			row := models.ReportMessage{ID: fmt.Sprintf("m%d", i), ReportID: r.ReportID, Author: m.author, AuthorID: m.authorID, Internal: m.internal,
				KeyID: s.sealer.KeyID(), CreatedAt: now.Add(time.Duration(i) * time.Second)}
			row.Sealed = s.sealText(row.ID, "text", m.text)
			if err := db.Create(&row).Error; err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.ReporterSays(ctx, r.ReportID, "2月3日"); err != nil {
			t.Fatal(err)
		}
		v, err := s.Mine(ctx, r.ReportID)
		if err != nil {
			t.Fatal(err)
		}
		if v.Content.What != "採購弊端" || v.Content.Identity != (Identity{}) {
			t.Fatalf("content %+v", v.Content)
		}
		if len(v.Messages) != 2 || v.Messages[0].From != "office" || v.Messages[0].Text != "請提供日期" || v.Messages[1].From != "reporter" {
			t.Fatalf("messages %+v", v.Messages)
		}
		if dump := fmt.Sprintf("%+v", v); strings.Contains(dump, "內部") || strings.Contains(dump, "handler-user-id") {
			t.Fatalf("the reporter sees %s", dump)
		}
	})
}

package services

import (
	"strings"
	"testing"
	"time"

	"ethicsops/models"
)

func TestLateNotice(t *testing.T) {
	for _, tc := range []struct {
		event, notified string
		late            bool
		days            int
	}{
		{"2026-03-01", "2026-03-01", false, 0},
		{"2026-03-01", "2026-03-03", false, 2},
		{"2026-03-01", "2026-03-04", false, 3}, // the third day: on time
		{"2026-03-01", "2026-03-05", true, 4},  // the fourth: late
		{"2026-02-26", "2026-03-02", true, 4},  // across February's end (2026 is no leap year)
		{"2024-02-27", "2024-03-01", false, 3}, // leap year: 02-28, 02-29, 03-01
		{"2025-12-30", "2026-01-02", false, 3}, // across the year
		{"2025-12-30", "2026-01-03", true, 4},
		{"2026-03-07", "2026-03-11", true, 4}, // weekends count: calendar days
	} {
		if got := LateNotice(tc.event, tc.notified); got != tc.late {
			t.Errorf("LateNotice(%s, %s) = %v, want %v", tc.event, tc.notified, got, tc.late)
		}
		if got := DaysToNotify(tc.event, tc.notified); got != tc.days {
			t.Errorf("DaysToNotify(%s, %s) = %d, want %d", tc.event, tc.notified, got, tc.days)
		}
	}
}

func TestOfficeDate(t *testing.T) {
	taipei, _ := time.LoadLocation("Asia/Taipei")
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"2026-03-04", "2026-03-04", true},
		// 23:59 on 03-04 in Taipei is still 03-04; a minute later it is 03-05,
		// though UTC is still on 03-04.
		{"2026-03-04T23:59:59+08:00", "2026-03-04", true},
		{"2026-03-04T15:59:59Z", "2026-03-04", true},
		{"2026-03-04T16:00:00Z", "2026-03-05", true},
		{"2026-03-05T00:00:00+08:00", "2026-03-05", true},
		{"2026-03-04T10:00:00-05:00", "2026-03-04", true}, // 23:00 Taipei
		{"2026-03-04T11:00:00-05:00", "2026-03-05", true}, // 00:00 Taipei
		{"2026-02-30", "", false},
		{"2026-3-4", "", false},
		{"115/03/04", "", false},
		{"", "", false},
	} {
		got, ok := officeDate(tc.in, taipei)
		if ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("officeDate(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestCanEditRegistration(t *testing.T) {
	r := models.EthicsRegistration{OwnerID: "o"}
	for _, tc := range []struct {
		name string
		a    Actor
		want bool
	}{
		{"admin", Actor{UserID: "a", Role: models.RoleAdmin}, true},
		{"manager", Actor{UserID: "m", Role: models.RoleManager}, true},
		{"owner officer", Actor{UserID: "o", Role: models.RoleOfficer}, true},
		{"other officer", Actor{UserID: "x", Role: models.RoleOfficer}, false},
		{"volunteer with the owner's id", Actor{UserID: "o", Role: models.RoleVolunteer}, false},
	} {
		if got := CanEditRegistration(tc.a, r); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

// validRegistration is a gift notified on time, at regNow.
func validRegistration() RegistrationInput {
	yes := true
	v := int64(1200)
	return RegistrationInput{
		Type:         models.RegistrationGift,
		Servant:      Servant{Name: "王建國", UnitID: "u1", Title: "技正"},
		Counterparty: Counterparty{Name: "大成營造股份有限公司", Kind: "organisation", InterestedParty: &yes},
		EventDate:    "2026-03-01", NotifiedDate: "2026-03-02",
		Description: "廠商於中秋節前致贈月餅禮盒一盒", ValueNTD: &v, Handling: models.HandlingReturned,
	}
}

func TestValidateRegistration(t *testing.T) {
	taipei, _ := time.LoadLocation("Asia/Taipei")
	// 2026-03-10 00:30 in Taipei, still 03-09 in UTC.
	now := time.Date(2026, 3, 9, 16, 30, 0, 0, time.UTC)
	i64 := func(v int64) *int64 { return &v }
	for _, tc := range []struct {
		name  string
		edit  func(in *RegistrationInput)
		field string // "" means valid
		want  string // part of the message
	}{
		{"valid gift", func(*RegistrationInput) {}, "", ""},
		{"hospitality paid", func(in *RegistrationInput) {
			in.Type, in.Handling = models.RegistrationHospitality, models.HandlingPaid
		}, "", ""},
		{"lobbying without value", func(in *RegistrationInput) {
			in.Type, in.ValueNTD, in.Handling = models.RegistrationLobbying, nil, models.HandlingReportedOnly
		}, "", ""},
		{"other without value", func(in *RegistrationInput) { in.Type, in.ValueNTD = models.RegistrationOther, nil }, "", ""},
		{"value zero", func(in *RegistrationInput) { in.ValueNTD = i64(0) }, "", ""},
		{"value at the bound", func(in *RegistrationInput) { in.ValueNTD = i64(MaxRegistrationValue) }, "", ""},
		{"today in Taipei (UTC is a day behind)", func(in *RegistrationInput) { in.EventDate, in.NotifiedDate = "2026-03-10", "2026-03-10" }, "", ""},
		{"date as a Taipei time", func(in *RegistrationInput) { in.NotifiedDate = "2026-03-09T16:00:00Z" }, "", ""},
		{"1912-01-01", func(in *RegistrationInput) { in.EventDate, in.NotifiedDate = "1912-01-01", "1912-01-02" }, "", ""},

		{"unknown type", func(in *RegistrationInput) { in.Type = "bribe" }, "type", "must be one of"},
		{"no type", func(in *RegistrationInput) { in.Type = "" }, "type", "must be one of"},
		{"servant without name", func(in *RegistrationInput) { in.Servant.Name = "  " }, "servant.name", "required"},
		{"servant name 51", func(in *RegistrationInput) { in.Servant.Name = strings.Repeat("王", 51) }, "servant.name", "at most 50"},
		{"servant name 50", func(in *RegistrationInput) { in.Servant.Name = strings.Repeat("王", 50) }, "", ""},
		{"servant title 51", func(in *RegistrationInput) { in.Servant.Title = strings.Repeat("技", 51) }, "servant.title", "at most 50"},
		{"servant title with a line break", func(in *RegistrationInput) { in.Servant.Title = "技\n正" }, "servant.title", "one line"},
		{"servant without unit", func(in *RegistrationInput) { in.Servant.UnitID = "" }, "servant.unit_id", "required"},
		{"counterparty without name", func(in *RegistrationInput) { in.Counterparty.Name = "" }, "counterparty.name", "required"},
		{"counterparty invisible name", func(in *RegistrationInput) { in.Counterparty.Name = "\u200b\u3000" }, "counterparty.name", "visible"},
		{"counterparty name 101", func(in *RegistrationInput) { in.Counterparty.Name = strings.Repeat("商", 101) }, "counterparty.name", "at most 100"},
		{"counterparty bidi", func(in *RegistrationInput) { in.Counterparty.Name = "abc\u202Eexe" }, "counterparty.name", "bidirectional"},
		{"counterparty kind", func(in *RegistrationInput) { in.Counterparty.Kind = "company" }, "counterparty.kind", "person, organisation"},
		{"interested party unanswered", func(in *RegistrationInput) { in.Counterparty.InterestedParty = nil }, "counterparty.interested_party", "required"},
		{"no description", func(in *RegistrationInput) { in.Description = "" }, "description", "required"},
		{"description 2001", func(in *RegistrationInput) { in.Description = strings.Repeat("字", 2001) }, "description", "at most 2000"},
		{"description NUL", func(in *RegistrationInput) { in.Description = "a\x00b" }, "description", "control"},
		{"event in the future (Taipei)", func(in *RegistrationInput) { in.EventDate, in.NotifiedDate = "2026-03-11", "2026-03-11" }, "event_date", "future"},
		{"notified in the future", func(in *RegistrationInput) { in.NotifiedDate = "2026-03-11" }, "notified_date", "future"},
		{"event before 1912", func(in *RegistrationInput) { in.EventDate = "1911-12-31" }, "event_date", "1912"},
		{"notified before the event", func(in *RegistrationInput) { in.EventDate, in.NotifiedDate = "2026-03-05", "2026-03-04" }, "notified_date", "before event_date"},
		{"no event date", func(in *RegistrationInput) { in.EventDate = "" }, "event_date", "required"},
		{"no notified date", func(in *RegistrationInput) { in.NotifiedDate = "" }, "notified_date", "required"},
		{"gift without value", func(in *RegistrationInput) { in.ValueNTD = nil }, "value_ntd", "required"},
		{"hospitality without value", func(in *RegistrationInput) {
			in.Type, in.ValueNTD, in.Handling = models.RegistrationHospitality, nil, models.HandlingPaid
		}, "value_ntd", "required"},
		{"lobbying with a value", func(in *RegistrationInput) {
			in.Type, in.ValueNTD, in.Handling = models.RegistrationLobbying, i64(0), models.HandlingReportedOnly
		}, "value_ntd", "absent"},
		{"negative value", func(in *RegistrationInput) { in.ValueNTD = i64(-1) }, "value_ntd", "between 0 and"},
		{"absurd value", func(in *RegistrationInput) { in.ValueNTD = i64(MaxRegistrationValue + 1) }, "value_ntd", "between 0 and"},
		{"unknown handling", func(in *RegistrationInput) { in.Handling = "kept" }, "handling", "must be one of"},
		{"lobbying returned", func(in *RegistrationInput) {
			in.Type, in.ValueNTD, in.Handling = models.RegistrationLobbying, nil, models.HandlingReturned
		}, "handling", "lobbying"},
		{"other handling without note", func(in *RegistrationInput) { in.Handling = models.HandlingOther }, "handling_note", "required"},
		{"other handling with note", func(in *RegistrationInput) {
			in.Handling, in.HandlingNote = models.HandlingOther, "轉交秘書處列冊保管"
		}, "", ""},
		{"note 501", func(in *RegistrationInput) { in.HandlingNote = strings.Repeat("字", 501) }, "handling_note", "at most 500"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := validRegistration()
			tc.edit(&in)
			f := Fields{}
			normalizeRegistration(f, &in, taipei)
			validateRegistration(f, in, now, taipei)
			if tc.field == "" {
				if len(f) != 0 {
					t.Fatalf("want valid, got %v", f)
				}
				return
			}
			if msg, ok := f[tc.field]; !ok || !strings.Contains(msg, tc.want) {
				t.Fatalf("want %s %q, got %v", tc.field, tc.want, f)
			}
		})
	}
}

func TestNormalizeRegistrationDates(t *testing.T) {
	taipei, _ := time.LoadLocation("Asia/Taipei")
	in := validRegistration()
	in.EventDate = "2026-03-01T16:30:00Z" // 03-02 00:30 in Taipei
	in.NotifiedDate = "2026-03-05"
	f := Fields{}
	normalizeRegistration(f, &in, taipei)
	if len(f) != 0 || in.EventDate != "2026-03-02" {
		t.Fatalf("got %q %v", in.EventDate, f)
	}
	if LateNotice(in.EventDate, in.NotifiedDate) {
		t.Fatal("3 days after 03-02 is not late")
	}
	in.NotifiedDate = "3 March"
	normalizeRegistration(f, &in, taipei)
	if !strings.Contains(f["notified_date"], "date") {
		t.Fatalf("bad date: %v", f)
	}
}

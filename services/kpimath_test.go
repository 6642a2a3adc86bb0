package services

import (
	"testing"
	"time"

	"ethicsops/models"
)

var taipei, _ = time.LoadLocation("Asia/Taipei")

func TestKPIForActivity(t *testing.T) {
	cases := []struct {
		kind, scale, code string
		ok                bool
	}{
		{models.KindProcurementSupervision, "", models.KPIProcurementSupervisions, true},
		{models.KindSecurityMaintenance, "", models.KPISecurityAndPetitions, true},
		{models.KindPetition, "", models.KPISecurityAndPetitions, true},
		{models.KindSafetyInspection, "", models.KPISafetyInspections, true},
		{models.KindInfosecAudit, "", models.KPIInfosecAudits, true},
		{models.KindOutreachEvent, "large", models.KPIAntiCorruptionEvents, true},
		{models.KindOutreachEvent, "regular", models.KPIAntiCorruptionEvents, false},
		{models.KindEthicsPromotion, "regular", models.KPIEthicsCodePromotions, true},
		{models.KindOpinionVisit, "", CodeOpinionVisits, true}, // the informational line
		{"unknown", "", "", false},
	}
	for _, c := range cases {
		code, ok := KPIForActivity(c.kind, c.scale)
		if ok != c.ok || (ok && code != c.code) {
			t.Errorf("%s/%s: %s %v", c.kind, c.scale, code, ok)
		}
	}
}

func TestYearArithmetic(t *testing.T) {
	if ROCYear(2020) != 109 || FromROCYear(111) != 2022 {
		t.Fatal("ROC conversion")
	}
	// 2020-12-31T23:30Z is 2021-01-01 07:30 in Taipei.
	if got := MonthKey(time.Date(2020, 12, 31, 23, 30, 0, 0, time.UTC), taipei); got != 202101 {
		t.Fatalf("month key %d", got)
	}
	if got := MonthKey(time.Date(2020, 12, 31, 15, 59, 59, 0, time.UTC), taipei); got != 202012 {
		t.Fatalf("month key %d", got)
	}
	cases := []struct {
		now  time.Time
		want float64
	}{
		{time.Date(2019, 6, 1, 0, 0, 0, 0, taipei), 0},
		{time.Date(2020, 1, 1, 0, 0, 0, 0, taipei), 0},
		{time.Date(2020, 7, 2, 0, 0, 0, 0, taipei), 183.0 / 366},
		{time.Date(2021, 1, 1, 0, 0, 0, 0, taipei), 1},
	}
	for _, c := range cases {
		if got := YearFraction(c.now, 2020, taipei); got < c.want-1e-9 || got > c.want+1e-9 {
			t.Errorf("fraction at %v: %v want %v", c.now, got, c.want)
		}
	}
	count := KPICatalogue[1]
	rate := KPICatalogue[0]
	if got := ExpectedToDate(count, 250, 0.5); got != 125 {
		t.Errorf("prorated %v", got)
	}
	if got := ExpectedToDate(rate, 100, 0.5); got != 100 {
		t.Errorf("rate prorated %v", got)
	}
	if r := Rate(2, 3); r == nil || *r != 66.67 {
		t.Errorf("rate %v", r)
	}
	if Rate(0, 0) != nil {
		t.Error("rate without denominator")
	}
}

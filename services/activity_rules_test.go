package services

import (
	"math"
	"testing"
	"time"

	"ethicsops/models"
)

func TestCanReadCanEdit(t *testing.T) {
	now := time.Now()
	admin := Actor{UserID: "a", Role: models.RoleAdmin, Status: models.StatusActive}
	manager := Actor{UserID: "m", Role: models.RoleManager, Status: models.StatusActive}
	owner := Actor{UserID: "o", Role: models.RoleOfficer, Status: models.StatusActive}
	other := Actor{UserID: "x", Role: models.RoleOfficer, Status: models.StatusActive}
	vol := Actor{UserID: "v", Role: models.RoleVolunteer, Status: models.StatusActive}
	pending := Actor{UserID: "p", Role: models.RoleVolunteer, Status: models.StatusPending}
	proc := models.Activity{Kind: models.KindProcurementSupervision, OwnerID: "o"}
	pub := models.Activity{Kind: models.KindOutreachEvent, OwnerID: "o", Published: true}
	pubEthics := models.Activity{Kind: models.KindEthicsPromotion, OwnerID: "o", Published: true}
	unpub := models.Activity{Kind: models.KindOutreachEvent, OwnerID: "o"}
	deleted := models.Activity{Kind: models.KindOutreachEvent, OwnerID: "o", Published: true, DeletedAt: &now}
	for _, tc := range []struct {
		name          string
		actor         Actor
		a             models.Activity
		read, edit    bool
		checkin, upld bool
	}{
		{"admin any", admin, proc, true, true, true, false},
		{"manager any", manager, proc, true, true, true, false},
		{"owner", owner, proc, true, true, true, true},
		{"other officer reads only", other, proc, true, false, false, false},
		{"volunteer procurement", vol, proc, false, false, false, false},
		{"volunteer published outreach", vol, pub, true, false, false, false},
		{"volunteer published promotion", vol, pubEthics, true, false, false, false},
		{"volunteer unpublished", vol, unpub, false, false, false, false},
		{"pending volunteer", pending, pub, false, false, false, false},
		{"deleted", admin, deleted, false, false, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := CanRead(tc.actor, tc.a); got != tc.read {
				t.Errorf("CanRead = %v", got)
			}
			if got := CanEdit(tc.actor, tc.a); got != tc.edit {
				t.Errorf("CanEdit = %v", got)
			}
			if got := CanCheckIn(tc.actor, tc.a, false); got != tc.checkin {
				t.Errorf("CanCheckIn = %v", got)
			}
			if got := CanUpload(tc.actor, tc.a); got != tc.upld {
				t.Errorf("CanUpload = %v", got)
			}
		})
	}
	// The issue-6 hook: a signed-up volunteer on a published outreach event.
	if !CanCheckIn(vol, pub, true) || CanCheckIn(vol, unpub, true) || CanCheckIn(vol, pubEthics, true) {
		t.Error("CanCheckIn for signed-up volunteers")
	}
}

func TestDistanceM(t *testing.T) {
	for _, tc := range []struct {
		name                   string
		lat1, lng1, lat2, lng2 float64
		want, tol              float64
	}{
		{"same point", 23.48, 120.45, 23.48, 120.45, 0, 0.001},
		{"one degree of latitude", 0, 0, 1, 0, 111195, 5},
		{"one degree of longitude at equator", 0, 0, 0, 1, 111195, 5},
		{"Chiayi station to city hall", 23.4791, 120.4406, 23.4801, 120.4491, 874, 10},
		{"Taipei 101 to Chiayi city hall", 25.0340, 121.5645, 23.4801, 120.4491, 205000, 2000},
		{"antipodes", 0, 0, 0, 180, math.Pi * 6371008.8, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := DistanceM(tc.lat1, tc.lng1, tc.lat2, tc.lng2); math.Abs(got-tc.want) > tc.tol {
				t.Errorf("DistanceM = %.1f, want %.1f ± %.1f", got, tc.want, tc.tol)
			}
		})
	}
}

func TestGeofence(t *testing.T) {
	lat, lng := 23.4801, 120.4491
	// ~111 m north of the site.
	north := lat + 0.001
	for _, tc := range []struct {
		name     string
		slat     *float64
		radius   int
		accuracy float64
		want     string
	}{
		{"no site coordinates", nil, 100, 5, "unknown"},
		{"outside the radius", &lat, 100, 5, "outside"},
		{"inside thanks to accuracy", &lat, 100, 15, "inside"},
		{"inside the radius", &lat, 150, 0, "inside"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			slng := &lng
			if tc.slat == nil {
				slng = nil
			}
			got, d := Geofence(tc.slat, slng, tc.radius, north, lng, tc.accuracy)
			if got != tc.want {
				t.Errorf("Geofence = %s (distance %v), want %s", got, d, tc.want)
			}
			if (d == nil) != (tc.want == "unknown") {
				t.Errorf("distance %v with %s", d, got)
			}
		})
	}
}

func TestSniffContentType(t *testing.T) {
	for _, tc := range []struct {
		name string
		head string
		want string
	}{
		{"jpeg", "\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"},
		{"png", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png"},
		{"webp", "RIFF\x24\x00\x00\x00WEBPVP8 ", "image/webp"},
		{"riff but wave", "RIFF\x24\x00\x00\x00WAVEfmt ", ""},
		{"pdf", "%PDF-1.7\n", "application/pdf"},
		{"heic", "\x00\x00\x00\x18ftypheic\x00\x00\x00\x00", "image/heic"},
		{"heif mif1", "\x00\x00\x00\x1cftypmif1\x00\x00\x00\x00", "image/heic"},
		{"mp4 is not heic", "\x00\x00\x00\x18ftypisom\x00\x00\x00\x00", ""},
		{"html", "<!doctype html><script>", ""},
		{"gif", "GIF89a", ""},
		{"empty", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := SniffContentType([]byte(tc.head)); got != tc.want {
				t.Errorf("SniffContentType = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestEscapeLike(t *testing.T) {
	if got := escapeLike("50%_off!"); got != "50!%!_off!!" {
		t.Errorf("escapeLike = %q", got)
	}
}

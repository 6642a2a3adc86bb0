package demo

import (
	"context"
	"fmt"
	"time"

	"ethicsops/models"
	"ethicsops/services"
)

// seedVolunteers gives the demo volunteer (王志工) something to see: three
// upcoming published outreach events with places, signed up to two of them,
// and attendance (arrive and depart) at past outreach events of this year and
// last year, so that hours show. Past sign-ups and check-ins are written
// directly: the service, rightly, refuses sign-ups to events that have
// started and check-ins outside an event's window. Of the past attendances,
// the latest arrived off site (the phone's fix was 1 km away) and waits for
// a manager (待確認); the one before arrived off site too and was confirmed
// by the manager; the others arrived on site and count by themselves.
func seedVolunteers(ctx context.Context, s *services.Services, o *Office, now time.Time) error {
	officer := o.Users["officer"]
	vol := o.Users["volunteer"]
	staff := services.Actor{UserID: officer.ID, Role: officer.Role, Status: officer.Status}
	volunteer := services.Actor{UserID: vol.ID, Role: vol.Role, Status: vol.Status}
	upcoming := []struct {
		title    string
		days     int
		capacity int
		length   time.Duration
		p        place
	}{
		{"廉政志工反詐騙宣導：嘉義公園健走", 3, 10, 3 * time.Hour, places[1]},
		{"「誠信家園」社區反貪宣導", 10, 15, 2*time.Hour + 30*time.Minute, places[0]},
		{"校園品德教育暨反貪宣導", 20, 5, 2 * time.Hour, places[6]},
	}
	for i, u := range upcoming {
		day := now.AddDate(0, 0, u.days).Truncate(24 * time.Hour).Add(time.Hour) // 09:00 in Taipei
		lat, lng := u.p.lat, u.p.lng
		end := day.Add(u.length)
		a, _, err := s.Activities.Create(ctx, staff, services.ActivityInput{
			Kind: models.KindOutreachEvent, Title: u.title, UnitID: o.Units["CYC-ETH"].ID, ScheduledAt: day,
			Site:    &services.Site{Name: u.p.name, Address: u.p.address, Lat: &lat, Lng: &lng, RadiusM: 200},
			Details: services.Details{Event: &services.Event{Scale: "regular", Audience: "市民朋友", VolunteerCapacity: u.capacity, Published: true, EndsAt: &end}},
		})
		if err != nil {
			return fmt.Errorf("demo event %s: %w", u.title, err)
		}
		if i < 2 {
			if _, _, err := s.Volunteers.SignUp(ctx, volunteer, a.ID); err != nil {
				return fmt.Errorf("demo sign-up: %w", err)
			}
		}
	}
	// Past attendance: the latest completed published outreach events.
	var past []models.Activity
	if err := s.DB.WithContext(ctx).Where("kind = ? AND published = ? AND status = ? AND scheduled_at < ? AND deleted_at IS NULL",
		models.KindOutreachEvent, true, models.ActivityCompleted, now).Order("scheduled_at DESC").Limit(4).Find(&past).Error; err != nil {
		return err
	}
	manager := o.Users["manager"]
	for i, a := range past {
		signed := a.ScheduledAt.Add(-72 * time.Hour)
		sg := models.Signup{ID: fmt.Sprintf("0192f1c4-0000-7000-8000-%012d", i+1), ActivityID: a.ID, UserID: vol.ID,
			Status: models.SignupActive, CreatedAt: signed}
		offSite := i < 2
		if i == 1 {
			decided := a.ScheduledAt.Add(26 * time.Hour)
			sg.Decision, sg.DecidedBy, sg.DecidedAt = models.AttendanceConfirmed, &manager.ID, &decided
			sg.DecisionReason = "手機定位偏差，經活動簽到表及現場照片確認到場"
		}
		if err := s.DB.WithContext(ctx).Create(&sg).Error; err != nil {
			return err
		}
		arrive := a.ScheduledAt.Add(-10 * time.Minute)
		depart := a.ScheduledAt.Add(time.Duration(90+15*i) * time.Minute)
		for j, c := range []struct {
			typ string
			at  time.Time
		}{{"arrive", arrive}, {"depart", depart}} {
			lat, lng := 23.4801, 120.4491
			if a.SiteLat != nil {
				lat, lng = *a.SiteLat, *a.SiteLng
			}
			if offSite && c.typ == "arrive" {
				lat += 0.01 // some 1.1 km north of the site
			}
			fence, dist := services.Geofence(a.SiteLat, a.SiteLng, a.SiteRadiusM, lat, lng, 10)
			row := models.Checkin{ID: fmt.Sprintf("0192f1c4-0001-7000-8000-%012d", 2*i+j+1), ActivityID: a.ID, UserID: vol.ID, Type: c.typ,
				Lat: lat, Lng: lng, AccuracyM: 10, CapturedAt: c.at, ReceivedAt: c.at.Add(2 * time.Second), Geofence: fence,
				DistanceM: dist, ClockSkewS: 2, ContentHash: "demo", CreatedAt: c.at.Add(2 * time.Second)}
			if err := s.DB.WithContext(ctx).Create(&row).Error; err != nil {
				return err
			}
		}
	}
	return nil
}

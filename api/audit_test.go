package api_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"ethicsops/apitest"
	"ethicsops/models"
	"ethicsops/services"
)

func TestAuditRoutesAdminOnly(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		for _, path := range []string{"/api/v1/audit-events", "/api/v1/audit-events/verify"} {
			for who, want := range map[string]int{"admin": 200, "manager": 403, "officer": 403, "volunteer": 403, "": 401} {
				r := e.Do("GET", path, e.Tokens[who], nil)
				if r.Code != want {
					t.Errorf("%s as %q: %d %s, want %d", path, who, r.Code, r.Body, want)
				}
			}
		}
	})
}

type auditItem struct {
	ID         string         `json:"id"`
	Seq        *int64         `json:"seq"`
	At         time.Time      `json:"at"`
	ActorID    string         `json:"actor_id"`
	ActorRole  string         `json:"actor_role"`
	Action     string         `json:"action"`
	EntityType string         `json:"entity_type"`
	EntityID   string         `json:"entity_id"`
	RequestID  string         `json:"request_id"`
	Before     map[string]any `json:"before"`
	After      map[string]any `json:"after"`
	Hash       string         `json:"hash"`
	PrevHash   string         `json:"prev_hash"`
}

type auditList struct {
	Items      []auditItem `json:"items"`
	NextCursor string      `json:"next_cursor"`
}

func listAudit(t *testing.T, e *apitest.Env, q url.Values) auditList {
	t.Helper()
	r := e.Do("GET", "/api/v1/audit-events?"+q.Encode(), e.Tokens["admin"], nil)
	if r.Code != 200 {
		t.Fatalf("list %v: %d %s", q, r.Code, r.Body)
	}
	var l auditList
	r.Decode(&l)
	return l
}

// Sign-ins, failed sign-ins, sign-outs and role changes are in the trail,
// with who, the request id and the fields before and after.
func TestAuditRecordsLoginAndRoleChange(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		e.Clock.Set(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC))
		e.Tokens["admin"] = e.Login("admin", apitest.Password) // the seed's token has expired by then
		officer := e.Users["officer"]
		r := e.DoWith("PATCH", "/api/v1/users/"+officer.ID, e.Tokens["admin"], map[string]string{"role": "manager"}, map[string]string{"X-Request-ID": "req-role-change-1"})
		if r.Code != 200 {
			t.Fatalf("role change: %d %s", r.Code, r.Body)
		}
		l := listAudit(t, e, url.Values{"action": {"user.update"}, "entity_id": {officer.ID}})
		if len(l.Items) != 1 {
			t.Fatalf("role change events: %+v", l.Items)
		}
		ev := l.Items[0]
		if ev.ActorID != e.Users["admin"].ID || ev.ActorRole != "admin" || ev.EntityType != "user" || ev.RequestID != "req-role-change-1" ||
			!ev.At.Equal(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)) || ev.Before["role"] != "officer" || ev.After["role"] != "manager" {
			t.Fatalf("role change event: %+v", ev)
		}
		if ev.Seq != nil || ev.Hash != "" {
			t.Fatalf("an event is sealed before the sealer ran: %+v", ev)
		}

		e.Do("POST", "/api/v1/auth/login", "", map[string]string{"username": "volunteer", "password": "wrong-password-x"})
		r = e.Do("POST", "/api/v1/auth/login", "", map[string]string{"username": "volunteer", "password": apitest.Password})
		refresh := r.JSON()["refresh_token"].(string)
		access := r.JSON()["access_token"].(string)
		if r := e.Do("POST", "/api/v1/auth/logout", access, map[string]string{"refresh_token": refresh}); r.Code != 204 {
			t.Fatalf("logout: %d", r.Code)
		}
		vol := e.Users["volunteer"].ID
		from := url.Values{"from": {"2030-01-02T11:04:05+08:00"}}
		want := map[string]string{"auth.login_failed": "volunteer", "auth.login": vol, "auth.logout": vol}
		for action, entity := range want {
			q := url.Values{"action": {action}, "entity_id": {entity}, "from": from["from"]}
			l := listAudit(t, e, q)
			if len(l.Items) != 1 || l.Items[0].EntityID != entity {
				t.Errorf("%s: %+v", action, l.Items)
			}
		}
		// A username no account can have is answered 401 and not recorded:
		// nothing a stranger sends at sign-in grows the trail by its size.
		long := strings.Repeat("abcdefghij", 7)
		for i := 1; i <= services.MaxLoginFailure+1; i++ {
			r := e.Do("POST", "/api/v1/auth/login", "", map[string]string{"username": long, "password": "wrong-password-x"})
			if r.Code != 401 {
				t.Fatalf("long username, attempt %d: %d %s", i, r.Code, r.Body)
			}
		}
		l = listAudit(t, e, url.Values{"entity_id": {long[:64]}})
		if len(l.Items) != 0 {
			t.Fatalf("long username events: %+v", l.Items)
		}
		// An unknown name within the bounds is recorded, and its lock too.
		for i := 1; i <= services.MaxLoginFailure; i++ {
			e.Do("POST", "/api/v1/auth/login", "", map[string]string{"username": "no.such.person", "password": "wrong-password-x"})
		}
		l = listAudit(t, e, url.Values{"entity_id": {"no.such.person"}})
		if len(l.Items) != services.MaxLoginFailure+1 || l.Items[0].Action != "auth.lockout" {
			t.Fatalf("unknown username events: %+v", l.Items)
		}
	})
}

func TestAuditListFiltersAndPages(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		total := e.Count(&models.AuditEvent{}, "")
		if total < 15 {
			t.Fatalf("the seed should have left sign-ins and account creations: %d events", total)
		}
		// Every page newest first; together exactly every event once.
		seen := map[string]bool{}
		var last *auditItem
		q := url.Values{"limit": {"4"}}
		for pages := 0; ; pages++ {
			if pages > 50 {
				t.Fatal("pagination does not end")
			}
			l := listAudit(t, e, q)
			if len(l.Items) > 4 {
				t.Fatalf("page of %d", len(l.Items))
			}
			for i := range l.Items {
				it := l.Items[i]
				if seen[it.ID] {
					t.Fatalf("%s twice", it.ID)
				}
				seen[it.ID] = true
				if last != nil && (it.At.After(last.At) || (it.At.Equal(last.At) && it.ID > last.ID)) {
					t.Fatalf("not newest first: %v %s after %v %s", it.At, it.ID, last.At, last.ID)
				}
				last = &it
			}
			if l.NextCursor == "" {
				break
			}
			q.Set("cursor", l.NextCursor)
		}
		if int64(len(seen)) != total {
			t.Fatalf("pages hold %d events, the table %d", len(seen), total)
		}

		// Paging with a filter keeps to the filter.
		logins, q2 := 0, url.Values{"action": {"auth.login"}, "limit": {"2"}}
		for pages := 0; pages < 50; pages++ {
			l := listAudit(t, e, q2)
			for _, it := range l.Items {
				if it.Action != "auth.login" {
					t.Fatalf("filtered page holds %s", it.Action)
				}
				logins++
			}
			if l.NextCursor == "" {
				break
			}
			q2.Set("cursor", l.NextCursor)
		}
		if int64(logins) != e.Count(&models.AuditEvent{}, "action = ?", "auth.login") {
			t.Fatalf("filtered pages hold %d sign-ins", logins)
		}

		officer := e.Users["officer"].ID
		for name, tc := range map[string]struct {
			q    url.Values
			want int64
			ok   func(auditItem) bool
		}{
			"action":      {url.Values{"action": {"auth.login"}}, e.Count(&models.AuditEvent{}, "action = ?", "auth.login"), func(i auditItem) bool { return i.Action == "auth.login" }},
			"actor":       {url.Values{"actor_id": {officer}}, e.Count(&models.AuditEvent{}, "actor_id = ?", officer), func(i auditItem) bool { return i.ActorID == officer }},
			"entity_type": {url.Values{"entity_type": {"unit"}}, 2, func(i auditItem) bool { return i.EntityType == "unit" && i.Action == "unit.create" }},
			"entity":      {url.Values{"entity_type": {"user"}, "entity_id": {officer}}, e.Count(&models.AuditEvent{}, "entity_id = ?", officer), func(i auditItem) bool { return i.EntityID == officer }},
			"none":        {url.Values{"action": {"no.such"}}, 0, nil},
			"future":      {url.Values{"from": {time.Now().AddDate(1, 0, 0).UTC().Format(time.RFC3339)}}, 0, nil},
			"past":        {url.Values{"to": {"2000-01-01T00:00:00+08:00"}}, 0, nil},
		} {
			l := listAudit(t, e, tc.q)
			if int64(len(l.Items)) != tc.want {
				t.Errorf("%s: %d items, want %d", name, len(l.Items), tc.want)
			}
			for _, it := range l.Items {
				if !tc.ok(it) {
					t.Errorf("%s: %+v does not match", name, it)
				}
			}
		}

		// from is inclusive, to exclusive, on the time of the change.
		t0 := time.Date(2031, 5, 1, 8, 0, 0, 0, time.UTC)
		for i := 0; i < 3; i++ {
			e.Clock.Set(t0.Add(time.Duration(i) * time.Hour))
			e.Do("POST", "/api/v1/auth/login", "", map[string]string{"username": "manager", "password": apitest.Password})
		}
		e.Clock.Set(t0.Add(3 * time.Hour))
		e.Tokens["admin"] = e.Login("admin", apitest.Password)
		l := listAudit(t, e, url.Values{"action": {"auth.login"}, "from": {"2031-05-01T17:00:00+08:00"}, "to": {"2031-05-01T10:00:00Z"}})
		if len(l.Items) != 1 || !l.Items[0].At.Equal(t0.Add(time.Hour)) {
			t.Fatalf("from/to: %+v", l.Items)
		}
	})
}

func TestAuditListBadQuery(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		for _, q := range []string{"sort=at", "limit=0x", "limit=201", "limit=-1", "from=yesterday", "to=2026-13-01T00:00:00Z", "cursor=!!!", "cursor=bm90LWpzb24", "action=a&action=b", "seq=1"} {
			if r := e.Do("GET", "/api/v1/audit-events?"+q, e.Tokens["admin"], nil); r.Code != 400 || r.ErrorCode() != "bad_request" {
				t.Errorf("%s: %d %s", q, r.Code, r.Body)
			}
		}
		// Times outside the bounds of every client time name their parameter,
		// as in a body.
		for _, q := range []string{"from=0000-01-01T00:00:00%2B01:00", "to=9999-12-31T23:00:00-10:00", "from=1911-12-31T23:59:59Z", "to=2100-01-01T00:00:00Z"} {
			if r := e.Do("GET", "/api/v1/audit-events?"+q, e.Tokens["admin"], nil); r.Code != 422 || r.ErrorCode() != "validation_failed" {
				t.Errorf("%s: %d %s", q, r.Code, r.Body)
			}
		}
		if r := e.Do("GET", "/api/v1/audit-events/verify?deep=1", e.Tokens["admin"], nil); r.Code != 400 {
			t.Errorf("verify with a query: %d", r.Code)
		}
	})
}

func TestAuditVerifyEndpoint(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		verify := func() map[string]any {
			r := e.Do("GET", "/api/v1/audit-events/verify", e.Tokens["admin"], nil)
			if r.Code != http.StatusOK {
				t.Fatalf("verify: %d %s", r.Code, r.Body)
			}
			return r.JSON()
		}
		total := float64(e.Count(&models.AuditEvent{}, ""))
		if v := verify(); v["ok"] != true || v["sealed"] != 0.0 || v["unsealed"] != total || v["broken"] != nil {
			t.Fatalf("before sealing: %v", v)
		}
		if _, err := e.Svc.Audit.Seal(context.Background()); err != nil {
			t.Fatal(err)
		}
		v := verify()
		if v["ok"] != true || v["sealed"] != total || v["unsealed"] != 0.0 || v["tail_seq"] != total || len(v["tail_hash"].(string)) != 64 {
			t.Fatalf("after sealing: %v", v)
		}
		// Listed events now carry their seq and hash; the newest is the tail.
		l := listAudit(t, e, url.Values{"limit": {"200"}})
		for _, it := range l.Items {
			if it.Seq == nil || len(it.Hash) != 64 || (*it.Seq > 1 && len(it.PrevHash) != 64) {
				t.Fatalf("sealed event: %+v", it)
			}
		}
		if err := e.DB.Exec("UPDATE audit_events SET `before` = ? WHERE seq = ?", `{"role":"admin"}`, 2).Error; err != nil {
			t.Fatal(err)
		}
		v = verify()
		b, _ := v["broken"].(map[string]any)
		var ev models.AuditEvent
		e.DB.Where("seq = ?", 2).Take(&ev)
		if v["ok"] != false || b == nil || b["seq"] != 2.0 || b["event_id"] != ev.ID || b["reason"] != "hash_mismatch" || v["sealed"] != 1.0 {
			t.Fatalf("after tampering: %v", v)
		}
	})
}

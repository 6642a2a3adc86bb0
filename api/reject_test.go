package api_test

import (
	"strings"
	"testing"

	"ethicsops/apitest"
	"ethicsops/models"
)

func TestRejectVolunteer(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		mgr := e.Tokens["manager"]
		pending := e.Users["pending"]
		path := "/api/v1/users/" + pending.ID + "/reject"
		reason := "本年度志工名額已滿，歡迎明年再報名"

		// The pending applicant is signed in (to see their status).
		if r := e.Do("GET", "/api/v1/me", e.Tokens["pending"], nil); r.Code != 200 {
			t.Fatalf("pending /me: %d", r.Code)
		}
		for _, tc := range []struct {
			body any
			want int
		}{
			{map[string]any{}, 422},
			{map[string]any{"reason": "   "}, 422},
			{map[string]any{"reason": strings.Repeat("額", 501)}, 422},
			{map[string]any{"reason": "a\u202Eb"}, 422},
			{map[string]any{"reason": "x", "note": "y"}, 400},
		} {
			if r := e.Do("POST", path, mgr, tc.body); r.Code != tc.want {
				t.Fatalf("%v: %d %s", tc.body, r.Code, r.Body)
			}
		}
		if r := e.Do("POST", path, e.Tokens["officer"], map[string]any{"reason": reason}); r.Code != 403 {
			t.Fatalf("officer: %d", r.Code)
		}
		if r := e.Do("POST", "/api/v1/users/"+e.Users["volunteer"].ID+"/reject", mgr, map[string]any{"reason": reason}); r.Code != 409 {
			t.Fatalf("reject an approved volunteer: %d %s", r.Code, r.Body)
		}
		if r := e.Do("POST", "/api/v1/users/"+e.Users["officer"].ID+"/reject", mgr, map[string]any{"reason": reason}); r.Code != 409 {
			t.Fatalf("reject an officer: %d %s", r.Code, r.Body)
		}
		if r := e.Do("POST", "/api/v1/users/0192f1c4-0000-7000-8000-000000000000/reject", mgr, map[string]any{"reason": reason}); r.Code != 404 {
			t.Fatalf("unknown: %d", r.Code)
		}
		if n := e.Count(&models.AuditEvent{}, "action = ?", "volunteer.reject"); n != 0 {
			t.Fatalf("refused rejections audited: %d", n)
		}

		r := e.Do("POST", path, mgr, map[string]any{"reason": reason})
		if r.Code != 200 {
			t.Fatalf("reject: %d %s", r.Code, r.Body)
		}
		if u := r.JSON(); u["status"] != "rejected" || u["rejection_reason"] != reason {
			t.Fatalf("rejected: %s", r.Body)
		}
		// Again: the first reason stands.
		if r := e.Do("POST", path, mgr, map[string]any{"reason": "另一個理由"}); r.Code != 200 || r.JSON()["rejection_reason"] != reason {
			t.Fatalf("reject again: %d %s", r.Code, r.Body)
		}
		if n := e.Count(&models.AuditEvent{}, "action = ? AND entity_id = ?", "volunteer.reject", pending.ID); n != 1 {
			t.Fatalf("rejection audited %d times", n)
		}
		// The applicant's session ended.
		if r := e.Do("GET", "/api/v1/me", e.Tokens["pending"], nil); r.Code != 401 {
			t.Fatalf("rejected applicant's old token: %d", r.Code)
		}
		sessions := e.Count(&models.Session{}, "user_id = ?", pending.ID)
		// The right password: 403 account_rejected with the reason, no tokens.
		r = e.Do("POST", "/api/v1/auth/login", "", map[string]string{"username": "pending", "password": apitest.Password})
		if r.Code != 403 || r.ErrorCode() != "account_rejected" || strings.Contains(r.Body, "access_token") {
			t.Fatalf("rejected sign-in: %d %s", r.Code, r.Body)
		}
		env := r.JSON()["error"].(map[string]any)
		if env["reason"] != reason || !strings.Contains(env["message"].(string), reason) {
			t.Fatalf("rejected sign-in says: %s", r.Body)
		}
		// A wrong password is a plain 401, as for anyone.
		r = e.Do("POST", "/api/v1/auth/login", "", map[string]string{"username": "pending", "password": "wrong-password-123"})
		if r.Code != 401 || strings.Contains(r.Body, reason) || strings.Contains(r.Body, "reject") {
			t.Fatalf("wrong password of a rejected account: %d %s", r.Code, r.Body)
		}
		if n := e.Count(&models.Session{}, "user_id = ?", pending.ID); n != sessions {
			t.Fatalf("sign-ins of the rejected account opened %d sessions", n-sessions)
		}

		// Lists: the admin's users and the manager's volunteers.
		if r := e.Do("GET", "/api/v1/users?status=rejected", e.Tokens["admin"], nil); !strings.Contains(r.Body, pending.ID) || !strings.Contains(r.Body, reason) {
			t.Fatalf("users?status=rejected: %d %s", r.Code, r.Body)
		}
		if r := e.Do("GET", "/api/v1/volunteers?status=rejected", mgr, nil); r.Code != 200 || !strings.Contains(r.Body, reason) {
			t.Fatalf("volunteers?status=rejected: %d %s", r.Code, r.Body)
		}
		if r := e.Do("GET", "/api/v1/volunteers?status=pending", mgr, nil); r.Code != 200 || strings.Contains(r.Body, pending.ID) {
			t.Fatalf("the pending list still holds the rejected: %s", r.Body)
		}

		// Approving a rejected application: 409 until an admin re-opens it.
		approve := "/api/v1/users/" + pending.ID + "/approve"
		if r := e.Do("POST", approve, mgr, nil); r.Code != 409 {
			t.Fatalf("approve rejected: %d %s", r.Code, r.Body)
		}
		if r := e.Do("PATCH", "/api/v1/users/"+pending.ID, e.Tokens["admin"], map[string]any{"status": "pending"}); r.Code != 200 || r.JSON()["rejection_reason"] != "" {
			t.Fatalf("re-open: %d %s", r.Code, r.Body)
		}
		if r := e.Do("POST", approve, mgr, nil); r.Code != 200 || r.JSON()["status"] != "active" {
			t.Fatalf("approve re-opened: %d %s", r.Code, r.Body)
		}
		if tok := e.Login("pending", apitest.Password); tok == "" {
			t.Fatal("approved volunteer cannot sign in")
		}
	})
}

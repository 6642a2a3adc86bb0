package api_test

import (
	"bytes"
	"errors"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"ethicsops/apitest"
	"ethicsops/models"
	"ethicsops/models/dbtest"
	"ethicsops/services/storage"
)

func checkin(typ string, lat, lng, acc float64, captured time.Time) map[string]any {
	return map[string]any{"type": typ, "lat": lat, "lng": lng, "accuracy_m": acc, "captured_at": captured}
}

func TestCheckins(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, base)
		a := create(t, e, e.Tokens["officer"], procurement(e, nil)) // site 23.4801,120.4491 r=100
		path := "/api/v1/activities/" + a["id"].(string) + "/checkins"
		// ~111 m north: outside with 5 m accuracy.
		r := e.Do("POST", path, e.Tokens["officer"], checkin("arrive", 23.4811, 120.4491, 5, base.Add(-30*time.Second)))
		if r.Code != 201 {
			t.Fatalf("arrive: %d %s", r.Code, r.Body)
		}
		j := r.JSON()
		if j["geofence"] != "outside" || j["clock_skew_s"].(float64) != 30 || j["distance_m"].(float64) < 105 || j["distance_m"].(float64) > 118 {
			t.Fatalf("arrive: %v", j)
		}
		got := e.Do("GET", "/api/v1/activities/"+a["id"].(string), e.Tokens["officer"], nil).JSON()
		if got["status"] != "in_progress" || got["version"].(float64) != 2 || got["started_at"] == nil {
			t.Fatalf("first arrive did not start the activity: %v", got)
		}
		if n := e.Count(&models.AuditEvent{}, "action = ? AND entity_id = ?", "activity.start", a["id"]); n != 1 {
			t.Fatalf("start audit: %d", n)
		}
		// With 20 m accuracy it counts as inside; a second arrive changes no status.
		if r := e.Do("POST", path, e.Tokens["manager"], checkin("arrive", 23.4811, 120.4491, 20, base)); r.Code != 201 || r.JSON()["geofence"] != "inside" {
			t.Fatalf("manager arrive: %d %s", r.Code, r.Body)
		}
		for _, tc := range []struct {
			name, token string
			body        map[string]any
			want        int
		}{
			{"other officer", e.Tokens["officer2"], checkin("depart", 23.48, 120.44, 5, base), 403},
			{"volunteer", e.Tokens["volunteer"], checkin("depart", 23.48, 120.44, 5, base), 404},
			{"future", e.Tokens["officer"], checkin("depart", 23.48, 120.44, 5, base.Add(6*time.Minute)), 422},
			{"bad lat", e.Tokens["officer"], checkin("depart", 91, 120.44, 5, base), 422},
			{"bad type", e.Tokens["officer"], checkin("wave", 23.48, 120.44, 5, base), 422},
			{"no lat", e.Tokens["officer"], map[string]any{"type": "depart", "lng": 120.0, "captured_at": base}, 422},
		} {
			if r := e.Do("POST", path, tc.token, tc.body); r.Code != tc.want {
				t.Errorf("%s: %d %s", tc.name, r.Code, r.Body)
			}
		}
		// Client ids: replay, conflict.
		id := uuid.NewString()
		body := checkin("depart", 23.4801, 120.4491, 5, base)
		body["id"] = id
		r1 := e.Do("POST", path, e.Tokens["officer"], body)
		r2 := e.Do("POST", path, e.Tokens["officer"], body)
		if r1.Code != 201 || r2.Code != 200 || r1.Body != r2.Body {
			t.Fatalf("replay: %d %d", r1.Code, r2.Code)
		}
		body["lat"] = 23.0
		if r := e.Do("POST", path, e.Tokens["officer"], body); r.Code != 409 || r.ErrorCode() != "id_conflict" {
			t.Fatalf("conflict: %d %s", r.Code, r.Body)
		}
		// After a cancellation new check-ins are refused, replays still answer.
		ver := e.Do("GET", "/api/v1/activities/"+a["id"].(string), e.Tokens["officer"], nil).JSON()["version"]
		if r := e.Do("PATCH", "/api/v1/activities/"+a["id"].(string), e.Tokens["officer"], map[string]any{"version": ver, "status": "cancelled"}); r.Code != 200 {
			t.Fatalf("cancel: %d %s", r.Code, r.Body)
		}
		body["lat"] = 23.4801
		if r := e.Do("POST", path, e.Tokens["officer"], body); r.Code != 200 {
			t.Fatalf("replay after cancel: %d %s", r.Code, r.Body)
		}
		if r := e.Do("POST", path, e.Tokens["officer"], checkin("arrive", 23.48, 120.44, 5, base)); r.Code != 409 || r.ErrorCode() != "conflict" {
			t.Fatalf("check-in on cancelled: %d %s", r.Code, r.Body)
		}
		for who, want := range map[string]int{"officer": 200, "manager": 200, "admin": 200, "officer2": 403, "volunteer": 403} {
			if r := e.Do("GET", path, e.Tokens[who], nil); r.Code != want {
				t.Fatalf("%s lists check-ins: %d %s", who, r.Code, r.Body)
			}
		}
		r = e.Do("GET", path, e.Tokens["manager"], nil)
		if r.Code != 200 || len(r.JSON()["items"].([]any)) != 3 {
			t.Fatalf("list: %d %s", r.Code, r.Body)
		}
		// No site coordinates: unknown.
		b := procurement(e, map[string]any{"site": map[string]any{"name": "未定"}})
		a2 := create(t, e, e.Tokens["officer"], b)
		r = e.Do("POST", "/api/v1/activities/"+a2["id"].(string)+"/checkins", e.Tokens["officer"], checkin("arrive", 23.48, 120.45, 5, base))
		if r.Code != 201 || r.JSON()["geofence"] != "unknown" || r.JSON()["distance_m"] != nil {
			t.Fatalf("unknown: %d %s", r.Code, r.Body)
		}
	})
}

// TestConcurrentIdenticalCreates fires identical creates with one client id
// at two servers on one database at once: exactly one row each.
func TestConcurrentIdenticalCreates(t *testing.T) {
	for _, drv := range dbtest.Drivers(t) {
		t.Run(drv, func(t *testing.T) {
			e1 := apitest.New(t, drv)
			e2 := apitest.NewOnDB(t, drv, e1.DB, false)
			e2.Tokens, e2.Users, e2.Unit, e2.Unit2 = e1.Tokens, e1.Users, e1.Unit, e1.Unit2
			id := uuid.NewString()
			body := procurement(e1, map[string]any{"id": id})
			const n = 20
			fire := func(do func(i int) *apitest.Response) []int {
				codes := make([]int, n)
				var wg sync.WaitGroup
				for i := 0; i < n; i++ {
					wg.Add(1)
					go func(i int) {
						defer wg.Done()
						codes[i] = do(i).Code
					}(i)
				}
				wg.Wait()
				return codes
			}
			envs := []*apitest.Env{e1, e2}
			codes := fire(func(i int) *apitest.Response {
				return envs[i%2].Do("POST", "/api/v1/activities", e1.Tokens["officer"], body)
			})
			count := map[int]int{}
			for _, c := range codes {
				count[c]++
			}
			if count[201] != 1 || count[200] != n-1 {
				t.Fatalf("create codes: %v", count)
			}
			if k := e1.Count(&models.Activity{}, "id = ?", id); k != 1 {
				t.Fatalf("%d rows", k)
			}
			if k := e1.Count(&models.AuditEvent{}, "entity_id = ?", id); k != 1 {
				t.Fatalf("%d audit events", k)
			}
			cid := uuid.NewString()
			cbody := checkin("arrive", 23.4801, 120.4491, 5, models.Now())
			cbody["id"] = cid
			codes = fire(func(i int) *apitest.Response {
				return envs[i%2].Do("POST", "/api/v1/activities/"+id+"/checkins", e1.Tokens["officer"], cbody)
			})
			count = map[int]int{}
			for _, c := range codes {
				count[c]++
			}
			if count[201] != 1 || count[200] != n-1 {
				t.Fatalf("check-in codes: %v", count)
			}
			if k := e1.Count(&models.Checkin{}, "id = ?", cid); k != 1 {
				t.Fatalf("%d check-in rows", k)
			}
			if k := e1.Count(&models.AuditEvent{}, "action = ? AND entity_id = ?", "activity.start", id); k != 1 {
				t.Fatalf("%d start events", k)
			}
		})
	}
}

func multipartBody(t testing.TB, field, name string, content []byte) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	fw, err := w.CreateFormFile(field, name)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write(content)
	_ = w.Close()
	return &buf, w.FormDataContentType()
}

func upload(t testing.TB, e *apitest.Env, path, token, field, name string, content []byte) *apitest.Response {
	t.Helper()
	buf, ct := multipartBody(t, field, name, content)
	return e.DoWith("POST", path, token, buf.Bytes(), map[string]string{"Content-Type": ct})
}

func TestAttachments(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, base)
		a := create(t, e, e.Tokens["officer"], procurement(e, nil))
		path := "/api/v1/activities/" + a["id"].(string) + "/attachments"
		png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{7}, 1000)...)
		r := upload(t, e, path, e.Tokens["officer"], "file", "現場照片.png", png)
		if r.Code != 201 {
			t.Fatalf("upload: %d %s", r.Code, r.Body)
		}
		j := r.JSON()
		if j["content_type"] != "image/png" || j["size"].(float64) != float64(len(png)) || len(j["sha256"].(string)) != 64 {
			t.Fatalf("upload: %v", j)
		}
		sum := j["sha256"].(string)
		get := "/api/v1/attachments/" + j["id"].(string)
		for name, want := range map[string]int{"officer2": 200, "manager": 200, "volunteer": 404} {
			r := e.Do("GET", get, e.Tokens[name], nil)
			if r.Code != want {
				t.Fatalf("%s download: %d", name, r.Code)
			}
			if want == 200 && (r.Body != string(png) || r.Header.Get("Content-Type") != "image/png" ||
				r.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(r.Header.Get("Content-Disposition"), "attachment")) {
				t.Fatalf("download headers: %v", r.Header)
			}
		}
		// Others may not upload; wrong types and sizes are refused, leaving nothing.
		if r := upload(t, e, path, e.Tokens["officer2"], "file", "x.png", png); r.Code != 403 {
			t.Fatalf("officer2 upload: %d", r.Code)
		}
		if r := upload(t, e, path, e.Tokens["officer"], "file", "evil.png", []byte("<html><script>alert(1)</script>")); r.Code != 415 {
			t.Fatalf("html upload: %d %s", r.Code, r.Body)
		}
		big := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("x"), 15<<20)...)
		if r := upload(t, e, path, e.Tokens["officer"], "file", "big.pdf", big); r.Code != 413 {
			t.Fatalf("big upload: %d %s", r.Code, r.Body)
		}
		if r := upload(t, e, path, e.Tokens["officer"], "other", "x.png", png); r.Code != 422 {
			t.Fatalf("no file part: %d %s", r.Code, r.Body)
		}
		if r := e.Do("POST", path, e.Tokens["officer"], map[string]any{"file": "x"}); r.Code != 415 {
			t.Fatalf("json upload: %d", r.Code)
		}
		if n := e.Count(&models.Attachment{}, ""); n != 1 {
			t.Fatalf("%d attachment rows", n)
		}
		if n := e.Count(&models.AuditEvent{}, "action = ?", "attachment.create"); n != 1 {
			t.Fatalf("%d upload audit events", n)
		}
		// On disk: the one file by its hash, where it has always been
		// (<data dir>/attachments/<sha[:2]>/<sha>), and no leftovers of the
		// spooled upload.
		dir := e.Svc.Files.(*storage.Local).Dir
		if _, err := os.Stat(filepath.Join(dir, "attachments", sum[:2], sum)); err != nil {
			t.Fatalf("stored file: %v", err)
		}
		if files := filesIn(dir); len(files) != 1 {
			t.Fatalf("files left: %v", files)
		}
		// A failure after the file is written (the row cannot be stored)
		// leaves no row; its file stays (another upload of the same bytes
		// may count on it) until the sweep finds no row names it.
		if err := e.DB.Callback().Create().Before("gorm:create").Register("test:fail_upload_row", func(db *gorm.DB) {
			if db.Statement.Table == "attachments" {
				_ = db.AddError(errors.New("injected failure of the upload's row"))
			}
		}); err != nil {
			t.Fatal(err)
		}
		jpg := append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, bytes.Repeat([]byte{9}, 100)...)
		if r := upload(t, e, path, e.Tokens["officer"], "file", "x.jpg", jpg); r.Code != 500 {
			t.Fatalf("upload whose row fails: %d", r.Code)
		}
		if n := e.Count(&models.Attachment{}, ""); n != 1 {
			t.Fatalf("%d attachment rows after a failed upload", n)
		}
		if files := filesIn(dir); len(files) != 2 {
			t.Fatalf("files after a failed upload: %v, want the first and the failed one's", files)
		}
	})
}

// filesIn lists the files under dir.
func filesIn(dir string) []string {
	var files []string
	_ = filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	return files
}

// Two uploads of the same bytes at once (a phone retrying on a weak signal
// while its first try is still being stored), the first failing after its
// file is in place: the second's committed row must still find its file.
func TestIdenticalUploadsOneFailing(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, base)
		a := create(t, e, e.Tokens["officer"], procurement(e, nil))
		path := "/api/v1/activities/" + a["id"].(string) + "/attachments"
		var rows atomic.Int32
		inFirst := make(chan struct{})
		err := e.DB.Callback().Create().Before("gorm:create").Register("test:fail_first_upload", func(db *gorm.DB) {
			if db.Statement.Table == "attachments" && rows.Add(1) == 1 {
				close(inFirst)
				time.Sleep(300 * time.Millisecond) // the second upload runs meanwhile
				_ = db.AddError(errors.New("injected failure of the first upload's row"))
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		jpg := append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, bytes.Repeat([]byte{3}, 4000)...)
		first := make(chan int, 1)
		go func() { first <- upload(t, e, path, e.Tokens["officer"], "file", "第一次.jpg", jpg).Code }()
		<-inFirst
		second := upload(t, e, path, e.Tokens["officer"], "file", "重送.jpg", jpg)
		if code := <-first; code != 500 {
			t.Fatalf("first upload: %d, want the injected 500", code)
		}
		if second.Code != 201 {
			t.Fatalf("second upload: %d %s", second.Code, second.Body)
		}
		r := e.Do("GET", "/api/v1/attachments/"+second.JSON()["id"].(string), e.Tokens["officer"], nil)
		if r.Code != 200 || r.Body != string(jpg) {
			t.Fatalf("the second upload's file: %d (%d bytes)", r.Code, len(r.Body))
		}
		if n := e.Count(&models.Attachment{}, ""); n != 1 {
			t.Fatalf("%d attachment rows", n)
		}
	})
}

func TestUploadBodyLimitRoute(t *testing.T) {
	e := apitest.New(t, "sqlite")
	at(e, base)
	a := create(t, e, e.Tokens["officer"], procurement(e, nil))
	// A declared Content-Length beyond the upload limit is refused at once.
	req := httptest.NewRequest("POST", "/api/v1/activities/"+a["id"].(string)+"/attachments", strings.NewReader("x"))
	req.ContentLength = 16 << 20
	req.Header.Set("Authorization", "Bearer "+e.Tokens["officer"])
	req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
	w := httptest.NewRecorder()
	e.Router.ServeHTTP(w, req)
	apitest.CheckContract(t, req, w)
	if w.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("declared 16 MiB: %d", w.Code)
	}
	// JSON routes keep their 1 MiB limit.
	if r := e.Do("POST", "/api/v1/activities", e.Tokens["officer"], `{"title":"`+strings.Repeat("x", 1<<20)+`"}`); r.Code != 413 {
		t.Fatalf("JSON over 1 MiB: %d", r.Code)
	}
}

func TestSync(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, base)
		id1, id2, cid := uuid.NewString(), uuid.NewString(), uuid.NewString()
		c := checkin("arrive", 23.4801, 120.4491, 5, base.Add(-time.Minute))
		c["id"] = cid
		ops := map[string]any{"operations": []map[string]any{
			{"op": "create_activity", "body": procurement(e, map[string]any{"id": id1})},
			{"op": "create_checkin", "activity_id": id1, "body": c},
			{"op": "update_activity", "id": id1, "body": map[string]any{"version": 2, "notes": "現場無缺失"}},
			{"op": "create_activity", "body": procurement(e, map[string]any{"id": id2, "site": map[string]any{"lat": 99, "lng": 0}})},
			{"op": "launch_rocket", "body": map[string]any{}},
			{"op": "create_activity", "body": map[string]any{"nope": 1}},
		}}
		want := []int{201, 201, 200, 422, 422, 400}
		r := e.Do("POST", "/api/v1/sync", e.Tokens["officer"], ops)
		if r.Code != 200 {
			t.Fatalf("sync: %d %s", r.Code, r.Body)
		}
		res := r.JSON()["results"].([]any)
		for i, w := range want {
			if got := int(res[i].(map[string]any)["status"].(float64)); got != w {
				t.Errorf("op %d: %d, want %d: %v", i, got, w, res[i])
			}
		}
		if body := res[3].(map[string]any)["body"].(map[string]any); body["error"].(map[string]any)["fields"].(map[string]any)["operations[3].body.site.lat"] == nil {
			t.Errorf("op 3 body: %v", body)
		}
		if n := e.Count(&models.Activity{}, ""); n != 1 {
			t.Fatalf("%d activities", n)
		}
		audits := e.Count(&models.AuditEvent{}, "")
		// Replaying the whole batch changes nothing.
		r = e.Do("POST", "/api/v1/sync", e.Tokens["officer"], ops)
		res = r.JSON()["results"].([]any)
		for i, w := range []int{200, 200, 200, 422, 422, 400} {
			if got := int(res[i].(map[string]any)["status"].(float64)); got != w {
				t.Errorf("replay op %d: %d, want %d: %v", i, got, w, res[i])
			}
		}
		if n := e.Count(&models.AuditEvent{}, ""); n != audits {
			t.Fatalf("replay wrote %d audit events", n-audits)
		}
		got := e.Do("GET", "/api/v1/activities/"+id1, e.Tokens["officer"], nil).JSON()
		if got["version"].(float64) != 3 || got["notes"] != "現場無缺失" || got["status"] != "in_progress" {
			t.Fatalf("after replay: %v", got)
		}
		// Caps.
		many := make([]map[string]any, 101)
		for i := range many {
			many[i] = map[string]any{"op": "create_checkin", "activity_id": id1, "body": c}
		}
		if r := e.Do("POST", "/api/v1/sync", e.Tokens["officer"], map[string]any{"operations": many}); r.Code != 422 {
			t.Fatalf("101 ops: %d", r.Code)
		}
		// A volunteer's sync cannot create activities.
		r = e.Do("POST", "/api/v1/sync", e.Tokens["volunteer"], map[string]any{"operations": []map[string]any{
			{"op": "create_activity", "body": procurement(e, map[string]any{"id": uuid.NewString()})}}})
		if r.Code != 200 || int(r.JSON()["results"].([]any)[0].(map[string]any)["status"].(float64)) != 403 {
			t.Fatalf("volunteer sync: %d %s", r.Code, r.Body)
		}
		_ = fmt.Sprint()
	})
}

// A time that is not RFC 3339 is a field error (422 naming the field), like
// any other wrong value, in a request and in a sync operation alike.
func TestMalformedTimesNameTheirField(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, base)
		a := create(t, e, e.Tokens["officer"], procurement(e, nil))
		fields := func(r *apitest.Response) map[string]any {
			t.Helper()
			if r.Code != 422 || r.ErrorCode() != "validation_failed" {
				t.Fatalf("%d %s", r.Code, r.Body)
			}
			return r.JSON()["error"].(map[string]any)["fields"].(map[string]any)
		}
		bad := map[string]any{"type": "arrive", "lat": 23.48, "lng": 120.45, "accuracy_m": 5, "captured_at": "昨天下午"}
		if f := fields(e.Do("POST", "/api/v1/activities/"+a["id"].(string)+"/checkins", e.Tokens["officer"], bad)); f["captured_at"] == nil {
			t.Fatalf("fields: %v", f)
		}
		if f := fields(e.Do("POST", "/api/v1/activities", e.Tokens["officer"], procurement(e, map[string]any{"scheduled_at": "2026-13-01T09:00:00+08:00"}))); f["scheduled_at"] == nil {
			t.Fatalf("fields: %v", f)
		}
		r := e.Do("POST", "/api/v1/sync", e.Tokens["officer"], map[string]any{"operations": []map[string]any{
			{"op": "create_checkin", "activity_id": a["id"], "body": bad},
		}})
		res := r.JSON()["results"].([]any)[0].(map[string]any)
		if res["status"].(float64) != 422 || res["body"].(map[string]any)["error"].(map[string]any)["fields"].(map[string]any)["operations[0].body.captured_at"] == nil {
			t.Fatalf("sync result: %v", res)
		}
		// The same text in a title and a time: the time is the one named.
		twice := procurement(e, map[string]any{"scheduled_at": "soon", "title": "soon"})
		if f := fields(e.Do("POST", "/api/v1/activities", e.Tokens["officer"], twice)); len(f) != 1 || f["scheduled_at"] == nil {
			t.Fatalf("fields: %v", f)
		}
		if n := e.Count(&models.Checkin{}, ""); n != 0 {
			t.Fatalf("%d check-ins stored", n)
		}
	})
}

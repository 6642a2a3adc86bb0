package api_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"

	"ethicsops/apitest"
	"ethicsops/models"
	"ethicsops/services/storage"
)

// uploadWithID sends a multipart upload with the client id as the form
// field id (before the file, as browsers send FormData in order) and, when
// key is set, as the Idempotency-Key header.
func uploadWithID(t testing.TB, e *apitest.Env, path, token, id, key, name string, content []byte) *apitest.Response {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if id != "" {
		if err := w.WriteField("id", id); err != nil {
			t.Fatal(err)
		}
	}
	fw, err := w.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write(content)
	_ = w.Close()
	h := map[string]string{"Content-Type": w.FormDataContentType()}
	if key != "" {
		h["Idempotency-Key"] = key
	}
	return e.DoWith("POST", path, token, buf.Bytes(), h)
}

// attachmentObjects counts the objects under attachments/ in the server's
// file store.
func attachmentObjects(t testing.TB, e *apitest.Env) int {
	t.Helper()
	n := 0
	if err := e.Svc.Files.List(context.Background(), "attachments/", func(storage.Object) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

// A phone resending a photo after a lost answer: the same id and bytes
// answer 200 with the stored attachment and store nothing new; other bytes
// under that id are id_conflict; the header works as the field does.
func TestUploadWithClientID(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		a := create(t, e, e.Tokens["officer"], procurement(e, nil))
		path := "/api/v1/activities/" + a["id"].(string) + "/attachments"
		png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{7}, 500)...)
		jpg := append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, bytes.Repeat([]byte{3}, 500)...)
		id := uuid.NewString()

		r := uploadWithID(t, e, path, e.Tokens["officer"], id, "", "現場照片.png", png)
		if r.Code != 201 || r.JSON()["id"] != id {
			t.Fatalf("first upload: %d %s", r.Code, r.Body)
		}
		first := r.JSON()
		r = uploadWithID(t, e, path, e.Tokens["officer"], id, "", "現場照片.png", png)
		if r.Code != 200 {
			t.Fatalf("resend: %d %s", r.Code, r.Body)
		}
		if again := r.JSON(); again["id"] != id || again["sha256"] != first["sha256"] || again["created_at"] != first["created_at"] {
			t.Fatalf("resend answered %v, want the stored %v", again, first)
		}
		// The same id by header only is the same upload.
		if r := uploadWithID(t, e, path, e.Tokens["officer"], "", id, "現場照片.png", png); r.Code != 200 || r.JSON()["id"] != id {
			t.Fatalf("resend by Idempotency-Key: %d %s", r.Code, r.Body)
		}
		// Other bytes under that id: refused, nothing stored.
		r = uploadWithID(t, e, path, e.Tokens["officer"], id, "", "另一張.jpg", jpg)
		if r.Code != 409 || !strings.Contains(r.Body, `"id_conflict"`) {
			t.Fatalf("other bytes, same id: %d %s", r.Code, r.Body)
		}
		// The same bytes and id on another activity: the id is taken.
		b := create(t, e, e.Tokens["officer"], procurement(e, nil))
		r = uploadWithID(t, e, "/api/v1/activities/"+b["id"].(string)+"/attachments", e.Tokens["officer"], id, "", "現場照片.png", png)
		if r.Code != 409 || !strings.Contains(r.Body, `"id_conflict"`) {
			t.Fatalf("same id on another activity: %d %s", r.Code, r.Body)
		}
		// Field and header disagreeing, or an id that is no UUID: 422.
		if r := uploadWithID(t, e, path, e.Tokens["officer"], uuid.NewString(), uuid.NewString(), "x.png", png); r.Code != 422 || !strings.Contains(r.Body, `"id"`) {
			t.Fatalf("field and header differ: %d %s", r.Code, r.Body)
		}
		if r := uploadWithID(t, e, path, e.Tokens["officer"], "photo-1", "", "x.png", png); r.Code != 422 || !strings.Contains(r.Body, `"id"`) {
			t.Fatalf("id not a UUID: %d %s", r.Code, r.Body)
		}
		if n := e.Count(&models.Attachment{}, ""); n != 1 {
			t.Fatalf("%d attachment rows, want 1", n)
		}
		if n := e.Count(&models.AuditEvent{}, "action = ?", "attachment.create"); n != 1 {
			t.Fatalf("%d upload audit events, want 1", n)
		}
		if n := attachmentObjects(t, e); n != 1 {
			t.Fatalf("%d files stored, want 1", n)
		}
	})
}

// Two identical uploads with one id at the same moment (a phone's retry
// racing its first try): exactly one row, one 201 and the rest 200.
func TestConcurrentUploadsWithOneClientID(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		a := create(t, e, e.Tokens["officer"], procurement(e, nil))
		path := "/api/v1/activities/" + a["id"].(string) + "/attachments"
		jpg := append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, bytes.Repeat([]byte{5}, 20000)...)
		id := uuid.NewString()
		const n = 8
		codes := make([]int, n)
		ids := make([]string, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := uploadWithID(t, e, path, e.Tokens["officer"], id, "", "重送.jpg", jpg)
				codes[i] = r.Code
				if r.Code < 300 {
					ids[i] = r.JSON()["id"].(string)
				}
			}()
		}
		wg.Wait()
		created := 0
		for i, c := range codes {
			if c == 201 {
				created++
			} else if c != 200 {
				t.Errorf("upload %d: %d", i, c)
			}
			if ids[i] != id {
				t.Errorf("upload %d answered id %q", i, ids[i])
			}
		}
		if created != 1 {
			t.Fatalf("%d uploads answered 201, want 1 (codes %v)", created, codes)
		}
		if got := e.Count(&models.Attachment{}, ""); got != 1 {
			t.Fatalf("%d attachment rows, want 1", got)
		}
		if got := attachmentObjects(t, e); got != 1 {
			t.Fatalf("%d files stored, want 1", got)
		}
	})
}

// The stored name keeps what a person sees of the given name and takes the
// extension of the type found in the content.
func TestUploadFilenameFollowsContent(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		a := create(t, e, e.Tokens["officer"], procurement(e, nil))
		path := "/api/v1/activities/" + a["id"].(string) + "/attachments"
		png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{7}, 100)...)
		for i, tc := range []struct{ sent, want string }{
			{"x.html", "x.png"},
			{"photo\u202Egpj.exe", "photogpj.png"},
			{"\u200B\u202E.png", "attachment.png"},
		} {
			body := append(append([]byte{}, png...), byte(i)) // distinct bytes, distinct rows
			r := upload(t, e, path, e.Tokens["officer"], "file", tc.sent, body)
			if r.Code != 201 || r.JSON()["filename"] != tc.want {
				t.Fatalf("%q: %d %s, want filename %q", tc.sent, r.Code, r.Body, tc.want)
			}
			get := e.Do("GET", "/api/v1/attachments/"+r.JSON()["id"].(string), e.Tokens["officer"], nil)
			if cd := get.Header.Get("Content-Disposition"); !strings.Contains(cd, tc.want) {
				t.Fatalf("%q downloaded as %q, want %q", tc.sent, cd, tc.want)
			}
			if n := e.Count(&models.Attachment{}, "filename = ?", tc.want); n != 1 {
				t.Fatalf("%q: %d rows named %q", tc.sent, n, tc.want)
			}
		}
	})
}

package api_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"ethicsops/apitest"
	"ethicsops/models"
	"ethicsops/models/dbtest"
	"ethicsops/services"
	"ethicsops/services/storage"
	"ethicsops/services/storage/s3store/weedtest"
)

// withFiles makes a test server keep its files in st.
func withFiles(st storage.Store) apitest.Option {
	return func(o *services.Options) { o.Files = st }
}

// photo is a distinct JPEG of about size bytes.
func photo(seed string, size int) []byte {
	b := append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, []byte(seed)...)
	for len(b) < size {
		s := sha256.Sum256(b[len(b)-len(seed):])
		b = append(b, s[:]...)
	}
	return b[:max(size, 4+len(seed))]
}

func hashOf(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

// TestAttachmentsInS3 runs the attachments on a real SeaweedFS S3 gateway,
// on each database: upload, resend, download; two servers on one database
// and one bucket receiving the same photo at once; the sweep.
func TestAttachmentsInS3(t *testing.T) {
	w := weedtest.Start(t)
	for _, drv := range dbtest.Drivers(t) {
		t.Run(drv, func(t *testing.T) {
			st := w.Store(t, "att-"+drv)
			e := apitest.New(t, drv, withFiles(st))
			t.Run("upload, resend, download", func(t *testing.T) {
				a := create(t, e, e.Tokens["officer"], procurement(e, nil))
				path := "/api/v1/activities/" + a["id"].(string) + "/attachments"
				jpg := photo("s3-first", 300<<10)
				id := uuid.NewString()
				r := uploadWithID(t, e, path, e.Tokens["officer"], id, "", "現場照片.jpg", jpg)
				if r.Code != 201 {
					t.Fatalf("upload: %d %s", r.Code, r.Body)
				}
				again := uploadWithID(t, e, path, e.Tokens["officer"], id, id, "現場照片.jpg", jpg)
				if again.Code != 200 || again.JSON()["id"] != id || again.JSON()["created_at"] != r.JSON()["created_at"] {
					t.Fatalf("resend: %d %s, want 200 and the stored row", again.Code, again.Body)
				}
				if n := e.Count(&models.Attachment{}, "id = ?", id); n != 1 {
					t.Fatalf("%d rows", n)
				}
				got := e.Do("GET", "/api/v1/attachments/"+id, e.Tokens["manager"], nil)
				if got.Code != 200 || got.Body != string(jpg) {
					t.Fatalf("download: %d, %d bytes, want %d", got.Code, len(got.Body), len(jpg))
				}
				sum := hashOf(jpg)
				for k, want := range map[string]string{"Content-Type": "image/jpeg", "Content-Length": fmt.Sprint(len(jpg)), "ETag": `"` + sum + `"`, "X-Content-Type-Options": "nosniff"} {
					if v := got.Header.Get(k); v != want {
						t.Errorf("%s: %q, want %q", k, v, want)
					}
				}
				if cd := got.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, "filename") {
					t.Errorf("Content-Disposition %q", cd)
				}
				if o, err := st.Stat(context.Background(), "attachments/"+sum[:2]+"/"+sum); err != nil || o.Size != int64(len(jpg)) {
					t.Fatalf("the object in the bucket: %+v %v", o, err)
				}
			})
			t.Run("two servers, one bucket", func(t *testing.T) {
				e2 := apitest.NewOnDB(t, drv, e.DB, false, withFiles(w.Store(t, "att-"+drv)))
				e2.Users, e2.Tokens = e.Users, e.Tokens
				a := create(t, e, e.Tokens["officer"], procurement(e, nil))
				path := "/api/v1/activities/" + a["id"].(string) + "/attachments"
				servers := []*apitest.Env{e, e2}
				for round := range 4 {
					jpg := photo(fmt.Sprintf("two-servers-%d", round), 200<<10)
					// Two officers' phones send the same photo at once, each
					// with its own id, each to another server; and one id sent
					// to both (a resend that went to the other server).
					ids := []string{uuid.NewString(), uuid.NewString()}
					shared := uuid.NewString()
					codes := make([]int, 4)
					var wg sync.WaitGroup
					for i := range 4 {
						wg.Add(1)
						go func() {
							defer wg.Done()
							id := shared
							if i < 2 {
								id = ids[i]
							}
							codes[i] = uploadWithID(t, servers[i%2], path, e.Tokens["officer"], id, "", "同一張.jpg", jpg).Code
						}()
					}
					wg.Wait()
					if codes[0] != 201 || codes[1] != 201 || codes[2]+codes[3] != 401 {
						t.Fatalf("round %d: answers %v, want 201 201 and one 201 one 200", round, codes)
					}
					sum := hashOf(jpg)
					n := 0
					if err := st.List(context.Background(), "attachments/"+sum[:2]+"/", func(o storage.Object) error {
						if strings.HasSuffix(o.Key, sum) {
							n++
						}
						return nil
					}); err != nil {
						t.Fatal(err)
					}
					if n != 1 {
						t.Fatalf("round %d: %d objects of the photo, want 1", round, n)
					}
					for i, id := range append(ids, shared) {
						if got := servers[(i+1)%2].Do("GET", "/api/v1/attachments/"+id, e.Tokens["officer"], nil); got.Code != 200 || got.Body != string(jpg) {
							t.Fatalf("round %d: download of %s: %d (%d bytes)", round, id, got.Code, len(got.Body))
						}
					}
				}
			})
			t.Run("sweep", func(t *testing.T) { checkSweep(t, e) })
		})
	}
}

// TestAttachmentSweep: the hourly sweep removes only the attachment files
// that no row names and that are older than a day, in the data directory;
// and the uploads a killed process left half-received in its spool.
func TestAttachmentSweep(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		spool := filepath.Join(e.Svc.Files.(*storage.Local).Dir, "tmp")
		if err := os.MkdirAll(spool, 0o750); err != nil {
			t.Fatal(err)
		}
		stale, live := filepath.Join(spool, "upload-stale"), filepath.Join(spool, "upload-live")
		for name, mtime := range map[string]time.Time{stale: time.Now().Add(-48 * time.Hour), live: time.Now().Add(48 * time.Hour)} {
			if err := os.WriteFile(name, []byte("part of a photo"), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chtimes(name, mtime, mtime); err != nil {
				t.Fatal(err)
			}
		}
		checkSweep(t, e)
		if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("a day-old spooled upload was kept: %v", err)
		}
		if _, err := os.Stat(live); err != nil {
			t.Fatalf("an upload being received was swept: %v", err)
		}
	})
}

func checkSweep(t *testing.T, e *apitest.Env) {
	ctx := context.Background()
	e.Clock.Set(time.Time{}) // the real time: the store stamps objects with it
	a := create(t, e, e.Tokens["officer"], procurement(e, nil))
	kept := photo("sweep-referenced-"+uuid.NewString(), 5000)
	r := upload(t, e, "/api/v1/activities/"+a["id"].(string)+"/attachments", e.Tokens["officer"], "file", "留存.jpg", kept)
	if r.Code != 201 {
		t.Fatalf("upload: %d %s", r.Code, r.Body)
	}
	orphan := photo("sweep-orphan-"+uuid.NewString(), 5000)
	osum, ksum := hashOf(orphan), hashOf(kept)
	orphanKey, keptKey := "attachments/"+osum[:2]+"/"+osum, "attachments/"+ksum[:2]+"/"+ksum
	// An upload whose row failed leaves its object: here, put directly.
	if err := e.Svc.Files.Put(ctx, orphanKey, bytes.NewReader(orphan), int64(len(orphan))); err != nil {
		t.Fatal(err)
	}
	other := "reports/sweep-" + uuid.NewString() // another service's file
	if err := e.Svc.Files.Put(ctx, other, bytes.NewReader([]byte("sealed")), 6); err != nil {
		t.Fatal(err)
	}
	exists := func(key string) bool {
		_, err := e.Svc.Files.Stat(ctx, key)
		if err != nil && !errors.Is(err, storage.ErrNotExist) {
			t.Fatal(err)
		}
		return err == nil
	}
	// Young: nothing goes, named or not.
	if _, err := e.Svc.Attachments.SweepOrphans(ctx); err != nil {
		t.Fatal(err)
	}
	if !exists(orphanKey) || !exists(keptKey) {
		t.Fatalf("a young object was swept: orphan %v, referenced %v", exists(orphanKey), exists(keptKey))
	}
	// A day and an hour later: the orphan goes; the named file and the
	// other service's file stay.
	e.Clock.Set(time.Now().Add(services.AttachmentOrphanAge + time.Hour))
	res, err := e.Svc.Attachments.SweepOrphans(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if exists(orphanKey) || !exists(keptKey) || !exists(other) || res.Deleted != 1 {
		t.Fatalf("old objects after the sweep: orphan %v (want gone), referenced %v, other prefix %v; %+v", exists(orphanKey), exists(keptKey), exists(other), res)
	}
	e.Clock.Set(time.Time{}) // the tokens are valid again
	got := e.Do("GET", "/api/v1/attachments/"+r.JSON()["id"].(string), e.Tokens["officer"], nil)
	if got.Code != 200 || got.Body != string(kept) {
		t.Fatalf("the referenced file after the sweep: %d", got.Code)
	}
}

// TestAttachmentsS3Outage kills the SeaweedFS process while uploads are in
// flight (and once while a phone is half-way through sending): every
// upload answers 201/200 or 503 with Retry-After, never 500; downloads
// answer 503 while it is down; after the restart every refused upload is
// resent with its id and succeeds, and every acknowledged attachment
// downloads byte-identical.
func TestAttachmentsS3Outage(t *testing.T) {
	w := weedtest.Start(t)
	for _, drv := range dbtest.Drivers(t) {
		t.Run(drv, func(t *testing.T) {
			st := w.Store(t, "outage-"+drv)
			e := apitest.New(t, drv, withFiles(st))
			a := create(t, e, e.Tokens["officer"], procurement(e, nil))
			path := "/api/v1/activities/" + a["id"].(string) + "/attachments"
			type sent struct {
				id   string
				body []byte
			}
			before := sent{uuid.NewString(), photo("before-"+drv, 100<<10)}
			if r := uploadWithID(t, e, path, e.Tokens["officer"], before.id, "", "a.jpg", before.body); r.Code != 201 {
				t.Fatalf("upload before the outage: %d %s", r.Code, r.Body)
			}

			// Half-way: the phone has sent part of its photo when the store dies.
			half := sent{uuid.NewString(), photo("half-"+drv, 2<<20)}
			var buf bytes.Buffer
			mw := multipartWriter(&buf, half.id, "half.jpg", half.body)
			pr, pw := io.Pipe()
			req := httptest.NewRequest("POST", path, pr)
			req.Header.Set("Authorization", "Bearer "+e.Tokens["officer"])
			req.Header.Set("Content-Type", mw)
			rec := httptest.NewRecorder()
			served := make(chan struct{})
			go func() { e.Router.ServeHTTP(rec, req); close(served) }()
			body := buf.Bytes()
			if _, err := pw.Write(body[:len(body)/2]); err != nil {
				t.Fatal(err)
			}

			// Meanwhile uploads stream in, and the store is killed among them.
			var (
				mu      sync.Mutex
				acked   []sent
				refused []sent
				wg      sync.WaitGroup
			)
			stop := make(chan struct{})
			for g := range 3 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; ; i++ {
						select {
						case <-stop:
							return
						default:
						}
						s := sent{uuid.NewString(), photo(fmt.Sprintf("%s-%d-%d", drv, g, i), 512<<10)}
						r := uploadWithID(t, e, path, e.Tokens["officer"], s.id, "", "p.jpg", s.body)
						mu.Lock()
						switch {
						case r.Code == 201:
							acked = append(acked, s)
						case r.Code == 503 && r.Header.Get("Retry-After") != "" && r.ErrorCode() == "unavailable":
							refused = append(refused, s)
						default:
							t.Errorf("upload during the outage: %d %s (Retry-After %q)", r.Code, r.Body, r.Header.Get("Retry-After"))
						}
						mu.Unlock()
					}
				}()
			}
			time.Sleep(1500 * time.Millisecond) // some uploads are in flight
			w.Kill()
			time.Sleep(500 * time.Millisecond)
			close(stop)
			wg.Wait()

			// The rest of the half-sent photo arrives; the store is down.
			if _, err := pw.Write(body[len(body)/2:]); err != nil {
				t.Fatal(err)
			}
			pw.Close()
			<-served
			if rec.Code != 503 || rec.Header().Get("Retry-After") == "" || !strings.Contains(rec.Body.String(), `"unavailable"`) {
				t.Fatalf("upload cut by the outage: %d %s (Retry-After %q)", rec.Code, rec.Body, rec.Header().Get("Retry-After"))
			}
			refused = append(refused, half)
			if r := e.Do("GET", "/api/v1/attachments/"+before.id, e.Tokens["officer"], nil); r.Code != 503 || r.Header.Get("Retry-After") == "" {
				t.Fatalf("download while the store is down: %d %s", r.Code, r.Body)
			}
			t.Logf("%s: %d uploads acknowledged, %d refused with 503 while the store went down", drv, len(acked), len(refused))

			w.Restart()
			for _, s := range refused {
				if r := uploadWithID(t, e, path, e.Tokens["officer"], s.id, "", "p.jpg", s.body); r.Code != 201 && r.Code != 200 {
					t.Fatalf("resend after the restart: %d %s", r.Code, r.Body)
				}
			}
			for _, s := range append(append([]sent{before}, acked...), refused...) {
				r := e.Do("GET", "/api/v1/attachments/"+s.id, e.Tokens["officer"], nil)
				if r.Code != 200 || r.Body != string(s.body) {
					t.Fatalf("attachment %s after the restart: %d, %d bytes, want %d identical", s.id, r.Code, len(r.Body), len(s.body))
				}
			}
		})
	}
}

// multipartWriter writes into buf the upload of content under the client
// id and returns its Content-Type.
func multipartWriter(buf *bytes.Buffer, id, name string, content []byte) string {
	w := multipart.NewWriter(buf)
	_ = w.WriteField("id", id)
	fw, _ := w.CreateFormFile("file", name)
	_, _ = fw.Write(content)
	_ = w.Close()
	return w.FormDataContentType()
}

package api_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/google/uuid"

	"ethicsops/apitest"
	"ethicsops/services"
	"ethicsops/services/storage"
	"ethicsops/services/storage/s3store/weedtest"
)

// TestMeasureAttachmentLatency is a measurement, not a check: upload and
// download latencies through the router with the files in the data
// directory and in SeaweedFS, the time weed takes to serve, and a sweep's
// duration. It runs only when asked for (figures in docs/OPERATIONS.md):
//
//	ETHICSOPS_MEASURE=1 ETHICSOPS_TEST_WEED=$(tools/seaweedfs.sh) go test -count=1 -v -run TestMeasureAttachmentLatency ./api
func TestMeasureAttachmentLatency(t *testing.T) {
	if os.Getenv("ETHICSOPS_MEASURE") != "1" {
		t.Skip("a measurement: set ETHICSOPS_MEASURE=1 to run it")
	}
	w := weedtest.Start(t)
	t.Logf("weed: serving S3 (an object stored) %v after start", w.Started.Round(100*time.Millisecond))
	const n = 40
	for _, size := range []int{200 << 10, 2 << 20} {
		for _, where := range []string{"data directory", "SeaweedFS S3"} {
			var opts []apitest.Option
			if where == "SeaweedFS S3" {
				opts = append(opts, withFiles(w.Store(t, fmt.Sprintf("measure-%d", size))))
			}
			e := apitest.New(t, "sqlite", opts...)
			a := create(t, e, e.Tokens["officer"], procurement(e, nil))
			path := "/api/v1/activities/" + a["id"].(string) + "/attachments"
			var up, down []time.Duration
			var ids []string
			for i := range n {
				b := photo(fmt.Sprintf("measure-%s-%d-%d", where, size, i), size)
				t0 := time.Now()
				r := uploadWithID(t, e, path, e.Tokens["officer"], uuid.NewString(), "", "m.jpg", b)
				up = append(up, time.Since(t0))
				if r.Code != 201 {
					t.Fatalf("upload: %d %s", r.Code, r.Body)
				}
				ids = append(ids, r.JSON()["id"].(string))
			}
			for _, id := range ids {
				t0 := time.Now()
				r := e.Do("GET", "/api/v1/attachments/"+id, e.Tokens["officer"], nil)
				down = append(down, time.Since(t0))
				if r.Code != 200 || len(r.Body) != size {
					t.Fatalf("download: %d", r.Code)
				}
			}
			t.Logf("%-15s %5d KiB × %d: upload p50 %v p90 %v; download p50 %v p90 %v", where, size>>10, n,
				pct(up, 50), pct(up, 90), pct(down, 50), pct(down, 90))
			// A sweep over the referenced files and 200 orphans, a day later.
			ctx := context.Background()
			for i := range 200 {
				b := photo(fmt.Sprintf("orphan-%s-%d-%d", where, size, i), 1000)
				sum := hashOf(b)
				if err := e.Svc.Files.Put(ctx, "attachments/"+sum[:2]+"/"+sum, bytes.NewReader(b), int64(len(b))); err != nil {
					t.Fatal(err)
				}
			}
			e.Clock.Set(time.Now().Add(services.AttachmentOrphanAge + time.Hour))
			t0 := time.Now()
			res, err := e.Svc.Attachments.SweepOrphans(ctx)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%-15s sweep: %d objects seen, %d deleted in %v", where, res.Seen, res.Deleted, time.Since(t0).Round(time.Millisecond))
			e.Clock.Set(time.Time{})
			var left int
			_ = e.Svc.Files.List(ctx, "attachments/", func(storage.Object) error { left++; return nil })
			if left != n {
				t.Fatalf("%d objects left, want %d", left, n)
			}
		}
	}
}

func pct(d []time.Duration, p int) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[(len(s)-1)*p/100].Round(100 * time.Microsecond)
}

package reports

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gorm.io/gorm"

	"ethicsops/models/dbtest"
	"ethicsops/services"
	"ethicsops/services/storage"
)

func testService(t *testing.T, db *gorm.DB) (*Service, string) {
	t.Helper()
	dir := t.TempDir()
	s, err := New(db, Options{Key: newKey(t), Files: storage.NewLocal(dir)})
	if err != nil {
		t.Fatal(err)
	}
	return s, dir
}

func TestReceiptsAreUniformDigitsAndHashDeterministically(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s, _ := testService(t, db)
		seen := map[string]bool{}
		var counts [10]int
		for range 2000 {
			r := newReceipt()
			if !validReceipt(r) {
				t.Fatalf("receipt %q", r)
			}
			seen[r] = true
			counts[r[0]-'0']++
		}
		if len(seen) != 2000 {
			t.Fatal("receipts repeat")
		}
		for d, c := range counts {
			if c == 0 {
				t.Fatalf("no receipt begins with %d: %v", d, counts)
			}
		}
		ctx := context.Background()
		r := newReceipt()
		h1, err := s.hashReceipt(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		// Another server of the cluster (another Service over the same
		// database, with another reports key) finds the same hash.
		other, _ := testService(t, db)
		h2, err := other.hashReceipt(ctx, r)
		if err != nil || h1 != h2 || len(h1) != 64 || strings.Contains(h1, r) {
			t.Fatalf("hashes %q %q %v", h1, h2, err)
		}
		if h3, _ := s.hashReceipt(ctx, newReceipt()); h3 == h1 {
			t.Fatal("two receipts, one hash")
		}
	})
}

func pngBytes(n int) []byte {
	b := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, n-8)...)
	for i := 8; i < n; i++ {
		b[i] = byte(i*7 + i/251)
	}
	return b
}

func TestSealedFilesRoundTripAndRefuseTampering(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s, dir := testService(t, db)
		ctx := context.Background()
		for _, size := range []int{9, fileChunk - 1, fileChunk, fileChunk + 1, 3*fileChunk + 5, 4 * fileChunk} {
			plain := pngBytes(size)
			f, err := s.addFile(ctx, nil, "r1", "reporter", "照片.png", bytes.NewReader(plain))
			if err != nil {
				t.Fatal(err)
			}
			if f.Size != int64(size) || f.ContentType != "image/png" || f.ObjectKey != "reports/"+f.ID {
				t.Fatalf("row %+v", f)
			}
			if name, err := s.fileName(f); err != nil || name != "照片.png" {
				t.Fatalf("name %q %v", name, err)
			}
			raw, err := os.ReadFile(filepath.Join(dir, "reports", f.ID))
			if err != nil {
				t.Fatal(err)
			}
			if size > 40 && bytes.Contains(raw, plain[8:40]) {
				t.Fatal("the plain bytes are in the stored object")
			}
			rc, err := s.openFile(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(rc)
			rc.Close()
			if err != nil || !bytes.Equal(got, plain) {
				t.Fatalf("size %d: read back %d bytes, %v", size, len(got), err)
			}
			path := filepath.Join(dir, "reports", f.ID)
			bad := map[string][]byte{
				"flipped":   flip(raw, len(raw)-20),
				"cut":       raw[:len(raw)-1],
				"cut chunk": raw[:max(len(raw)-fileChunk-16, 60)],
				"appended":  append(append([]byte{}, raw...), raw[len(raw)-40:]...),
				"header":    flip(raw, 30),
			}
			for what, b := range bad {
				if err := os.WriteFile(path, b, 0o600); err != nil {
					t.Fatal(err)
				}
				rc, err := s.openFile(ctx, f)
				if err == nil {
					_, err = io.ReadAll(rc)
					rc.Close()
				}
				if !errors.Is(err, ErrUnsealable) {
					t.Fatalf("size %d %s: read without error (%v)", size, what, err)
				}
			}
		}
		// Types by content, empty, too large: refused, nothing left behind.
		if _, err := s.addFile(ctx, nil, "r1", "reporter", "a.png", strings.NewReader("<html>")); !errors.Is(err, services.E(services.CodeUnsupportedType, "")) {
			t.Fatalf("html: %v", err)
		}
		if _, err := s.addFile(ctx, nil, "r1", "reporter", "a.png", strings.NewReader("")); !errors.Is(err, services.ErrValidation) {
			t.Fatalf("empty: %v", err)
		}
		big := io.MultiReader(bytes.NewReader(pngBytes(64)), io.LimitReader(zeros{}, MaxFileSize))
		if _, err := s.addFile(ctx, nil, "r1", "reporter", "a.png", big); !errors.Is(err, services.E(services.CodeTooLarge, "")) {
			t.Fatalf("too large: %v", err)
		}
		var n int64
		db.Table("report_files").Count(&n)
		objs := 0
		_ = s.files.List(ctx, "reports/", func(storage.Object) error { objs++; return nil })
		if int64(objs) != n {
			t.Fatalf("%d objects for %d rows", objs, n)
		}
	})
}

func flip(b []byte, i int) []byte {
	c := append([]byte{}, b...)
	c[i] ^= 1
	return c
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

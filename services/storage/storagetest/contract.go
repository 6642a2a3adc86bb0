// Package storagetest is the contract every storage.Store keeps, as a test
// any implementation runs against itself.
package storagetest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"sort"
	"testing"

	"ethicsops/services/storage"
)

// RunContract checks what the services rely on of any Store: whole
// objects, replacement, ErrNotExist, idempotent delete, listing by prefix,
// invalid keys refused.
func RunContract(t *testing.T, s storage.Store) {
	t.Helper()
	ctx := context.Background()
	body := bytes.Repeat([]byte("政風"), 1000)
	if err := s.Put(ctx, "aa/one", bytes.NewReader(body), int64(len(body))); err != nil {
		t.Fatalf("put: %v", err)
	}
	rc, obj, err := s.Open(ctx, "aa/one")
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	got, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(got, body) || obj.Size != int64(len(body)) {
		t.Fatalf("read back %d bytes (size %d), want %d", len(got), obj.Size, len(body))
	}
	if err := s.Put(ctx, "aa/one", bytes.NewReader([]byte("new")), -1); err != nil {
		t.Fatalf("replace: %v", err)
	}
	if st, err := s.Stat(ctx, "aa/one"); err != nil || st.Size != 3 {
		t.Fatalf("stat after replace: %+v %v", st, err)
	}
	if _, err := s.Stat(ctx, "aa/none"); !errors.Is(err, storage.ErrNotExist) {
		t.Fatalf("stat of a missing key: %v, want ErrNotExist", err)
	}
	if _, _, err := s.Open(ctx, "aa/none"); !errors.Is(err, storage.ErrNotExist) {
		t.Fatalf("open of a missing key: %v, want ErrNotExist", err)
	}
	if err := s.Put(ctx, "bb/two", bytes.NewReader([]byte("2")), 1); err != nil {
		t.Fatal(err)
	}
	var keys []string
	if err := s.List(ctx, "aa/", func(o storage.Object) error { keys = append(keys, o.Key); return nil }); err != nil {
		t.Fatal(err)
	}
	sort.Strings(keys)
	if len(keys) != 1 || keys[0] != "aa/one" {
		t.Fatalf("list aa/: %v", keys)
	}
	if err := s.Delete(ctx, "aa/one"); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, "aa/one"); err != nil {
		t.Fatalf("second delete: %v", err)
	}
	if _, err := s.Stat(ctx, "aa/one"); !errors.Is(err, storage.ErrNotExist) {
		t.Fatalf("after delete: %v", err)
	}
	if err := s.Put(ctx, "../escape", bytes.NewReader(nil), 0); err == nil {
		t.Fatal("an invalid key was accepted")
	}
	if err := s.Put(ctx, "cc/short", bytes.NewReader([]byte("ab")), 5); err == nil {
		t.Fatal("a short body was accepted as whole")
	}
	if _, err := s.Stat(ctx, "cc/short"); !errors.Is(err, storage.ErrNotExist) {
		t.Fatalf("a failed put left an object: %v", err)
	}
}

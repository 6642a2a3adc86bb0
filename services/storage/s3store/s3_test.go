package s3store_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"ethicsops/services/storage"
	"ethicsops/services/storage/s3store"
	"ethicsops/services/storage/s3store/weedtest"
	"ethicsops/services/storage/storagetest"
)

// TestS3Contract is the contract every Store keeps, against a real
// SeaweedFS S3 gateway, with and without a key prefix; then what a store
// that is down answers.
func TestS3Contract(t *testing.T) {
	w := weedtest.Start(t)
	t.Run("bucket root", func(t *testing.T) { storagetest.RunContract(t, w.Store(t, "contract")) })
	t.Run("prefix", func(t *testing.T) {
		cfg := w.Config("contract-prefixed")
		cfg.Prefix = "site-a/"
		st, err := s3store.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.EnsureBucket(context.Background(), true); err != nil {
			t.Fatal(err)
		}
		storagetest.RunContract(t, st)
		// The prefix is the store's: another store on the bucket root sees
		// the objects under it.
		root := w.Store(t, "contract-prefixed")
		if _, err := root.Stat(context.Background(), "site-a/bb/two"); err != nil {
			t.Fatalf("object under the prefix: %v", err)
		}
	})
	t.Run("missing bucket", func(t *testing.T) {
		st, err := s3store.New(w.Config("never-made"))
		if err != nil {
			t.Fatal(err)
		}
		if err := st.EnsureBucket(context.Background(), false); err == nil {
			t.Fatal("a missing bucket was accepted without create")
		}
	})
	t.Run("down", func(t *testing.T) {
		st := w.Store(t, "down")
		w.Kill()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := st.Put(ctx, "x/y", bytes.NewReader([]byte("z")), 1); !errors.Is(err, storage.ErrUnavailable) {
			t.Fatalf("put on a stopped store: %v, want ErrUnavailable", err)
		}
		if _, _, err := st.Open(ctx, "x/y"); !errors.Is(err, storage.ErrUnavailable) {
			t.Fatalf("open on a stopped store: %v, want ErrUnavailable", err)
		}
		if _, err := st.Stat(ctx, "x/y"); !errors.Is(err, storage.ErrUnavailable) {
			t.Fatalf("stat on a stopped store: %v, want ErrUnavailable", err)
		}
	})
}

func TestNewRefusesBadEndpoint(t *testing.T) {
	for _, ep := range []string{"", "127.0.0.1:8333", "ftp://x", "http://"} {
		if _, err := s3store.New(s3store.Config{Endpoint: ep, Bucket: "b"}); err == nil {
			t.Errorf("endpoint %q accepted", ep)
		}
	}
}

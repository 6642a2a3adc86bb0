package main

import (
	"bytes"
	"strings"
	"testing"

	"ethicsops/config"
	"ethicsops/services/storage/s3store"
	"ethicsops/services/storage/s3store/weedtest"
)

// TestServeChecksTheBucket: with ETHICSOPS_S3_ENDPOINT, serve looks for the
// bucket before it serves: a missing one stops it (exit 1, saying how to
// fix it) unless ETHICSOPS_S3_CREATE_BUCKET=on, which makes it.
func TestServeChecksTheBucket(t *testing.T) {
	w := weedtest.Start(t)
	env := map[string]string{"ETHICSOPS_S3_ENDPOINT": w.Endpoint(), "ETHICSOPS_S3_BUCKET": "serve-check",
		"ETHICSOPS_S3_ACCESS_KEY": weedtest.AccessKey, "ETHICSOPS_S3_SECRET_KEY": weedtest.SecretKey}
	var out, errOut bytes.Buffer
	code := run([]string{"serve", "--addr", "127.0.0.1:0", "--data-dir", t.TempDir()}, func(k string) string { return env[k] }, &out, &errOut)
	all := out.String() + errOut.String()
	if code != 1 || !strings.Contains(all, "ETHICSOPS_S3_CREATE_BUCKET=on") || strings.Contains(all, "listening") {
		t.Fatalf("missing bucket: exit %d, output:\n%s", code, all)
	}
	if strings.Contains(all, weedtest.SecretKey) {
		t.Fatalf("the secret key is in the output:\n%s", all)
	}
	// With create on, serve's start makes it.
	cfg := &config.Config{DataDir: t.TempDir(), S3: config.S3Config{Endpoint: w.Endpoint(), Bucket: "serve-check", AccessKey: weedtest.AccessKey,
		SecretKey: weedtest.SecretKey, Region: "us-east-1", PathStyle: "on", CreateBucket: "on"}}
	st, err := openFiles(t.Context(), cfg, true)
	if err != nil {
		t.Fatalf("create on: %v", err)
	}
	if _, ok := st.(*s3store.Store); !ok {
		t.Fatalf("the store is a %T, want the S3 one", st)
	}
	cfg.S3.CreateBucket = "off"
	if _, err := openFiles(t.Context(), cfg, true); err != nil {
		t.Fatalf("the bucket made at start is found at the next: %v", err)
	}
}

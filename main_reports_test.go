package main

import (
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ethicsops/models"
	"ethicsops/services"
	"ethicsops/services/reports"
	"ethicsops/services/storage"
)

// TestReportsRotateKeyCommand: on the embedded default, rotate-key makes a
// new reports.key, re-seals everything under it, keeps the old key in
// reports.key.old until done, and can be run again.
func TestReportsRotateKeyCommand(t *testing.T) {
	dir := t.TempDir()
	cmd := commandOn(dir)
	if code, out := cmd("reports"); code != 2 || !strings.Contains(out, "usage: ethicsops reports rotate-key") {
		t.Fatalf("reports alone: %d %q", code, out)
	}
	if code, out := cmd("migrate"); code != 0 {
		t.Fatalf("migrate: %d %s", code, out)
	}
	keyPath := filepath.Join(dir, "reports.key")
	readKey := func() []byte {
		b, err := os.ReadFile(keyPath)
		if err != nil {
			t.Fatal(err)
		}
		k, err := reports.ParseKey(string(b))
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	oldKey := readKey()
	db, err := models.Open(models.Options{Driver: "sqlite", DSN: filepath.Join(dir, "ethicsops.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer closeDB(db)
	open := func(k []byte) *reports.Service {
		s, err := reports.New(db, reports.Options{Key: k, Files: storage.NewLocal(dir)})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	ctx := services.WithClientAddr(context.Background(), "192.0.2.1")
	s := open(oldKey)
	ch := s.NewChallenge(ctx)
	rec, err := s.Submit(ctx, reports.Submission{Report: reports.ReportInput{What: "以舊金鑰封存", Disclosure: "anonymous"},
		Pow: &reports.Proof{Challenge: ch.Challenge, Nonce: reports.Solve(ch.Challenge, ch.Difficulty)}})
	if err != nil {
		t.Fatal(err)
	}
	code, out := cmd("reports", "rotate-key")
	if code != 0 || !strings.Contains(out, "done: 1 reports, 0 messages, 0 files re-sealed") {
		t.Fatalf("rotate-key: %d %s", code, out)
	}
	newKey := readKey()
	if string(newKey) == string(oldKey) {
		t.Fatal("reports.key was not replaced")
	}
	if _, err := os.Stat(keyPath + ".old"); !os.IsNotExist(err) {
		t.Fatalf("reports.key.old is left: %v", err)
	}
	if v, err := open(newKey).Mine(ctx, rec.ReportID); err != nil || v.Content.What != "以舊金鑰封存" {
		t.Fatalf("the new key does not open the report: %v", err)
	}
	if _, err := open(oldKey).Mine(ctx, rec.ReportID); err == nil {
		t.Fatal("the old key still opens the report")
	}
	// Cut short once the key in use was kept aside in reports.key.old but
	// before a new one replaced reports.key: a rerun makes the new key and
	// ends the rotation.
	if err := os.WriteFile(keyPath+".old", []byte(mustB64(newKey)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out = cmd("reports", "rotate-key")
	if code != 0 || !strings.Contains(out, "done: 1 reports") {
		t.Fatalf("rerun: %d %s", code, out)
	}
	if v, err := open(readKey()).Mine(ctx, rec.ReportID); err != nil || v.Content.What != "以舊金鑰封存" {
		t.Fatalf("after the rerun: %v", err)
	}
	// With keys from the environment, both are needed.
	env := map[string]string{"ETHICSOPS_DATA_DIR": dir, "ETHICSOPS_LOG_LEVEL": "error", "ETHICSOPS_REPORTS_KEY": mustB64(newKey)}
	var sb strings.Builder
	if code := run([]string{"reports", "rotate-key"}, func(k string) string { return env[k] }, &sb, &sb); code != 2 || !strings.Contains(sb.String(), "ETHICSOPS_REPORTS_OLD_KEY") {
		t.Fatalf("without the old key: %d %s", code, sb.String())
	}
}

func mustB64(k []byte) string { return base64.StdEncoding.EncodeToString(k) }

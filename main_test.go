package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestRunExitCodes(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name string
		args []string
		env  map[string]string
		code int
		out  string
	}{
		{"version", []string{"version"}, nil, 0, "ethicsops"},
		{"unknown command", []string{"explode"}, nil, 2, "unknown command"},
		{"bad driver", []string{"serve"}, map[string]string{"ETHICSOPS_DB_DRIVER": "oracle"}, 2, "ETHICSOPS_DB_DRIVER"},
		{"mysql without secret", []string{"serve"}, map[string]string{"ETHICSOPS_DB_DRIVER": "mysql", "ETHICSOPS_DB_DSN": "u:p@tcp(127.0.0.1:1)/x"}, 2, "ETHICSOPS_JWT_SECRET must be at least 32 bytes"},
		{"mysql without reports key", []string{"serve"}, map[string]string{"ETHICSOPS_DB_DRIVER": "mysql", "ETHICSOPS_DB_DSN": "u:p@tcp(127.0.0.1:1)/x", "ETHICSOPS_JWT_SECRET": "jwt-secret-that-must-not-be-logged-0123"}, 2, "ETHICSOPS_REPORTS_KEY is required"},
		{"bad time zone", []string{"migrate"}, map[string]string{"ETHICSOPS_TIMEZONE": "Nowhere/Town"}, 2, "ETHICSOPS_TIMEZONE"},
		{"bad flag", []string{"serve", "--no-such-flag"}, nil, 2, ""},
		{"migrate", []string{"migrate", "--data-dir", dir}, map[string]string{"ETHICSOPS_JWT_SECRET": "jwt-secret-that-must-not-be-logged-0123"}, 0, "migrations applied"},
		{"s3 endpoint without bucket", []string{"serve"}, map[string]string{"ETHICSOPS_S3_ENDPOINT": "http://127.0.0.1:8333", "ETHICSOPS_S3_ACCESS_KEY": "k", "ETHICSOPS_S3_SECRET_KEY": "jwt-secret-that-must-not-be-logged-s3"}, 2, "ETHICSOPS_S3_BUCKET is required with ETHICSOPS_S3_ENDPOINT"},
		{"s3 store unreachable", []string{"serve", "--addr", "127.0.0.1:0", "--data-dir", dir}, map[string]string{"ETHICSOPS_S3_ENDPOINT": "http://127.0.0.1:1", "ETHICSOPS_S3_BUCKET": "files", "ETHICSOPS_S3_ACCESS_KEY": "k", "ETHICSOPS_S3_SECRET_KEY": "jwt-secret-that-must-not-be-logged-s3"}, 1, `cannot check bucket \"files\"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(tc.args, func(k string) string { return tc.env[k] }, &out, &errOut)
			all := out.String() + errOut.String()
			if code != tc.code || !strings.Contains(all, tc.out) {
				t.Fatalf("exit %d (want %d), output:\n%s", code, tc.code, all)
			}
			if strings.Contains(all, "jwt-secret-that-must-not-be-logged") {
				t.Fatalf("secret in output:\n%s", all)
			}
			if tc.code == 2 && strings.Contains(all, "listening") {
				t.Fatalf("half-started:\n%s", all)
			}
		})
	}
}

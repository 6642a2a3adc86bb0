package api

import (
	"crypto/sha256"
	"encoding/base64"
	"io"
	"io/fs"
	"regexp"
	"strings"
	"testing"

	swaggerFiles "github.com/swaggo/files/v2"
)

// TestSwaggerLogoStyleHash: the one inline style the policy allows is the
// one the embedded Swagger UI writes. When swaggo/files is upgraded and the
// logo's stylesheet changes, this fails (the logo would lose its colours
// and the console would show a violation) until the hash is updated.
func TestSwaggerLogoStyleHash(t *testing.T) {
	f, err := swaggerFiles.FS.Open("swagger-ui-standalone-preset.js")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`createElement\("style",null,"([^"]*)"\)`).FindAllSubmatch(b, -1)
	if len(m) != 1 {
		t.Fatalf("%d <style> elements written by the UI, want the logo's one", len(m))
	}
	sum := sha256.Sum256(m[0][1])
	if want := "sha256-" + base64.StdEncoding.EncodeToString(sum[:]); want != swaggerLogoStyleHash {
		t.Fatalf("the logo's style hashes to %s, the policy allows %s", want, swaggerLogoStyleHash)
	}
}

// TestSwaggerPageHasNothingInline: the page we serve carries no inline
// script, style element or style attribute, which the policy would refuse.
func TestSwaggerPageHasNothingInline(t *testing.T) {
	b, err := fs.ReadFile(swaggerPage, "swaggerui/index.html")
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	if n := strings.Count(page, "<script"); n != 3 || strings.Count(page, "<script src=") != n {
		t.Fatalf("%d scripts, not all from files", n)
	}
	for _, bad := range []string{"style=", "<style", "onload=", "onclick=", "javascript:", "http://localhost", "https://"} {
		if strings.Contains(page, bad) {
			t.Errorf("index.html contains %q", bad)
		}
	}
}

package services

import (
	"testing"
	"unicode/utf8"
)

// FuzzParseDeclarationCSV: any file is rows, per-line problems or one error,
// never a panic; rows hold valid UTF-8 and a known type. Seeds are in
// testdata/fuzz/FuzzParseDeclarationCSV.
func FuzzParseDeclarationCSV(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, _, err := ParseDeclarationCSV(data)
		if err != nil {
			if _, ok := AsError(err); !ok {
				t.Fatalf("non-domain error %v", err)
			}
			return
		}
		for _, r := range rows {
			if !utf8.ValidString(r.DeclarantName) || !utf8.ValidString(r.Position) {
				t.Fatalf("invalid UTF-8 in %+v", r)
			}
		}
	})
}

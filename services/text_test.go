package services

import (
	"strings"
	"testing"
)

func TestTextProblem(t *testing.T) {
	for _, tc := range []struct {
		name     string
		v        string
		max      int
		required bool
		prose    bool
		want     string // "" for clean; else a word of the problem
	}{
		{"Chinese title", "「嘉義市東區道路改善工程」驗收", 200, true, Line, ""},
		{"inner spaces and full-width", "市長選舉　投開票所 安全維護", 200, true, Line, ""},
		{"emoji", "宣導活動 🎉", 200, true, Line, ""},
		{"empty optional", "", 200, false, Line, ""},
		{"empty required", "", 200, true, Line, "required"},
		{"at the limit", strings.Repeat("字", 10), 10, true, Line, ""},
		{"over the limit", strings.Repeat("字", 11), 10, true, Line, "at most 10"},
		{"NUL", "abc\x00", 200, true, Line, "U+0000"},
		{"NUL in prose", "abc\x00", 200, true, Prose, "U+0000"},
		{"bell", "a\x07b", 200, true, Prose, "U+0007"},
		{"escape", "\x1b[31mred", 200, true, Prose, "U+001B"},
		{"DEL", "a\x7fb", 200, true, Prose, "U+007F"},
		{"C1 control", "a\u0085b", 200, true, Prose, "U+0085"},
		{"lone CR", "a\rb", 200, true, Prose, "U+000D"},
		{"newline in a title", "第一行\n第二行", 200, true, Line, "one line"},
		{"tab in a title", "a\tb", 200, true, Line, "one line"},
		{"newline and tab in prose", "一、會同警察局\n\t二、加強巡邏", 4000, true, Prose, ""},
		{"line separator", "a\u2028b", 200, true, Prose, "U+2028"},
		{"RLO", "photo\u202Egpj.exe", 200, true, Line, "bidirectional"},
		{"LRE", "\u202Ax", 200, true, Line, "bidirectional"},
		{"PDF", "x\u202C", 200, true, Prose, "bidirectional"},
		{"isolate", "\u2066x\u2069", 200, true, Line, "bidirectional"},
		{"FSI", "\u2068x", 200, true, Line, "bidirectional"},
		{"LRM", "x\u200E", 200, true, Line, "bidirectional"},
		{"RLM", "x\u200F", 200, true, Line, "bidirectional"},
		{"ALM", "x\u061C", 200, true, Line, "bidirectional"},
		{"spaces only", "   ", 200, false, Line, "visible"},
		{"ideographic space only", "\u3000\u3000", 200, true, Line, "visible"},
		{"zero-width only", "\u200B\u200C\u200D\u2060\uFEFF", 200, true, Line, "visible"},
		{"zero-width and spaces", " \u200B ", 200, false, Line, "visible"},
		{"newlines only in prose", "\n\n\t", 200, false, Prose, "visible"},
		{"Hangul filler", "\u3164", 200, true, Line, "visible"},
		{"zero-width joiner inside an emoji is fine", "👩\u200D💻", 200, true, Line, ""},
		{"invalid UTF-8", "a\xffb", 200, true, Line, "UTF-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := textProblem(tc.v, tc.max, tc.required, tc.prose)
			if (got == "") != (tc.want == "") || !strings.Contains(got, tc.want) {
				t.Fatalf("textProblem(%q) = %q, want %q", tc.v, got, tc.want)
			}
		})
	}
}

func TestNormalizeLines(t *testing.T) {
	if got := normalizeLines("一\r\n二\r\n"); got != "一\n二\n" {
		t.Fatalf("%q", got)
	}
	if got := textProblem(normalizeLines("一\r\n二"), 10, true, Prose); got != "" {
		t.Fatalf("CRLF prose: %q", got)
	}
}

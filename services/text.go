package services

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Clean text. Every title, name and free text a client sends passes
// textProblem: what no officer types (NUL and other control characters,
// bidirectional controls that make "photo\u202Egpj.exe" read as
// "photoexe.jpg", text made of nothing visible) is refused with 422 naming
// the field, never stored and shown to someone else. Single-line fields
// (titles, names) also refuse tabs and line breaks; multi-line ones (notes,
// measures, outcomes) allow "\n" and "\t". A CRLF in a multi-line field is
// stored as "\n" (normalizeLines); a lone CR is refused.

// Line and Prose tell textProblem whether a field is single-line or may hold
// line breaks and tabs.
const (
	Line  = false
	Prose = true
)

// textProblem says what is wrong with the client text v of a field, or ""
// when it is clean: required and empty, longer than max characters, a
// control character (other than "\n" and "\t" in prose), a bidirectional
// control, or no visible character at all.
func textProblem(v string, max int, required, prose bool) string {
	if v == "" {
		if required {
			return "required"
		}
		return ""
	}
	if !utf8.ValidString(v) {
		return "must be UTF-8 text"
	}
	if n := utf8.RuneCountInString(v); n > max {
		return fmt.Sprintf("must be at most %d characters", max)
	}
	visible := false
	for _, r := range v {
		switch {
		case r == '\n' || r == '\t':
			if !prose {
				return "must be one line, without tabs or line breaks"
			}
		case isBidiControl(r):
			return fmt.Sprintf("must not contain the bidirectional control U+%04X", r)
		case unicode.IsControl(r), r == '\u2028', r == '\u2029':
			return fmt.Sprintf("must not contain the control character U+%04X", r)
		case !invisible(r):
			visible = true
		}
	}
	if !visible {
		return "must contain a visible character"
	}
	return ""
}

// checkText adds field's problem with the client text v to f, if any.
func checkText(f Fields, field, v string, max int, required, prose bool) {
	if msg := textProblem(v, max, required, prose); msg != "" {
		f.Add(field, msg)
	}
}

// normalizeLines stores the line breaks of prose one way: CRLF as "\n".
func normalizeLines(v string) string {
	if !strings.Contains(v, "\r\n") {
		return v
	}
	return strings.ReplaceAll(v, "\r\n", "\n")
}

// isBidiControl reports the explicit bidirectional formatting characters:
// embeddings and overrides (U+202A–U+202E), isolates (U+2066–U+2069) and
// the marks U+200E, U+200F and U+061C.
func isBidiControl(r rune) bool {
	return (r >= '\u202A' && r <= '\u202E') || (r >= '\u2066' && r <= '\u2069') ||
		r == '\u200E' || r == '\u200F' || r == '\u061C'
}

// invisible reports runes that draw nothing by themselves: spaces (also the
// ideographic space U+3000), format characters such as the zero-width
// U+200B, U+200C, U+200D, U+2060 and U+FEFF, the combining grapheme joiner,
// and the blank fillers of Hangul and Braille.
func invisible(r rune) bool {
	switch r {
	case '\u034F', '\u115F', '\u1160', '\u3164', '\uFFA0', '\u2800':
		return true
	}
	return unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) || unicode.IsControl(r)
}

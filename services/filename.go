package services

import (
	"strings"
	"unicode"
)

// maxFilenameBase bounds the base name of a stored attachment, in bytes of
// UTF-8 (66 Chinese characters); with the extension the name stays well
// within the 255 that file systems and the column allow.
const maxFilenameBase = 200

// typeExtensions is the extension each accepted content type is stored with.
var typeExtensions = map[string]string{
	"image/jpeg":      ".jpg",
	"image/png":       ".png",
	"image/webp":      ".webp",
	"image/heic":      ".heic",
	"application/pdf": ".pdf",
}

// attachmentFilename is the name an attachment is stored and downloaded
// under: what a person sees of the name the client gave, with the extension
// of ctype, the type found in the content. A name is shown to colleagues
// and opened by their computers, so it must not say more than it is:
//   - the directories of a path (/ or \) are dropped, as are bytes that
//     are not UTF-8;
//   - invisible characters are removed: controls, format characters (the
//     bidi overrides and isolates that turn "photo\u202Egpj.exe" into
//     "photoexe.jpg" on screen, zero-width spaces, byte-order marks), line
//     and paragraph separators, private-use characters, and double quotes;
//   - the extension given (after the last dot) is replaced by ctype's, so a
//     PNG sent as x.html is stored as x.png;
//   - spaces and dots around the base name are trimmed; a base with no
//     visible character left becomes "attachment";
//   - the base is cut to maxFilenameBase bytes, on a character boundary.
func attachmentFilename(name, ctype string) string {
	name = strings.ToValidUTF8(name, "")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if r == '"' || unicode.In(r, unicode.Cc, unicode.Cf, unicode.Co, unicode.Zl, unicode.Zp) {
			return -1
		}
		return r
	}, name)
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[:i]
	}
	trim := func(s string) string {
		return strings.TrimFunc(s, func(r rune) bool { return r == '.' || unicode.IsSpace(r) })
	}
	base := trim(name)
	base = trim(clip(base, maxFilenameBase))
	if !strings.ContainsFunc(base, func(r rune) bool { return unicode.In(r, unicode.L, unicode.N, unicode.P, unicode.S) }) {
		base = "attachment"
	}
	return base + typeExtensions[ctype]
}

// SafeFilename is attachmentFilename for other packages (the sealed report
// evidence names).
func SafeFilename(name, ctype string) string { return attachmentFilename(name, ctype) }

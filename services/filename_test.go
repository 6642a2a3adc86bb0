package services

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestAttachmentFilename(t *testing.T) {
	long := strings.Repeat("現", 300)
	for _, tc := range []struct{ name, ctype, want string }{
		{"現場照片.png", "image/png", "現場照片.png"},
		{"x.html", "image/png", "x.png"},
		{"IMG_0001.JPG", "image/jpeg", "IMG_0001.jpg"},
		{"scan", "application/pdf", "scan.pdf"},
		{"photo\u202Egpj.exe", "image/png", "photogpj.png"},
		{"a\u2066b\u2069c\u200Bd\u200Ee.jpg", "image/jpeg", "abcde.jpg"},
		{"bad\x00na\x1bme\x7f.pdf", "application/pdf", "badname.pdf"},
		{`C:\Users\me\Desktop\報告.pdf`, "application/pdf", "報告.pdf"},
		{"../../etc/passwd", "image/webp", "passwd.webp"},
		{`say "hi".heic`, "image/heic", "say hi.heic"},
		{"", "image/png", "attachment.png"},
		{".png", "image/png", "attachment.png"},
		{".htaccess", "image/jpeg", "attachment.jpg"},
		{"\u200B\u202E\uFEFF", "image/jpeg", "attachment.jpg"},
		{"  . .jpg", "image/jpeg", "attachment.jpg"},
		{"  會議紀錄 .pdf", "application/pdf", "會議紀錄.pdf"},
		{"a.tar.gz", "application/pdf", "a.tar.pdf"},
		{"\xff\xfeabc.png", "image/png", "abc.png"},
		{long + ".jpg", "image/jpeg", strings.Repeat("現", maxFilenameBase/3) + ".jpg"},
	} {
		got := attachmentFilename(tc.name, tc.ctype)
		if got != tc.want {
			t.Errorf("attachmentFilename(%q, %s) = %q, want %q", tc.name, tc.ctype, got, tc.want)
		}
		if !utf8.ValidString(got) || len(got) > 255 {
			t.Errorf("attachmentFilename(%q): %q is not valid UTF-8 of at most 255 bytes", tc.name, got)
		}
	}
}

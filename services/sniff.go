package services

import (
	"bytes"
)

// SniffLen is how many leading bytes SniffContentType needs.
const SniffLen = 32

// heicBrands are the ISO-BMFF major brands of HEIC/HEIF still images.
var heicBrands = map[string]bool{
	"heic": true, "heix": true, "heim": true, "heis": true, "hevc": true, "hevx": true,
	"mif1": true, "msf1": true,
}

// SniffContentType decides by magic bytes whether head (the first bytes of a
// file) is one of the types attachments allow: image/jpeg, image/png,
// image/webp, image/heic or application/pdf. It returns "" for anything else:
// the name and the client's Content-Type are never trusted.
func SniffContentType(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}):
		return "image/jpeg"
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png"
	case len(head) >= 12 && bytes.Equal(head[0:4], []byte("RIFF")) && bytes.Equal(head[8:12], []byte("WEBP")):
		return "image/webp"
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return "application/pdf"
	case len(head) >= 12 && bytes.Equal(head[4:8], []byte("ftyp")) && heicBrands[string(head[8:12])]:
		return "image/heic"
	}
	return ""
}

package reports

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// KeySize is the length of the reports key: AES-256.
const KeySize = 32

// sealVersion is the first byte of every sealed blob, so that a later
// format can be told apart.
const sealVersion = 1

// ErrUnsealable is returned by Open for a blob sealed under a key the
// Sealer does not hold, or one that was altered.
var ErrUnsealable = errors.New("reports: the sealed data cannot be opened with the configured key")

// ParseKey decodes ETHICSOPS_REPORTS_KEY: the standard base64 encoding of
// 32 random bytes.
func ParseKey(s string) ([]byte, error) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil || len(b) != KeySize {
		return nil, fmt.Errorf("the reports key must be the standard base64 encoding of %d random bytes (e.g. `openssl rand -base64 32`)", KeySize)
	}
	return b, nil
}

// KeyID names a key without revealing it: the first 8 bytes of the SHA-256
// of a domain-separated key, in hex. It is stored beside each sealed value
// so that a key rotation knows what is left to re-seal.
func KeyID(key []byte) string {
	h := sha256.Sum256(append([]byte("ethicsops reports key id\x00"), key...))
	return hex.EncodeToString(h[:8])
}

// Sealer encrypts and decrypts report content with AES-256-GCM under the
// current key; it also opens what older keys sealed while a rotation is
// under way.
type Sealer struct {
	current string // key id
	aeads   map[string]cipher.AEAD
}

// NewSealer builds a Sealer sealing under current and opening under
// current and any of previous.
func NewSealer(current []byte, previous ...[]byte) (*Sealer, error) {
	s := &Sealer{aeads: map[string]cipher.AEAD{}}
	for i, k := range append([][]byte{current}, previous...) {
		if len(k) != KeySize {
			return nil, fmt.Errorf("reports key %d: %d bytes, want %d", i, len(k), KeySize)
		}
		block, err := aes.NewCipher(k)
		if err != nil {
			return nil, err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		id := KeyID(k)
		if i == 0 {
			s.current = id
		}
		s.aeads[id] = aead
	}
	return s, nil
}

// KeyID is the id of the key the Sealer seals under.
func (s *Sealer) KeyID() string { return s.current }

// Seal encrypts plain, bound to aad (the id of the row or object and what
// the value is, so that a sealed value cannot be moved to another row or
// field): version byte, key id (8 bytes), nonce (12 bytes), ciphertext.
func (s *Sealer) Seal(plain, aad []byte) []byte {
	aead := s.aeads[s.current]
	id, _ := hex.DecodeString(s.current)
	out := make([]byte, 0, 1+len(id)+aead.NonceSize()+len(plain)+aead.Overhead())
	out = append(out, sealVersion)
	out = append(out, id...)
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	out = append(out, nonce...)
	return aead.Seal(out, nonce, plain, aad)
}

// Open decrypts what Seal made with the same aad. Errors: ErrUnsealable.
func (s *Sealer) Open(sealed, aad []byte) ([]byte, error) {
	id, ok := SealedKeyID(sealed)
	if !ok {
		return nil, ErrUnsealable
	}
	aead := s.aeads[id]
	if aead == nil {
		return nil, ErrUnsealable
	}
	body := sealed[9:]
	if len(body) < aead.NonceSize()+aead.Overhead() {
		return nil, ErrUnsealable
	}
	plain, err := aead.Open(nil, body[:aead.NonceSize()], body[aead.NonceSize():], aad)
	if err != nil {
		return nil, ErrUnsealable
	}
	return plain, nil
}

// SealedKeyID is the id of the key a sealed value was sealed under.
func SealedKeyID(sealed []byte) (string, bool) {
	if len(sealed) < 9 || sealed[0] != sealVersion {
		return "", false
	}
	return hex.EncodeToString(sealed[1:9]), true
}

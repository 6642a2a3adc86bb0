package reports

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"testing"
)

func newKey(t *testing.T) []byte {
	t.Helper()
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSealerRoundTripAndBinding(t *testing.T) {
	k := newKey(t)
	s, err := NewSealer(k)
	if err != nil {
		t.Fatal(err)
	}
	plain := []byte("承辦人收受廠商招待")
	sealed := s.Seal(plain, []byte("report:1:content"))
	if bytes.Contains(sealed, plain) {
		t.Fatal("the plaintext is in the sealed value")
	}
	got, err := s.Open(sealed, []byte("report:1:content"))
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("open: %q %v", got, err)
	}
	if _, err := s.Open(sealed, []byte("report:2:content")); !errors.Is(err, ErrUnsealable) {
		t.Fatalf("opened under another row's aad: %v", err)
	}
	sealed[len(sealed)-1] ^= 1
	if _, err := s.Open(sealed, []byte("report:1:content")); !errors.Is(err, ErrUnsealable) {
		t.Fatalf("opened an altered value: %v", err)
	}
}

func TestSealerRotation(t *testing.T) {
	old, cur := newKey(t), newKey(t)
	before, _ := NewSealer(old)
	sealed := before.Seal([]byte("x"), nil)
	after, err := NewSealer(cur, old)
	if err != nil {
		t.Fatal(err)
	}
	if id, _ := SealedKeyID(sealed); id != KeyID(old) || after.KeyID() != KeyID(cur) {
		t.Fatal("key ids do not name the keys")
	}
	if got, err := after.Open(sealed, nil); err != nil || string(got) != "x" {
		t.Fatalf("the new sealer cannot open the old key's value: %v", err)
	}
	alone, _ := NewSealer(cur)
	if _, err := alone.Open(sealed, nil); !errors.Is(err, ErrUnsealable) {
		t.Fatalf("opened without the old key: %v", err)
	}
}

func TestParseKey(t *testing.T) {
	k := newKey(t)
	if got, err := ParseKey(base64.StdEncoding.EncodeToString(k)); err != nil || !bytes.Equal(got, k) {
		t.Fatalf("ParseKey: %v", err)
	}
	for _, bad := range []string{"", "abc", base64.StdEncoding.EncodeToString(k[:16]), base64.RawURLEncoding.EncodeToString(append(k, 0xff))} {
		if _, err := ParseKey(bad); err == nil {
			t.Errorf("ParseKey(%q) accepted", bad)
		}
	}
}

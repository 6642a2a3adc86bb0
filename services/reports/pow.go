package reports

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"strconv"
	"time"

	"gorm.io/gorm"

	"ethicsops/models"
	"ethicsops/services"
)

// Proof of work (README: the public intake). A client asks for a challenge,
// finds a decimal nonce such that SHA-256(challenge ":" nonce) begins with
// the challenge's difficulty in zero bits, and sends both with its report.
// It costs a phone about a second and a flood of reports as many seconds,
// without a third-party captcha that would tell another company who
// reports.
//
// A challenge is opaque to the client and stateless for the server:
//
//	version 1 ‖ difficulty (1 byte) ‖ 16 random bytes ‖ expiry (Unix seconds, 8 bytes) ‖ HMAC-SHA256(pow key, the above)[:16]
//
// in base64url without padding; the pow key is derived from the reports
// key, so any server of a cluster accepts any server's challenges. A spent
// challenge is recorded (report_challenges) until it expires, in the
// transaction of the report it carried, so no server accepts it twice.
const (
	// ChallengeTTL is how long a challenge may be used.
	ChallengeTTL     = 10 * time.Minute
	challengeVersion = 1
	challengeLen     = 1 + 1 + 16 + 8 + 16
	// MaxPowBits bounds ETHICSOPS_REPORTS_POW_BITS (2^28 hashes is minutes
	// on a phone).
	MaxPowBits = 28
	// maxNonceLen bounds the nonce: decimal digits, up to 20.
	maxNonceLen = 20
)

// Challenge is what GET /reports/challenge answers.
type Challenge struct {
	Challenge  string
	Difficulty int
	ExpiresAt  time.Time
}

// Proof is a challenge and the nonce found for it.
type Proof struct {
	Challenge string
	Nonce     string
}

// derive is a key for one purpose, derived from a reports key.
func derive(key []byte, purpose string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("ethicsops reports\x00" + purpose))
	return m.Sum(nil)
}

// keys are the current reports key and the previous ones.
func (s *Service) keys() [][]byte { return append([][]byte{s.opts.Key}, s.opts.PreviousKeys...) }

// NewChallenge makes a challenge of the configured difficulty.
func (s *Service) NewChallenge(ctx context.Context) Challenge {
	s.maybeSweep(ctx)
	bits := min(max(s.opts.PowBits, 0), MaxPowBits)
	exp := s.now().Add(ChallengeTTL).Truncate(time.Second)
	b := make([]byte, 0, challengeLen)
	b = append(b, challengeVersion, byte(bits))
	r := make([]byte, 16)
	if _, err := rand.Read(r); err != nil {
		panic(err)
	}
	b = append(b, r...)
	b = binary.BigEndian.AppendUint64(b, uint64(exp.Unix()))
	b = append(b, challengeMAC(s.opts.Key, b)...)
	return Challenge{Challenge: base64.RawURLEncoding.EncodeToString(b), Difficulty: bits, ExpiresAt: exp}
}

func challengeMAC(key, body []byte) []byte {
	m := hmac.New(sha256.New, derive(key, "pow"))
	m.Write(body)
	return m.Sum(nil)[:16]
}

// powInvalid is the 422 of a missing, wrong, expired or spent proof.
func powInvalid(problem string) error { return services.Invalid("pow", problem) }

// checkProof verifies p: made by a server of this installation, not
// expired, and solved. It returns the id of its spent-challenge row and
// when it expires. It does not say whether it was spent (the intake's
// transaction does).
func (s *Service) checkProof(p *Proof) (id string, expires time.Time, err error) {
	if p == nil || p.Challenge == "" || p.Nonce == "" {
		return "", time.Time{}, powInvalid("required: get a challenge from GET /api/v1/reports/challenge and send its proof")
	}
	b, derr := base64.RawURLEncoding.DecodeString(p.Challenge)
	if derr != nil || len(b) != challengeLen || b[0] != challengeVersion {
		return "", time.Time{}, powInvalid("not a challenge of this server")
	}
	body, mac := b[:challengeLen-16], b[challengeLen-16:]
	ok := false
	for _, k := range s.keys() {
		ok = ok || hmac.Equal(mac, challengeMAC(k, body))
	}
	if !ok {
		return "", time.Time{}, powInvalid("not a challenge of this server")
	}
	expires = time.Unix(int64(binary.BigEndian.Uint64(b[18:26])), 0)
	if !s.now().Before(expires) {
		return "", time.Time{}, powInvalid("the challenge expired; get a new one")
	}
	if len(p.Nonce) > maxNonceLen || !allDigits(p.Nonce) {
		return "", time.Time{}, powInvalid("the nonce must be decimal digits, at most 20")
	}
	if !Solves(p.Challenge, p.Nonce, int(b[1])) {
		return "", time.Time{}, powInvalid("the nonce does not solve the challenge")
	}
	sum := sha256.Sum256([]byte(p.Challenge))
	return hex.EncodeToString(sum[:]), expires, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// Solves reports whether SHA-256(challenge ":" nonce) begins with bits
// zero bits (the most significant bit of the first byte first).
func Solves(challenge, nonce string, bits int) bool {
	h := sha256.Sum256([]byte(challenge + ":" + nonce))
	for i := 0; i < bits; i++ {
		if h[i/8]&(0x80>>(i%8)) != 0 {
			return false
		}
	}
	return true
}

// Solve finds the smallest nonce solving challenge at bits: what a client
// does (the web client does the same in JavaScript). The demo and the
// tests use it.
func Solve(challenge string, bits int) string {
	for n := uint64(0); ; n++ {
		nonce := strconv.FormatUint(n, 10)
		if Solves(challenge, nonce, bits) {
			return nonce
		}
	}
}

// replaySeal seals what a replay of proof p must find: the receipt given
// and the hash of the report (and nothing else), under a key derived from
// the challenge, the nonce and the reports key.
func (s *Service) replaySeal(p *Proof, id, receipt string, contentHash []byte) ([]byte, error) {
	return sealReplay(replayKey(s.opts.Key, p), []byte(id), receipt, contentHash)
}

// replayOpen opens what replaySeal sealed: the receipt and the report hash.
func (s *Service) replayOpen(p *Proof, id string, sealed []byte) (receipt string, contentHash []byte, ok bool) {
	for _, k := range s.keys() {
		if receipt, contentHash, ok = openReplay(replayKey(k, p), []byte(id), sealed); ok {
			return receipt, contentHash, true
		}
	}
	return "", nil, false
}

func replayKey(key []byte, p *Proof) []byte {
	m := hmac.New(sha256.New, derive(key, "replay"))
	m.Write([]byte(p.Challenge + ":" + p.Nonce))
	return m.Sum(nil)
}

// sealReplay seals a receipt and the hash of its report under key, a key
// made for this one replay, bound to aad: what a client that lost the answer
// gets back by sending the same report again. The public intake keys it by
// the proof, a handler's recording by the handler and the client id.
func sealReplay(key, aad []byte, receipt string, contentHash []byte) ([]byte, error) {
	aead, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	plain := append([]byte(receipt), contentHash...)
	return aead.Seal(nonce, nonce, plain, aad), nil
}

// openReplay opens what sealReplay sealed under key and aad.
func openReplay(key, aad, sealed []byte) (receipt string, contentHash []byte, ok bool) {
	aead, err := newGCM(key)
	if err != nil || len(sealed) < aead.NonceSize() {
		return "", nil, false
	}
	plain, err := aead.Open(nil, sealed[:aead.NonceSize()], sealed[aead.NonceSize():], aad)
	if err != nil || len(plain) != ReceiptDigits+sha256.Size {
		return "", nil, false
	}
	return string(plain[:ReceiptDigits]), plain[ReceiptDigits:], true
}

// replay answers a proof already spent: the same receipt when the report is
// the same, else a 422 (spent).
func (s *Service) replay(ctx context.Context, p *Proof, id string, contentHash []byte) (string, error) {
	var row models.ReportChallenge
	err := s.db.WithContext(ctx).Where("id = ? AND expires_at > ?", id, s.now()).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	receipt, h, ok := s.replayOpen(p, id, row.Sealed)
	if !ok || !hmac.Equal(h, contentHash) {
		return "", powInvalid("the challenge was already used; get a new one")
	}
	return receipt, nil
}

// maybeSweep deletes expired challenges and throttle windows, at most once
// a minute per process.
func (s *Service) maybeSweep(ctx context.Context) {
	now := s.now()
	s.pub.mu.Lock()
	due := now.Sub(s.pub.swept) >= time.Minute
	if due {
		s.pub.swept = now
	}
	s.pub.mu.Unlock()
	if due {
		_ = s.Sweep(ctx)
	}
}

// Sweep deletes the spent challenges and the throttle windows that have
// expired, and forgets the receipts of handlers' recordings kept past
// their replay time (the rows stay: their client ids stay spent).
func (s *Service) Sweep(ctx context.Context) error {
	now := s.now()
	db := s.db.WithContext(ctx)
	if err := db.Where("expires_at <= ?", now).Delete(&models.ReportChallenge{}).Error; err != nil {
		return err
	}
	if err := db.Model(&models.ReportIntake{}).Where("replay_until <= ? AND sealed IS NOT NULL", now).Update("sealed", nil).Error; err != nil {
		return err
	}
	return db.Where("expires_at <= ?", now).Delete(&models.ReportThrottle{}).Error
}

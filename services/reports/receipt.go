package reports

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"math/big"
	"sync"
	"time"

	"golang.org/x/crypto/scrypt"
	"gorm.io/gorm/clause"

	"ethicsops/models"
	"ethicsops/services"
)

// A receipt is 16 decimal digits drawn uniformly (10^16 values, about 53
// bits): short enough to write down from a phone's screen, and with the
// throttles of throttle.go far beyond a brute-force search (README).
const ReceiptDigits = 16

// receiptSpace is 10^16.
var receiptSpace = new(big.Int).Exp(big.NewInt(10), big.NewInt(ReceiptDigits), nil)

// scrypt parameters of the receipt hash: N=2^15, r=8, p=1 (32 MiB and
// some 50–100 ms a hash). A stolen database then costs its thief that much
// per guess of each of the 10^16 receipts.
const (
	scryptN      = 1 << 15
	scryptR      = 8
	scryptP      = 1
	receiptKeyID = "receipt_salt"
	// hashWait is how long a receipt hash waits for a free slot before the
	// request is answered 503 with Retry-After.
	hashWait = 2 * time.Second
)

// publicState is what the public side keeps in memory: the receipt salt
// once read, and the slots bounding the scrypt computations at once (each
// takes 32 MiB).
type publicState struct {
	mu    sync.Mutex
	salt  []byte
	slots chan struct{}
	// swept is when this process last deleted expired rows.
	swept time.Time
}

func newPublicState() publicState {
	return publicState{slots: make(chan struct{}, services.DefaultHashSlots())}
}

// newReceipt draws a receipt: 16 decimal digits, uniform over 10^16
// (crypto/rand.Int rejects the draws above the range: no modulo bias).
func newReceipt() string {
	n, err := rand.Int(rand.Reader, receiptSpace)
	if err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return fmt.Sprintf("%0*d", ReceiptDigits, n)
}

// validReceipt reports whether r has the form of a receipt.
func validReceipt(r string) bool {
	if len(r) != ReceiptDigits {
		return false
	}
	for i := 0; i < len(r); i++ {
		if r[i] < '0' || r[i] > '9' {
			return false
		}
	}
	return true
}

// hashReceipt is the stored form of a receipt: scrypt under the
// installation's salt, hex. It is deterministic (the unique index on
// reports.receipt_hash finds a report with one lookup) and does not depend
// on the reports key, so a key rotation leaves the receipts valid.
func (s *Service) hashReceipt(ctx context.Context, receipt string) (string, error) {
	salt, err := s.receiptSalt(ctx)
	if err != nil {
		return "", err
	}
	t := time.NewTimer(hashWait)
	defer t.Stop()
	select {
	case s.pub.slots <- struct{}{}:
	case <-t.C:
		return "", &services.Error{Code: services.CodeUnavailable, Message: "the server is busy; try again in a moment", RetryAfter: hashWait}
	case <-ctx.Done():
		return "", ctx.Err()
	}
	defer func() { <-s.pub.slots }()
	h, err := scrypt.Key([]byte(receipt), salt, scryptN, scryptR, scryptP, 32)
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h), nil
}

// receiptSalt is the installation's receipt salt (32 random bytes in
// report_secrets), made by the first server that needs it.
func (s *Service) receiptSalt(ctx context.Context) ([]byte, error) {
	s.pub.mu.Lock()
	defer s.pub.mu.Unlock()
	if s.pub.salt != nil {
		return s.pub.salt, nil
	}
	v, err := s.installSecret(ctx, receiptKeyID)
	if err != nil {
		return nil, err
	}
	s.pub.salt = v
	return v, nil
}

// installSecret reads the secret name of report_secrets, inserting 32
// random bytes first when there is none (two servers racing: the first
// insert wins and both read it).
func (s *Service) installSecret(ctx context.Context, name string) ([]byte, error) {
	v := make([]byte, 32)
	if _, err := rand.Read(v); err != nil {
		return nil, err
	}
	db := s.db.WithContext(ctx)
	row := models.ReportSecret{Name: name, Value: v, CreatedAt: s.now()}
	if err := db.Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error; err != nil {
		return nil, err
	}
	var got models.ReportSecret
	if err := db.Where("name = ?", name).Take(&got).Error; err != nil {
		return nil, err
	}
	return got.Value, nil
}

package reports

import (
	"context"
	"errors"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
	"gorm.io/gorm"

	"ethicsops/models"
	"ethicsops/services"
)

// A reporter follows their report up with its receipt alone: POST
// /reports/access exchanges it for a short access token scoped to that one
// report. The token is a JWT (HS256) of its own audience, signed with a key
// derived from the reports key: the staff's authentication (another
// audience, the JWT secret) refuses it, and the reporter routes refuse
// staff tokens.
const (
	// ReporterAudience is the audience of a reporter's token.
	ReporterAudience = "ethicsops-report"
	reporterIssuer   = "ethicsops"
	// ReporterTTL is how long a reporter's token lasts.
	ReporterTTL = 30 * time.Minute
)

// AccessToken is the answer to a right receipt.
type AccessToken struct {
	Token     string
	ExpiresIn int // seconds
}

// errWrongReceipt is the one answer to a receipt that opens nothing,
// whether or not it is well formed.
var errWrongReceipt = services.E(services.CodeUnauthenticated, "this receipt opens no report; check the 16 digits")

// Access exchanges a receipt for a reporter's token. Every attempt is
// counted (per address and globally) before the receipt is hashed; a right
// one gives its count back, so the limits count wrong receipts.
// Errors: unauthenticated (wrong receipt), too_many_requests, unavailable.
func (s *Service) Access(ctx context.Context, receipt string) (AccessToken, error) {
	keys, err := s.reserve(ctx, kindAccess)
	if err != nil {
		return AccessToken{}, err
	}
	if !validReceipt(receipt) {
		return AccessToken{}, errWrongReceipt
	}
	hash, err := s.hashReceipt(ctx, receipt)
	if err != nil {
		s.release(ctx, keys)
		return AccessToken{}, err
	}
	var rep models.Report
	err = s.db.WithContext(ctx).Select("id").Where("receipt_hash = ?", hash).Take(&rep).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return AccessToken{}, errWrongReceipt
	}
	if err != nil {
		s.release(ctx, keys)
		return AccessToken{}, err
	}
	s.release(ctx, keys)
	now := s.now()
	claims := jwt.RegisteredClaims{
		Subject: rep.ID, Issuer: reporterIssuer, Audience: jwt.ClaimStrings{ReporterAudience},
		IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(ReporterTTL)), ID: uuid.NewString(),
	}
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(derive(s.opts.Key, "reporter token"))
	if err != nil {
		return AccessToken{}, err
	}
	return AccessToken{Token: tok, ExpiresIn: int(ReporterTTL / time.Second)}, nil
}

// Reporter checks a reporter's token and returns the id of its report.
// Errors: unauthenticated.
func (s *Service) Reporter(ctx context.Context, token string) (string, error) {
	now := s.now()
	for _, k := range s.keys() {
		claims := &jwt.RegisteredClaims{}
		_, err := jwt.NewParser(
			jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
			jwt.WithExpirationRequired(),
			jwt.WithIssuer(reporterIssuer),
			jwt.WithAudience(ReporterAudience),
			jwt.WithTimeFunc(func() time.Time { return now }),
		).ParseWithClaims(token, claims, func(*jwt.Token) (any, error) { return derive(k, "reporter token"), nil })
		if err == nil && claims.Subject != "" {
			var n int64
			if err := s.db.WithContext(ctx).Model(&models.Report{}).Where("id = ?", claims.Subject).Count(&n).Error; err != nil {
				return "", err
			}
			if n == 1 {
				return claims.Subject, nil
			}
		}
	}
	return "", services.E(services.CodeUnauthenticated, "invalid or expired report access token; enter the receipt again")
}

package api

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/crypto/bcrypt"

	"ethicsops/services"
)

// TestRequestCarriesClientAddr: the services see the client's address as the
// router determines it (X-Forwarded-For only from a trusted proxy), which is
// what the password-hash gate takes turns by.
func TestRequestCarriesClientAddr(t *testing.T) {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	if err := r.SetTrustedProxies([]string{"192.0.2.0/24"}); err != nil {
		t.Fatal(err)
	}
	var got string
	r.Use(withRequestID())
	r.GET("/", func(c *gin.Context) { got = services.ClientAddr(c.Request.Context()) })
	for _, tc := range []struct{ remote, xff, want string }{
		{"192.0.2.1:1234", "198.51.100.7", "198.51.100.7"},  // through the trusted proxy
		{"203.0.113.9:1234", "198.51.100.7", "203.0.113.9"}, // a client claiming another address
	} {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.RemoteAddr = tc.remote
		req.Header.Set("X-Forwarded-For", tc.xff)
		r.ServeHTTP(httptest.NewRecorder(), req)
		if got != tc.want {
			t.Errorf("from %s with X-Forwarded-For %s: services see %q, want %q", tc.remote, tc.xff, got, tc.want)
		}
	}
}

// Behind a trusted proxy sign-ins are paced by the address the proxy names;
// a client that claims another address is paced by its own.
func TestSignInsArePacedByClientAddr(t *testing.T) {
	gin.SetMode(gin.ReleaseMode)
	gate := services.NewAddressGate(services.GateLimits{Burst: 1, Interval: time.Hour, Wait: time.Millisecond})
	svc := services.New(nil, services.Options{BcryptCost: bcrypt.MinCost, SignInGate: gate})
	r := gin.New()
	if err := r.SetTrustedProxies([]string{"192.0.2.0/24"}); err != nil {
		t.Fatal(err)
	}
	r.Use(withRequestID())
	r.POST("/login", paceSignIns(svc.Auth), func(c *gin.Context) { c.Status(http.StatusNoContent) })
	for i, tc := range []struct {
		remote, xff string
		want        int
	}{
		{"192.0.2.1:1234", "198.51.100.7", http.StatusNoContent},
		{"192.0.2.2:1234", "198.51.100.7", http.StatusTooManyRequests},    // the same client through another proxy
		{"192.0.2.1:1234", "198.51.100.8", http.StatusNoContent},          // another client through the proxy
		{"203.0.113.9:1234", "198.51.100.9", http.StatusNoContent},        // counted as 203.0.113.9
		{"203.0.113.9:1234", "198.51.100.10", http.StatusTooManyRequests}, // a new claim is still 203.0.113.9
	} {
		req := httptest.NewRequest(http.MethodPost, "/login", nil)
		req.RemoteAddr = tc.remote
		req.Header.Set("X-Forwarded-For", tc.xff)
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		if w.Code != tc.want {
			t.Errorf("request %d from %s with X-Forwarded-For %s: %d, want %d", i+1, tc.remote, tc.xff, w.Code, tc.want)
		}
	}
}

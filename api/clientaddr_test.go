package api

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"

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

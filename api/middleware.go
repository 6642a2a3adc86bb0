package api

import (
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"ethicsops/handlers"
	"ethicsops/models"
	"ethicsops/services"
)

const requestIDKey = "ethicsops.request_id"

// MaxJSONBody is the largest JSON body accepted (SPEC.md: 1 MiB).
const MaxJSONBody = 1 << 20

// MaxImportBody is the largest roster CSV upload: the file's own limit plus
// room for the multipart headers around it.
const MaxImportBody = services.MaxImportBytes + 64<<10

// MaxUploadBody is the largest multipart upload body: the 15 MiB file plus
// room for the multipart headers and boundaries.
const MaxUploadBody = services.MaxAttachmentSize + 64<<10

var requestIDRe = regexp.MustCompile(`^[A-Za-z0-9._-]{8,64}$`)

// withRequestID takes a well-formed X-Request-ID from the client (so a phone
// can correlate its retries) or makes one, and echoes it on the response.
// The request's context carries the id and the client's address.
func withRequestID() gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader("X-Request-ID")
		if !requestIDRe.MatchString(id) {
			id = uuid.Must(uuid.NewV7()).String()
		}
		c.Set(requestIDKey, id)
		c.Header("X-Request-ID", id)
		ctx := services.WithRequestID(c.Request.Context(), id)
		c.Request = c.Request.WithContext(services.WithClientAddr(ctx, c.ClientIP()))
		c.Next()
	}
}

func requestID(c *gin.Context) string { return c.GetString(requestIDKey) }

// logRequests writes one structured line per request: never the query
// string, headers or body, which may carry tokens or personal data.
func logRequests(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		level := slog.LevelInfo
		if c.Writer.Status() >= 500 {
			level = slog.LevelError
		}
		if !log.Enabled(c.Request.Context(), level) {
			return
		}
		route := c.FullPath()
		if route == "" {
			route = "(no route)"
		}
		attrs := []any{
			"request_id", requestID(c), "method", c.Request.Method, "path", route,
			"status", c.Writer.Status(), "duration_ms", float64(time.Since(start).Microseconds()) / 1000,
			"bytes", c.Writer.Size(),
		}
		if !unlogged(route) {
			attrs = append(attrs, "client_ip", c.ClientIP())
		}
		if a, ok := c.Get(handlers.ActorKey); ok {
			attrs = append(attrs, "user_id", a.(services.Actor).UserID)
		}
		log.Log(c.Request.Context(), level, "request", attrs...)
	}
}

// recoverPanics turns a panic into a 500 in the envelope, logged with the
// request id and the stack; the client sees nothing internal.
func recoverPanics(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if r := recover(); r != nil {
				if r == http.ErrAbortHandler {
					panic(r)
				}
				log.Error("panic", "request_id", requestID(c), "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
				writeError(c, log, fmt.Errorf("panic: %v", r))
			}
		}()
		c.Next()
	}
}

// securityHeaders sets the headers every API answer carries.
func securityHeaders() gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.Writer.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		switch p := c.Request.URL.Path; {
		case strings.HasPrefix(p, "/api/"):
			h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
			h.Set("Cache-Control", "no-store")
		case strings.HasPrefix(p, "/swagger/"):
			h.Set("Content-Security-Policy", SwaggerCSP)
		}
		c.Next()
	}
}

// cors allows browser calls from the configured origins only.
func cors(origins []string) gin.HandlerFunc {
	allowed := map[string]bool{}
	for _, o := range origins {
		allowed[strings.TrimRight(o, "/")] = true
	}
	return func(c *gin.Context) {
		origin := c.GetHeader("Origin")
		if origin == "" {
			c.Next()
			return
		}
		c.Header("Vary", "Origin")
		if !allowed[origin] {
			if c.Request.Method == http.MethodOptions {
				c.AbortWithStatus(http.StatusForbidden)
				return
			}
			c.Next()
			return
		}
		h := c.Writer.Header()
		h.Set("Access-Control-Allow-Origin", origin)
		h.Set("Access-Control-Expose-Headers", "X-Request-ID, Retry-After, Content-Disposition")
		if c.Request.Method == http.MethodOptions {
			h.Set("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE")
			h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Request-ID")
			h.Set("Access-Control-Max-Age", "600")
			c.AbortWithStatus(http.StatusNoContent)
			return
		}
		c.Next()
	}
}

// limitBody caps the request body; handlers see *http.MaxBytesError past it.
func limitBody(n int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.ContentLength > n {
			writeError(c, nil, services.E(services.CodeTooLarge, "the body is larger than %d bytes", n))
			return
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, n)
		c.Next()
	}
}

// paceSignIns holds each sign-in until its client address's turn, or
// refuses it with 429 and Retry-After, before its body is read: a flood from
// one address gets few turns and costs next to nothing while it waits.
func paceSignIns(auth *services.AuthService) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := auth.PaceSignIn(c.Request.Context()); err != nil {
			writeError(c, nil, err)
			return
		}
		c.Next()
	}
}

// authenticate requires a valid bearer token. Pending accounts pass only
// where allowPending is true (their own status); everywhere else they get 403.
func authenticate(auth *services.AuthService, allowPending bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.GetHeader("Authorization")
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || token == "" {
			c.Header("WWW-Authenticate", `Bearer realm="ethicsops"`)
			writeError(c, nil, services.E(services.CodeUnauthenticated, "send an access token: Authorization: Bearer <token>"))
			return
		}
		a, err := auth.Authenticate(c.Request.Context(), token)
		if err != nil {
			if de, ok := services.AsError(err); ok && de.Code == services.CodeUnauthenticated {
				c.Header("WWW-Authenticate", `Bearer realm="ethicsops", error="invalid_token"`)
			}
			_ = c.Error(err)
			c.Abort()
			return
		}
		c.Set(handlers.ActorKey, a)
		if a.Status == models.StatusPending && !allowPending {
			writeError(c, nil, services.Forbidden("your account is waiting for a manager's approval"))
			return
		}
		c.Next()
	}
}

// roles lets through only actors with one of the given roles.
func roles(allowed ...string) gin.HandlerFunc {
	return func(c *gin.Context) {
		a, _ := c.Get(handlers.ActorKey)
		if act, ok := a.(services.Actor); ok && act.Is(allowed...) {
			c.Next()
			return
		}
		writeError(c, nil, services.Forbidden("your role may not do this"))
	}
}

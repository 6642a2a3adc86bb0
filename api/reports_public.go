package api

import (
	"strings"

	"github.com/gin-gonic/gin"

	"ethicsops/handlers"
	"ethicsops/services"
)

// MaxReportBody is the largest body of POST /reports: the report's JSON
// (1 MiB) and five files of 15 MiB with their multipart framing. A JSON
// body is held to 1 MiB by the handler.
const MaxReportBody = 5*services.MaxAttachmentSize + 1<<20 + 64<<10

// publicReportsPrefix is where the whistle-blowing routes live: their
// request logs carry no client address (logRequests).
const publicReportsPrefix = "/api/v1/reports"

// unlogged reports whether the request log of route must not name the
// client's address: the whistle-blowing routes, where an address could
// name a reporter.
func unlogged(route string) bool { return strings.HasPrefix(route, publicReportsPrefix) }

// noStore keeps the answers of the public report routes out of every cache
// (the browser's, a shared computer's, a proxy's): a receipt or a report
// must not outlive the page that showed it.
func noStore() gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Header("Cache-Control", "no-store")
		c.Header("Pragma", "no-cache")
		c.Next()
	}
}

// reporterAuth requires a reporter's token (POST /reports/access) and puts
// its report id in the context. Staff tokens are refused (another audience
// and key), as reporter tokens are by authenticate.
func reporterAuth(h *handlers.Handler) gin.HandlerFunc {
	return func(c *gin.Context) {
		token, ok := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
		if !ok || token == "" {
			c.Header("WWW-Authenticate", `Bearer realm="ethicsops-report"`)
			writeError(c, nil, services.E(services.CodeUnauthenticated, "send the report access token: Authorization: Bearer <token>"))
			return
		}
		id, err := h.Reports.Reporter(c.Request.Context(), token)
		if err != nil {
			if de, ok := services.AsError(err); ok && de.Code == services.CodeUnauthenticated {
				c.Header("WWW-Authenticate", `Bearer realm="ethicsops-report", error="invalid_token"`)
			}
			_ = c.Error(err)
			c.Abort()
			return
		}
		c.Set(handlers.ReporterKey, id)
		c.Next()
	}
}

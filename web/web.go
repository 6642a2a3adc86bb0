// Package web is the mobile web client of ethicsops: plain JavaScript modules
// and CSS embedded in the binary and served at / with a strict
// Content-Security-Policy. It has no build step.
package web

import (
	"embed"
	"io/fs"
	"net/http"

	"github.com/gin-gonic/gin"
)

//go:embed static
var files embed.FS

// CSP is the Content-Security-Policy of the client's pages and files: only
// this origin's scripts, styles and API; images also from blob: and data:
// (photos chosen on the phone, before they are uploaded).
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; " +
	"img-src 'self' blob: data:; manifest-src 'self'; worker-src 'self'; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// Static is the embedded static tree (index.html, js/, css/, sw.js…).
func Static() fs.FS {
	sub, err := fs.Sub(files, "static")
	if err != nil {
		panic(err) // the embed pattern guarantees the directory
	}
	return sub
}

// Register serves the client: the page at /, its service worker at /sw.js
// (at the root, so that its scope is the whole client) and the other files
// under /static/. Unknown paths are left to the router's NoRoute.
func Register(r *gin.Engine) {
	static := Static()
	fileServer := http.StripPrefix("/static", http.FileServer(http.FS(static)))
	r.GET("/", headers, func(c *gin.Context) { serveFile(c, static, "index.html", "text/html; charset=utf-8") })
	r.HEAD("/", headers, func(c *gin.Context) { serveFile(c, static, "index.html", "text/html; charset=utf-8") })
	r.GET("/sw.js", headers, func(c *gin.Context) { serveFile(c, static, "sw.js", "text/javascript; charset=utf-8") })
	r.GET("/static/*path", headers, func(c *gin.Context) {
		if c.Param("path") == "/" || c.Param("path") == "/index.html" {
			c.Redirect(http.StatusMovedPermanently, "/")
			return
		}
		if _, err := fs.Stat(static, c.Param("path")[1:]); err != nil {
			c.Header("Content-Type", "text/plain; charset=utf-8")
			c.String(http.StatusNotFound, "not found")
			return
		}
		fileServer.ServeHTTP(c.Writer, c.Request)
	})
}

// headers sets the policy for every file of the client. The files are not
// fingerprinted, so browsers revalidate them on each load.
func headers(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", CSP)
	h.Set("Cache-Control", "no-cache")
	h.Set("Permissions-Policy", "geolocation=(self), camera=(self)")
	c.Next()
}

func serveFile(c *gin.Context, static fs.FS, name, contentType string) {
	b, err := fs.ReadFile(static, name)
	if err != nil {
		c.String(http.StatusNotFound, "not found")
		return
	}
	c.Data(http.StatusOK, contentType, b)
}

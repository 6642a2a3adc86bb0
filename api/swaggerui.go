package api

import (
	"context"
	"embed"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"strings"

	"github.com/gin-gonic/gin"
	swaggerFiles "github.com/swaggo/files/v2"
	ginSwagger "github.com/swaggo/gin-swagger"
	"golang.org/x/net/webdav"

	_ "ethicsops/docs" // registers the Swagger document served at /swagger/doc.json
	"ethicsops/services"
)

// SwaggerCSP is the Content-Security-Policy of everything under /swagger/.
// The Swagger UI runs on the web client's origin, where the client keeps its
// tokens in localStorage: a script injected into the UI (through a crafted
// document, or a compromised asset) could read them. So the UI may run only
// its own files from this server — no inline script or style (its page is
// ours, see swaggerui/index.html) — talk only to this server's API, and
// show images from here or data: URIs (its stylesheet's icons). The one
// hash lets through the one <style> element the UI writes itself (the
// colours of its logo, in swagger-ui-standalone-preset.js; a test checks
// the hash against the embedded file), and nothing else inline.
const SwaggerCSP = "default-src 'none'; script-src 'self'; style-src 'self' '" + swaggerLogoStyleHash + "'; " +
	"img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// swaggerLogoStyleHash is the CSP hash of the logo's <style> element.
const swaggerLogoStyleHash = "sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w="

// swaggerPage is the UI's page and stylesheet: gin-swagger's, with the icon
// sprite's inline style attribute moved into index.css.
//
//go:embed swaggerui/index.html swaggerui/index.css
var swaggerPage embed.FS

// swaggerUI serves /swagger/*: the document (doc.json) always, the UI when
// enabled (404 otherwise). gin-swagger serves the UI's script files; the
// page and its stylesheet are ours.
func swaggerUI(enabled bool, log *slog.Logger) gin.HandlerFunc {
	files := ginSwagger.WrapHandler(swaggerUIHandler())
	page, _ := swaggerPage.ReadFile("swaggerui/index.html")
	css, _ := swaggerPage.ReadFile("swaggerui/index.css")
	return func(c *gin.Context) {
		switch name := c.Param("any"); {
		case name == "/doc.json":
			files(c)
		case !enabled:
			writeError(c, log, services.NotFound("route"))
		case name == "/index.html":
			c.Data(http.StatusOK, "text/html; charset=utf-8", page)
		case name == "/index.css":
			c.Data(http.StatusOK, "text/css; charset=utf-8", css)
		default:
			files(c)
		}
	}
}

// The Swagger UI's files (about 9 MiB of JavaScript and source maps) are
// served from swaggo/files/v2's embed.FS: read-only data in the binary,
// paged in only when someone opens /swagger. swaggo/files v1, which
// gin-swagger's examples use, copies every file into an in-memory file
// system at start-up, which kept 9 MiB on the heap of every server — a third
// of the memory budget, and a heap the garbage collector had to walk under
// load. gin-swagger takes a *webdav.Handler, so embedFS adapts the embed.FS
// to webdav's read-only needs.

func swaggerUIHandler() *webdav.Handler {
	return &webdav.Handler{FileSystem: embedFS{swaggerFiles.FS}, LockSystem: webdav.NewMemLS()}
}

// embedFS is a read-only webdav.FileSystem over an fs.FS.
type embedFS struct{ fsys fs.FS }

var errReadOnly = errors.New("read-only file system")

func (e embedFS) name(name string) string {
	name = strings.Trim(name, "/")
	if name == "" {
		return "."
	}
	return name
}

func (e embedFS) Mkdir(context.Context, string, os.FileMode) error { return errReadOnly }
func (e embedFS) RemoveAll(context.Context, string) error          { return errReadOnly }
func (e embedFS) Rename(context.Context, string, string) error     { return errReadOnly }

func (e embedFS) Stat(_ context.Context, name string) (os.FileInfo, error) {
	return fs.Stat(e.fsys, e.name(name))
}

func (e embedFS) OpenFile(_ context.Context, name string, flag int, _ os.FileMode) (webdav.File, error) {
	if flag&(os.O_WRONLY|os.O_RDWR|os.O_CREATE|os.O_TRUNC|os.O_APPEND) != 0 {
		return nil, errReadOnly
	}
	f, err := e.fsys.Open(e.name(name))
	if err != nil {
		return nil, err
	}
	return embedFile{File: f, name: e.name(name), fsys: e.fsys}, nil
}

// embedFile gives an fs.File the Seek, Readdir and Write of a webdav.File.
// Files of an embed.FS seek; directories list through fs.ReadDir.
type embedFile struct {
	fs.File
	name string
	fsys fs.FS
}

func (f embedFile) Seek(offset int64, whence int) (int64, error) {
	if s, ok := f.File.(io.Seeker); ok {
		return s.Seek(offset, whence)
	}
	return 0, errors.New("seek not supported")
}

func (f embedFile) Readdir(count int) ([]fs.FileInfo, error) {
	entries, err := fs.ReadDir(f.fsys, f.name)
	if err != nil {
		return nil, err
	}
	if count > 0 && len(entries) > count {
		entries = entries[:count]
	}
	out := make([]fs.FileInfo, 0, len(entries))
	for _, d := range entries {
		info, err := d.Info()
		if err != nil {
			return nil, err
		}
		out = append(out, info)
	}
	return out, nil
}

func (f embedFile) Write([]byte) (int, error) { return 0, errReadOnly }

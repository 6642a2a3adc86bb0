package api

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"strings"

	swaggerFiles "github.com/swaggo/files/v2"
	"golang.org/x/net/webdav"
)

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

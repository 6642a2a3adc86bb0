// Package storage keeps the bytes of files (attachments, sealed report
// evidence) behind one small interface, so that the services do not know
// whether they live in the data directory or in an S3-compatible bucket.
package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// ErrNotExist is returned by Open and Stat for a key that holds no object.
var ErrNotExist = errors.New("storage: no such object")

// Object describes one stored object.
type Object struct {
	Key     string
	Size    int64
	ModTime time.Time
}

// Store holds objects by key. Keys are slash-separated relative paths made
// of [A-Za-z0-9._-] segments (ValidKey); callers choose them (content hashes
// for attachments, ids for sealed files).
type Store interface {
	// Put writes the object key from r (size bytes, or -1 when unknown).
	// The object appears whole or not at all: readers never see a part.
	// Putting a key that exists replaces it.
	Put(ctx context.Context, key string, r io.Reader, size int64) error
	// Open reads the object key; the caller closes it. ErrNotExist when
	// there is none.
	Open(ctx context.Context, key string) (io.ReadCloser, Object, error)
	// Stat describes the object key; ErrNotExist when there is none.
	Stat(ctx context.Context, key string) (Object, error)
	// Delete removes the object key; deleting a missing key is no error.
	Delete(ctx context.Context, key string) error
	// List calls fn for every object whose key starts with prefix, in no
	// particular order, until fn returns an error (which List returns).
	List(ctx context.Context, prefix string, fn func(Object) error) error
}

// ValidKey reports whether key is a key a Store accepts: relative,
// slash-separated, segments of letters, digits, '.', '_' and '-' that are
// not "." or "..".
func ValidKey(key string) bool {
	if key == "" || len(key) > 512 {
		return false
	}
	for _, seg := range strings.Split(key, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return false
		}
		for _, r := range seg {
			ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-'
			if !ok {
				return false
			}
		}
	}
	return true
}

// Local is a Store in a directory of this machine: each key is a file under
// Dir. Writes go to a temporary file in Dir/tmp and are renamed into place.
type Local struct{ Dir string }

// NewLocal returns the Store of directory dir.
func NewLocal(dir string) *Local { return &Local{Dir: dir} }

func (l *Local) path(key string) (string, error) {
	if !ValidKey(key) {
		return "", fmt.Errorf("storage: invalid key %q", key)
	}
	return filepath.Join(l.Dir, filepath.FromSlash(key)), nil
}

// Put implements Store.
func (l *Local) Put(ctx context.Context, key string, r io.Reader, size int64) error {
	final, err := l.path(key)
	if err != nil {
		return err
	}
	tmpDir := filepath.Join(l.Dir, "tmp")
	if err := os.MkdirAll(tmpDir, 0o750); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(tmpDir, "put-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	n, err := io.Copy(tmp, r)
	if err == nil && size >= 0 && n != size {
		err = fmt.Errorf("storage: put %s: wrote %d bytes, expected %d", key, n, size)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(final), 0o750); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), final)
}

// Open implements Store.
func (l *Local) Open(_ context.Context, key string) (io.ReadCloser, Object, error) {
	p, err := l.path(key)
	if err != nil {
		return nil, Object{}, err
	}
	f, err := os.Open(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, Object{}, ErrNotExist
	}
	if err != nil {
		return nil, Object{}, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, Object{}, err
	}
	return f, Object{Key: key, Size: st.Size(), ModTime: st.ModTime()}, nil
}

// Stat implements Store.
func (l *Local) Stat(_ context.Context, key string) (Object, error) {
	p, err := l.path(key)
	if err != nil {
		return Object{}, err
	}
	st, err := os.Stat(p)
	if errors.Is(err, os.ErrNotExist) {
		return Object{}, ErrNotExist
	}
	if err != nil {
		return Object{}, err
	}
	return Object{Key: key, Size: st.Size(), ModTime: st.ModTime()}, nil
}

// Delete implements Store.
func (l *Local) Delete(_ context.Context, key string) error {
	p, err := l.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// List implements Store. The temporary directory of unfinished writes is
// not listed.
func (l *Local) List(ctx context.Context, prefix string, fn func(Object) error) error {
	err := filepath.WalkDir(l.Dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return nil
			}
			return err
		}
		rel, rerr := filepath.Rel(l.Dir, p)
		if rerr != nil {
			return rerr
		}
		key := filepath.ToSlash(rel)
		if d.IsDir() {
			if key == "tmp" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasPrefix(key, prefix) {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		info, ierr := d.Info()
		if ierr != nil {
			if errors.Is(ierr, os.ErrNotExist) {
				return nil
			}
			return ierr
		}
		return fn(Object{Key: key, Size: info.Size(), ModTime: info.ModTime()})
	})
	return err
}

// ErrUnavailable marks the errors of a store that cannot be reached or
// cannot serve now (refused or dropped connections, timeouts, a server
// answering 5xx): the same request may succeed later, so the API answers
// 503 with Retry-After rather than 500. Test with errors.Is.
var ErrUnavailable = errors.New("storage: the object store is unavailable")

// Unavailable wraps err so that errors.Is(err, ErrUnavailable) holds and
// the cause stays readable for the log.
func Unavailable(err error) error {
	if err == nil {
		return nil
	}
	return unavailableError{err}
}

type unavailableError struct{ err error }

func (e unavailableError) Error() string   { return "object store unavailable: " + e.err.Error() }
func (e unavailableError) Unwrap() []error { return []error{ErrUnavailable, e.err} }

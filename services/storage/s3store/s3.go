// Package s3store is a storage.Store in a bucket of an S3-compatible object
// store (SeaweedFS, MinIO, Ceph RGW, AWS S3), so that several servers behind
// one load balancer read and write the same files.
//
// It uses github.com/minio/minio-go/v7: a client of the S3 API alone (the
// AWS SDK brings a module per service and its own retry and config stack),
// Apache-2.0, which signs with V4, streams single PUTs of a known size
// without buffering them, and speaks path-style addressing, which
// self-hosted stores need.
package s3store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"ethicsops/services/storage"
)

// Config locates the bucket.
type Config struct {
	// Endpoint is the URL of the store, http:// or https://, without a path.
	Endpoint string
	Bucket   string
	// AccessKey and SecretKey sign every request.
	AccessKey, SecretKey string
	// Region is the bucket's region ("" lets the client ask the store).
	Region string
	// PathStyle addresses the bucket as endpoint/bucket/key rather than
	// bucket.endpoint/key (self-hosted stores need it).
	PathStyle bool
	// Prefix is put before every key ("" or "segment/…/"), so that one
	// bucket can hold several installations.
	Prefix string
}

// Store is a storage.Store in one bucket.
type Store struct {
	client *minio.Client
	bucket string
	region string
	prefix string
}

var _ storage.Store = (*Store)(nil)

// New returns the Store of cfg. It does not contact the store; see
// EnsureBucket.
func New(cfg Config) (*Store, error) {
	u, err := url.Parse(cfg.Endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("s3: endpoint %q is not an http:// or https:// URL", cfg.Endpoint)
	}
	lookup := minio.BucketLookupDNS
	if cfg.PathStyle {
		lookup = minio.BucketLookupPath
	}
	// A store that is down must answer the request quickly (503, try again)
	// rather than after the client's ten retries with back-off; the phone
	// retries on its own. The timeouts bound a store that accepts
	// connections but does not answer.
	tr := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConnsPerHost:   16,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 30 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
	c, err := minio.New(u.Host, &minio.Options{
		Creds:        credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure:       u.Scheme == "https",
		Region:       cfg.Region,
		BucketLookup: lookup,
		Transport:    tr,
		MaxRetries:   2,
	})
	if err != nil {
		return nil, fmt.Errorf("s3: %w", err)
	}
	return &Store{client: c, bucket: cfg.Bucket, region: cfg.Region, prefix: cfg.Prefix}, nil
}

// EnsureBucket checks that the bucket exists; when it does not, it creates
// it if create is true and fails otherwise. Errors name the bucket and say
// what to do.
func (s *Store) EnsureBucket(ctx context.Context, create bool) error {
	ok, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return fmt.Errorf("s3: cannot check bucket %q at %s: %w", s.bucket, s.client.EndpointURL(), wrap(err))
	}
	if ok {
		return nil
	}
	if !create {
		return fmt.Errorf("s3: bucket %q does not exist at %s; create it, or set ETHICSOPS_S3_CREATE_BUCKET=on to let the server create it", s.bucket, s.client.EndpointURL())
	}
	if err := s.client.MakeBucket(ctx, s.bucket, minio.MakeBucketOptions{Region: s.region}); err != nil {
		// Another server starting at the same moment may have made it.
		if ok, err2 := s.client.BucketExists(ctx, s.bucket); err2 == nil && ok {
			return nil
		}
		return fmt.Errorf("s3: create bucket %q at %s: %w", s.bucket, s.client.EndpointURL(), wrap(err))
	}
	return nil
}

func (s *Store) object(key string) (string, error) {
	if !storage.ValidKey(key) {
		return "", fmt.Errorf("storage: invalid key %q", key)
	}
	return s.prefix + key, nil
}

// Put implements storage.Store. A single PUT of a known size is atomic in
// S3: the object appears whole or not at all. A body of unknown size is
// first spooled to a temporary file to learn its size (the client would
// otherwise buffer multipart parts of many MiB in memory).
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64) error {
	name, err := s.object(key)
	if err != nil {
		return err
	}
	if size < 0 {
		tmp, err := os.CreateTemp("", "s3put-*")
		if err != nil {
			return err
		}
		defer os.Remove(tmp.Name())
		defer tmp.Close()
		if size, err = io.Copy(tmp, r); err != nil {
			return err
		}
		if _, err := tmp.Seek(0, io.SeekStart); err != nil {
			return err
		}
		r = tmp
	}
	body := &readErr{r: r}
	_, err = s.client.PutObject(ctx, s.bucket, name, body, size, minio.PutObjectOptions{ContentType: "application/octet-stream"})
	if err != nil {
		if body.err != nil && !errors.Is(body.err, io.EOF) {
			return body.err // the caller's reader failed, not the store
		}
		if body.err != nil && body.n < size {
			return fmt.Errorf("storage: put %s: the body ended after %d of %d bytes", key, body.n, size)
		}
		return fmt.Errorf("s3: put %s: %w", key, wrap(err))
	}
	return nil
}

// readErr remembers the error of the reader it wraps.
type readErr struct {
	r   io.Reader
	n   int64
	err error
}

func (b *readErr) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.n += int64(n)
	if err != nil && b.err == nil {
		b.err = err
	}
	return n, err
}

// Open implements storage.Store: the GET is sent here, so that a missing
// object or a store that is down is known before the caller writes
// anything; the body then streams.
func (s *Store) Open(ctx context.Context, key string) (io.ReadCloser, storage.Object, error) {
	name, err := s.object(key)
	if err != nil {
		return nil, storage.Object{}, err
	}
	o, err := s.client.GetObject(ctx, s.bucket, name, minio.GetObjectOptions{})
	if err != nil {
		return nil, storage.Object{}, fmt.Errorf("s3: open %s: %w", key, wrap(err))
	}
	info, err := o.Stat()
	if err != nil {
		o.Close()
		return nil, storage.Object{}, fmt.Errorf("s3: open %s: %w", key, wrap(err))
	}
	return o, storage.Object{Key: key, Size: info.Size, ModTime: info.LastModified}, nil
}

// Stat implements storage.Store.
func (s *Store) Stat(ctx context.Context, key string) (storage.Object, error) {
	name, err := s.object(key)
	if err != nil {
		return storage.Object{}, err
	}
	info, err := s.client.StatObject(ctx, s.bucket, name, minio.StatObjectOptions{})
	if err != nil {
		return storage.Object{}, fmt.Errorf("s3: stat %s: %w", key, wrap(err))
	}
	return storage.Object{Key: key, Size: info.Size, ModTime: info.LastModified}, nil
}

// Delete implements storage.Store; S3 answers a delete of a missing key
// with success.
func (s *Store) Delete(ctx context.Context, key string) error {
	name, err := s.object(key)
	if err != nil {
		return err
	}
	if err := s.client.RemoveObject(ctx, s.bucket, name, minio.RemoveObjectOptions{}); err != nil {
		if errors.Is(wrap(err), storage.ErrNotExist) {
			return nil
		}
		return fmt.Errorf("s3: delete %s: %w", key, wrap(err))
	}
	return nil
}

// List implements storage.Store.
func (s *Store) List(ctx context.Context, prefix string, fn func(storage.Object) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops the listing goroutine when fn fails
	for o := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: s.prefix + prefix, Recursive: true}) {
		if o.Err != nil {
			return fmt.Errorf("s3: list %s: %w", prefix, wrap(o.Err))
		}
		key := strings.TrimPrefix(o.Key, s.prefix)
		if strings.HasSuffix(key, "/") {
			continue // a directory marker some stores list
		}
		if err := fn(storage.Object{Key: key, Size: o.Size, ModTime: o.LastModified}); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// wrap sorts the client's errors: a missing object or bucket is
// storage.ErrNotExist; a store that cannot be reached or answers 5xx is
// storage.ErrUnavailable; anything else (a refused signature, a denied
// access: a configuration to fix) stays as it is.
func wrap(err error) error {
	if err == nil || errors.Is(err, context.Canceled) {
		return err
	}
	var er minio.ErrorResponse
	if errors.As(err, &er) && er.StatusCode != 0 {
		switch {
		case er.Code == minio.NoSuchKey || er.StatusCode == http.StatusNotFound && er.Code != minio.NoSuchBucket:
			return fmt.Errorf("%w (%s)", storage.ErrNotExist, er.Code)
		case er.StatusCode >= 500 || er.StatusCode == http.StatusTooManyRequests:
			return storage.Unavailable(err)
		}
		return err
	}
	if errors.Is(err, storage.ErrNotExist) || errors.Is(err, storage.ErrUnavailable) {
		return err
	}
	// No answer from the store: refused, reset, timed out, cut mid-body.
	var netErr net.Error
	var urlErr *url.Error
	if errors.As(err, &netErr) || errors.As(err, &urlErr) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, context.DeadlineExceeded) {
		return storage.Unavailable(err)
	}
	return err
}

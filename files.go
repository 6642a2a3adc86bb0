package main

import (
	"context"
	"time"

	"ethicsops/config"
	"ethicsops/services/storage"
	"ethicsops/services/storage/s3store"
)

// openFiles returns the one store of the process's files, shared by every
// service under its own key prefix: the S3 bucket when ETHICSOPS_S3_ENDPOINT
// is set, the data directory otherwise. With check (serve), the bucket is
// looked for at start, and made when ETHICSOPS_S3_CREATE_BUCKET=on, so that
// a wrong bucket or key stops the server at once rather than failing each
// upload.
func openFiles(ctx context.Context, cfg *config.Config, check bool) (storage.Store, error) {
	if cfg.S3.Endpoint == "" {
		return storage.NewLocal(cfg.DataDir), nil
	}
	st, err := s3store.New(s3store.Config{
		Endpoint: cfg.S3.Endpoint, Bucket: cfg.S3.Bucket, AccessKey: cfg.S3.AccessKey, SecretKey: cfg.S3.SecretKey,
		Region: cfg.S3.Region, PathStyle: cfg.S3.PathStyle == "on", Prefix: cfg.S3.Prefix,
	})
	if err != nil || !check {
		return st, err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	return st, st.EnsureBucket(ctx, cfg.S3.CreateBucket == "on")
}

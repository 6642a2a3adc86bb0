package services

import (
	"context"
	"time"
)

// every runs job every interval until ctx ends. An error goes to onErr and
// the loop goes on: a database that is briefly away is tried again at the
// next tick. Errors caused by ctx ending are not reported.
func every(ctx context.Context, interval time.Duration, job func(context.Context) error, onErr func(error)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := job(ctx); err != nil && ctx.Err() == nil && onErr != nil {
				onErr(err)
			}
		}
	}
}

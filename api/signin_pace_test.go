package api_test

import (
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ethicsops/apitest"
	"ethicsops/models/dbtest"
	"ethicsops/services"
)

// Sixteen clients at one address sending bogus sign-ins one after another:
// the server answers each of their connections about once per wait instead
// of as fast as it can (a closed loop answered at once takes the processor
// from everyone), and a colleague at another address signs in meanwhile.
func TestSignInFloodFromOneAddressGetsFewTurns(t *testing.T) {
	for _, drv := range dbtest.Drivers(t) {
		t.Run(drv, func(t *testing.T) {
			l := services.GateLimits{Burst: 3, Interval: 100 * time.Millisecond, Wait: 500 * time.Millisecond}
			e := apitest.New(t, drv, func(o *services.Options) { o.SignInGate = services.NewAddressGate(l) })
			const flooder, colleague, clients, span = "198.51.100.1", "203.0.113.7", 16, 1500 * time.Millisecond
			var (
				answered atomic.Int64
				mu       sync.Mutex
				codes    = map[int]int{}
				noRetry  int
				wg       sync.WaitGroup
			)
			stop := make(chan struct{})
			for w := range clients {
				wg.Go(func() {
					for i := 0; ; i++ {
						select {
						case <-stop:
							return
						default:
						}
						r := loginFrom(e, flooder, "nobody."+strconv.Itoa(w)+"."+strconv.Itoa(i), "wrong-password-guess")
						answered.Add(1)
						mu.Lock()
						codes[r.Code]++
						if r.Code == http.StatusTooManyRequests && r.Header.Get("Retry-After") == "" {
							noRetry++
						}
						mu.Unlock()
					}
				})
			}
			start := time.Now()
			time.Sleep(l.Interval)
			signIns := 0
			// Sharing the flood's turns, the colleague would be refused: the
			// flood keeps them taken further ahead than the wait.
			for time.Since(start) < span {
				if r := loginFrom(e, colleague, "officer", apitest.Password); r.Code != http.StatusOK {
					t.Errorf("the colleague at another address: %d %s", r.Code, r.Body)
				}
				signIns++
				time.Sleep(2 * l.Interval)
			}
			close(stop)
			wg.Wait()
			elapsed := time.Since(start)

			maxTurns := int64(l.Burst) + int64(elapsed/l.Interval) + 2
			maxAnswered := maxTurns + clients*(int64(elapsed/l.Wait)+1)
			if n := answered.Load(); n > maxAnswered {
				t.Fatalf("the flood got %d answers in %s, want at most %d (%v)", n, elapsed, maxAnswered, codes)
			}
			for c, n := range codes {
				if c != http.StatusUnauthorized && c != http.StatusTooManyRequests {
					t.Errorf("%d flood attempts answered %d", n, c)
				}
			}
			if noRetry > 0 {
				t.Errorf("%d refusals without Retry-After", noRetry)
			}
			if signIns < 2 {
				t.Fatalf("the colleague signed in %d times", signIns)
			}
		})
	}
}

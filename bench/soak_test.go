package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// samples are 30 one-minute samples whose RSS, goroutine floor and p99
// come from f(minute).
func samplesOf(f func(min int) (rssMiB, goroutines int, p99 time.Duration)) []soakSample {
	var out []soakSample
	for m := 1; m <= 30; m++ {
		rss, g, p99 := f(m)
		// 100 requests: 98 fast, the slowest two at p99 (index 98 of 99).
		lat := make([]time.Duration, 100)
		for i := range lat {
			lat[i] = time.Millisecond
		}
		lat[98], lat[99] = p99, p99
		out = append(out, soakSample{at: time.Duration(m) * time.Minute, rssKB: int64(rss) << 10, goroutines: g, all: lat})
	}
	return out
}

func TestSoakVerdict(t *testing.T) {
	o := options{soakFrom: 5 * time.Minute, sample: time.Minute}
	flat := func(m int) (int, int, time.Duration) {
		// Noise, not a trend: every other minute is 8 % higher, and one
		// minute's p99 triples (someone else's build).
		rss, g, p99 := 40, 60, 20*time.Millisecond
		if m%2 == 0 {
			rss, g = 43, 65
		}
		if m == 17 {
			p99 *= 3
		}
		return rss, g, p99
	}
	cases := []struct {
		name    string
		f       func(int) (int, int, time.Duration)
		errs    int
		pass    bool
		failing string
	}{
		{"flat with noise", flat, 0, true, ""},
		{"errors", flat, 1, false, "errors 1"},
		{"RSS leak", func(m int) (int, int, time.Duration) {
			_, g, p := flat(m)
			return 40 + m, g, p // 1 MiB a minute
		}, 0, false, "RSS"},
		{"goroutine leak", func(m int) (int, int, time.Duration) {
			r, _, p := flat(m)
			return r, 60 + 2*m, p
		}, 0, false, "goroutines"},
		{"p99 creeping up", func(m int) (int, int, time.Duration) {
			r, g, _ := flat(m)
			return r, g, time.Duration(20+2*m) * time.Millisecond // a growing scan
		}, 0, false, "p99"},
		{"p99 doubling from 11 ms with the machine's load", func(m int) (int, int, time.Duration) {
			r, g, _ := flat(m)
			if m > 20 {
				return r, g, 23 * time.Millisecond
			}
			return r, g, 11 * time.Millisecond
		}, 0, true, ""},
		{"a few more goroutines and MiB in a small server", func(m int) (int, int, time.Duration) {
			_, _, p := flat(m)
			if m > 20 {
				return 42, 34, p // from 38 MiB and 30: over 10 %, within the absolute slack
			}
			return 38, 30, p
		}, 0, true, ""},
		{"warm-up growth before the window", func(m int) (int, int, time.Duration) {
			r, g, p := flat(m)
			if m < 5 {
				r = 20 + 5*m
			}
			return r, g, p
		}, 0, true, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tgt := &soakTarget{name: "test", out: &bytes.Buffer{}}
			got := tgt.verdict(o, samplesOf(tc.f), tc.errs, 0, nil)
			out := tgt.out.String()
			if got != tc.pass {
				t.Fatalf("verdict %v, want %v:\n%s", got, tc.pass, out)
			}
			if tc.failing != "" {
				for _, line := range strings.Split(out, "\n") {
					if strings.HasPrefix(strings.TrimSpace(line), tc.failing) && !strings.HasSuffix(line, "FAIL") {
						t.Fatalf("%s should fail:\n%s", tc.failing, out)
					}
				}
			}
		})
	}
}

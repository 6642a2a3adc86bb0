package services

import (
	"fmt"
	"testing"
	"time"
)

func TestVerifiedTokensStayBounded(t *testing.T) {
	var v verifiedTokens
	now := time.Now()
	for i := range 3 * maxVerifiedTokens {
		v.put(fmt.Sprint("token-", i), "u", "s", now.Add(time.Minute), now)
		if len(v.m) > maxVerifiedTokens {
			t.Fatalf("%d tokens remembered, the bound is %d", len(v.m), maxVerifiedTokens)
		}
	}
	last := fmt.Sprint("token-", 3*maxVerifiedTokens-1)
	if sub, sid, ok := v.get(last, now); !ok || sub != "u" || sid != "s" {
		t.Fatal("the newest token was forgotten")
	}
	if _, _, ok := v.get(last, now.Add(time.Minute)); ok {
		t.Fatal("a token is remembered past its expiry")
	}
}

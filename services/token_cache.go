package services

import (
	"sync"
	"time"
)

// verifiedTokens remembers, for each access token this server has already
// verified, its subject, session and expiry. A phone sends the same token with every
// request for its 15 minutes; parsing it again each time (base64, two JSON
// documents, HMAC) was about 8% of the server's CPU in the check-in
// benchmark. Only what the token itself says is remembered: it cannot
// change, since the signature covers it. The expiry is checked on every use,
// and the session and the account are still re-read on every request, so an
// ended session, a disabled account or a changed role takes effect at once:
// whether a token is still good is never remembered here, only what it says.
//
// Only tokens signed with this server's key get in, so the cache cannot be
// filled by strangers; it is bounded anyway, and emptied when full.
type verifiedTokens struct {
	mu sync.Mutex
	m  map[string]verifiedToken
}

type verifiedToken struct {
	subject string
	session string
	expires time.Time
}

// maxVerifiedTokens bounds the cache: about 1 MiB at ~400 bytes a token,
// more phones than an office has signed in within 15 minutes.
const maxVerifiedTokens = 2048

// get returns the subject and session of token if it was verified and has
// not expired.
func (v *verifiedTokens) get(token string, now time.Time) (subject, session string, ok bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	e, ok := v.m[token]
	if !ok {
		return "", "", false
	}
	if !now.Before(e.expires) {
		delete(v.m, token)
		return "", "", false
	}
	return e.subject, e.session, true
}

func (v *verifiedTokens) put(token, subject, session string, expires, now time.Time) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.m == nil {
		v.m = make(map[string]verifiedToken)
	}
	if len(v.m) >= maxVerifiedTokens {
		for k, e := range v.m {
			if !now.Before(e.expires) {
				delete(v.m, k)
			}
		}
		if len(v.m) >= maxVerifiedTokens {
			clear(v.m)
		}
	}
	v.m[token] = verifiedToken{subject: subject, session: session, expires: expires}
}

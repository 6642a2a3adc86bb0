package services

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"sort"
	"strings"
)

// The public lottery (公開抽籤) of declarations for substantive review is a
// pure function of the published seed and the roster snapshot, so that anyone
// can recompute it by hand (README "Property declarations"):
//
//	candidates = ids of the roster rows of the year (and filters), sorted
//	             ascending as byte strings (lower-case UUIDs)
//	snapshot   = hex(SHA-256(id_1 "\n" id_2 "\n" … id_n "\n"))
//	key_i      = hex(SHA-256(seed "\n" id_i))
//	selected   = the ids of the N smallest keys, in ascending key order
//	             (ties, impossible in practice, break by id)
//	N          = count, or ceil(ratio × n) for 0 < ratio ≤ 1
//
// The functions below are that definition; the service only gathers inputs
// and stores the outcome.

// DrawKey is the sort key of one candidate: hex(SHA-256(seed ‖ "\n" ‖ id)).
func DrawKey(seed, id string) string {
	sum := sha256.Sum256([]byte(seed + "\n" + id))
	return hex.EncodeToString(sum[:])
}

// SnapshotHash is hex(SHA-256) of the candidate ids, each followed by "\n"
// (what `printf '%s\n' $ids | sha256sum` prints).
func SnapshotHash(ids []string) string {
	h := sha256.New()
	for _, id := range ids {
		h.Write([]byte(id))
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// SelectDraw returns the n candidates with the smallest DrawKey, smallest
// first. It neither reorders nor keeps candidates; n is clamped to 0..len.
func SelectDraw(seed string, candidates []string, n int) []string {
	type keyed struct{ key, id string }
	ks := make([]keyed, len(candidates))
	for i, id := range candidates {
		ks[i] = keyed{DrawKey(seed, id), id}
	}
	sort.Slice(ks, func(i, j int) bool {
		if ks[i].key != ks[j].key {
			return ks[i].key < ks[j].key
		}
		return ks[i].id < ks[j].id
	})
	n = max(0, min(n, len(ks)))
	out := make([]string, n)
	for i := range out {
		out[i] = ks[i].id
	}
	return out
}

// DrawSize is how many of n candidates a draw takes: count when given, else
// ceil(ratio × n). The product is nudged down by 1e-9 before rounding up so
// that binary floating point does not turn 0.1 × 30 = 3.0000000000000004 into 4.
func DrawSize(count int, ratio float64, n int) int {
	if count > 0 {
		return count
	}
	return int(math.Ceil(ratio*float64(n) - 1e-9))
}

// joinIDs and splitIDs store id lists one per line.
func joinIDs(ids []string) string { return strings.Join(ids, "\n") }

func splitIDs(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, "\n")
}

package tiktok

import (
	"math/rand/v2"
	"time"
)

// backoff spaces out reconnects: doubling from min up to max, each wait
// drawn at random from its upper half so that many clients dropped by the
// same outage do not all come back in the same second.
type backoff struct {
	min, max time.Duration
	attempt  int
	// randN returns a number in [0, n); tests pin it.
	randN func(n int64) int64
}

func newBackoff(lo, hi time.Duration) *backoff {
	return &backoff{min: lo, max: max(hi, lo), randN: rand.Int64N}
}

// next returns the wait before the next attempt and counts the attempt.
func (b *backoff) next() time.Duration {
	d := b.min
	for i := 0; i < b.attempt && d < b.max; i++ {
		d *= 2
	}
	d = min(d, b.max)
	b.attempt++
	half := d / 2
	return half + time.Duration(b.randN(int64(d-half)+1))
}

// reset starts over from min, after a connection that worked.
func (b *backoff) reset() { b.attempt = 0 }

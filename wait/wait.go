// Package wait waits for a while unless the work is cancelled first: the
// pauses between reconnects, retries and a paced replay's events.
package wait

import (
	"context"
	"time"
)

// For waits d, or until ctx ends, whichever comes first; it returns ctx's
// error in the second case. d <= 0 does not wait.
func For(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

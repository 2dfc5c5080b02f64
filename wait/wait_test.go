package wait

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestForEndsWithTheContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := For(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Fatalf("For on a cancelled context = %v", err)
	}
	if err := For(context.Background(), 0); err != nil {
		t.Fatalf("For(0) = %v", err)
	}
	if err := For(context.Background(), time.Millisecond); err != nil {
		t.Fatalf("For(1ms) = %v", err)
	}
}

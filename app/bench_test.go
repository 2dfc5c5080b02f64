package app

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// TestBenchDeliversEverything: a short bench through the whole pipeline,
// with each queue, delivers every event's command exactly once and prints
// its figures. Speed is not checked here; that is what the bench is for.
func TestBenchDeliversEverything(t *testing.T) {
	t.Parallel()
	for _, q := range []string{"memory", "durable"} {
		t.Run(q, func(t *testing.T) {
			var out bytes.Buffer
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			res, err := Bench(ctx, BenchOptions{Options: Options{Stdout: &out, Stderr: &out}, Rate: 200, Duration: time.Second, Queue: q})
			if err != nil {
				t.Fatal(err)
			}
			if res.Events != 200 || res.Commands != 200 || res.Lost != 0 || res.Resent != 0 || res.LeftPending != 0 {
				t.Fatalf("result %+v; want 200 events, 200 commands, none lost, repeated or pending\n%s", res, out.String())
			}
			for _, want := range []string{"p50", "p99", "max", "allocations", "200 commands"} {
				if !strings.Contains(out.String(), want) {
					t.Errorf("output lacks %q:\n%s", want, out.String())
				}
			}
		})
	}
}

func TestBenchRejectsUnknownQueue(t *testing.T) {
	t.Parallel()
	_, err := Bench(context.Background(), BenchOptions{Queue: "disk"})
	if err == nil || !strings.Contains(err.Error(), "memory or durable") {
		t.Fatalf("Bench with --queue disk = %v; want an error naming the choices", err)
	}
}

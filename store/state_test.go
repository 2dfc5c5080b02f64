package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/queue"
)

// TestCommitIsAllOrNothing: actions and engine state are written together,
// survive a reopen together, and on a full disk neither is written.
func TestCommitIsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	a, b := queue.StateEntry{Key: "streak:a", Value: []byte(`{"acted":1}`)}, queue.StateEntry{Key: "streak:b", Value: []byte(`{"acted":2}`)}
	if err := s.Commit(ctx, queue.Batch{Actions: []tikcraft.Action{cmd(0)}, State: []queue.StateEntry{a, b}}); err != nil {
		t.Fatal(err)
	}
	// State alone, a deletion and an update.
	b.Value = []byte(`{"acted":3}`)
	if err := s.Commit(ctx, queue.Batch{State: []queue.StateEntry{{Key: "streak:a"}, b}}); err != nil {
		t.Fatal(err)
	}
	var pages int
	s.w.QueryRow("PRAGMA page_count").Scan(&pages)
	s.w.Exec(fmt.Sprintf("PRAGMA max_page_count = %d", pages))
	big := make([]tikcraft.Action, 5000)
	for i := range big {
		big[i] = cmd(i + 1)
	}
	err = s.Commit(ctx, queue.Batch{Actions: big, ResetState: true})
	var we *queue.WriteError
	if !errors.As(err, &we) || we.Problem != "the disk holding "+filepath.Base(dir)+" is full" {
		t.Fatalf("Commit on a full disk: %v", err)
	}
	s.Close()

	s = openT(t, dir, options{})
	got, err := s.LoadState(ctx)
	if err != nil || !reflect.DeepEqual(got, []queue.StateEntry{b}) {
		t.Fatalf("LoadState = %q, %v; want only b, as last committed", got, err)
	}
	drainExpect(t, s, 0, 1)
	if err := s.Commit(ctx, queue.Batch{ResetState: true}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.LoadState(ctx); len(got) != 0 {
		t.Fatalf("state after a reset: %q", got)
	}
}

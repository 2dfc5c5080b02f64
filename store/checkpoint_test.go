package store

import (
	"context"
	"testing"
	"time"
)

// The checkpointer copies the log once enough commits wait (ckptCommits)
// or they have waited ckptQuiet; a quiet stream's few commits wait, so a
// stream of a few events a second does not sync the file every second.
func TestCheckpointWaitsOnAQuietStream(t *testing.T) {
	tests := []struct {
		name    string
		commits int
		ago     time.Duration // since the last round that copied
		copies  bool
	}{
		{"nothing new", 0, time.Hour, false},
		{"a few commits", 3, time.Second, false},
		{"a few commits, long ago", 3, ckptQuiet + time.Second, true},
		{"many commits", ckptCommits, time.Second, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			s := openT(t, t.TempDir(), options{})
			s.checkpoint() // what opening wrote
			s.ckptMu.Lock() // the checkpointer's own rounds wait
			defer s.ckptMu.Unlock()
			before := s.checkpointed
			for i := range tt.commits {
				if err := s.Push(ctx, cmd(i)); err != nil {
					t.Fatal(err)
				}
			}
			s.ckptAt = time.Now().Add(-tt.ago)
			s.ckptMu.Unlock()
			s.checkpoint()
			s.ckptMu.Lock()
			if copied := s.checkpointed != before; copied != tt.copies {
				t.Fatalf("after %d commits, %v after the last copy: copied %v, want %v", tt.commits, tt.ago, copied, tt.copies)
			}
		})
	}
}

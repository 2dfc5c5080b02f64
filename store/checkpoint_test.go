package store

import (
	"context"
	"os"
	"testing"
	"time"
)

// The checkpointer copies the log once enough commits wait (ckptCommits)
// or they have waited ckptQuiet, or the log's file has grown past
// walKeepBytes; a quiet stream's few commits wait, so a stream of a few
// events a second does not sync the file every second.
func TestCheckpointWaitsOnAQuietStream(t *testing.T) {
	tests := []struct {
		name    string
		commits int
		ago     time.Duration // since the last round that copied
		bigWAL  bool          // the log's file is over walKeepBytes
		copies  bool
	}{
		{"nothing new", 0, time.Hour, false, false},
		{"a few commits", 3, time.Second, false, false},
		{"a few commits, long ago", 3, ckptQuiet + time.Second, false, true},
		{"a few large commits", 3, time.Second, true, true},
		{"many commits", ckptCommits, time.Second, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			s := openT(t, t.TempDir(), options{})
			s.checkpoint()  // what opening wrote
			s.ckptMu.Lock() // the checkpointer's own rounds wait
			defer s.ckptMu.Unlock()
			before := s.checkpointed
			for i := range tt.commits {
				if err := s.Push(ctx, cmd(i)); err != nil {
					t.Fatal(err)
				}
			}
			if tt.bigWAL {
				// As large rows would leave it; what lies past the log's
				// last frame is never read.
				if err := os.Truncate(s.walPath, walKeepBytes+1); err != nil {
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

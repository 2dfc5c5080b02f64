package main

import (
	"context"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft/rcon/rcontest"
)

// TestKill9KeepsOpenStreaks: viewers are in the middle of gift streaks
// (no end message yet) when tikcraft is killed with SIGKILL. Every gift
// that reached it must still fire exactly once after the next start, in
// both gift modes, whether that start is a drain or another replay.
func TestKill9KeepsOpenStreaks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		mode    string
		restart []string
	}{
		{"final", []string{"drain", "-c", "tikcraft.yaml"}},
		{"final", []string{"replay", "-c", "tikcraft.yaml", "other.jsonl"}},
		{"live", []string{"drain", "-c", "tikcraft.yaml"}},
		{"live", []string{"replay", "-c", "tikcraft.yaml", "other.jsonl"}},
	}
	for _, tt := range tests {
		t.Run(tt.mode+"/"+tt.restart[0], func(t *testing.T) {
			srv := rcontest.Start(t, "pw-for-crash-test")
			dir := t.TempDir()
			cfg := fmt.Sprintf("data_dir: data\ngifts:\n  mode: %s\nrcon:\n  address: %s\n  password: pw-for-crash-test\n  max_commands_per_second: 0\n", tt.mode, srv.Addr())
			os.WriteFile(filepath.Join(dir, "tikcraft.yaml"), []byte(cfg), 0o600)
			os.WriteFile(filepath.Join(dir, "actions.mca"), []byte("rose:/say r {user}\nfollow:/say marker {user}\n"), 0o600)

			// Streaks of 1 to 12 roses by 6 viewers, interleaved, none ended;
			// then a follow (the marker: once Minecraft has it, everything
			// before it was handled); then, much later, an end nobody reads.
			t.Parallel()
			rng := crashSeed(t)
			t0 := time.Date(2026, 11, 22, 18, 0, 0, 0, time.UTC)
			var ev strings.Builder
			line := func(at time.Duration, format string, args ...any) {
				fmt.Fprintf(&ev, `{"time":%q,`, t0.Add(at).Format(time.RFC3339Nano))
				fmt.Fprintf(&ev, format+"\n", args...)
			}
			want := map[string]int{}
			counts := make([]int, 6)
			msg := 0
			for i := range counts {
				want[fmt.Sprint("say r v", i)] = 1 + rng.IntN(12)
			}
			for done := false; !done; {
				done = true
				for i := range counts {
					if counts[i] == want[fmt.Sprint("say r v", i)] {
						continue
					}
					done = false
					counts[i]++
					msg++
					line(time.Duration(msg)*5*time.Millisecond, `"type":"gift","msg_id":"%d","user":{"id":"%d","unique_id":"v%d"},"gift":{"id":5655,"name":"Rose","combo":true,"diamonds":1},"repeat_count":%d,"group_id":"g%d"}`, msg, i+1, i, counts[i], i)
				}
			}
			line(time.Second, `"type":"follow","msg_id":"m","user":{"id":"99","unique_id":"marker"}}`)
			line(time.Minute, `"type":"gift","msg_id":"late","user":{"id":"1","unique_id":"v0"},"gift":{"id":5655,"name":"Rose","combo":true,"diamonds":1},"repeat_count":%d,"repeat_end":true,"group_id":"g0"}`, want["say r v0"])
			os.WriteFile(filepath.Join(dir, "events.jsonl"), []byte(ev.String()), 0o600)
			os.WriteFile(filepath.Join(dir, "other.jsonl"), nil, 0o600)

			cmd := exec.Command(bin, "replay", "-c", "tikcraft.yaml", "events.jsonl", "--speed", "realtime")
			cmd.Dir = dir
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			for n := 1; ; n++ {
				got, err := srv.WaitCommands(ctx, n)
				if err != nil {
					t.Fatalf("the marker never arrived; got %q", got)
				}
				if got[n-1] == "say marker marker" {
					break
				}
			}
			cmd.Process.Signal(syscall.SIGKILL)
			<-done

			if _, errOut, code := tikcraft(t, dir, nil, tt.restart...); code != 0 {
				t.Fatalf("%s after the kill: exit %d\n%s", tt.restart[0], code, errOut)
			}
			got := map[string]int{}
			for _, c := range srv.Commands() {
				got[c]++
			}
			markers := got["say marker marker"]
			delete(got, "say marker marker")
			if markers < 1 || markers > 2 { // the kill may repeat the one in flight
				t.Errorf("marker delivered %d times", markers)
			}
			for c, n := range want {
				if got[c] != n {
					t.Errorf("%q: %d commands for %d roses", c, got[c], n)
				}
			}
			for _, c := range slices.Sorted(maps.Keys(got)) {
				if want[c] == 0 {
					t.Errorf("unexpected command %q (%d times)", c, got[c])
				}
			}
			// Another start fires nothing more.
			before := len(srv.Commands())
			if _, errOut, code := tikcraft(t, dir, nil, "drain", "-c", "tikcraft.yaml"); code != 0 || len(srv.Commands()) != before {
				t.Fatalf("second start: exit %d, %d new commands\n%s", code, len(srv.Commands())-before, errOut)
			}
		})
	}
}

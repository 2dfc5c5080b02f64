package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tc "github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/rcon/rcontest"
	"github.com/tikcraft/tikcraft/sim"
)

// TestRunWaitsForTheStreamerThenDelivers runs `tikcraft run -c tikcraft.yaml`
// against the wire simulator with a streamer who is not live yet: it says
// so once, keeps checking, connects when the LIVE starts, and a follow
// reaches a real RCON server. Then the LIVE ends and tikcraft waits again
// instead of exiting.
func TestRunWaitsForTheStreamerThenDelivers(t *testing.T) {
	srv := rcontest.Start(t, "pw-for-live-test")
	tt, err := sim.Start(sim.Options{Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	defer tt.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	dir := t.TempDir()
	cfg := fmt.Sprintf(`tiktok:
  user: "@%s"
  sign_server: %s
  web_base: %s
  retry_offline: 20ms
rcon:
  address: %s
  password: pw-for-live-test
`, tt.User(), tt.URL(), tt.URL(), srv.Addr())
	os.WriteFile(filepath.Join(dir, "tikcraft.yaml"), []byte(cfg), 0o600)
	os.WriteFile(filepath.Join(dir, "actions.mca"), []byte("follow:/say thanks {user}\n"), 0o600)

	cmd := exec.Command(bin, "run", "-c", "tikcraft.yaml")
	cmd.Dir = dir
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	defer func() {
		cmd.Process.Kill()
		<-done
	}()
	lines := make(chan string, 1000)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		io.Copy(io.Discard, stderr)
	}()
	var log []string
	waitLine := func(part string) {
		t.Helper()
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatalf("tikcraft exited before saying %q:\n%s", part, strings.Join(log, "\n"))
				}
				log = append(log, l)
				if strings.Contains(l, part) {
					return
				}
			case <-ctx.Done():
				t.Fatalf("tikcraft never said %q:\n%s", part, strings.Join(log, "\n"))
			}
		}
	}

	waitLine("@sim_streamer is not live right now; waiting")
	if _, err := tt.Wait(ctx, func(s sim.Snapshot) bool { return s.Lookups["page"] >= 3 }); err != nil {
		t.Fatalf("tikcraft stopped checking whether the streamer is live: %v", err)
	}
	tt.GoLive()
	waitLine("connected to @sim_streamer's LIVE")
	anna := tc.User{ID: "6811", UniqueID: "anna_123", Nickname: "Anna"}
	if err := tt.Push(&tc.FollowEvent{Meta: tc.Meta{MsgID: "1"}, User: anna}); err != nil {
		t.Fatal(err)
	}
	got, err := srv.WaitCommands(ctx, 1)
	if err != nil || got[0] != "say thanks anna_123" {
		t.Fatalf("Minecraft got %q, %v", got, err)
	}

	if err := tt.EndStream(); err != nil {
		t.Fatal(err)
	}
	waitLine("LIVE ended; waiting for the next one")
	pages := tt.Snapshot().Lookups["page"]
	if _, err := tt.Wait(ctx, func(s sim.Snapshot) bool { return s.Lookups["page"] >= pages+2 }); err != nil {
		t.Fatalf("tikcraft stopped checking after the LIVE ended: %v", err)
	}
	select {
	case err := <-done:
		done <- err
		t.Fatalf("tikcraft exited after the LIVE ended: %v\n%s", err, strings.Join(log, "\n"))
	default:
	}
	for _, l := range log {
		if strings.Contains(l, "pw-for-live-test") {
			t.Fatalf("the RCON password reached the log: %s", l)
		}
	}
	cmd.Process.Signal(os.Interrupt)
	if err := <-done; err != nil {
		t.Fatalf("tikcraft after Ctrl-C: %v\n%s", err, strings.Join(log, "\n"))
	}
	done <- nil
}

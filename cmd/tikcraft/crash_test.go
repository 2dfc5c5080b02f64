package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
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

// durableProject writes a config with a data_dir, an actions file and n
// follow events, each owed exactly one command "say f uI".
func durableProject(t *testing.T, addr string, n int) (dir string, want []string) {
	t.Helper()
	dir = t.TempDir()
	cfg := fmt.Sprintf("data_dir: data\nrcon:\n  address: %s\n  password: pw-for-crash-test\n  max_commands_per_second: 0\n", addr)
	os.WriteFile(filepath.Join(dir, "tikcraft.yaml"), []byte(cfg), 0o600)
	os.WriteFile(filepath.Join(dir, "actions.mca"), []byte("follow:/say f {user}\n"), 0o600)
	var ev strings.Builder
	for i := range n {
		fmt.Fprintf(&ev, `{"type":"follow","msg_id":"%d","user":{"id":"%d","unique_id":"u%d"}}`+"\n", i+1, i+1, i)
		want = append(want, fmt.Sprintf("say f u%d", i))
	}
	os.WriteFile(filepath.Join(dir, "events.jsonl"), []byte(ev.String()), 0o600)
	return dir, want
}

// owe runs a replay while Minecraft is down, so that every action is owed
// (pending in data_dir) before any delivery starts.
func owe(t *testing.T, dir string) {
	t.Helper()
	_, errOut, code := tikcraft(t, dir, nil, "replay", "-c", "tikcraft.yaml", "events.jsonl", "--give-up", "300ms")
	if code == 0 || !strings.Contains(errOut, "kept in") {
		t.Fatalf("replay with Minecraft down: exit %d\n%s", code, errOut)
	}
}

// startDrain starts `tikcraft drain` in the background.
func startDrain(t *testing.T, dir string) (*exec.Cmd, chan error) {
	t.Helper()
	cmd := exec.Command(bin, "drain", "-c", "tikcraft.yaml")
	cmd.Dir = dir
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	return cmd, done
}

// checkDelivered asserts got is want in order, where each interruption may
// have repeated the one command in flight (adjacent to its first copy).
func checkDelivered(t *testing.T, got, want []string, maxRepeats int) {
	t.Helper()
	var dedup []string
	repeats := 0
	for i, c := range got {
		if i > 0 && c == got[i-1] {
			repeats++
			continue
		}
		dedup = append(dedup, c)
	}
	if !slices.Equal(dedup, want) {
		t.Fatalf("delivered %d distinct commands in this order, want all %d in order:\n%q", len(dedup), len(want), dedup)
	}
	if repeats > maxRepeats {
		t.Fatalf("%d commands repeated, but only %d interruptions could explain a repeat", repeats, maxRepeats)
	}
	t.Logf("%d commands delivered in order, %d repeated (at most %d allowed)", len(dedup), repeats, maxRepeats)
}

// TestKill9NeverLosesAnAction kills a real tikcraft process with SIGKILL at
// random points while it delivers, restarts it each time, and checks what a
// real RCON server received: everything owed, in order, and at most the one
// command in flight repeated per kill.
func TestKill9NeverLosesAnAction(t *testing.T) {
	t.Parallel()
	rng := crashSeed(t)
	kills := crashRounds(6)
	// The server answers each command after a short pause so that kills land
	// mid-delivery; nothing is asserted about time.
	srv := rcontest.Start(t, "pw-for-crash-test", rcontest.Late(), rcontest.Reply(func(string) string {
		time.Sleep(2 * time.Millisecond)
		return ""
	}))
	dir, want := durableProject(t, srv.Addr(), 40*(kills+1))
	owe(t, dir)
	if err := srv.Listen(); err != nil {
		t.Error(err)
	}
	ctx := context.Background()
	for k := range kills {
		cmd, done := startDrain(t, dir)
		target := len(srv.Commands()) + 5 + rng.IntN(30)
		wctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		_, err := srv.WaitCommands(wctx, target)
		cancel()
		if err != nil {
			t.Fatalf("round %d: the server never got %d commands: %v", k, target, err)
		}
		cmd.Process.Signal(syscall.SIGKILL)
		<-done
	}
	_, errOut, code := tikcraft(t, dir, nil, "drain", "-c", "tikcraft.yaml")
	if code != 0 {
		t.Fatalf("final drain: exit %d\n%s", code, errOut)
	}
	checkDelivered(t, srv.Commands(), want, kills)
	// Nothing is left: another drain delivers nothing.
	before := len(srv.Commands())
	if _, errOut, code := tikcraft(t, dir, nil, "drain", "-c", "tikcraft.yaml"); code != 0 || len(srv.Commands()) != before {
		t.Fatalf("second drain: exit %d, %d new commands\n%s", code, len(srv.Commands())-before, errOut)
	}
}

// TestCtrlCKeepsTheRest interrupts a delivering tikcraft with SIGINT: it
// finishes the command in flight and keeps the rest, which the next start
// delivers; nothing is lost and, unlike a kill, nothing repeats.
func TestCtrlCKeepsTheRest(t *testing.T) {
	t.Parallel()
	srv := rcontest.Start(t, "pw-for-crash-test", rcontest.Late(), rcontest.Reply(func(string) string {
		time.Sleep(2 * time.Millisecond)
		return ""
	}))
	dir, want := durableProject(t, srv.Addr(), 120)
	owe(t, dir)
	if err := srv.Listen(); err != nil {
		t.Error(err)
	}
	for range 2 {
		cmd, done := startDrain(t, dir)
		wctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		_, err := srv.WaitCommands(wctx, len(srv.Commands())+20)
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Process.Signal(os.Interrupt)
		<-done
	}
	if _, errOut, code := tikcraft(t, dir, nil, "drain", "-c", "tikcraft.yaml"); code != 0 {
		t.Fatalf("final drain: exit %d\n%s", code, errOut)
	}
	checkDelivered(t, srv.Commands(), want, 0)
}

// TestSecondProcessIsRefused: two tikcraft on one data_dir would deliver the
// same pending actions twice.
func TestSecondProcessIsRefused(t *testing.T) {
	t.Parallel()
	srv := rcontest.Start(t, "pw-for-crash-test", rcontest.Late())
	dir, _ := durableProject(t, srv.Addr(), 5)
	owe(t, dir)
	// The first drain waits for Minecraft, holding the lock; wait until its
	// log shows it got that far.
	first := exec.Command(bin, "drain", "-c", "tikcraft.yaml")
	first.Dir = dir
	stderr, err := first.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { first.Process.Kill(); first.Wait() }()
	sc := bufio.NewScanner(stderr)
	for sc.Scan() && !strings.Contains(sc.Text(), "not reachable") {
	}
	go io.Copy(io.Discard, stderr)
	_, errOut, code := tikcraft(t, dir, nil, "drain", "-c", "tikcraft.yaml", "--give-up", "100ms")
	if code == 0 || !strings.Contains(errOut, "another tikcraft is already using the data directory") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
}

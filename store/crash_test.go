package store

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/queue"
)

// The crash test runs this test binary again as a child that works on the
// store until it is killed with SIGKILL.
const (
	crashDirEnv   = "TIKCRAFT_STORE_CRASH_DIR"
	crashStartEnv = "TIKCRAFT_STORE_CRASH_START"
)

// crashBatch is the size of the push starting at command n: batches of 1
// to 4, so that a torn batch would show.
func crashBatch(n int) int { return 1 + n%4 }

func crashCmd(n int) string { return "c " + strconv.Itoa(n) }

// TestHelperProcess is the child of TestKill9; run on its own it does
// nothing.
func TestHelperProcess(t *testing.T) {
	dir := os.Getenv(crashDirEnv)
	if dir == "" {
		return
	}
	start, err := strconv.Atoi(os.Getenv(crashStartEnv))
	if err != nil {
		fmt.Fprintln(os.Stderr, "bad start:", err)
		os.Exit(2)
	}
	// The parent keeps stdin open; if it dies, so do we.
	go func() {
		io.Copy(io.Discard, os.Stdin)
		os.Exit(3)
	}()
	ctx := context.Background()
	s, err := Open(ctx, dir, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var mu sync.Mutex
	say := func(format string, args ...any) { // one write per line: a line is never torn
		mu.Lock()
		fmt.Fprintf(os.Stdout, format+"\n", args...)
		mu.Unlock()
	}
	fatal := func(err error) {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	// The overlays: each push also queues a "$wins +1", which a second
	// worker applies to its count, stages and acknowledges, as the overlay
	// lane does.
	var c struct{ Wins int64 }
	if b, err := s.LoadOverlayCounters(ctx); err != nil {
		fatal(err)
	} else if b != nil {
		json.Unmarshal(b, &c)
	}
	go func() {
		for {
			it, err := s.Next(ctx, queue.LaneOverlays)
			if err != nil {
				fatal(err)
			}
			c.Wins++
			b, _ := json.Marshal(c)
			s.StageOverlayCounters(b)
			if err := s.Ack(ctx, it.ID); err != nil {
				fatal(err)
			}
		}
	}()
	go func() {
		for {
			it, err := s.Next(ctx, queue.LaneMinecraft)
			if err != nil {
				fatal(err)
			}
			s.LogDelivery(ctx, delivery(it, nil, time.Millisecond))
			if err := s.Ack(ctx, it.ID); err != nil {
				fatal(err)
			}
			say("acked %d %s", it.ID, it.Action.Command)
		}
	}()
	for n := start; ; {
		k := crashBatch(n)
		acts := make([]tikcraft.Action, k, k+1)
		for i := range acts {
			acts[i] = tikcraft.Action{Kind: tikcraft.KindCommand, Command: crashCmd(n + i)}
		}
		acts = append(acts, tikcraft.Action{Kind: tikcraft.KindOverlay, Command: "wins +1"})
		s.LogEvent(ctx, &tikcraft.GiftEvent{Meta: tikcraft.Meta{MsgID: strconv.Itoa(n)}, Gift: tikcraft.Gift{ID: 1, Name: "Rose", Diamonds: 1}})
		if err := s.Push(ctx, acts...); err != nil {
			fatal(err)
		}
		say("pushed %d %d", n, k)
		n += k
	}
}

// TestKill9 kills a child that pushes and acknowledges as fast as it can
// at random moments, then checks after each kill: every push that returned
// is there, whole; nothing acknowledged comes back; order is push order;
// each pending item comes back exactly once.
func TestKill9(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 7))
	dir := t.TempDir()
	ctx := context.Background()

	start := 0
	acked := map[int64]string{} // confirmed acknowledgements: id → command
	confirmed := 0              // every command below this was confirmed pushed
	for round := range 7 {
		lines := 0 // round 0: kill at once, maybe during Open or the migration
		if round > 0 {
			lines = 1 + rng.IntN(300)
		}
		child := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
		child.Env = append(os.Environ(), crashDirEnv+"="+dir, crashStartEnv+"="+strconv.Itoa(start))
		var stderr bytes.Buffer
		child.Stderr = &stderr
		stdin, err := child.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		out, err := child.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := child.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		read := func() bool {
			if !sc.Scan() {
				return false
			}
			f := strings.Fields(sc.Text())
			switch {
			case len(f) == 3 && f[0] == "pushed":
				n, _ := strconv.Atoi(f[1])
				k, _ := strconv.Atoi(f[2])
				confirmed = max(confirmed, n+k)
			case len(f) == 4 && f[0] == "acked":
				id, _ := strconv.ParseInt(f[1], 10, 64)
				acked[id] = f[2] + " " + f[3]
			default:
				t.Errorf("round %d: unexpected child output %q", round, sc.Text())
			}
			return true
		}
		for i := 0; i < lines && read(); i++ {
		}
		if err := child.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		// Lines already written were written after their operation
		// returned: they are facts too.
		for read() {
		}
		child.Wait()
		stdin.Close()
		if stderr.Len() > 0 {
			t.Fatalf("round %d: child failed: %s", round, stderr.String())
		}

		start = checkCrashInvariants(t, ctx, dir, round, confirmed, acked)
		t.Logf("round %d: killed after %d lines; %d commands in the queue, %d acknowledged", round, lines, start, len(acked))
	}
	// Finally every pending item comes out exactly once, in order.
	s := openT(t, dir, options{})
	pending, _, err := s.Stats(ctx, queue.LaneMinecraft)
	if err != nil {
		t.Fatal(err)
	}
	var prev int64
	for range pending {
		it, err := s.Next(ctx, queue.LaneMinecraft)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := acked[it.ID]; ok {
			t.Fatalf("acknowledged item %d came back", it.ID)
		}
		if it.ID <= prev {
			t.Fatalf("item %d after %d", it.ID, prev)
		}
		prev = it.ID
		if err := s.Ack(ctx, it.ID); err != nil {
			t.Fatal(err)
		}
	}
	if n, _, err := s.Stats(ctx, queue.LaneMinecraft); err != nil || n != 0 {
		t.Fatalf("%d items left after taking the %d pending ones (%v)", n, pending, err)
	}
	if _, err := s.Report(ctx, time.Time{}); err != nil {
		t.Errorf("report after crashes: %v", err)
	}
}

// checkCrashInvariants opens the store after a kill and returns the number
// of commands in it.
func checkCrashInvariants(t *testing.T, ctx context.Context, dir string, round, confirmed int, acked map[int64]string) int {
	t.Helper()
	s, err := Open(ctx, dir, nil)
	if err != nil {
		t.Fatalf("round %d: reopening after the kill: %v", round, err)
	}
	defer s.Close()
	// Every "$wins +1" marked done is in the count on disk (never lost), and
	// the count holds at most one more per kill (the one in flight).
	var marked int64
	if err := s.r.QueryRow("SELECT count(*) FROM actions WHERE lane = ? AND delivered_ns IS NOT NULL", int64(queue.LaneOverlays)).Scan(&marked); err != nil {
		t.Fatal(err)
	}
	var c struct{ Wins int64 }
	if b, err := s.LoadOverlayCounters(ctx); err != nil {
		t.Fatal(err)
	} else if b != nil {
		json.Unmarshal(b, &c)
	}
	if c.Wins < marked || c.Wins > marked+int64(round)+1 {
		t.Fatalf("round %d: %d $wins actions done and the count on disk is %d: want %d to %d", round, marked, c.Wins, marked, marked+int64(round)+1)
	}
	rows, err := s.r.Query("SELECT id, command, delivered_ns IS NOT NULL FROM actions WHERE lane = ? ORDER BY id", int64(queue.LaneMinecraft))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	boundary := 0 // where the next batch starts
	pendingSeen := false
	var firstPending int64
	for rows.Next() {
		var id int64
		var command string
		var delivered bool
		if err := rows.Scan(&id, &command, &delivered); err != nil {
			t.Fatal(err)
		}
		if command != crashCmd(n) {
			t.Fatalf("round %d: item %d is %q, want %q: order broken, a push lost or doubled", round, id, command, crashCmd(n))
		}
		if c, ok := acked[id]; ok && (!delivered || c != command) {
			t.Fatalf("round %d: item %d (%q) was acknowledged as %q but is pending", round, id, command, c)
		}
		// The consumer acknowledges in order, so delivered items are a
		// prefix: anything else would mean an item skipped or redone.
		if delivered && pendingSeen {
			t.Fatalf("round %d: item %d delivered after a pending one", round, id)
		}
		if !delivered && !pendingSeen {
			pendingSeen, firstPending = true, id
		}
		if n == boundary {
			boundary += crashBatch(n)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n != boundary {
		t.Fatalf("round %d: the queue ends inside a batch (%d commands, batch ends at %d): a push was torn", round, n, boundary)
	}
	if n < confirmed {
		t.Fatalf("round %d: %d commands in the queue but %d were confirmed pushed", round, n, confirmed)
	}
	if pendingSeen {
		it, err := s.Next(ctx, queue.LaneMinecraft)
		if err != nil {
			t.Fatal(err)
		}
		if it.ID != firstPending {
			t.Fatalf("round %d: Next returned %d, want the first pending %d", round, it.ID, firstPending)
		}
	}
	return n
}

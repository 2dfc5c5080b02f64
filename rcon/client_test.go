package rcon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/rcon/rcontest"
)

func command(cmd string) tikcraft.Action {
	return tikcraft.Action{Kind: tikcraft.KindCommand, Command: cmd, Trigger: "gift Rose", User: "anna"}
}

func TestLogin(t *testing.T) {
	tests := []struct {
		name     string
		password string
		wantErr  bool
	}{
		{name: "right password", password: password},
		{name: "wrong password", password: "not-the-password", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := startServer(t)
			c, log := newClient(t, Config{Address: s.Addr(), Password: tt.password})
			err := c.Deliver(testContext(t), command("say hello"))
			if !tt.wantErr {
				if err != nil {
					t.Fatalf("Deliver: %v", err)
				}
				if got := s.Commands(); !equal(got, []string{"say hello"}) {
					t.Errorf("server received %q", got)
				}
				log.waitFor(t, slog.LevelInfo, "connected to Minecraft RCON at "+s.Addr())
				return
			}
			if !errors.Is(err, tikcraft.ErrPermanent) {
				t.Fatalf("Deliver error = %v, want one wrapping tikcraft.ErrPermanent", err)
			}
			if errors.Is(err, tikcraft.ErrRejected) {
				t.Errorf("a wrong password must not reject the action itself: %v", err)
			}
			for _, want := range []string{"refused the RCON password", "rcon.password in tikcraft.yaml", "server.properties"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
			if strings.Contains(err.Error(), tt.password) || strings.Contains(err.Error(), password) {
				t.Errorf("error contains a password: %q", err)
			}
			if strings.Contains(log.String(), tt.password) {
				t.Errorf("log contains the password:\n%s", log)
			}
			if err := s.WaitFailedLogins(testContext(t), 1); err != nil {
				t.Fatal(err)
			}
			if s.FailedLogins() != 1 || s.Logins() != 0 || len(s.Commands()) != 0 {
				t.Errorf("server saw %d failed and %d good logins and commands %q; want exactly one failed login",
					s.FailedLogins(), s.Logins(), s.Commands())
			}
		})
	}
}

func TestCommandsInOrder(t *testing.T) {
	s := startServer(t, rcontest.Reply(func(cmd string) string { return "done: " + cmd }))
	c, _ := newClient(t, Config{Address: s.Addr()})
	want := cmds("say", 200)
	for _, cmd := range want {
		resp, err := c.Exec(testContext(t), cmd)
		if err != nil {
			t.Fatalf("Exec(%q): %v", cmd, err)
		}
		if resp != "done: "+cmd {
			t.Fatalf("Exec(%q) = %q", cmd, resp)
		}
	}
	if got := s.Commands(); !equal(got, want) {
		t.Errorf("server received %d commands, want %d in order:\n%q", len(got), len(want), got)
	}
	if s.Logins() != 1 {
		t.Errorf("client logged in %d times, want 1 (one connection for all commands)", s.Logins())
	}
}

// TestConcurrentDeliver: callers share one connection; every command
// arrives exactly once and each caller's commands keep their order.
func TestConcurrentDeliver(t *testing.T) {
	s := startServer(t, rcontest.Reply(func(cmd string) string { return cmd }))
	c, _ := newClient(t, Config{Address: s.Addr()})
	const callers, each = 6, 30
	var wg sync.WaitGroup
	errs := make(chan error, callers*each)
	for g := range callers {
		wg.Go(func() {
			for _, cmd := range cmds(fmt.Sprintf("say caller%d", g), each) {
				resp, err := c.Exec(testContext(t), cmd)
				if err == nil && resp != cmd {
					err = fmt.Errorf("Exec(%q) got the answer %q of another command", cmd, resp)
				}
				if err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	got := s.Commands()
	if len(got) != callers*each {
		t.Fatalf("server received %d commands, want %d", len(got), callers*each)
	}
	for g := range callers {
		prefix := fmt.Sprintf("say caller%d ", g)
		var mine []string
		for _, cmd := range got {
			if strings.HasPrefix(cmd, prefix) {
				mine = append(mine, cmd)
			}
		}
		if want := cmds(strings.TrimSuffix(prefix, " "), each); !equal(mine, want) {
			t.Errorf("caller %d: server received %q, want %q", g, mine, want)
		}
	}
}

// TestLargeResponse: Minecraft splits answers into 4096-byte packets; the
// client puts them back together and the next command gets its own answer.
func TestLargeResponse(t *testing.T) {
	sizes := []int{0, 1, 4095, 4096, 4097, 8192, 10 * 1024, 3*4096 + 1, 64 * 1024}
	answer := func(size int) string {
		var b strings.Builder
		for i := 0; b.Len() < size; i++ {
			fmt.Fprintf(&b, "line %d of %d;", i, size)
		}
		return b.String()[:size]
	}
	s := startServer(t, rcontest.Reply(func(cmd string) string {
		var size int
		if _, err := fmt.Sscanf(cmd, "give %d", &size); err != nil {
			return "small answer to " + cmd
		}
		return answer(size)
	}))
	c, _ := newClient(t, Config{Address: s.Addr()})
	for _, size := range sizes {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			cmd := fmt.Sprintf("give %d", size)
			resp, err := c.Exec(testContext(t), cmd)
			if err != nil {
				t.Fatalf("Exec: %v", err)
			}
			if want := answer(size); resp != want {
				t.Fatalf("answer is %d bytes, want %d (first difference at %d)", len(resp), len(want), firstDiff(resp, want))
			}
			next, err := c.Exec(testContext(t), "list")
			if err != nil || next != "small answer to list" {
				t.Fatalf("next command: %q, %v", next, err)
			}
		})
	}
	var want []string
	for _, size := range sizes {
		want = append(want, fmt.Sprintf("give %d", size), "list")
	}
	if got := s.Commands(); !equal(got, want) {
		t.Errorf("server received %q, want %q (no extra commands)", got, want)
	}
}

func firstDiff(a, b string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// TestServerStartsLate: the client waits for a server that is not up yet,
// tells the streamer what to check, then delivers everything in order.
func TestServerStartsLate(t *testing.T) {
	s := startServer(t, rcontest.Late())
	c, log := newClient(t, Config{Address: s.Addr()})
	want := cmds("summon zombie", 5)
	done := make(chan error, 1)
	go func() {
		for _, cmd := range want {
			if err := c.Deliver(testContext(t), command(cmd)); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	r := log.waitFor(t, slog.LevelWarn, "not reachable")
	_, port, _ := net.SplitHostPort(s.Addr())
	wantMsg := "Minecraft RCON at " + s.Addr() + " is not reachable (connection refused); is the server running with enable-rcon=true and rcon.port=" + port + " in server.properties? retrying in "
	if !strings.HasPrefix(r.Message, wantMsg) {
		t.Errorf("log message %q, want it to start with %q", r.Message, wantMsg)
	}
	if err := s.Listen(); err != nil {
		t.Error(err)
	}
	// Its first connection is not "again": it never had one.
	log.waitFor(t, slog.LevelInfo, "connected to Minecraft RCON at "+s.Addr()+" after waiting")
	if err := <-done; err != nil {
		t.Fatalf("Deliver: %v", err)
	}
	if got := s.Commands(); !equal(got, want) {
		t.Errorf("server received %q, want %q", got, want)
	}
}

// expectAfterDrops is what the server receives when it drops the
// connection at the given command counts: the dropped command comes again.
func expectAfterDrops(sent []string, drops []int) []string {
	drop := map[int]bool{}
	for _, d := range drops {
		drop[d] = true
	}
	var got []string
	for _, cmd := range sent {
		got = append(got, cmd)
		for drop[len(got)] {
			got = append(got, cmd)
		}
	}
	return got
}

// TestServerDropsConnection: the server closes the connection without
// answering; the client resends exactly the command in flight, then goes on.
func TestServerDropsConnection(t *testing.T) {
	tests := []struct {
		name  string
		drops []int
	}{
		{name: "first command", drops: []int{1}},
		{name: "mid-way", drops: []int{4}},
		{name: "twice in a row", drops: []int{3, 4}},
		{name: "several times", drops: []int{2, 5, 9}},
		{name: "last command", drops: []int{8}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := startServer(t, rcontest.DropAfter(tt.drops...))
			c, _ := newClient(t, Config{Address: s.Addr()})
			sent := cmds("give @a diamond", 8)
			for _, cmd := range sent {
				if err := c.Deliver(testContext(t), command(cmd)); err != nil {
					t.Fatalf("Deliver(%q): %v", cmd, err)
				}
			}
			want := expectAfterDrops(sent, tt.drops)
			if got := s.Commands(); !equal(got, want) {
				t.Errorf("server received\n%q\nwant\n%q", got, want)
			}
			if got, want := s.Logins(), 1+len(tt.drops); got != want {
				t.Errorf("%d logins, want %d (one per connection)", got, want)
			}
		})
	}
}

func TestExpectAfterDrops(t *testing.T) {
	got := expectAfterDrops([]string{"a", "b", "c"}, []int{2, 3})
	if want := []string{"a", "b", "b", "b", "c"}; !equal(got, want) {
		t.Errorf("expectAfterDrops = %q, want %q", got, want)
	}
}

// TestServerRestarts: the client's idle connection dies with the server;
// the next command reconnects and nothing is sent twice (the server never
// received it on the dead connection).
func TestServerRestarts(t *testing.T) {
	s := startServer(t)
	c, log := newClient(t, Config{Address: s.Addr()})
	sent := cmds("weather", 6)
	for i, cmd := range sent {
		if i == 3 {
			if err := s.Restart(); err != nil {
				t.Error(err)
			}
		}
		if err := c.Deliver(testContext(t), command(cmd)); err != nil {
			t.Fatalf("Deliver(%q): %v", cmd, err)
		}
	}
	if got := s.Commands(); !equal(got, sent) {
		t.Errorf("server received %q, want %q", got, sent)
	}
	if s.Logins() != 2 {
		t.Errorf("%d logins, want 2", s.Logins())
	}
	log.waitFor(t, slog.LevelWarn, "lost the connection to Minecraft RCON at "+s.Addr())
	log.waitFor(t, slog.LevelInfo, "connected to Minecraft RCON at "+s.Addr()+" again after")
}

// TestServerDownThenBack: the server is stopped for a while; deliveries
// wait for it and resume.
func TestServerDownThenBack(t *testing.T) {
	s := startServer(t)
	c, log := newClient(t, Config{Address: s.Addr()})
	if err := c.Deliver(testContext(t), command("time set day")); err != nil {
		t.Fatal(err)
	}
	s.Stop()
	done := make(chan error, 1)
	go func() { done <- c.Deliver(testContext(t), command("time set night")) }()
	log.waitFor(t, slog.LevelWarn, "is not reachable (connection refused)")
	if err := s.Listen(); err != nil {
		t.Error(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got, want := s.Commands(), []string{"time set day", "time set night"}; !equal(got, want) {
		t.Errorf("server received %q, want %q", got, want)
	}
}

// TestReadTimeoutResends: a server that does not answer in time is treated
// like a dropped connection: reconnect and send the command again.
func TestReadTimeoutResends(t *testing.T) {
	release := make(chan struct{})
	var calls atomic.Int32
	s := startServer(t, rcontest.Reply(func(cmd string) string {
		if calls.Add(1) == 1 {
			<-release
		}
		return "ok"
	}))
	t.Cleanup(func() { close(release) }) // before the server's Stop, which waits for it
	c, log := newClient(t, Config{Address: s.Addr(), ReadTimeout: 20 * time.Millisecond})
	resp, err := c.Exec(testContext(t), "tp anna 0 64 0")
	if err != nil || resp != "ok" {
		t.Fatalf("Exec = %q, %v", resp, err)
	}
	if got, want := s.Commands(), []string{"tp anna 0 64 0", "tp anna 0 64 0"}; !equal(got, want) {
		t.Errorf("server received %q, want %q", got, want)
	}
	log.waitFor(t, slog.LevelWarn, "did not answer the command (no answer in time)")
}

func TestCancel(t *testing.T) {
	// A command Minecraft was sent has its answer waited for: stopping
	// there left it queued, and the next start sent it again (a lagging
	// server answering in 2 s got it twice on every Ctrl-C). Only Close,
	// or rcon.timeout, ends that wait.
	// stuck starts call on a client whose server holds its answer until
	// the test ends or release is closed, cancels call's context once the
	// server has the command, and returns the client, its log and the
	// call's result.
	stuck := func(t *testing.T, call func(c *Client, ctx context.Context) error) (c *Client, log *testLog, release func(), done chan error) {
		ch := make(chan struct{})
		var once sync.Once
		release = func() { once.Do(func() { close(ch) }) }
		s := startServer(t, rcontest.Reply(func(string) string { <-ch; return "ok" }))
		t.Cleanup(release)
		c, log = newClient(t, Config{Address: s.Addr(), ReadTimeout: time.Hour})
		ctx, cancel := context.WithCancel(testContext(t))
		done = make(chan error, 1)
		go func() { done <- call(c, ctx) }()
		if _, err := s.WaitCommands(testContext(t), 1); err != nil {
			t.Fatal(err)
		}
		cancel()
		return c, log, release, done
	}
	deliver := func(c *Client, ctx context.Context) error { return c.Deliver(ctx, command("say stuck")) }
	t.Run("waiting for the answer", func(t *testing.T) {
		_, log, release, done := stuck(t, deliver)
		log.waitFor(t, slog.LevelInfo, "stopping: waiting up to")
		release()
		if err := <-done; err != nil {
			t.Fatalf("Deliver error = %v, want the answer", err)
		}
	})
	// Exec (the console, the deaths poll, check --connect) is not a
	// delivery: its context ending cuts the wait, as its callers expect.
	t.Run("Exec waiting for the answer", func(t *testing.T) {
		_, _, _, done := stuck(t, func(c *Client, ctx context.Context) error { _, err := c.Exec(ctx, "list"); return err })
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Fatalf("Exec error = %v, want context.Canceled", err)
		}
	})
	t.Run("waiting for the answer, then Close", func(t *testing.T) {
		c, log, _, done := stuck(t, deliver)
		log.waitFor(t, slog.LevelInfo, "stopping: waiting up to")
		c.Close()
		if err := <-done; !errors.Is(err, ErrClosed) {
			t.Fatalf("Deliver error = %v, want ErrClosed", err)
		}
	})
	t.Run("waiting to reconnect", func(t *testing.T) {
		s := startServer(t, rcontest.Late())
		c, log := newClient(t, Config{Address: s.Addr(), Backoff: Backoff{Min: time.Hour, Max: time.Hour}})
		ctx, cancel := context.WithCancel(testContext(t))
		done := make(chan error, 1)
		go func() { done <- c.Deliver(ctx, command("say waiting")) }()
		log.waitFor(t, slog.LevelWarn, "not reachable (connection refused)")
		cancel()
		err := <-done
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Deliver error = %v, want context.Canceled", err)
		}
		if !strings.Contains(err.Error(), "connection refused") {
			t.Errorf("error %q does not mention the last problem", err)
		}
	})
	t.Run("waiting for another caller", func(t *testing.T) {
		release := make(chan struct{})
		s := startServer(t, rcontest.Reply(func(string) string { <-release; return "" }))
		c, _ := newClient(t, Config{Address: s.Addr(), ReadTimeout: time.Hour})
		first := make(chan error, 1)
		go func() { first <- c.Deliver(testContext(t), command("say first")) }()
		if _, err := s.WaitCommands(testContext(t), 1); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(testContext(t))
		cancel()
		if err := c.Deliver(ctx, command("say second")); !errors.Is(err, context.Canceled) {
			t.Fatalf("Deliver error = %v, want context.Canceled", err)
		}
		close(release)
		if err := <-first; err != nil {
			t.Fatal(err)
		}
		if got := s.Commands(); !equal(got, []string{"say first"}) {
			t.Errorf("server received %q", got)
		}
	})
}

func TestClose(t *testing.T) {
	release := make(chan struct{})
	s := startServer(t, rcontest.Reply(func(string) string { <-release; return "" }))
	t.Cleanup(func() { close(release) })
	c, _ := newClient(t, Config{Address: s.Addr(), ReadTimeout: time.Hour})
	done := make(chan error, 1)
	go func() { done <- c.Deliver(testContext(t), command("say closing")) }()
	if _, err := s.WaitCommands(testContext(t), 1); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := <-done; !errors.Is(err, ErrClosed) {
		t.Errorf("Deliver in flight: %v, want ErrClosed", err)
	}
	if err := c.Deliver(testContext(t), command("say after")); !errors.Is(err, ErrClosed) || !errors.Is(err, tikcraft.ErrPermanent) {
		t.Errorf("Deliver after Close: %v, want ErrClosed (permanent)", err)
	}
	if err := c.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestRejectedCommands(t *testing.T) {
	longest := "say " + strings.Repeat("a", MaxCommandBytes-4)
	tests := []struct {
		name    string
		cmd     string
		wantErr string
	}{
		{name: "longest accepted", cmd: longest},
		{name: "longest with multibyte text", cmd: "say " + strings.Repeat("é", (MaxCommandBytes-4)/2)},
		{name: "one byte too long", cmd: longest + "a", wantErr: "is 1447 bytes long, but Minecraft accepts at most 1446"},
		{name: "far too long", cmd: strings.Repeat("tellraw @a hi ", 1000), wantErr: "shorten it in actions.mca"},
		{name: "empty", cmd: "", wantErr: "the command is empty"},
		{name: "blank", cmd: "  \t", wantErr: "the command is empty"},
		{name: "NUL", cmd: "say hi\x00op anna", wantErr: "NUL character"},
	}
	s := startServer(t)
	c, _ := newClient(t, Config{Address: s.Addr()})
	var want []string
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := c.Deliver(testContext(t), command(tt.cmd))
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Deliver: %v", err)
				}
				want = append(want, tt.cmd)
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Deliver error = %v, want one containing %q", err, tt.wantErr)
			}
			if !errors.Is(err, tikcraft.ErrRejected) || !errors.Is(err, tikcraft.ErrPermanent) {
				t.Errorf("error %v does not wrap both ErrRejected and ErrPermanent", err)
			}
			if len(err.Error()) > 200 {
				t.Errorf("error is %d bytes long; it should quote only the start of the command", len(err.Error()))
			}
		})
	}
	if got := s.Commands(); !equal(got, want) {
		t.Errorf("server received %q, want only %q", got, want)
	}
}

func TestAlertsAreNotSent(t *testing.T) {
	s := startServer(t)
	c, _ := newClient(t, Config{Address: s.Addr()})
	err := c.Deliver(testContext(t), tikcraft.Action{Kind: tikcraft.KindAlert, Alert: tikcraft.Alert{Title: "Rose!", Seconds: 3}})
	if err != nil {
		t.Fatalf("Deliver(alert): %v", err)
	}
	err = c.Deliver(testContext(t), tikcraft.Action{Kind: "sound", Command: "say hi"})
	if !errors.Is(err, tikcraft.ErrRejected) {
		t.Errorf("Deliver(unknown kind) = %v, want ErrRejected", err)
	}
	if s.Logins() != 0 || len(s.Commands()) != 0 {
		t.Errorf("the server was contacted: %d logins, commands %q", s.Logins(), s.Commands())
	}
}

func TestUnknownCommandWarns(t *testing.T) {
	s := startServer(t, rcontest.Reply(func(cmd string) string {
		if strings.HasPrefix(cmd, "sya") {
			return "Unknown or incomplete command, see below for error\nsya hi<--[HERE]"
		}
		return "Set the time to 1000"
	}))
	c, log := newClient(t, Config{Address: s.Addr()})
	if err := c.Deliver(testContext(t), command("time set 1000")); err != nil {
		t.Fatal(err)
	}
	r := log.waitFor(t, slog.LevelDebug, "Minecraft answered")
	if got := attr(r, "response"); got != "Set the time to 1000" {
		t.Errorf("debug log response = %q", got)
	}
	if err := c.Deliver(testContext(t), command("sya hi")); err != nil {
		t.Fatalf("Deliver: %v (the server did answer; a typo is the streamer's to fix)", err)
	}
	r = log.waitFor(t, slog.LevelWarn, "did not understand")
	if !strings.Contains(r.Message, "actions.mca") || attr(r, "command") != "sya hi" || attr(r, "trigger") != "gift Rose" {
		t.Errorf("warning %q with command %q trigger %q", r.Message, attr(r, "command"), attr(r, "trigger"))
	}
}

func attr(r slog.Record, key string) string {
	var v string
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == key {
			v = a.Value.String()
			return false
		}
		return true
	})
	return v
}

// TestGiveUpAfter runs against a port where nothing listens, with a fake
// clock, so the give-up point is exact.
func TestGiveUpAfter(t *testing.T) {
	s := startServer(t, rcontest.Late())
	c, _ := newClient(t, Config{Address: s.Addr(), GiveUpAfter: time.Minute, Backoff: Backoff{Min: time.Second, Max: 15 * time.Second}})
	var clock fakeClock
	clock.install(c)
	err := c.Deliver(testContext(t), command("say anyone there?"))
	if err == nil {
		t.Fatal("Deliver succeeded with no server")
	}
	for _, want := range []string{`gave up sending "say anyone there?"`, s.Addr(), "after trying for 1m0s", "connection refused"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("error does not wrap the last cause (connection refused): %v", err)
	}
	if errors.Is(err, tikcraft.ErrPermanent) || errors.Is(err, tikcraft.ErrRejected) {
		t.Errorf("giving up is not permanent: the server may come back: %v", err)
	}
	var total time.Duration
	sleeps := clock.sleeps()
	for i, d := range sleeps {
		if d <= 0 || d > 15*time.Second {
			t.Errorf("sleep %d is %s, outside (0, 15s]", i, d)
		}
		total += d
	}
	if total != time.Minute {
		t.Errorf("slept %s in total (%v), want exactly the 1m GiveUpAfter", total, sleeps)
	}
}

// TestPacing uses a fake clock: the limiter is asked with the client's
// clock, so the waits it imposes are exact.
func TestPacing(t *testing.T) {
	tests := []struct {
		name      string
		perSecond float64
		burst     int
		n         int
		want      []time.Duration // waits for n commands in a row
	}{
		{name: "unlimited", perSecond: 0, n: 20},
		{name: "2 per second", perSecond: 2, burst: 2, n: 5, want: []time.Duration{500 * time.Millisecond, 500 * time.Millisecond, 500 * time.Millisecond}},
		{name: "one every 2s", perSecond: 0.5, burst: 1, n: 3, want: []time.Duration{2 * time.Second, 2 * time.Second}},
		{name: "4 per second", perSecond: 4, burst: 4, n: 6, want: []time.Duration{250 * time.Millisecond, 250 * time.Millisecond}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := startServer(t)
			c, _ := newClient(t, Config{Address: s.Addr(), MaxCommandsPerSecond: tt.perSecond})
			if tt.perSecond == 0 {
				if c.limiter != nil {
					t.Fatal("0 commands per second must mean no limiter")
				}
			} else if got := c.limiter.Burst(); got != tt.burst {
				t.Errorf("burst %d, want %d", got, tt.burst)
			}
			var clock fakeClock
			clock.install(c)
			sent := cmds("fill", tt.n)
			for _, cmd := range sent {
				if _, err := c.Exec(testContext(t), cmd); err != nil {
					t.Fatal(err)
				}
			}
			if got := clock.sleeps(); !equalDurations(got, tt.want) {
				t.Errorf("waited %v, want %v", got, tt.want)
			}
			// After a quiet minute a lone command goes out at once.
			clock.advance(time.Minute)
			before := len(clock.sleeps())
			if _, err := c.Exec(testContext(t), "say alone"); err != nil {
				t.Fatal(err)
			}
			if got := clock.sleeps()[before:]; len(got) != 0 {
				t.Errorf("a lone command waited %v", got)
			}
			if got := s.Commands(); !equal(got, append(sent, "say alone")) {
				t.Errorf("server received %q", got)
			}
		})
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

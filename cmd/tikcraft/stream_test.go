package main

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tc "github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/rcon/rcontest"
	"github.com/tikcraft/tikcraft/sim"
)

// This file holds what the tests of `tikcraft run` share: a tikcraft
// process whose log a test reads, and a stream (the wire simulator feeding
// the real TikTok client, a real RCON server, and a project folder with the
// default configuration: dashboard and overlays on, only addresses set).

// proc is a tikcraft process whose output a test reads line by line: what
// the streamer's terminal shows, the console (stdout) and the log (stderr).
type proc struct {
	t    *testing.T
	ctx  context.Context
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited and its log is read
	err  error         // its exit status; read after done

	mu      sync.Mutex
	log     []string
	partial [2][]byte     // stdout's and stderr's unfinished last lines
	ended   bool          // the process exited and every line is in log
	changed chan struct{} // closed and replaced when a line arrives or the process ends
	next    int           // waitLine looks from here on
}

// startRun starts tikcraft with args in dir.
func startRun(t *testing.T, ctx context.Context, dir string, args ...string) *proc {
	t.Helper()
	return startProc(t, ctx, dir, append([]string{bin}, args...))
}

// startProc starts argv: tikcraft, or a command that runs it in its place
// (nsenter). The process is killed when the test ends.
func startProc(t *testing.T, ctx context.Context, dir string, argv []string) *proc {
	t.Helper()
	p := &proc{t: t, ctx: ctx, cmd: exec.Command(argv[0], argv[1:]...), done: make(chan struct{}), changed: make(chan struct{})}
	p.cmd.Dir = dir
	p.cmd.Stdout, p.cmd.Stderr = procOut{p, 0}, procOut{p, 1}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		err := p.cmd.Wait()
		p.mu.Lock()
		p.err = err
		for i, part := range p.partial {
			if len(part) > 0 {
				p.log = append(p.log, string(part))
				p.partial[i] = nil
			}
		}
		p.ended = true
		p.notify()
		p.mu.Unlock()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.done
	})
	return p
}

// procOut takes one of the process's outputs and splits it into lines.
type procOut struct {
	p *proc
	n int // 0 stdout, 1 stderr
}

func (o procOut) Write(b []byte) (int, error) {
	p := o.p
	p.mu.Lock()
	defer p.mu.Unlock()
	part := append(p.partial[o.n], b...)
	for {
		i := bytes.IndexByte(part, '\n')
		if i < 0 {
			break
		}
		p.log = append(p.log, string(part[:i]))
		part = part[i+1:]
	}
	p.partial[o.n] = part
	p.notify()
	return len(b), nil
}

// notify wakes waiters; mu must be held.
func (p *proc) notify() {
	close(p.changed)
	p.changed = make(chan struct{})
}

// waitLine reads the log until a line contains part.
func (p *proc) waitLine(part string) {
	p.t.Helper()
	p.waitLineOr(part, nil)
}

// waitLineOr reads the log until a line contains part (true) or until
// other, if not nil, returns nil (false). The test fails if tikcraft exits
// first, other fails or the test's deadline passes.
func (p *proc) waitLineOr(part string, other func(context.Context) error) bool {
	p.t.Helper()
	ctx, cancel := context.WithCancel(p.ctx)
	defer cancel()
	var otherDone chan error
	if other != nil {
		otherDone = make(chan error, 1)
		go func() { otherDone <- other(ctx) }()
		defer func() {
			cancel()
			if otherDone != nil {
				<-otherDone
			}
		}()
	}
	for {
		found, ended, ch := p.scan(part)
		switch {
		case found:
			return true
		case ended:
			p.t.Fatalf("tikcraft exited (%v) before saying %q:\n%s", p.err, part, p.logText())
		}
		select {
		case <-ch:
		case err := <-otherDone:
			otherDone = nil
			if err != nil {
				p.t.Fatalf("waiting for tikcraft to say %q: %v\n%s", part, err, p.logText())
			}
			return false
		case <-p.ctx.Done():
			p.t.Fatalf("tikcraft never said %q:\n%s", part, p.logText())
		}
	}
}

// waitLineOrExit reads the log until a line contains part (true) or the
// process has exited without saying it (false).
func (p *proc) waitLineOrExit(part string) bool {
	p.t.Helper()
	for {
		found, ended, ch := p.scan(part)
		switch {
		case found:
			return true
		case ended:
			<-p.done
			return false
		}
		select {
		case <-ch:
		case <-p.ctx.Done():
			p.t.Fatalf("tikcraft neither said %q nor exited:\n%s", part, p.logText())
		}
	}
}

// scan looks for part in the lines not read yet and moves the read
// position past the line holding it; otherwise it reports whether the
// process has ended, and a channel closed when more comes.
func (p *proc) scan(part string) (found, ended bool, changed <-chan struct{}) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for ; p.next < len(p.log); p.next++ {
		if strings.Contains(p.log[p.next], part) {
			p.next++
			return true, false, nil
		}
	}
	return false, p.ended, p.changed
}

// has reports whether any line of the log so far contains part.
func (p *proc) has(part string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.ContainsFunc(p.log, func(l string) bool { return strings.Contains(l, part) })
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// interrupt stops tikcraft as Ctrl-C does and expects a clean exit.
func (p *proc) interrupt() {
	p.t.Helper()
	p.cmd.Process.Signal(os.Interrupt)
	<-p.done
	if p.err != nil {
		p.t.Fatalf("tikcraft after Ctrl-C: %v\n%s", p.err, p.logText())
	}
}

// kill kills tikcraft as kill -9 (or a crash, or the power button of a
// program) does: no chance to save anything more.
func (p *proc) kill() {
	p.cmd.Process.Kill()
	<-p.done
}

func (p *proc) logText() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.log, "\n")
}

// streamPassword is the RCON password of every stream test.
const streamPassword = "pw-for-stream-test"

// stream is a streamer's setup for `tikcraft run`: the wire simulator as
// TikTok (a LIVE in progress unless sim.Options say otherwise), a real RCON
// server as Minecraft, and a folder with tikcraft.yaml and actions.mca.
type stream struct {
	t   *testing.T
	ctx context.Context
	dir string
	mc  *rcontest.Server
	tt  *sim.Server
	// wrap, if set, is the command that runs tikcraft (nsenter into a
	// namespace); its arguments follow.
	wrap    []string
	last    *proc // the last tikcraft started, for failure messages
	markers int
	users   int
}

type streamSetup struct {
	sim sim.Options
	mc  []rcontest.Option
	// tiktok is more of the tiktok: section, indented by two spaces.
	tiktok string
	// yaml is more of tikcraft.yaml: whole top-level sections, e.g.
	// "gifts:\n  mode: live\n".
	yaml string
	// actions is the actions file; the share rule markers use is added.
	actions string
}

// newStream sets up a stream; nothing runs tikcraft yet. The config is the
// default but for where TikTok, Minecraft and the data are: the dashboard
// and the overlays are on (TestMain gives each tikcraft its own port).
func newStream(t *testing.T, o streamSetup) *stream {
	t.Helper()
	mc := rcontest.Start(t, streamPassword, o.mc...)
	tt, err := sim.Start(o.sim)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tt.Close)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	t.Cleanup(cancel)
	s := &stream{t: t, ctx: ctx, dir: t.TempDir(), mc: mc, tt: tt}
	cfg := fmt.Sprintf("tiktok:\n  user: \"@%s\"\n  sign_server: %s\n  web_base: %s\n%srcon:\n  address: %s\n  password: %s\n%s",
		tt.User(), tt.URL(), tt.URL(), o.tiktok, mc.Addr(), streamPassword, o.yaml)
	s.write("tikcraft.yaml", cfg)
	s.write("actions.mca", o.actions+"share:/say marker {user}\n")
	return s
}

func (s *stream) write(name, content string) {
	s.t.Helper()
	if err := os.WriteFile(filepath.Join(s.dir, name), []byte(content), 0o600); err != nil {
		s.t.Fatal(err)
	}
}

// argv is the command line that runs tikcraft with args and the config.
func (s *stream) argv(args ...string) []string {
	argv := append(slices.Clone(s.wrap), bin)
	argv = append(argv, args...)
	return append(argv, "-c", filepath.Join(s.dir, "tikcraft.yaml"))
}

// start starts `tikcraft run` and waits until it is connected to the LIVE.
func (s *stream) start() *proc {
	s.t.Helper()
	p := startProc(s.t, s.ctx, s.dir, s.argv("run"))
	s.last = p
	p.waitLine("connected to @" + s.tt.User() + "'s LIVE")
	return p
}

// command runs tikcraft args (drain, replay...) to its end and fails the
// test unless it exits 0. It returns what tikcraft logged.
func (s *stream) command(args ...string) string {
	s.t.Helper()
	p := s.background(args...)
	p.finish()
	return p.logText()
}

// finish waits for tikcraft to end by itself and fails the test unless it
// exits 0.
func (p *proc) finish() {
	p.t.Helper()
	select {
	case <-p.done:
	case <-p.ctx.Done():
		p.t.Fatalf("tikcraft %s did not finish:\n%s", p.cmd.Args[1:], p.logText())
	}
	if p.err != nil {
		p.t.Fatalf("tikcraft %s: %v\n%s", p.cmd.Args[1:], p.err, p.logText())
	}
}

// background starts tikcraft args (a drain) and returns at once.
func (s *stream) background(args ...string) *proc {
	s.t.Helper()
	p := startProc(s.t, s.ctx, s.dir, s.argv(args...))
	s.last = p
	return p
}

// push sends events to the LIVE.
func (s *stream) push(evs ...tc.Event) {
	s.t.Helper()
	if err := s.tt.Push(evs...); err != nil {
		s.t.Fatal(err)
	}
}

// mark sends a share from a new viewer and waits until Minecraft has its
// command, "say marker markerN". Commands go out in the order their events
// came, so every event sent before it has then been handled and saved.
func (s *stream) mark() string {
	s.t.Helper()
	s.markers++
	name := fmt.Sprintf("marker%d", s.markers)
	s.push(&tc.ShareEvent{User: tc.User{ID: strconv.Itoa(900000 + s.markers), UniqueID: name}})
	cmd := "say marker " + name
	s.waitCommand(cmd)
	return cmd
}

// waitCommand waits until Minecraft has received cmd and returns every
// command received so far.
func (s *stream) waitCommand(cmd string) []string {
	s.t.Helper()
	got, err := s.arrived(s.ctx, cmd)
	if err != nil {
		s.t.Fatalf("Minecraft never got %q; it got %d commands: %q\nlast tikcraft's log:\n%s", cmd, len(got), got, s.lastLog())
	}
	return got
}

// arrived waits until Minecraft has received cmd, or ctx ends, and returns
// every command received so far.
func (s *stream) arrived(ctx context.Context, cmd string) ([]string, error) {
	got := s.mc.Commands()
	for seen := 0; ; {
		for ; seen < len(got); seen++ {
			if got[seen] == cmd {
				return got, nil
			}
		}
		var err error
		if got, err = s.mc.WaitCommands(ctx, len(got)+1); err != nil {
			return got, err
		}
	}
}

// lastLog is the log of the last tikcraft started, for failure messages.
func (s *stream) lastLog() string {
	if s.last == nil {
		return ""
	}
	return s.last.logText()
}

// waitCommands waits until Minecraft has received n commands.
func (s *stream) waitCommands(n int) []string {
	s.t.Helper()
	got, err := s.mc.WaitCommands(s.ctx, n)
	if err != nil {
		s.t.Fatalf("Minecraft got %d commands, never %d: %v\nlast tikcraft's log:\n%s", len(got), n, err, s.lastLog())
	}
	return got
}

// waitTally waits until Minecraft has received each command of want at
// least that often.
func (s *stream) waitTally(want map[string]int) {
	s.t.Helper()
	for got := s.mc.Commands(); ; got = s.waitCommands(len(got) + 1) {
		have := tally(got)
		if !slices.ContainsFunc(slices.Collect(maps.Keys(want)), func(c string) bool { return have[c] < want[c] }) {
			return
		}
	}
}

// killAt kills p (kill -9) once Minecraft has received n commands, unless
// p ends by itself first; it reports whether it killed p.
func (s *stream) killAt(p *proc, n int) bool {
	s.t.Helper()
	ctx, cancel := context.WithCancel(s.ctx)
	defer cancel()
	got := make(chan error, 1)
	go func() {
		_, err := s.mc.WaitCommands(ctx, n)
		got <- err
	}()
	select {
	case err := <-got:
		if err != nil {
			s.t.Fatalf("Minecraft never got %d commands: %v\n%s", n, err, p.logText())
		}
		p.kill()
		return true
	case <-p.done:
		cancel()
		<-got
		return false
	}
}

// viewer returns a new viewer named name.
func (s *stream) viewer(name string) tc.User {
	s.users++
	return tc.User{ID: strconv.Itoa(100000 + s.users), UniqueID: name}
}

var rose = tc.Gift{ID: 5655, Name: "Rose", Combo: true, Diamonds: 1}

// roses is one message of u's Rose streak group: count so far, and whether
// it is the streak's last message.
func roses(u tc.User, group string, count int, end bool) *tc.GiftEvent {
	return &tc.GiftEvent{User: u, Gift: rose, RepeatCount: int64(count), RepeatEnd: end, GroupID: group}
}

// tally counts each command.
func tally(cmds []string) map[string]int {
	m := map[string]int{}
	for _, c := range cmds {
		m[c]++
	}
	return m
}

// checkCounts asserts that Minecraft got each command of want exactly that
// often, and nothing else, except for at most repeats extra copies in all:
// one per kill, the command that was in flight.
func checkCounts(t *testing.T, got []string, want map[string]int, repeats int) {
	t.Helper()
	have := tally(got)
	extra := 0
	for _, c := range slices.Sorted(maps.Keys(want)) {
		switch n := have[c]; {
		case n < want[c]:
			t.Errorf("%q: %d commands, want %d (lost %d)", c, n, want[c], want[c]-n)
		case n > want[c]:
			extra += n - want[c]
			if n-want[c] > repeats {
				t.Errorf("%q: %d commands, want %d", c, n, want[c])
			}
		}
	}
	for _, c := range slices.Sorted(maps.Keys(have)) {
		if _, ok := want[c]; !ok {
			t.Errorf("unexpected command %q (%d times)", c, have[c])
		}
	}
	if extra > repeats {
		t.Errorf("%d commands repeated, but only %d could be (one per kill)", extra, repeats)
	}
}

// checkInOrder asserts that Minecraft got the commands of want once each
// and in that order, and the commands of streaks exactly as often as
// counted there (in any order), with at most repeats extra copies in all.
func checkInOrder(t *testing.T, got, want []string, streaks map[string]int, repeats int) {
	t.Helper()
	checkDelivered(t, slices.DeleteFunc(slices.Clone(got), func(c string) bool { _, ok := streaks[c]; return ok }), want, repeats)
	all := tally(want)
	maps.Copy(all, streaks)
	checkCounts(t, got, all, repeats)
}

// crashSeed returns the random source of a crash test and logs its seed;
// TIKCRAFT_CRASH_SEED=N makes the same choices again.
func crashSeed(t *testing.T) *rand.Rand {
	t.Helper()
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("TIKCRAFT_CRASH_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("TIKCRAFT_CRASH_SEED=%q is not a number", s)
		}
		seed = n
	}
	t.Logf("random seed %d (TIKCRAFT_CRASH_SEED=%d makes the same choices)", seed, seed)
	return rand.New(rand.NewPCG(seed, seed>>32|1))
}

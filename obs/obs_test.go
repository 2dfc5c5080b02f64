package obs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/andreykaipov/goobs"
	"github.com/andreykaipov/goobs/api/requests/filters"
	"github.com/andreykaipov/goobs/api/requests/inputs"
	"github.com/andreykaipov/goobs/api/requests/mediainputs"
	"github.com/andreykaipov/goobs/api/requests/sceneitems"
	"github.com/andreykaipov/goobs/api/requests/scenes"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/actions"
	"github.com/tikcraft/tikcraft/lograte/logratetest"
	"github.com/tikcraft/tikcraft/obs/obstest"
)

// One real OBS Studio serves every test of the package (starting one
// takes seconds and a core); each test makes its own scenes and sources.
var shared struct {
	srv *obstest.Server
	err error
}

func TestMain(m *testing.M) {
	if why := obstest.Missing(); why != "" && os.Getenv(obstest.EnvNoOBS) != "" {
		shared.err = errors.New(why)
	} else {
		shared.srv, shared.err = obstest.Start(context.Background())
	}
	code := m.Run()
	if shared.srv != nil {
		shared.srv.Close()
	}
	os.Exit(code)
}

// need returns the shared OBS and a client logged in to it. Without OBS
// the test fails, or skips when TIKCRAFT_NO_OBS is set and OBS is not
// installed.
func need(t *testing.T) (*obstest.Server, *goobs.Client) {
	t.Helper()
	if shared.srv == nil {
		if os.Getenv(obstest.EnvNoOBS) != "" && obstest.Missing() != "" {
			t.Skipf("no OBS here (%v) and %s is set", shared.err, obstest.EnvNoOBS)
		}
		t.Fatalf("a real OBS Studio is needed for this test and did not start: %v\n(set %s=1 to skip where obs-studio is not installed)", shared.err, obstest.EnvNoOBS)
	}
	c, err := shared.srv.Client()
	if err != nil {
		t.Fatalf("logging in to the test OBS: %v", err)
	}
	t.Cleanup(func() { c.Disconnect() })
	return shared.srv, c
}

// logBuf collects a sink's log lines.
type logBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func newSink(t *testing.T, cfg Config) (*Sink, *logBuf) {
	t.Helper()
	lb := &logBuf{}
	s := New(cfg, slog.New(slog.NewTextHandler(lb, &slog.HandlerOptions{Level: slog.LevelDebug})))
	t.Cleanup(func() {
		s.Close()
		if cfg.Password != "" && strings.Contains(lb.String(), cfg.Password) {
			t.Errorf("the OBS password is in the log:\n%s", lb)
		}
	})
	return s, lb
}

// recordedSink is newSink with the log kept as records and the repeated
// lines on a clock the test moves.
func recordedSink(t *testing.T, cfg Config) (*Sink, *logratetest.Records, *logratetest.Clock) {
	t.Helper()
	rec, clk := &logratetest.Records{}, logratetest.NewClock(time.Date(2026, 12, 3, 18, 0, 0, 0, time.UTC))
	s := open(cfg, slog.New(rec), clk.Option())
	t.Cleanup(func() { s.Close() })
	return s, rec, clk
}

func sinkFor(t *testing.T, srv *obstest.Server) (*Sink, *logBuf) {
	return newSink(t, Config{Address: srv.Addr, Password: srv.Password})
}

// setup makes a scene with sources for one test; names carry the test's
// name and a random number so tests (and -count runs) never share them.
type setup struct {
	t      *testing.T
	c      *goobs.Client
	prefix string
}

func newSetup(t *testing.T, c *goobs.Client) *setup {
	return &setup{t: t, c: c, prefix: fmt.Sprintf("%s %d ", strings.ReplaceAll(t.Name(), "/", " "), rand.IntN(1e6))}
}

func (s *setup) scene(name string) string {
	s.t.Helper()
	name = s.prefix + name
	if _, err := s.c.Scenes.CreateScene(&scenes.CreateSceneParams{SceneName: &name}); err != nil {
		s.t.Fatalf("CreateScene %q: %v", name, err)
	}
	return name
}

func (s *setup) input(scene, name, kind string, settings map[string]any, enabled bool) string {
	s.t.Helper()
	name = s.prefix + name
	if settings == nil {
		settings = map[string]any{}
	}
	if _, err := s.c.Inputs.CreateInput(&inputs.CreateInputParams{SceneName: &scene, InputName: &name, InputKind: &kind, InputSettings: settings, SceneItemEnabled: &enabled}); err != nil {
		s.t.Fatalf("CreateInput %q: %v", name, err)
	}
	return name
}

func (s *setup) filter(source, name string) string {
	s.t.Helper()
	kind := "color_filter_v2"
	if _, err := s.c.Filters.CreateSourceFilter(&filters.CreateSourceFilterParams{SourceName: &source, FilterName: &name, FilterKind: &kind, FilterSettings: map[string]any{}}); err != nil {
		s.t.Fatalf("CreateSourceFilter %q: %v", name, err)
	}
	if _, err := s.c.Filters.SetSourceFilterEnabled(&filters.SetSourceFilterEnabledParams{SourceName: &source, FilterName: &name, FilterEnabled: ptr(false)}); err != nil {
		s.t.Fatal(err)
	}
	return name
}

func (s *setup) program() string {
	s.t.Helper()
	r, err := s.c.Scenes.GetCurrentProgramScene(&scenes.GetCurrentProgramSceneParams{})
	if err != nil {
		s.t.Fatal(err)
	}
	return r.CurrentProgramSceneName
}

func (s *setup) setProgram(scene string) {
	s.t.Helper()
	if _, err := s.c.Scenes.SetCurrentProgramScene(&scenes.SetCurrentProgramSceneParams{SceneName: &scene}); err != nil {
		s.t.Fatal(err)
	}
}

func (s *setup) shown(scene, source string) bool {
	s.t.Helper()
	id, err := s.c.SceneItems.GetSceneItemId(&sceneitems.GetSceneItemIdParams{SceneName: &scene, SourceName: &source})
	if err != nil {
		s.t.Fatal(err)
	}
	r, err := s.c.SceneItems.GetSceneItemEnabled(&sceneitems.GetSceneItemEnabledParams{SceneName: &scene, SceneItemId: &id.SceneItemId})
	if err != nil {
		s.t.Fatal(err)
	}
	return r.SceneItemEnabled
}

func (s *setup) filterOn(source, filter string) bool {
	s.t.Helper()
	r, err := s.c.Filters.GetSourceFilter(&filters.GetSourceFilterParams{SourceName: &source, FilterName: &filter})
	if err != nil {
		s.t.Fatal(err)
	}
	return r.FilterEnabled
}

func (s *setup) text(source string) string {
	s.t.Helper()
	r, err := s.c.Inputs.GetInputSettings(&inputs.GetInputSettingsParams{InputName: &source})
	if err != nil {
		s.t.Fatal(err)
	}
	text, _ := r.InputSettings["text"].(string)
	return text
}

func (s *setup) mediaState(source string) string {
	s.t.Helper()
	r, err := s.c.MediaInputs.GetMediaInputStatus(&mediainputs.GetMediaInputStatusParams{InputName: &source})
	if err != nil {
		s.t.Fatal(err)
	}
	return r.MediaState
}

// eventually polls cond until it holds; the test's own deadline bounds
// it. It never asserts on how long that took.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not after 30s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func deliver(t *testing.T, s *Sink, command string) {
	t.Helper()
	if err := s.Deliver(context.Background(), tikcraft.Action{Kind: tikcraft.KindOBS, Command: command, Trigger: "test"}); err != nil {
		t.Fatalf("$obs %s: %v", command, err)
	}
}

func q(s string) string { return fmt.Sprintf("%q", s) }

// TestRules runs an actions file's $obs rules, fired as the engine fires
// them, through the sink into a real OBS and reads OBS's state back.
func TestRules(t *testing.T) {
	srv, c := need(t)
	o := newSetup(t, c)
	game := o.scene("Game")
	cam := o.scene("Creeper Cam")
	scare := o.input(game, "Jump Scare", "color_source_v3", nil, false)
	webcam := o.input(game, "Webcam", "color_source_v3", nil, true)
	last := o.input(game, "Last Gift", "text_ft2_source_v2", map[string]any{"text": "nobody yet"}, true)
	tint := o.filter(webcam, "Green Tint")
	o.setProgram(game)

	src := fmt.Sprintf(`rose:$obs scene %s
lion:$obs show %s
galaxy:$obs hide %s in %s
gift:$obs text %s {nickname} sent {gift} x{count}
tiktok:$obs filter %s %s on
back:$obs filter %s %s off; $obs scene %s
`, q(cam), q(scare), q(webcam), q(game), q(last), q(webcam), q(tint), q(webcam), q(tint), q(game))
	f, diags := actions.Parse("actions.mca", []byte(src), actions.Options{OBS: true})
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	s, _ := sinkFor(t, srv)
	fire := func(trigger string, v actions.Vars) {
		t.Helper()
		for _, a := range f.Fire(f.Lookup(trigger), v, nil) {
			if err := s.Deliver(context.Background(), a); err != nil {
				t.Fatalf("%s: %s: %v", trigger, a, err)
			}
		}
	}

	fire("rose", actions.Vars{})
	if p := o.program(); p != cam {
		t.Errorf("program scene %q, want %q", p, cam)
	}
	// Without "in", show and hide act on the program scene.
	o.setProgram(game)
	fire("lion", actions.Vars{})
	if !o.shown(game, scare) {
		t.Error("show did not show the source")
	}
	o.setProgram(cam)
	fire("galaxy", actions.Vars{})
	if o.shown(game, webcam) {
		t.Error("hide ... in SCENE did not hide the source in that scene")
	}
	// The text source shows the name as the viewer wrote it (an emoji
	// family stays one), but no bidi override reaches it.
	fire("gift", actions.Vars{User: "anna", Nickname: "\u202eAnna \"the\" {boss} 👨\u200d👩\u200d👧", Gift: "Rose", Count: 5})
	if got := o.text(last); got != "Anna \"the\" {boss} 👨\u200d👩\u200d👧 sent Rose x5" {
		t.Errorf("text %q", got)
	}
	fire("tiktok", actions.Vars{})
	if !o.filterOn(webcam, tint) {
		t.Error("the filter is not on")
	}
	fire("back", actions.Vars{})
	if o.filterOn(webcam, tint) || o.program() != game {
		t.Error("the filter is not off again, or the scene did not switch back")
	}
	if st := s.SinkState(); !st.Connected || st.Problem != "" {
		t.Errorf("state %+v", st)
	}
}

// TestFor: "for" turns a change back afterwards, to how it was, without
// holding up the sink meanwhile; overlapping "for"s extend one revert.
func TestFor(t *testing.T) {
	srv, c := need(t)
	o := newSetup(t, c)
	game := o.scene("Game")
	scare := o.input(game, "Jump Scare", "color_source_v3", nil, false)
	always := o.input(game, "Always", "color_source_v3", nil, true)
	tint := o.filter(always, "Tint")
	o.setProgram(game)
	s, _ := sinkFor(t, srv)

	deliver(t, s, fmt.Sprintf("show %s for 300ms", q(scare)))
	// Deliver returned before the revert: the source shows now.
	if !o.shown(game, scare) {
		t.Fatal("not shown after Deliver returned")
	}
	eventually(t, "hidden again", func() bool { return !o.shown(game, scare) })

	// Showing what already shows "for" a while leaves it shown after.
	deliver(t, s, fmt.Sprintf("show %s in %s for 200ms", q(always), q(game)))
	deliver(t, s, fmt.Sprintf("filter %s %s on for 200ms", q(always), q(tint)))
	if !o.filterOn(always, tint) {
		t.Fatal("filter not on")
	}
	eventually(t, "filter off again", func() bool { return !o.filterOn(always, tint) })
	if !o.shown(game, always) {
		t.Error("a source that showed before was hidden by the revert")
	}

	// A second show for 1h while the first is pending: the revert moves
	// to the later time, and the state it restores stays the first one.
	deliver(t, s, fmt.Sprintf("show %s for 200ms", q(scare)))
	deliver(t, s, fmt.Sprintf("show %s for 1h", q(scare)))
	// A hide without "for" wins over the pending revert.
	deliver(t, s, fmt.Sprintf("hide %s", q(scare)))
	s.mu.Lock()
	n := len(s.reverts)
	s.mu.Unlock()
	if n != 0 {
		t.Errorf("%d reverts pending after a change without for", n)
	}

	// Close turns back what is still pending.
	deliver(t, s, fmt.Sprintf("show %s for 1h", q(scare)))
	s.Close()
	if o.shown(game, scare) {
		t.Error("Close did not turn the pending change back")
	}
}

// TestMedia restarts, pauses, plays and stops a real media source.
func TestMedia(t *testing.T) {
	srv, c := need(t)
	o := newSetup(t, c)
	game := o.scene("Game")
	wav := t.TempDir() + "/clip.wav"
	if err := os.WriteFile(wav, obstest.Tone(30*time.Second), 0o644); err != nil {
		t.Fatal(err)
	}
	clip := o.input(game, "Clip", "ffmpeg_source", map[string]any{"local_file": wav, "looping": true}, true)
	s, _ := sinkFor(t, srv)
	for _, step := range []struct{ action, state string }{
		{"restart", "OBS_MEDIA_STATE_PLAYING"},
		{"pause", "OBS_MEDIA_STATE_PAUSED"},
		{"play", "OBS_MEDIA_STATE_PLAYING"},
		{"stop", "OBS_MEDIA_STATE_STOPPED"},
		{"restart", "OBS_MEDIA_STATE_PLAYING"},
	} {
		deliver(t, s, fmt.Sprintf("media %s %s", q(clip), step.action))
		eventually(t, step.action+" -> "+step.state, func() bool { return o.mediaState(clip) == step.state })
	}
}

// TestRefused: what OBS does not have is rejected at once with OBS's
// reason, not retried and not waited for; a rule that fires again and
// again with a misspelt scene is said once, then counted.
func TestRefused(t *testing.T) {
	srv, _ := need(t)
	s, rec, clk := recordedSink(t, Config{Address: srv.Addr, Password: srv.Password})
	for _, tc := range []struct{ command, want string }{
		{`scene "No Such Scene"`, `OBS could not switch to scene "No Such Scene"`},
		{`show "Ghost"`, `OBS could not find source "Ghost" in scene`},
		{`text "Ghost" "x"`, `OBS could not set the text of "Ghost"`},
		{`filter "Ghost" "Blur" on for 1s`, `OBS could not find filter "Blur" on "Ghost"`},
	} {
		err := s.Deliver(context.Background(), tikcraft.Action{Kind: tikcraft.KindOBS, Command: tc.command})
		if !errors.Is(err, tikcraft.ErrRejected) || errors.Is(err, ErrDropped) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want a rejection with %q", tc.command, err, tc.want)
		}
	}
	if st := s.SinkState(); !st.Connected {
		t.Errorf("a refusal broke the connection: %+v", st)
	}
	for range 30 {
		s.Deliver(context.Background(), tikcraft.Action{Kind: tikcraft.KindOBS, Command: `scene "No Such Scene"`, Trigger: "rose"})
	}
	lines := rec.Lines("OBS could not carry out an action")
	if len(lines) != 1 || !strings.Contains(fmt.Sprint(lines[0].Attrs["error"]), `OBS could not switch to scene "No Such Scene"`) {
		t.Fatalf("34 refusals in a moment: %+v, want the first said as it came", lines)
	}
	clk.Advance(time.Minute)
	clk.Fire()
	lines = rec.Lines("OBS could not carry out an action")
	if len(lines) != 2 || lines[1].Repeated() != 33 || lines[1].Attrs["trigger"] != "rose" {
		t.Errorf("a minute later: %+v, want one summary of the 33 others", lines)
	}
	if err := s.Deliver(context.Background(), tikcraft.Action{Kind: tikcraft.KindCommand, Command: "say hi"}); !errors.Is(err, tikcraft.ErrRejected) {
		t.Errorf("a Minecraft command: %v", err)
	}
	if err := s.Deliver(context.Background(), tikcraft.Action{Kind: tikcraft.KindOBS, Command: "dance"}); !errors.Is(err, tikcraft.ErrRejected) {
		t.Errorf("a bad $obs: %v", err)
	}
}

// TestWrongPassword: OBS refusing the password shows in the state, drops
// actions at once, and never puts the password in a message.
func TestWrongPassword(t *testing.T) {
	srv, _ := need(t)
	const pw = "wrong-password-123"
	s, lb := newSink(t, Config{Address: srv.Addr, Password: pw})
	err := s.Deliver(context.Background(), tikcraft.Action{Kind: tikcraft.KindOBS, Command: `scene "x"`})
	if !errors.Is(err, ErrDropped) || !strings.Contains(err.Error(), "refused the password") {
		t.Fatalf("got %v", err)
	}
	st := s.SinkState()
	if st.Connected || !st.Refused || !strings.Contains(st.Problem, "refused the password: make obs.password") || strings.Contains(st.Problem, pw) {
		t.Errorf("state %+v", st)
	}
	if strings.Contains(err.Error(), pw) || !strings.Contains(lb.String(), "refused the password") {
		t.Errorf("log:\n%s", lb)
	}
	// No password at all, where OBS asks for one.
	s2, _ := newSink(t, Config{Address: srv.Addr})
	s2.Deliver(context.Background(), tikcraft.Action{Kind: tikcraft.KindOBS, Command: `scene "x"`})
	if st := s2.SinkState(); !strings.Contains(st.Problem, "asks for a password: set obs.password") {
		t.Errorf("state %+v", st)
	}
}

// relay stands between the sink and OBS, so a test can take OBS away
// and bring it back without stopping the shared OBS.
type relay struct {
	t      *testing.T
	target string
	addr   string
	mu     sync.Mutex
	ln     net.Listener
	conns  []net.Conn
}

func newRelay(t *testing.T, target string) *relay {
	r := &relay{t: t, target: target}
	r.up()
	t.Cleanup(r.down)
	return r
}

func (r *relay) up() {
	addr := r.addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		r.t.Fatal(err)
	}
	r.mu.Lock()
	r.ln, r.addr = ln, ln.Addr().String()
	r.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			o, err := net.Dial("tcp", r.target)
			if err != nil {
				c.Close()
				continue
			}
			r.mu.Lock()
			r.conns = append(r.conns, c, o)
			r.mu.Unlock()
			go func() { io.Copy(o, c); o.Close() }()
			go func() { io.Copy(c, o); c.Close() }()
		}
	}()
}

// down closes the port and every connection: OBS is gone.
func (r *relay) down() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ln != nil {
		r.ln.Close()
		r.ln = nil
	}
	for _, c := range r.conns {
		c.Close()
	}
	r.conns = nil
}

// TestReconnect: OBS going away shows in the state; an action waits for
// it and is carried out once OBS is back, on a new connection.
func TestReconnect(t *testing.T) {
	srv, c := need(t)
	o := newSetup(t, c)
	game := o.scene("Game")
	r := newRelay(t, srv.Addr)
	var states []tikcraft.SinkState
	var mu sync.Mutex
	s, lb := newSink(t, Config{Address: r.addr, Password: srv.Password, BackoffMin: 50 * time.Millisecond, BackoffMax: 100 * time.Millisecond,
		OnState: func(st tikcraft.SinkState) { mu.Lock(); states = append(states, st); mu.Unlock() }})
	eventually(t, "connected", func() bool { return s.SinkState().Connected })

	r.down()
	eventually(t, "the state says OBS is gone", func() bool { st := s.SinkState(); return !st.Connected && st.Problem != "" && !st.Since.IsZero() })
	done := make(chan error, 1)
	go func() {
		done <- s.Deliver(context.Background(), tikcraft.Action{Kind: tikcraft.KindOBS, Command: "scene " + q(game)})
	}()
	eventually(t, "the wait is logged", func() bool { return strings.Contains(lb.String(), "$obs actions wait up to 1m0s for OBS") })
	select {
	case err := <-done:
		t.Fatalf("delivered while OBS was away: %v", err)
	default:
	}
	r.up()
	if err := <-done; err != nil {
		t.Fatalf("after OBS came back: %v", err)
	}
	if p := o.program(); p != game {
		t.Errorf("program %q", p)
	}
	if n := strings.Count(lb.String(), "$obs actions wait up to"); n != 1 {
		t.Errorf("the outage was logged %d times:\n%s", n, lb)
	}
	if !strings.Contains(lb.String(), "connected to OBS again") {
		t.Errorf("no reconnect line:\n%s", lb)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(states) < 3 || !states[0].Connected || states[1].Connected || !states[len(states)-1].Connected {
		t.Errorf("states %+v", states)
	}
}

// TestDrop: with OBS away, an action waits MaxWait and is dropped with a
// log line; once OBS has been away that long the next are dropped at
// once, so a backlog never waits a minute each. A backlog dropped at once
// is one line, then a count a minute later, not a line per action.
func TestDrop(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	s, rec, clk := recordedSink(t, Config{Address: addr, Password: "pw-pw-pw", MaxWait: 200 * time.Millisecond, BackoffMin: 20 * time.Millisecond, BackoffMax: 50 * time.Millisecond})
	a := tikcraft.Action{Kind: tikcraft.KindOBS, Command: `scene "Creeper Cam"`, Trigger: "rose"}
	err = s.Deliver(context.Background(), a)
	if !errors.Is(err, ErrDropped) || !errors.Is(err, tikcraft.ErrRejected) {
		t.Fatalf("got %v", err)
	}
	st := s.SinkState()
	if st.Connected || !strings.Contains(st.Problem, "OBS is not running at "+addr) || st.Refused {
		t.Errorf("state %+v", st)
	}
	for range 177 {
		if err := s.Deliver(context.Background(), a); !errors.Is(err, ErrDropped) || !strings.Contains(err.Error(), "has not been reachable for") {
			t.Fatalf("got %v", err)
		}
	}
	lines := rec.Lines("OBS action dropped")
	if len(lines) != 1 || lines[0].Attrs["action"] != `$obs scene "Creeper Cam"` || !strings.Contains(fmt.Sprint(lines[0].Attrs["why"]), "reachable") {
		t.Fatalf("178 drops: %+v, want the first said as it came", lines)
	}
	clk.Advance(time.Minute)
	clk.Fire()
	lines = rec.Lines("OBS action dropped")
	if len(lines) != 2 || lines[1].Repeated() != 177 || !strings.Contains(fmt.Sprint(lines[1].Attrs["why"]), "has not been reachable for") {
		t.Errorf("a minute later: %+v, want one summary of the 177 others", lines)
	}
	// A quiet minute later the next drop is said at once again.
	clk.Advance(time.Minute)
	s.Deliver(context.Background(), a)
	if lines := rec.Lines("OBS action dropped"); len(lines) != 3 || lines[2].Repeated() != 0 {
		t.Errorf("after a quiet minute: %+v", lines)
	}
	if n := len(rec.Lines("$obs actions wait up to")); n != 1 {
		t.Errorf("%d outage lines", n)
	}
	// A cancelled context is not a drop: the action stays queued.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s2, _ := newSink(t, Config{Address: addr})
	if err := s2.Deliver(ctx, a); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestDescribe(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&net.OpError{Op: "dial", Err: os.NewSyscallError("connect", errConnRefused)}, "OBS is not running at 127.0.0.1:4455, or its WebSocket server is off"},
		{&net.DNSError{Name: "obs.lan"}, "cannot resolve 127.0.0.1, the host in obs.address"},
		{context.DeadlineExceeded, "did not answer in time"},
		{errors.New("something odd"), "could not talk to OBS at 127.0.0.1:4455: something odd"},
	} {
		if got, _ := Describe("127.0.0.1:4455", true, tc.err); !strings.Contains(got, tc.want) {
			t.Errorf("%v: %s", tc.err, got)
		}
	}
}

// TestDeliverDue: an action that waited in the queue past MaxWait is
// dropped even with OBS there; one still in time is carried out.
func TestDeliverDue(t *testing.T) {
	srv, c := need(t)
	o := newSetup(t, c)
	game := o.scene("Game")
	other := o.scene("Other")
	o.setProgram(other)
	s, lb := sinkFor(t, srv)
	a := tikcraft.Action{Kind: tikcraft.KindOBS, Command: "scene " + q(game), Trigger: "rose"}
	err := s.DeliverDue(context.Background(), a, time.Now().Add(-2*time.Minute))
	if !errors.Is(err, ErrDropped) || !strings.Contains(err.Error(), "past its moment") || o.program() != other {
		t.Fatalf("stale action: %v, program %q", err, o.program())
	}
	if !strings.Contains(lb.String(), `OBS action dropped" why="it is 2m0s past its moment"`) {
		t.Errorf("log:\n%s", lb)
	}
	if err := s.DeliverDue(context.Background(), a, time.Now().Add(-10*time.Second)); err != nil || o.program() != game {
		t.Fatalf("action in time: %v, program %q", err, o.program())
	}
}

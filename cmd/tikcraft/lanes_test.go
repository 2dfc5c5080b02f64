package main

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/andreykaipov/goobs/api/requests/scenes"

	tc "github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/obs/obstest"
	"github.com/tikcraft/tikcraft/rcon/rcontest"
)

// docs/DELIVERY.md: each output (Minecraft, the overlays, $http, OBS) is
// delivered in a lane of its own, so one that is slow or down never holds
// up a paid gift's Minecraft commands, and the crash guarantee holds lane
// by lane. These tests run `tikcraft run` and `drain` as a streamer does.

// webTarget is a $http target. Requests whose path hang says are taken and
// never answered until the test ends (or tikcraft goes away); the others
// are answered at once. It records every path in the order it came.
type webTarget struct {
	*httptest.Server
	hang func(path string) bool

	mu       sync.Mutex
	paths    []string
	open     int
	changed  chan struct{} // closed and replaced on every request
	released chan struct{} // closed when the test ends
}

func newWebTarget(t *testing.T, hang func(path string) bool) *webTarget {
	w := &webTarget{hang: hang, changed: make(chan struct{}), released: make(chan struct{})}
	w.Server = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		hang := w.hang(r.URL.Path)
		w.mu.Lock()
		w.paths = append(w.paths, r.URL.Path)
		if hang {
			w.open++
		}
		close(w.changed)
		w.changed = make(chan struct{})
		w.mu.Unlock()
		if !hang {
			return
		}
		select {
		case <-w.released:
		case <-r.Context().Done():
		}
		w.mu.Lock()
		w.open--
		close(w.changed)
		w.changed = make(chan struct{})
		w.mu.Unlock()
	}))
	t.Cleanup(w.Close)
	t.Cleanup(func() { close(w.released) }) // runs first: the hanging handlers return
	return w
}

func (w *webTarget) host() string { return strings.TrimPrefix(w.URL, "http://") }

// got returns the paths so far and how many requests are hanging.
func (w *webTarget) got() (paths []string, open int, changed <-chan struct{}) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.paths), w.open, w.changed
}

// waitFor waits until the target has got path.
func (w *webTarget) waitFor(s *stream, path string) {
	s.t.Helper()
	for {
		paths, _, changed := w.got()
		if slices.Contains(paths, path) {
			return
		}
		select {
		case <-changed:
		case <-s.ctx.Done():
			s.t.Fatalf("the $http target never got %s; it got %q\nlast tikcraft's log:\n%s", path, paths, s.lastLog())
		}
	}
}

// TestRunHTTPTargetNeverAnswers: a $http target takes every request and
// never answers. Every follow's Minecraft command still arrives, in order,
// while the first $http request is still hanging: Minecraft's lane never
// waits for it. The status line names the target, not Minecraft.
func TestRunHTTPTargetNeverAnswers(t *testing.T) {
	t.Parallel()
	web := newWebTarget(t, func(string) bool { return true })
	s := newStream(t, streamSetup{
		// One attempt lasts longer than the test: the first request
		// hangs all along.
		yaml:    fmt.Sprintf("http:\n  allow: [%q]\n  timeout: 10m\n", web.host()),
		actions: fmt.Sprintf("follow:/say f {user}; $http POST %s/f/{user}; /say after {user}\n", web.URL),
	})
	p := s.start()
	var want []string
	for i := range 30 {
		u := s.viewer(fmt.Sprint("u", i))
		s.push(&tc.FollowEvent{User: u})
		want = append(want, "say f "+u.UniqueID, "say after "+u.UniqueID)
	}
	want = append(want, s.mark())
	checkDelivered(t, s.mc.Commands(), want, 0)
	web.waitFor(s, "/f/u0")
	paths, open, _ := web.got()
	if !slices.Equal(paths, []string{"/f/u0"}) || open != 1 {
		t.Fatalf("the $http target got %q (%d hanging) while Minecraft got every command; want only the first, still hanging", paths, open)
	}
	p.waitLine("$http target " + web.host() + " is not answering")
	p.interrupt()
	if log := p.logText(); strings.Contains(log, "waiting for Minecraft") || strings.Contains(log, "once Minecraft answers") {
		t.Fatalf("Minecraft is blamed for the $http target:\n%s", log)
	}
}

// TestRunOBSDown: tikcraft.yaml has an obs section but OBS is not running.
// Every Minecraft command arrives, in order; the status line says that OBS
// is not reachable and never blames Minecraft.
func TestRunOBSDown(t *testing.T) {
	t.Parallel()
	s := newStream(t, streamSetup{
		yaml:    fmt.Sprintf("obs:\n  address: %s\n", closedPort(t)),
		actions: "follow:$obs scene \"Creeper Cam\"; /say f {user}; $obs show Jumpscare for 2s\n",
	})
	p := s.start()
	want := s.follows("u", 30)
	want = append(want, s.mark())
	checkDelivered(t, s.mc.Commands(), want, 0)
	p.waitLine("OBS is not reachable")
	// The dashboard shows OBS's state beside Minecraft's.
	if st := dashboardState(t, p); st.OBS == nil || st.OBS.State != "unreachable" || !strings.Contains(st.OBS.Detail, "OBS is not running") {
		t.Fatalf("the dashboard shows OBS as %+v, want unreachable with why", st.OBS)
	}
	p.interrupt()
	if log := p.logText(); strings.Contains(log, "waiting for Minecraft") || strings.Contains(log, "once Minecraft answers") ||
		!keptForOBS.MatchString(log) {
		t.Fatalf("OBS's actions are not named as OBS's, or Minecraft is blamed for them:\n%s", log)
	}
}

// keptForOBS is the line at stop that counts the actions kept, all OBS's.
var keptForOBS = regexp.MustCompile(`\d+ actions? \((\d+) for OBS\) (are|is) kept in`)

// TestRunKill9PendingInSeveralLanes: `tikcraft run` is killed (kill -9)
// while Minecraft is down (all of its commands wait) and a $http request is
// in flight to a target that has not answered it. After `tikcraft drain`,
// each lane has delivered every action at least once and in its order:
// Minecraft exactly once (none was sent), and the $http request that was
// in flight at most once more.
func TestRunKill9PendingInSeveralLanes(t *testing.T) {
	t.Parallel()
	const n = 40
	last := fmt.Sprint("/f/u", n-1)
	var hung sync.Once
	web := newWebTarget(t, func(path string) bool {
		// The last follow's first request hangs: once it arrived, every
		// follow was queued.
		hang := false
		if path == last {
			hung.Do(func() { hang = true })
		}
		return hang
	})
	s := newStream(t, streamSetup{
		mc:      []rcontest.Option{rcontest.Late()},
		yaml:    fmt.Sprintf("http:\n  allow: [%q]\n  timeout: 10m\n", web.host()),
		actions: fmt.Sprintf("follow:/say f {user}; $http POST %s/f/{user}\n", web.URL),
	})
	p := s.start()
	want := s.follows("u", n)
	web.waitFor(s, last)
	p.kill()
	if got := s.mc.Commands(); len(got) != 0 {
		t.Fatalf("Minecraft was down but got %q", got)
	}
	if err := s.mc.Listen(); err != nil {
		t.Fatal(err)
	}
	s.command("drain")
	checkDelivered(t, s.mc.Commands(), want, 0)
	var wantPaths []string
	for i := range n {
		wantPaths = append(wantPaths, fmt.Sprint("/f/u", i))
	}
	paths, _, _ := web.got()
	checkDelivered(t, paths, wantPaths, 1)
}

// dashboardState reads GET /api/state from the dashboard of p (its link is
// on the first line).
func dashboardState(t *testing.T, p *proc) (st struct {
	OBS *struct{ State, Detail string } `json:"obs"`
}) {
	t.Helper()
	link := dashboardLink.FindString(p.logText())
	if link == "" {
		t.Fatalf("no dashboard link:\n%s", p.logText())
	}
	resp, err := http.Get(link + "api/state")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		t.Fatal(err)
	}
	return st
}

var dashboardLink = regexp.MustCompile(`http://127\.0\.0\.1:\d+/`)

// TestRunOBSSwitchesScenes: with a real OBS Studio, `tikcraft run` carries
// out a follow's $obs action in its own lane: OBS's program scene becomes
// the rule's, Minecraft gets its command, and the dashboard shows OBS as
// connected.
func TestRunOBSSwitchesScenes(t *testing.T) {
	t.Parallel()
	srv := obstest.Need(t)
	c, err := srv.Client()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Disconnect()
	const cam = "Creeper Cam"
	if _, err := c.Scenes.CreateScene(&scenes.CreateSceneParams{SceneName: ptr(cam)}); err != nil {
		t.Fatal(err)
	}
	s := newStream(t, streamSetup{
		yaml:    fmt.Sprintf("obs:\n  address: %s\n  password: %s\n", srv.Addr, srv.Password),
		actions: "follow:/say f {user}; $obs scene \"" + cam + "\"\n",
	})
	p := s.start()
	want := s.follows("u", 1)
	want = append(want, s.mark())
	checkDelivered(t, s.mc.Commands(), want, 0)
	for {
		r, err := c.Scenes.GetCurrentProgramScene(&scenes.GetCurrentProgramSceneParams{})
		if err != nil {
			t.Fatal(err)
		}
		if r.CurrentProgramSceneName == cam {
			break
		}
		select {
		case <-s.ctx.Done():
			t.Fatalf("OBS's program scene is %q, never %q\n%s", r.CurrentProgramSceneName, cam, p.logText())
		case <-time.After(20 * time.Millisecond):
		}
	}
	if st := dashboardState(t, p); st.OBS == nil || st.OBS.State != "connected" {
		t.Fatalf("the dashboard shows OBS as %+v, want connected", st.OBS)
	}
	p.interrupt()
}

// TestReplayDryRunPrintsOBSActions: a dry run prints $obs actions with the
// commands and never connects to OBS, even with an obs section.
func TestReplayDryRunPrintsOBSActions(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0") // where OBS would be: nothing may connect
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	accepted := make(chan string, 16) // the remote address of each connection, in order
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			accepted <- c.RemoteAddr().String()
			c.Close()
		}
	}()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "tikcraft.yaml"), fmt.Sprintf("obs:\n  address: %s\n", l.Addr()))
	writeFile(t, filepath.Join(dir, "actions.mca"), "follow:/say f {user}; $obs scene \"Creeper Cam\"\n")
	writeFile(t, filepath.Join(dir, "events.jsonl"), `{"type":"follow","msg_id":"1","user":{"id":"1","unique_id":"anna"}}`+"\n")
	out, errOut, code := tikcraft(t, dir, nil, "replay", "--dry-run", "-c", "tikcraft.yaml", "events.jsonl")
	if code != 0 || !strings.Contains(out, "/say f anna") || !strings.Contains(out, `obs scene "Creeper Cam"`) {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	// A connection of our own after tikcraft ended: any from tikcraft
	// was accepted before it.
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if first := <-accepted; first != c.LocalAddr().String() {
		t.Fatalf("a dry run connected to OBS (from %s)", first)
	}
}

// TestRunStopNamesWhatKeptActionsWait: Minecraft is down and a $http
// target never answers; each follow makes two $http requests and one
// Minecraft command. At stop, the line that counts the kept actions says
// that `tikcraft drain` waits for the $http target first, then Minecraft.
func TestRunStopNamesWhatKeptActionsWait(t *testing.T) {
	t.Parallel()
	web := newWebTarget(t, func(string) bool { return true })
	s := newStream(t, streamSetup{
		mc:      []rcontest.Option{rcontest.Late()},
		yaml:    fmt.Sprintf("http:\n  allow: [%q]\n  timeout: 10m\n", web.host()),
		actions: fmt.Sprintf("follow:$http POST %s/a/{user}; $http POST %s/b/{user}; /say f {user}\n", web.URL, web.URL),
	})
	p := s.start()
	s.follows("u", 5)
	web.waitFor(s, "/a/u0")
	p.waitLine(`follow from "u4"`)
	p.interrupt()
	if log := p.logText(); !strings.Contains(log, "(or `tikcraft drain` once the $http target and Minecraft answer)") {
		t.Fatalf("the stop line does not name the $http target first:\n%s", log)
	}
}

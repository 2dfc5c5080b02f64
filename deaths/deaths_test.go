package deaths

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft/clip"
	"github.com/tikcraft/tikcraft/rcon"
	"github.com/tikcraft/tikcraft/rcon/rcontest"
)

var mapping = Mapping{
	Events: map[string]string{"player_death": Death, "player_respawn": Respawn, "entity_death": Ignore},
	Messages: []MessageRule{
		{Contains: "respawn", Means: Respawn},
		{Contains: "died", Means: Death},
	},
}

func TestParseWebhook(t *testing.T) {
	tests := []struct {
		body  string
		want  Hook
		means string
		err   string
	}{
		{`{"load_type":"INGAME_GAMEPLAY","event":"player_death","message":"Player died from fall damage"}`,
			Hook{Event: "player_death", Message: "Player died from fall damage", LoadType: "INGAME_GAMEPLAY"}, Death, ""},
		{`{"event":"player_respawn","player":"Steve","isBedSpawn":false,"location":"Location{world=w}"}`,
			Hook{Event: "player_respawn", Player: "Steve"}, Respawn, ""},
		{`{"event":"player_death","player":"Steve","cause":"Steve fell from a high place"}`,
			Hook{Event: "player_death", Player: "Steve", Message: "Steve fell from a high place"}, Death, ""},
		{`{"event":"PLAYER_DEATH"}`, Hook{Event: "PLAYER_DEATH"}, Death, ""},
		{`{"event":"entity_death"}`, Hook{Event: "entity_death"}, Ignore, ""},
		{`{"event":"server_start","message":"Server has started"}`, Hook{Event: "server_start", Message: "Server has started"}, "", ""},
		{`"Steve died"`, Hook{Message: "Steve died"}, Death, ""},
		{"Steve respawned after he died\n", Hook{Message: "Steve respawned after he died"}, Respawn, ""},
		{"player_death", Hook{Message: "player_death"}, Death, ""},
		{"\xef\xbb\xbfServer has started", Hook{Message: "Server has started"}, "", ""},
		{``, Hook{}, "", "empty"},
		{`{"event":`, Hook{}, "", "not valid JSON"},
		{`{"event":5}`, Hook{}, "", `field "event" must be text, not a number`},
		{`{"load_type":"STARTUP"}`, Hook{}, "", `neither "event" nor "message"`},
		{`[1,2]`, Hook{}, "", "JSON list"},
		{"\xff\xfe", Hook{}, "", "not UTF-8"},
	}
	for _, tt := range tests {
		h, err := ParseWebhook([]byte(tt.body))
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%q: error %v, want %q", tt.body, err, tt.err)
			}
			continue
		}
		if err != nil || h != tt.want {
			t.Errorf("%q: got %+v, %v; want %+v", tt.body, h, err, tt.want)
			continue
		}
		if got := mapping.Means(h); got != tt.means {
			t.Errorf("%q means %q, want %q", tt.body, got, tt.means)
		}
	}
	long := strings.Repeat("é", MaxMessage)
	if h, err := ParseWebhook([]byte(long)); err != nil || len(h.Message) > MaxMessage || !strings.HasSuffix(h.Message, clip.Ellipsis) || !strings.HasPrefix(long, strings.TrimSuffix(h.Message, clip.Ellipsis)) {
		t.Errorf("long message kept as %d bytes, %v", len(h.Message), err)
	}
}

func FuzzParseWebhook(f *testing.F) {
	for _, s := range []string{`{"load_type":"INGAME_GAMEPLAY","event":"player_death","message":"x"}`, `"Steve died"`, "plain text", `{"event":null}`, `{"cause":"a"}`, "[]", ""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		h, err := ParseWebhook(body)
		if err != nil {
			return
		}
		if len(h.Message) > MaxMessage || len(h.Player) > MaxMessage {
			t.Fatalf("unbounded field: %d %d", len(h.Message), len(h.Player))
		}
		switch m := mapping.Means(h); m {
		case "", Death, Respawn, Ignore:
		default:
			t.Fatalf("means %q", m)
		}
	})
}

type pauser struct{ died, respawned int }

func (p *pauser) Died()      { p.died++ }
func (p *pauser) Respawned() { p.respawned++ }

func TestTrackerCountsAndPauses(t *testing.T) {
	p := &pauser{}
	tr := NewTracker(p)
	var seen []Count
	tr.OnChange(func(c Count) { seen = append(seen, c) })
	tr.Died("Steve", 1)
	tr.Died("Steve", 2)
	tr.Respawned("Steve")
	if c := tr.Count(); c.Deaths != 3 || c.Dead || p.died != 2 || p.respawned != 1 || len(seen) != 3 || !seen[1].Dead || seen[1].Deaths != 3 {
		t.Fatalf("count %+v, pauser %+v, seen %+v", c, p, seen)
	}
	NewTracker(nil).Died("x", 0) // counting only: no pauser, no panic
}

// fakeMinecraft answers the scoreboard commands like a vanilla server
// would, for players whose scores and liveness the test sets.
type fakeMinecraft struct {
	mu      sync.Mutex
	players []string
	score   map[string]int
	dead    map[string]bool
	created bool
}

func (m *fakeMinecraft) reply(cmd string) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	switch {
	case strings.HasPrefix(cmd, "minecraft:scoreboard objectives add "+Objective+" deathCount"):
		if m.created {
			return "An objective already exists by that name"
		}
		m.created = true
		return "Created new objective [Deaths (tikcraft)]"
	case cmd == "minecraft:list":
		return fmt.Sprintf("There are %d of a max of 20 players online: %s", len(m.players), strings.Join(m.players, ", "))
	case strings.HasPrefix(cmd, "minecraft:scoreboard players get "):
		name := strings.Fields(cmd)[3]
		if _, ok := m.score[name]; !ok {
			return "Can't get value of " + Objective + " for " + name + "; none is set"
		}
		return fmt.Sprintf("%s has %d [Deaths (tikcraft)]", name, m.score[name])
	case cmd == "minecraft:execute if entity @e[type=minecraft:player]":
		alive := 0
		for _, p := range m.players {
			if !m.dead[p] {
				alive++
			}
		}
		if alive == 0 {
			return "Test failed"
		}
		return fmt.Sprintf("Test passed, count: %d", alive)
	}
	return "Unknown or incomplete command"
}

func (m *fakeMinecraft) set(f func()) {
	m.mu.Lock()
	defer m.mu.Unlock()
	f()
}

// TestScoreboardAgainstRCON polls a real RCON server: the objective is
// created once, old deaths are the baseline, a rising score is a death that
// pauses until every online player is alive again.
func TestScoreboardAgainstRCON(t *testing.T) {
	mc := &fakeMinecraft{players: []string{"Steve", "Alex"}, score: map[string]int{"Steve": 4}, dead: map[string]bool{}}
	srv := rcontest.Start(t, "scoreboard-pw", rcontest.Reply(mc.reply))
	cl := rcon.New(rcon.Config{Address: srv.Addr(), Password: "scoreboard-pw"}, nil)
	defer cl.Close()
	p := &pauser{}
	tr := NewTracker(p)
	sb := &Scoreboard{RCON: cl, Tracker: tr}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	poll := func() {
		t.Helper()
		if err := sb.Poll(ctx); err != nil {
			t.Fatal(err)
		}
	}

	poll() // baseline: Steve's 4 old deaths do not count
	if c := tr.Count(); c.Deaths != 0 || c.Dead {
		t.Fatalf("baseline counted: %+v", c)
	}
	mc.set(func() { mc.score["Steve"] = 5; mc.dead["Steve"] = true })
	poll()
	if c := tr.Count(); c.Deaths != 1 || !c.Dead || p.died != 1 {
		t.Fatalf("after a death: %+v %+v", c, p)
	}
	poll() // still dead: no new death, still paused
	if c := tr.Count(); c.Deaths != 1 || !c.Dead || p.respawned != 0 {
		t.Fatalf("while dead: %+v %+v", c, p)
	}
	mc.set(func() { mc.dead["Steve"] = false; mc.score["Alex"] = 2 }) // Alex: first score counts from 0
	poll()
	if c := tr.Count(); c.Deaths != 3 || c.Dead || p.respawned != 1 {
		t.Fatalf("after respawn: %+v %+v", c, p)
	}
	cmds := srv.Commands()
	adds := 0
	for _, c := range cmds {
		if strings.Contains(c, "objectives add") {
			adds++
		}
		if strings.ContainsAny(c, "\n;") {
			t.Errorf("odd command %q", c)
		}
	}
	if adds != 1 {
		t.Errorf("objective created %d times: %q", adds, cmds)
	}
}

// TestScoreboardOnAServerThatDoesNotAnswerLikeMinecraft reports a clear
// error rather than counting nonsense.
func TestScoreboardOnAServerThatDoesNotAnswerLikeMinecraft(t *testing.T) {
	srv := rcontest.Start(t, "pw-odd", rcontest.Reply(func(string) string { return "Unknown command. Type \"help\" for help." }))
	cl := rcon.New(rcon.Config{Address: srv.Addr(), Password: "pw-odd"}, nil)
	defer cl.Close()
	sb := &Scoreboard{RCON: cl, Tracker: NewTracker(nil)}
	err := sb.Poll(context.Background())
	if err == nil || !strings.Contains(err.Error(), "did not create the scoreboard objective") {
		t.Fatalf("Poll = %v", err)
	}
}

// answers is an Execer that answers every command with the same text.
type answers string

func (a answers) Exec(context.Context, string) (string, error) { return string(a), nil }

// FuzzScoreboardAnswers: whatever Minecraft answers, polling never panics
// and never counts backwards.
func FuzzScoreboardAnswers(f *testing.F) {
	for _, s := range []string{"Created new objective [x]", "There are 2 of a max of 20 players online: Steve, Alex", "Steve has 7 [Deaths]", "Test passed, count: 1", "Test failed", "has -5 [", ""} {
		f.Add(s, "Steve has 9 [Deaths]")
	}
	f.Fuzz(func(t *testing.T, first, second string) {
		tr := NewTracker(nil)
		sb := &Scoreboard{RCON: answers(first), Tracker: tr}
		sb.Poll(context.Background())
		sb.RCON = answers(second)
		sb.Poll(context.Background())
		if c := tr.Count(); c.Deaths < 0 {
			t.Fatalf("count %+v", c)
		}
	})
}

package overlay

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/lograte"
	"github.com/tikcraft/tikcraft/lograte/logratetest"
)

// Each named alerts overlay (@name>> in the actions file,
// /overlay/alerts?name=NAME) has its own line, beside the default one.
func TestManagerNamedAlerts(t *testing.T) {
	ctx := context.Background()
	c := &clock{t0}
	logs, clk := &logratetest.Records{}, logratetest.NewClock(t0)
	m := New(ctx, Options{Config: Defaults(), Now: c.now, Log: slog.New(logs), logOpts: []lograte.Option{clk.Option()}})
	alert := func(name, title string) tikcraft.Action {
		return tikcraft.Action{Kind: tikcraft.KindAlert, Alert: tikcraft.Alert{Title: title, Seconds: 2}, Command: tikcraft.AlertCommand(name, "")}
	}
	m.Deliver(ctx, alert("", "plain"))
	m.Deliver(ctx, alert("party", "p1"))
	m.Deliver(ctx, alert("party", "p2"))
	m.Deliver(ctx, alert("stats", "s1"))
	s := m.Snapshot()
	if s.Alert == nil || s.Alert.Title != "plain" || s.Alerts["party"] == nil || s.Alerts["party"].Title != "p1" || s.Alerts["stats"].Title != "s1" || len(s.Alerts) != 2 {
		t.Fatalf("snapshot %+v %+v", s.Alert, s.Alerts)
	}
	c.t = t0.Add(2600 * time.Millisecond)
	m.Tick()
	s = m.Snapshot()
	if s.Alert != nil || s.Alerts["party"] == nil || s.Alerts["party"].Title != "p2" || s.Alerts["stats"] != nil {
		t.Fatalf("after one alert's time: %+v %+v", s.Alert, s.Alerts)
	}
	// Names come from the actions file; a flood of them is bounded.
	for i := range maxNamedAlerts + 5 {
		m.Deliver(ctx, alert(string(rune('a'+i%26))+string(rune('a'+i/26)), "x"))
	}
	m.mu.Lock()
	n := len(m.named)
	m.mu.Unlock()
	if n != maxNamedAlerts {
		t.Fatalf("%d named overlays", n)
	}
	// Every alert beyond them is dropped: said once, then counted.
	for range 30 {
		m.Deliver(ctx, alert("overflow", "x"))
	}
	if lines := logs.Lines("too many named alert overlays"); len(lines) != 1 || lines[0].Attrs["name"] == "overflow" {
		t.Fatalf("alerts beyond the names: %+v, want the first said", lines)
	}
	clk.Advance(time.Minute)
	clk.Fire()
	// 2 names before the loop, 64+5 in it: 7 of those and the 30 dropped.
	if lines := logs.Lines("too many named alert overlays"); len(lines) != 2 || lines[1].Repeated() != 36 || lines[1].Attrs["name"] != "overflow" {
		t.Fatalf("a minute later: %+v, want one count of the 36 others", lines)
	}
}

// Alerts are delivered without Run too (a replay has no pages): the
// count of the dropped ones that waited for its minute is said at Close.
func TestCloseSaysTheDroppedAlertsHeld(t *testing.T) {
	ctx := context.Background()
	logs, clk := &logratetest.Records{}, logratetest.NewClock(t0)
	cfg := Defaults()
	cfg.Alerts.MaxQueue = 2
	m := New(ctx, Options{Config: cfg, Now: (&clock{t0}).now, Log: slog.New(logs), logOpts: []lograte.Option{clk.Option()}})
	for i := range 10 {
		m.Deliver(ctx, tikcraft.Action{Kind: tikcraft.KindAlert, Alert: tikcraft.Alert{Title: string(rune('a' + i)), Seconds: 5}, Command: tikcraft.AlertCommand("", "")})
	}
	// One showing, two waiting: seven dropped.
	if got := logs.Lines("too many alerts waiting"); len(got) != 1 {
		t.Fatalf("before Close: %+v; want the first said", got)
	}
	m.Close()
	if got := logs.Lines("too many alerts waiting"); len(got) != 2 || got[1].Repeated() != 6 || logs.Count("too many alerts waiting") != 7 {
		t.Fatalf("after Close: %+v; want a count of the 6 others", got)
	}
}

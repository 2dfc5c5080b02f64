package main

import (
	"strings"
	"testing"
)

// `tikcraft bench --mix full --overlays N`, as a developer runs it: the
// peer process is `tikcraft bench-peer`, the pages connect over their real
// WebSocket, everything is delivered once and tikcraft's own CPU is
// printed apart from the peer's. No speed is asserted.
func TestBenchCommandFullMixOverlays(t *testing.T) {
	out, errOut, code := tikcraft(t, t.TempDir(), []string{"GOMAXPROCS="}, "bench", "--mix", "full", "--overlays", "2", "--rate", "300", "--duration", "1s")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{
		"300 full mix events at 300/s",
		"overlay pages on /overlay/ws: 2",
		"0 still pending, 0 received twice, 0 missing",
		"like rule 7 of 7",
		"everything delivered exactly once",
		"wins counter 150 of 150 follows",
		"µs per event",
		"simulator, server and browsers apart",
		"GOMAXPROCS 1", // as run
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestBenchPeerIsNotForHands(t *testing.T) {
	_, errOut, code := tikcraft(t, t.TempDir(), nil, "bench-peer")
	if code == 0 || !strings.Contains(errOut, "started by tikcraft bench") {
		t.Fatalf("bench-peer by hand: exit %d, %q", code, errOut)
	}
}

// GOMAXPROCS set by the user wins over run's one core.
func TestBenchKeepsGOMAXPROCSFromTheEnvironment(t *testing.T) {
	out, errOut, code := tikcraft(t, t.TempDir(), []string{"GOMAXPROCS=2"}, "bench", "--rate", "100", "--duration", "1s")
	if code != 0 || !strings.Contains(out, "GOMAXPROCS 2") || !strings.Contains(out, "everything delivered exactly once") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
}

// At 1,000 events a second one by one the pipeline gathers several events
// into each queue commit (pipeline.Options.Gather, on by default in run's
// assembly): still every command once, none missing.
func TestBenchCommandGathersAtAThousandPerSecond(t *testing.T) {
	out, errOut, code := tikcraft(t, t.TempDir(), nil, "bench", "--mix", "plain", "--rate", "1000", "--duration", "1s")
	if code != 0 || !strings.Contains(out, "1000 plain mix events at 1000/s") ||
		!strings.Contains(out, "0 still pending, 0 received twice, 0 missing") ||
		!strings.Contains(out, "everything delivered exactly once") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
}

// A rate or a duration typed as 0 or less is said back, not silently
// replaced by the defaults (which would run 1,000 events a second for 30 s).
func TestBenchRefusesANonsenseLoad(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--rate", "0"}, "--rate 0: send from 1 to 100000 events a second"},
		{[]string{"--rate", "-5"}, "--rate -5: send from 1 to 100000"},
		{[]string{"--rate", "1000000"}, "--rate 1000000: send from 1 to 100000"},
		{[]string{"--duration", "0s"}, "--duration 0s: send for some time"},
		{[]string{"--duration", "-1s"}, "--duration -1s: send for some time"},
		{[]string{"--rate", "1", "--duration", "100ms"}, "sends no event: send for longer"},
	} {
		out, errOut, code := tikcraft(t, t.TempDir(), nil, append([]string{"bench"}, c.args...)...)
		if code == 0 || !strings.Contains(errOut, c.want) {
			t.Errorf("bench %v: exit %d, want %q in\n%s%s", c.args, code, c.want, out, errOut)
		}
	}
}

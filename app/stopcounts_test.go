package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/tikcraft/tikcraft/lograte/logratetest"
	"github.com/tikcraft/tikcraft/rcon/rcontest"
	"github.com/tikcraft/tikcraft/source"
)

// runLogged runs `tikcraft run --source replay:events.jsonl` to a real
// RCON server with config (added to the data_dir, rcon and web keys),
// actions and the event lines, and returns the server and the log.
func runLogged(t *testing.T, config, actions string, events []string) (*rcontest.Server, *logratetest.Records) {
	t.Helper()
	mc := rcontest.Start(t, testPassword)
	dir := t.TempDir()
	write(t, filepath.Join(dir, "tikcraft.yaml"), fmt.Sprintf("data_dir: %q\nrcon:\n  address: %s\n  password: %s\nweb:\n  listen: off\n",
		filepath.Join(dir, "data"), mc.Addr(), testPassword)+config)
	write(t, filepath.Join(dir, "actions.mca"), actions)
	write(t, filepath.Join(dir, "events.jsonl"), strings.Join(events, "\n")+"\n")
	logs := &logratetest.Records{}
	err := Run(context.Background(), RunOptions{Options: Options{ConfigPath: filepath.Join(dir, "tikcraft.yaml"), Stdout: io.Discard, Stderr: io.Discard, Quiet: true,
		Log: slog.New(logs)}, Source: "replay:" + filepath.Join(dir, "events.jsonl")})
	if err != nil {
		t.Fatal(err)
	}
	return mc, logs
}

// A warning that repeats is said once, then counted for a summary a
// minute later. When `tikcraft run` stops before that minute, the count
// is said as it stops, not lost: here three gifts over gifts.max_repeat
// within a second, then the end of the replayed LIVE.
func TestRunSaysHeldCountsAtStop(t *testing.T) {
	var events []string
	for i := range 3 {
		events = append(events, fmt.Sprintf(`{"type":"gift","msg_id":"m%d","time":"2026-11-22T18:00:0%dZ","user":{"id":"%d","unique_id":"viewer%d"},"gift":{"id":5655,"name":"Rose","combo":true,"diamonds":1},"repeat_count":50,"repeat_end":true,"group_id":"g%d"}`, i, i, i+1, i, i))
	}
	mc, logs := runLogged(t, "gifts:\n  max_repeat: 2\n", "rose:/say rose {user}\n", events)
	if n := len(mc.Commands()); n != 6 {
		t.Fatalf("%d commands reached Minecraft, want 3 gifts × max_repeat 2", n)
	}
	got := logs.Lines("gift count clipped")
	if len(got) != 2 || got[0].Repeated() != 0 || got[1].Repeated() != 2 || got[1].Attrs["user"] != nil || got[1].Attrs["users"] != int64(2) {
		t.Fatalf("clipped lines: %+v; want the first said, then a count of the 2 others at stop", got)
	}
}

// The same for the $http lane: a target answering 500 makes every
// request retry; the retries are said once, and the count of the others
// when run stops.
func TestRunSaysHeldHTTPRetriesAtStop(t *testing.T) {
	var hits atomic.Int64
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer target.Close()
	_, logs := runLogged(t, "http:\n  allow: ["+strings.TrimPrefix(target.URL, "http://")+"]\n", "follow:$http POST "+target.URL+"/follow {\"user\":\"{user}\"}\n", []string{
		`{"type":"follow","msg_id":"1","user":{"id":"1","unique_id":"anna"}}`,
		`{"type":"follow","msg_id":"2","user":{"id":"2","unique_id":"bob"}}`,
	})
	// Two requests, each tried three times: four retries.
	got := logs.Lines("$http request failed; trying again")
	if hits.Load() != 6 || len(got) != 2 || got[0].Repeated() != 0 || got[1].Repeated() != 3 {
		t.Fatalf("%d requests; retry lines %+v; want the first retry said, then a count of the 3 others at stop", hits.Load(), got)
	}
}

// And for the overlays, which take alerts in a replay too (without
// pages): the alerts dropped beyond overlays.alerts.max_queue are said
// once, and the count of the others when the replay ends.
func TestReplaySaysHeldDroppedAlertsAtStop(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "tikcraft.yaml"), "overlays:\n  alerts: {max_queue: 2}\n")
	write(t, filepath.Join(dir, "actions.mca"), "follow:>>{user}|followed|5\n")
	var events []string
	for i := range 10 {
		events = append(events, fmt.Sprintf(`{"type":"follow","msg_id":"%d","user":{"id":"%d","unique_id":"viewer%d"}}`, i, i+1, i))
	}
	write(t, filepath.Join(dir, "events.jsonl"), strings.Join(events, "\n")+"\n")
	logs := &logratetest.Records{}
	err := Replay(context.Background(), ReplayOptions{Options: Options{ConfigPath: filepath.Join(dir, "tikcraft.yaml"), Stdout: io.Discard, Stderr: io.Discard,
		Log: slog.New(logs)}, File: filepath.Join(dir, "events.jsonl"), DryRun: true, Speed: source.Max})
	if err != nil {
		t.Fatal(err)
	}
	// One alert showing, two waiting: seven dropped.
	got := logs.Lines("too many alerts waiting")
	if len(got) != 2 || got[0].Repeated() != 0 || got[1].Repeated() != 6 {
		t.Fatalf("dropped alert lines %+v; want the first said, then a count of the 6 others at the end", got)
	}
}

// `tikcraft run`: the count of follows ignored from several viewers says
// how many viewers (users=N) and names none of them, so that it does not
// read as one viewer's follow spam.
func TestRunFollowSummaryNamesNoViewer(t *testing.T) {
	var events []string
	for i, v := range []int{0, 1, 2, 0, 1, 2} {
		events = append(events, fmt.Sprintf(`{"type":"follow","msg_id":"f%d","time":"2026-11-22T18:00:0%dZ","user":{"id":"%d","unique_id":"viewer%d"}}`, i, i, v+1, v))
	}
	mc, logs := runLogged(t, "", "follow:/say thanks {user}\n", events)
	got := logs.Lines("follow ignored")
	if len(mc.Commands()) != 3 || len(got) != 2 || got[0].Attrs["user"] != "viewer0" ||
		got[1].Repeated() != 2 || got[1].Attrs["user"] != nil || got[1].Attrs["users"] != int64(2) {
		t.Fatalf("%d commands; lines %+v; want viewer0's said, then a count of 2 from users=2 naming none", len(mc.Commands()), got)
	}
}

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tikcraft/tikcraft/rcon/rcontest"
	"github.com/tikcraft/tikcraft/store"
)

// TestGoalsSavedAndReset: goals count in a demo with a data folder, their
// state is in the store after it stops, and `tikcraft reset goal ID`
// resets that one goal there.
func TestGoalsSavedAndReset(t *testing.T) {
	t.Parallel()
	mc := rcontest.Start(t, "pw-for-goals-test")
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "tikcraft.yaml"), fmt.Sprintf(`rcon: {address: %s, password: pw-for-goals-test}
data_dir: data
overlays:
  goals:
    - {type: followers, initial_goal: 2}
    - {type: shares}
`, mc.Addr()))
	writeFile(t, filepath.Join(dir, "actions.mca"), "follow:/say thanks {user}\n")
	writeFile(t, filepath.Join(dir, "events.jsonl"), `{"type":"follow","msg_id":"1","user":{"id":"1","unique_id":"ann"}}
{"type":"follow","msg_id":"2","user":{"id":"2","unique_id":"bob"}}
{"type":"follow","msg_id":"3","user":{"id":"3","unique_id":"cat"}}
{"type":"share","msg_id":"4","user":{"id":"1","unique_id":"ann"}}
`)
	if out, errOut, code := tikcraft(t, dir, nil, "demo", "-c", "tikcraft.yaml", "--events", "events.jsonl", "--speed", "max"); code != 0 {
		t.Fatalf("demo: exit %d\n%s%s", code, out, errOut)
	}
	totals := func() map[string]int64 {
		t.Helper()
		st, err := store.Open(context.Background(), filepath.Join(dir, "data"), slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		b, err := st.LoadOverlayState(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		var saved struct {
			Goals []struct {
				ID    string
				Total int64
			}
		}
		json.Unmarshal(b, &saved)
		out := map[string]int64{}
		for _, g := range saved.Goals {
			out[g.ID] = g.Total
		}
		return out
	}
	if got := totals(); got["followers"] != 3 || got["shares"] != 1 {
		t.Fatalf("saved goals %v", got)
	}
	out, errOut, code := tikcraft(t, dir, nil, "reset", "goal", "followers")
	if code != 0 || !strings.Contains(out, "reset goal:followers in") {
		t.Fatalf("reset: exit %d\n%s%s", code, out, errOut)
	}
	if got := totals(); got["followers"] != 0 || got["shares"] != 1 {
		t.Fatalf("after reset goal followers %v", got)
	}
	out, errOut, code = tikcraft(t, dir, nil, "reset", "goal", "likes")
	if code == 0 || !strings.Contains(out+errOut, `unknown overlay "goal:likes"`) || !strings.Contains(out+errOut, "goal:followers, goal:shares") {
		t.Fatalf("unknown goal: exit %d\n%s%s", code, out, errOut)
	}
	_, errOut, code = tikcraft(t, dir, nil, "reset", "goal")
	if code == 0 || !strings.Contains(errOut, "name the goal to reset: tikcraft reset goal ID") {
		t.Fatalf("goal without id: exit %d\n%s", code, errOut)
	}
}

// TestCheckGoalTrigger: check warns about a goal_ID_reached rule for a
// goal overlays.goals does not have.
func TestCheckGoalTrigger(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "tikcraft.yaml"), "rcon:\n  password: a-long-random-password\noverlays:\n  goals:\n    - {type: followers}\n")
	writeFile(t, filepath.Join(dir, "actions.mca"), "goal_followers_reached:/say yes\ngoal_folowers_reached:/say typo\n")
	out, _, code := tikcraft(t, dir, nil, "check")
	if code != 0 || !strings.Contains(out, `actions.mca:2:1: warning: goal_folowers_reached runs when the goal "folowers" of overlays.goals is reached, but there is no such goal (goals: followers)`) ||
		strings.Contains(out, "goal_followers_reached runs") {
		t.Fatalf("exit %d\n%s", code, out)
	}
}

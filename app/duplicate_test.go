package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"testing"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/console"
	"github.com/tikcraft/tikcraft/pipeline"
	"github.com/tikcraft/tikcraft/source"
)

// A message TikTok sent twice reaches the dashboard and the overlays
// whether or not there is a console to mark it: they drop it with their
// own memory of ids, as they always did. Here the overlays see the
// repeat after the LIVE's end (a new LIVE for them, which empties their
// feed); had the console kept it from them, their feed would differ.
func TestDuplicatesReachTheDashboardAndOverlaysWithOrWithoutConsole(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write(t, filepath.Join(dir, "tikcraft.yaml"), "actions: actions.mca\nweb:\n  listen: off\n")
	write(t, filepath.Join(dir, "actions.mca"), "follow:/say {user}\n")
	o := Options{ConfigPath: filepath.Join(dir, "tikcraft.yaml"), Stdout: io.Discard, Stderr: io.Discard}
	s, err := Load(o, false)
	if err != nil {
		t.Fatal(err)
	}
	o.defaults()
	follow := &tikcraft.FollowEvent{Meta: tikcraft.Meta{MsgID: "1"}, User: tikcraft.User{ID: "7", UniqueID: "anna"}}
	steps := []source.Step{{Event: follow}, {Event: &tikcraft.StreamEndEvent{}}, {Event: follow}}
	seen := func(con *console.Console) (overlayFeed string, dashFeed []string) {
		a, err := s.assemble(context.Background(), o, plan{mode: "demo", dry: true, live: true, console: con, stdout: io.Discard})
		if err != nil {
			t.Fatal(err)
		}
		defer a.close()
		a.pipe.EventClock, a.pipe.Finish = true, true
		res, err := pipeline.Run(context.Background(), source.Steps(steps, source.Max), a.pipe)
		if err != nil || res.Events != 3 || res.Actions != 1 {
			t.Fatalf("%+v, %v", res, err)
		}
		f, _ := json.Marshal(a.overlays.Snapshot().Feed)
		for _, it := range a.dash.Snapshot().Feed {
			dashFeed = append(dashFeed, it.Type+" "+it.User)
		}
		return string(f), dashFeed
	}
	overlayFeed, dashFeed := seen(nil)
	conOverlayFeed, conDashFeed := seen(console.New(io.Discard, console.Options{}))
	if overlayFeed != conOverlayFeed || fmt.Sprint(dashFeed) != fmt.Sprint(conDashFeed) {
		t.Fatalf("without a console: overlay feed %s, dashboard feed %q\nwith one: overlay feed %s, dashboard feed %q", overlayFeed, dashFeed, conOverlayFeed, conDashFeed)
	}
	// The dashboard shows the follow once (its own memory drops the repeat).
	if want := "[follow anna stream_end ]"; fmt.Sprint(dashFeed) != want {
		t.Fatalf("dashboard feed %q, want %s", dashFeed, want)
	}
}

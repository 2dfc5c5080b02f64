package app

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft/source"
	"github.com/tikcraft/tikcraft/tiktok"
	"github.com/tikcraft/tikcraft/web"
)

// The TikTok client's connection state reaches the console (one line per
// change) and the dashboard, in the demo over the wire simulator as in run.
func TestTikTokStateReachesConsoleAndDashboard(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "tikcraft.yaml"), "web:\n  listen: off\n")
	write(t, filepath.Join(dir, "events.jsonl"), `{"type":"follow","msg_id":"1","user":{"id":"1","unique_id":"anna"}}`+"\n")
	out := newLines()
	err := Demo(context.Background(), DemoOptions{
		Options: Options{ConfigPath: filepath.Join(dir, "tikcraft.yaml"), Stdout: out, Stderr: io.Discard},
		Events:  filepath.Join(dir, "events.jsonl"), Speed: source.Max,
	})
	if err != nil {
		t.Fatal(err)
	}
	if s := out.String(); !strings.Contains(s, "[tiktok]  connected to @tikcraft_demo's LIVE (room ") ||
		strings.Contains(s, "connected to the LIVE") {
		t.Fatalf("console:\n%s", s)
	}
}

func TestTikTokStateOnTheDashboard(t *testing.T) {
	ui := &webUI{dash: web.NewDashboard("run")}
	for _, c := range []struct {
		st           tiktok.State
		state, words string
	}{
		{tiktok.State{Phase: tiktok.PhaseWaiting, User: "anna", Retry: 30 * time.Second}, web.TikTokWaiting, "@anna is not live"},
		{tiktok.State{Phase: tiktok.PhaseConnecting, User: "anna", RoomID: "7"}, web.TikTokConnecting, "room 7"},
		{tiktok.State{Phase: tiktok.PhaseConnected, User: "anna", RoomID: "7"}, web.TikTokConnected, "room 7"},
		{tiktok.State{Phase: tiktok.PhaseReconnecting, User: "anna", Err: errors.New("cannot resolve www.tiktok.com — are you online?"), Retry: 4 * time.Second},
			web.TikTokReconnecting, "cannot resolve www.tiktok.com — are you online?; trying again in 4s"},
	} {
		ui.tiktokState(c.st)
		if got := ui.dash.Status().TikTok; got.State != c.state || !strings.Contains(got.Detail, c.words) {
			t.Errorf("%v: dashboard shows %q / %q, want %q with %q", c.st.Phase, got.State, got.Detail, c.state, c.words)
		}
	}
}

package app

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tikcraft/tikcraft/source"
)

// The TikTok client's connection state reaches the console (one line per
// change) and the dashboard, in the demo over the wire simulator as in run.
func TestTikTokStateReachesConsoleAndDashboard(t *testing.T) {
	t.Parallel()
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

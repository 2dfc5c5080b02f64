package dryrun

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/tikcraft/tikcraft"
)

func TestOneLinePerActionWhateverTheContent(t *testing.T) {
	var b bytes.Buffer
	s := New(&b)
	s.Deliver(context.Background(), tikcraft.Action{Kind: tikcraft.KindCommand, Command: "give anna diamond", Trigger: "rose", User: "anna"})
	s.Deliver(context.Background(), tikcraft.Action{Kind: tikcraft.KindAlert, Alert: tikcraft.Alert{Title: "evil\nforged line", Subtitle: "x", Seconds: 3}, Trigger: "rose", User: "a\nb"})
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 lines, got %q", b.String())
	}
	if !strings.Contains(lines[0], "/give anna diamond") || !strings.Contains(lines[0], `trigger="rose"`) || !strings.Contains(lines[0], `user="anna"`) {
		t.Errorf("line 1: %s", lines[0])
	}
	if len(s.Actions()) != 2 {
		t.Error("actions not recorded")
	}
}

func TestPluginCommandsShowTheirBang(t *testing.T) {
	var b bytes.Buffer
	s := New(&b)
	s.Deliver(context.Background(), tikcraft.Action{Kind: tikcraft.KindCommand, Command: "tnt 2 Notch", Plugin: true, Trigger: "money", User: "anna"})
	s.Deliver(context.Background(), tikcraft.Action{Kind: tikcraft.KindCommand, Command: "say hi", Trigger: "money", User: "anna"})
	if out := b.String(); !strings.Contains(out, "[dry-run] command !tnt 2 Notch ") || !strings.Contains(out, "[dry-run] command /say hi ") {
		t.Fatalf("got:\n%s", out)
	}
}

// The demo prints a $http request as the actions file writes it, with the
// key in its address masked.
func TestHTTPKeyIsMasked(t *testing.T) {
	var b bytes.Buffer
	s := New(&b)
	s.Deliver(context.Background(), tikcraft.Action{Kind: tikcraft.KindHTTP, Command: `POST http://127.0.0.1:18081/x?key=SUPERSECRETKEY123 {"a":1}`, Trigger: "rose", User: "anna"})
	if out := b.String(); !strings.Contains(out, `[dry-run] $http POST http://127.0.0.1:18081/x?key=[redacted] {"a":1} `) || strings.Contains(out, "SUPERSECRET") {
		t.Fatalf("got:\n%s", out)
	}
}

// Package dryrun is the sink used when no Minecraft server is configured:
// it prints each action it would send, one per line, with its trigger and
// user, and records them.
package dryrun

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/tikcraft/tikcraft"
)

var (
	_ tikcraft.Sink          = (*Sink)(nil)
	_ tikcraft.StateReporter = (*Sink)(nil)
)

// Sink prints actions to W.
type Sink struct {
	mu  sync.Mutex
	w   io.Writer
	log []tikcraft.Action
}

// New prints to w.
func New(w io.Writer) *Sink { return &Sink{w: w} }

// Deliver prints a and always succeeds.
func (s *Sink) Deliver(_ context.Context, a tikcraft.Action) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = append(s.log, a)
	var line string
	switch a.Kind {
	case tikcraft.KindAlert:
		line = fmt.Sprintf("alert   %s | %s (%ds)", a.Alert.Title, a.Alert.Subtitle, a.Alert.Seconds)
	case tikcraft.KindCommand, "":
		// Shown as written in the actions file: "!" for plugin commands.
		prefix := "/"
		if a.Plugin {
			prefix = "!"
		}
		line = "command " + prefix + a.Command
	case tikcraft.KindHTTP:
		line = a.String() // its key masked
	default:
		line = string(a.Kind) + " " + a.Command
	}
	// %q-style quoting of viewer-controlled values keeps one action on one
	// line whatever they contain.
	_, err := fmt.Fprintf(s.w, "[dry-run] %-60s  trigger=%s user=%s\n", oneLine(line), strconv.Quote(a.Trigger), strconv.Quote(a.User))
	return err
}

// Actions returns what was delivered so far.
func (s *Sink) Actions() []tikcraft.Action {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]tikcraft.Action(nil), s.log...)
}

// oneLine escapes control characters only, so commands stay readable
// (tellraw JSON keeps its quotes) and still take exactly one line.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return '\uFFFD'
		}
		return r
	}, s)
}

// SinkState says the printer is always ready (tikcraft.StateReporter): a
// dry run never waits for Minecraft.
func (s *Sink) SinkState() tikcraft.SinkState { return tikcraft.SinkState{Connected: true} }

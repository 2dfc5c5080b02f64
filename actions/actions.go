// Package actions implements the actions-file language (compatible with
// Tiktok2Mc's actions.mca): one rule per line, TRIGGER:COMMAND[; COMMAND...].
// Parse reports every problem as a FILE:LINE:COL diagnostic; Fire expands a
// rule into actions with viewer-supplied values made harmless.
// docs/ACTIONS.md documents the language for streamers.
package actions

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/tikcraft/tikcraft"
)

// Severity of a diagnostic.
type Severity int

// Severities.
const (
	Error Severity = iota
	Warning
	Info
)

func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	}
	return "info"
}

// Diagnostic is a problem at a place in the file. Line and Col are 1-based;
// Col counts characters (runes), not bytes.
type Diagnostic struct {
	File     string
	Line     int
	Col      int
	Severity Severity
	Message  string
}

// String formats d compiler-style: FILE:LINE:COL: severity: message.
func (d Diagnostic) String() string {
	return fmt.Sprintf("%s:%d:%d: %s: %s", d.File, d.Line, d.Col, d.Severity, d.Message)
}

// CommandKind says what a command does.
type CommandKind int

// Command kinds, by prefix.
const (
	Minecraft CommandKind = iota // "/": a Minecraft command, sent over RCON
	Plugin                       // "!": a server-plugin command, sent over RCON
	Random                       // "$random": run one other rule chosen at random
	Alert                        // ">>Title|Subtitle|Seconds": an on-screen alert
)

// Command is one command of a rule.
type Command struct {
	Kind     CommandKind
	Text     string // without prefix and multiplier; for alerts, the raw Title|Subtitle|Seconds
	Repeat   int    // xN; 1 when absent
	Line     int
	Col      int
	Title    string // alerts
	Subtitle string // alerts
	Seconds  int    // alerts
}

// Rule is one line: a trigger and its commands, run in order.
type Rule struct {
	Trigger  string
	Line     int
	Commands []Command
	random   bool // contains $random
}

// Options tune parsing.
type Options struct {
	// LikeFunctions are the triggers like rules run; $random never picks them.
	LikeFunctions []string
}

// Vars are the values placeholders expand to. They come from viewers and
// are sanitized on expansion.
type Vars struct {
	User     string // {user}: TikTok unique id
	Nickname string // {nickname}
	Gift     string // {gift}
	Count    int64  // {count}
}

// File is a parsed actions file.
type File struct {
	rules  []*Rule
	byKey  map[string]*Rule // normalized trigger
	byID   map[int64]*Rule
	random []*Rule // rules $random may pick
}

// reserved triggers name events, not gifts.
var reserved = [...]string{"follow", "share", "join", "subscribe"}

// IsEventTrigger reports whether trigger names an event (follow, share,
// join, subscribe) rather than a gift.
func IsEventTrigger(trigger string) bool {
	t := strings.ToLower(trigger)
	for _, r := range reserved {
		if t == r {
			return true
		}
	}
	return false
}

// Normalize reduces a trigger or gift name to the form they are matched
// in: lower case, letters and digits only ("Heart Me" and "heart_me" are
// both "heartme").
func Normalize(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Rules returns the rules in file order.
func (f *File) Rules() []*Rule {
	if f == nil {
		return nil
	}
	return f.rules
}

// Lookup returns the rule for trigger (case-insensitive), or nil.
func (f *File) Lookup(trigger string) *Rule {
	if f == nil {
		return nil
	}
	r := f.byKey[Normalize(trigger)]
	if r == nil || !strings.EqualFold(Normalize(r.Trigger), Normalize(trigger)) {
		return nil
	}
	return r
}

// MatchGift returns the rule for a gift: by name first, then by id.
func (f *File) MatchGift(name string, id int64) *Rule {
	if f == nil {
		return nil
	}
	if n := Normalize(name); n != "" {
		if r := f.byKey[n]; r != nil && !IsEventTrigger(r.Trigger) {
			return r
		}
	}
	if id != 0 {
		return f.byID[id]
	}
	return nil
}

// Stats counts the triggers and commands (each xN command counts once).
func (f *File) Stats() (triggers, commands int) {
	if f == nil {
		return 0, 0
	}
	for _, r := range f.rules {
		commands += len(r.Commands)
	}
	return len(f.rules), commands
}

// Fire expands one firing of r into the actions it causes, in order: each
// xN repetition is its own action, $random runs one randomly chosen other
// rule. It never panics.
func (f *File) Fire(r *Rule, v Vars, rnd *rand.Rand) []tikcraft.Action {
	if f == nil || r == nil {
		return nil
	}
	vals := values{
		user:     SanitizeUser(v.User),
		nickname: Sanitize(v.Nickname, "anonymous"),
		gift:     Sanitize(v.Gift, "gift"),
		count:    strconv.FormatInt(v.Count, 10),
	}
	return f.fire(r, vals, rnd, nil)
}

func (f *File) fire(r *Rule, v values, rnd *rand.Rand, out []tikcraft.Action) []tikcraft.Action {
	for _, c := range r.Commands {
		for range max(c.Repeat, 1) {
			switch c.Kind {
			case Minecraft, Plugin:
				out = append(out, tikcraft.Action{Kind: tikcraft.KindCommand, Command: v.expand(c.Text), Trigger: r.Trigger, User: v.user})
			case Alert:
				out = append(out, tikcraft.Action{Kind: tikcraft.KindAlert, Alert: tikcraft.Alert{Title: v.expand(c.Title), Subtitle: v.expand(c.Subtitle), Seconds: c.Seconds}, Trigger: r.Trigger, User: v.user})
			case Random:
				if pick := f.pick(r, rnd); pick != nil {
					out = f.fire(pick, v, rnd, out)
				}
			}
		}
	}
	return out
}

// pick chooses a rule for $random: never r itself, an event or like rule,
// or a rule that uses $random (so a chain always ends).
func (f *File) pick(self *Rule, rnd *rand.Rand) *Rule {
	n := len(f.random)
	for _, c := range f.random {
		if c == self {
			n--
		}
	}
	if n <= 0 {
		return nil
	}
	var i int
	if rnd != nil {
		i = rnd.IntN(n)
	} else {
		i = rand.IntN(n)
	}
	for _, c := range f.random {
		if c == self {
			continue
		}
		if i == 0 {
			return c
		}
		i--
	}
	return nil
}

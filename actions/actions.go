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
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/mcnames"
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
	Wait                         // "$wait 2s": the commands after it wait that long
	HTTP                         // "$http POST URL {json}": an outgoing web request
	Overlay                      // "$timer", "$wins", "$deaths", "$sound": an OBS overlay change (actions/overlay.go)
	OBS                          // "$obs scene Game": a change in OBS Studio (actions/obs.go)
)

func (k CommandKind) String() string {
	switch k {
	case Minecraft:
		return "minecraft"
	case Plugin:
		return "plugin"
	case Random:
		return "random"
	case Alert:
		return "alert"
	case Wait:
		return "wait"
	case HTTP:
		return "http"
	case Overlay:
		return "overlay"
	case OBS:
		return "obs"
	}
	return fmt.Sprintf("CommandKind(%d)", int(k))
}

// Command is one command of a rule.
type Command struct {
	Kind     CommandKind
	Text     string // without prefix and multiplier; for alerts, the raw Title|Subtitle|Seconds; for overlay actions, OverlayOp.String
	Repeat   int    // xN; 1 when absent
	Line     int
	Col      int
	Title    string // alerts
	Subtitle string // alerts
	Seconds  int    // alerts
	// Over spreads the Repeat repetitions evenly over this time ("x5 over
	// 10s"); 0 sends them at once.
	Over time.Duration
	Wait time.Duration // $wait
	// $http: the method, the URL and the JSON body (may be ""), each with
	// their placeholders still in.
	Method, URL, Body string
	Sound             string // alerts: a file of the sounds folder, or ""
	// AlertName is the alerts overlay an alert is for (@name>>), or ""
	// for the default one.
	AlertName string
	OBS       OBSOp // $obs, with the placeholders of its text still in
}

// Rule is one line: a trigger and its commands, run in order.
type Rule struct {
	// Trigger as written, or for the kinds other than Named in one
	// canonical spelling ("coins 100+", "command tnt"): it is what the
	// engine names the rule by (Lookup finds it).
	Trigger string
	Kind    TriggerKind
	// Word is the chat command or keyword, lower case.
	Word string
	// MinCoins and MaxCoins bound a CoinRange; MaxCoins < 0 means no upper
	// bound.
	MinCoins, MaxCoins int64
	Conditions         tikcraft.Conditions
	Line, Col          int // where the trigger is written
	Commands           []Command

	random    bool  // contains $random
	randomCol int   // column of the first $random, for diagnostics
	size      int64 // most actions one firing causes
}

// Options tune parsing.
type Options struct {
	// LikeFunctions are the triggers like rules run; $random never picks them.
	LikeFunctions []string
	// HTTPAllow lists the hosts $http may call (http.allow): "host:port",
	// or "host" for any port. A $http to any other host is an error.
	HTTPAllow []string
	// Minecraft, if set, checks the names in "/" commands (commands,
	// entities, items, blocks, effects, particles, sounds, enchantments)
	// against these, usually mcnames.For(minecraft.version): an unknown
	// one is an error with suggestions (actions/names.go). Nil checks
	// none.
	Minecraft *mcnames.Names
	// RandomOnly, when set, lists every rule $random may pick (random.only);
	// RandomNever lists rules it never picks (random.never). Names match
	// like triggers do.
	RandomOnly, RandomNever []string
	// OBS says that tikcraft.yaml has an obs section; without one a $obs
	// action is an error that says what to add.
	OBS bool
	// SoundsDir, when set, is the sounds folder: a sound an alert or
	// $sound names must be a file in it.
	SoundsDir string
}

// Vars are the values placeholders expand to. They come from viewers and
// are sanitized on expansion.
type Vars struct {
	User     string // {user}: TikTok unique id
	Nickname string // {nickname}
	Gift     string // {gift}
	Count    int64  // {count}
	Coins    int64  // {coins}: diamonds of the gift × Count
	Message  string // {message}: the chat message
}

// File is a parsed actions file.
type File struct {
	rules   []*Rule
	byKey   map[string]*Rule // normalized trigger of Named and AnyGift rules
	byID    map[int64]*Rule
	special map[string]*Rule // the other kinds, by canonical trigger
	random  []*Rule          // rules $random may pick

	ranges   []*Rule          // CoinRange rules, in file order
	anyGift  *Rule            // the "gift" catch-all
	commands map[string]*Rule // ChatCommand rules by word
	keywords []*Rule          // ChatKeyword rules, in file order
}

// IsEventTrigger reports whether trigger is fired by the engine for
// something other than a gift of that name: an event (follow, share, join,
// subscribe), the gift catch-all, a milestone (first_gift,
// follow_milestone, viewers_milestone), a coin range or a chat rule. It
// compares like Lookup does, so "Fol_low" is an event trigger too.
func IsEventTrigger(trigger string) bool {
	if strings.ContainsAny(trigger, " \t") {
		return true
	}
	return eventTriggers[Normalize(trigger)]
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

// Lookup returns the rule for trigger, or nil. It ignores case and "_",
// like duplicate detection does, so Lookup("heartme") finds heart_me.
func (f *File) Lookup(trigger string) *Rule {
	if f == nil {
		return nil
	}
	if strings.ContainsAny(trigger, " \t") {
		return f.special[strings.ToLower(strings.Join(strings.Fields(trigger), " "))]
	}
	if k := Normalize(trigger); k != "" {
		return f.byKey[k]
	}
	return nil
}

// MatchGift returns the rule for a gift: by name first, then by id, then
// by its diamonds per gift (coin ranges), then the "gift" catch-all; nil
// when none matches.
func (f *File) MatchGift(name string, id, diamonds int64) *Rule {
	if f == nil {
		return nil
	}
	if n := Normalize(name); n != "" {
		if r := f.byKey[n]; r != nil && !IsEventTrigger(r.Trigger) {
			return r
		}
	}
	if id != 0 {
		if r := f.byID[id]; r != nil {
			return r
		}
	}
	for _, r := range f.ranges {
		if diamonds >= r.MinCoins && (r.MaxCoins < 0 || diamonds <= r.MaxCoins) {
			return r
		}
	}
	return f.anyGift
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
// xN repetition is its own action, $random runs one other rule chosen with
// rnd (nil means the global source). Placeholders are filled with
// cleaned values: Sanitize's in command text, shortened where needed so
// that every command fits MaxCommandBytes; DisplayText's (displayValue) in
// an alert's title and subtitle, which are only shown. It never panics and never returns more than MaxActions
// actions (Parse reports a rule that could).
func (f *File) Fire(r *Rule, v Vars, rnd *rand.Rand) []tikcraft.Action {
	return f.FireTraced(r, v, rnd, nil)
}

// FireTraced is Fire, calling picked (if not nil) with each rule $random
// picks, in order, so that a console can show what was picked.
func (f *File) FireTraced(r *Rule, v Vars, rnd *rand.Rand, picked func(*Rule)) []tikcraft.Action {
	if f == nil || r == nil {
		return nil
	}
	user, vals, fill := placeholders(v)
	fi := firing{f: f, rnd: rnd, user: user, vals: vals, fill: fill, v: v, picked: picked}
	if r.size > 0 {
		fi.out = make([]tikcraft.Action, 0, min(r.size, MaxActions))
	}
	fi.rule(r)
	return fi.out
}

// firing is the state of one Fire call.
type firing struct {
	f    *File
	rnd  *rand.Rand
	user string                         // sanitized {user}
	vals [len(placeholderTokens)]string // the sanitized values
	fill *filler                        // fills in the placeholders
	v    Vars                           // the values as they came
	show *filler                        // display(): for alerts
	out  []tikcraft.Action
	// delay is how long the next action waits after it is queued: the sum
	// of the $wait commands so far.
	delay time.Duration
	// picked, if set, is told about each $random pick.
	picked func(*Rule)
}

// display fills in the placeholders of display text (an alert's title and
// subtitle) with displayValue's values, made on first use: most rules have
// no alert.
func (fi *firing) display() *filler {
	if fi.show == nil {
		f := filler(displayValues(fi.v))
		fi.show = &f
	}
	return fi.show
}

func (fi *firing) rule(r *Rule) {
	for _, c := range r.Commands {
		var a tikcraft.Action
		switch c.Kind {
		case Wait:
			fi.delay += c.Wait
			continue
		case HTTP:
			a = tikcraft.Action{Kind: tikcraft.KindHTTP, Command: expandHTTP(c, fi.vals)}
		case Minecraft, Plugin:
			a = tikcraft.Action{Kind: tikcraft.KindCommand, Command: fitCommand(c.Text, fi.vals, fi.fill), Plugin: c.Kind == Plugin}
		case Alert:
			show := fi.display()
			a = tikcraft.Action{Kind: tikcraft.KindAlert, Alert: tikcraft.Alert{
				Title:    show.Replace(c.Title),
				Subtitle: show.Replace(c.Subtitle),
				Seconds:  c.Seconds,
			}, Command: tikcraft.AlertCommand(c.AlertName, c.Sound)}
		case Overlay:
			a = tikcraft.Action{Kind: tikcraft.KindOverlay, Command: c.Text}
		case OBS:
			// A text source shows the text: display values, as an alert's,
			// so 👨‍👩‍👧 stays one family; String quotes it, so a viewer's
			// quote cannot end it.
			a = tikcraft.Action{Kind: tikcraft.KindOBS, Command: fillOBS(c.OBS, fi.display()).String()}
		}
		a.Trigger, a.User = r.Trigger, fi.user
		repeat := max(c.Repeat, 1)
		for i := range repeat {
			if len(fi.out) >= MaxActions {
				return
			}
			if c.Kind == Random {
				// pick never returns a rule using $random, so this recursion
				// is at most one level deep.
				if pick := fi.f.pick(r, fi.rnd); pick != nil {
					if fi.picked != nil {
						fi.picked(pick)
					}
					fi.rule(pick)
				}
				continue
			}
			// "xN over D": repetition i of N waits i/N of D, so the first
			// goes at once and the rest are evenly spaced.
			a.Delay = fi.delay + c.Over*time.Duration(i)/time.Duration(repeat)
			fi.out = append(fi.out, a)
		}
	}
}

// pick chooses a rule for $random: never self, an event or like rule
// (likes and like_2 always count as like rules), or a rule that uses
// $random (so a chain always ends). Parse builds f.random
// accordingly; self is skipped here in case Fire got a rule of another file.
func (f *File) pick(self *Rule, rnd *rand.Rand) *Rule {
	n := len(f.random)
	for _, c := range f.random {
		if c == self || c.random {
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
		if c == self || c.random {
			continue
		}
		if i == 0 {
			return c
		}
		i--
	}
	return nil
}

// String is c as the actions file writes it, with its repeat and spread.
func (c Command) String() string {
	s := ""
	switch c.Kind {
	case Minecraft:
		s = "/" + c.Text
	case Plugin:
		s = "!" + c.Text
	case Random:
		s = "$random"
	case Alert:
		s = ">>" + c.Text
	case Wait:
		s = c.Text
	case HTTP:
		s = tikcraft.HTTPText(c.Method, c.URL, c.Body)
	case Overlay, OBS:
		s = "$" + c.Text
	}
	if c.Repeat > 1 {
		s += " x" + strconv.Itoa(c.Repeat)
	}
	if c.Over > 0 {
		s += " over " + c.Over.String()
	}
	return s
}

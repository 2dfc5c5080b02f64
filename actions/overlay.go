package actions

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/tikcraft/tikcraft/clip"
)

// Overlay actions: "$timer +60s", "$wins +1", "$deaths +1" change the OBS
// overlays (docs/OVERLAYS.md). They run in order with the rule's other
// commands and never go to Minecraft.

// Limits of the overlay actions.
const (
	MaxTimerChange   = 24 * time.Hour
	MaxCounterChange = 1_000_000
)

// Overlay triggers: rules the overlays fire. $random never picks them.
const (
	TriggerTimerEnd        = "timer_end"
	TriggerLikeGoalReached = "likegoal_reached"
)

// IsOverlayTrigger reports whether trigger is fired by an overlay
// (timer_end, likegoal_reached, goal_ID_reached) rather than by a gift.
func IsOverlayTrigger(trigger string) bool {
	switch n := Normalize(trigger); {
	case n == "timerend", n == "likegoalreached":
		return true
	case len(n) > len("goalreached") && strings.HasPrefix(n, "goal") && strings.HasSuffix(n, "reached"):
		return true
	}
	return false
}

// OverlayOp is one overlay action.
type OverlayOp struct {
	Target string // "timer", "wins", "deaths" or "sound"
	// Verb is "add" (Amount), "reset", for the timer "pause" or "resume",
	// for a sound "play".
	Verb string
	// Amount is what "add" adds: seconds for the timer, else a count.
	// Negative takes away.
	Amount int64
	// A sound's file in the sounds folder, its volume in percent (1 to
	// 100), and whether it may play over the sound playing already.
	File    string
	Volume  int
	Overlap bool
}

// String is the op as the actions file writes it, without the "$": the
// text of its tikcraft.KindOverlay action.
func (o OverlayOp) String() string {
	if o.Target == "sound" {
		s := "sound " + quoteOBS(o.File) + " " + strconv.Itoa(o.Volume)
		if o.Overlap {
			s += " overlap"
		}
		return s
	}
	if o.Verb != "add" {
		return o.Target + " " + o.Verb
	}
	s := strconv.FormatInt(o.Amount, 10)
	if o.Amount >= 0 {
		s = "+" + s
	}
	if o.Target == "timer" {
		s += "s"
	}
	return o.Target + " " + s
}

// isOverlayFunc reports whether name ($name) is an overlay function.
func isOverlayFunc(name string) bool {
	switch strings.ToLower(name) {
	case "timer", "wins", "deaths", "sound":
		return true
	}
	return false
}

// errOverlay is a problem with an overlay action at byte offset at.
type errOverlay struct {
	at  int
	msg string
}

func (e *errOverlay) Error() string { return e.msg }

// ParseOverlay reads an overlay action without its "$" ("timer +60s",
// "wins -1", "timer reset"). It is what the overlay sink reads back from
// a KindOverlay action, and what check validates.
func ParseOverlay(s string) (OverlayOp, error) {
	op, err := parseOverlay(s)
	if err != nil {
		return op, errors.New(err.msg)
	}
	return op, nil
}

func parseOverlay(s string) (OverlayOp, *errOverlay) {
	var op OverlayOp
	fields := strings.Fields(s)
	if len(fields) == 0 || !isOverlayFunc(fields[0]) {
		return op, &errOverlay{0, "not an overlay action: write $timer, $wins, $deaths or $sound"}
	}
	op.Target = strings.ToLower(fields[0])
	if op.Target == "sound" {
		return parseSound(s)
	}
	usage := "$wins +1, $wins -1 or $wins reset"
	switch op.Target {
	case "timer":
		usage = "$timer +60s, $timer -30s, $timer reset, $timer pause or $timer resume"
	case "deaths":
		usage = "$deaths +1, $deaths -1 or $deaths reset"
	}
	if len(fields) == 1 {
		return op, &errOverlay{len(s), fmt.Sprintf("$%s needs what to do: write %s", op.Target, usage)}
	}
	argAt := strings.Index(s[len(fields[0]):], fields[1]) + len(fields[0])
	if len(fields) > 2 {
		extraAt := strings.Index(s[argAt+len(fields[1]):], fields[2]) + argAt + len(fields[1])
		return op, &errOverlay{extraAt, fmt.Sprintf("$%s takes one thing after it (%s); put other commands after a ';'", op.Target, usage)}
	}
	arg := fields[1]
	switch v := strings.ToLower(arg); {
	case v == "reset":
		op.Verb = v
		return op, nil
	case (v == "pause" || v == "resume") && op.Target == "timer":
		op.Verb = v
		return op, nil
	case arg[0] != '+' && arg[0] != '-':
		hint := ""
		if arg[0] >= '0' && arg[0] <= '9' {
			hint = fmt.Sprintf(" (+%s adds, -%s takes away)", arg, arg)
		}
		return op, &errOverlay{argAt, fmt.Sprintf("unknown $%s %q%s: write %s", op.Target, arg, hint, usage)}
	}
	op.Verb = "add"
	sign := int64(1)
	if arg[0] == '-' {
		sign = -1
	}
	num := arg[1:]
	if op.Target == "timer" {
		d, ok := timerAmount(num)
		if !ok {
			return op, &errOverlay{argAt, fmt.Sprintf("bad time %q: write whole seconds, minutes or hours such as +60s, -30s, +2m or +1m30s", arg)}
		}
		if d < time.Second || d > MaxTimerChange {
			return op, &errOverlay{argAt, fmt.Sprintf("time %q must be from 1s to %s", arg, "24h")}
		}
		op.Amount = sign * int64(d/time.Second)
		return op, nil
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if !isDigits(num) || err != nil || n < 1 || n > MaxCounterChange {
		return op, &errOverlay{argAt, fmt.Sprintf("bad amount %q: write a whole number from 1 to %d after + or -, such as +1", arg, MaxCounterChange)}
	}
	op.Amount = sign * n
	return op, nil
}

// timerAmount reads "60", "60s", "2m", "1h30m": whole seconds only.
func timerAmount(s string) (time.Duration, bool) {
	if s == "" {
		return 0, false
	}
	if isDigits(s) {
		if len(s) > 6 {
			return 0, false
		}
		n, _ := strconv.Atoi(s)
		return time.Duration(n) * time.Second, true
	}
	if s[0] < '0' || s[0] > '9' || len(s) > 20 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c == 'h' || c == 'm' || c == 's') {
			return 0, false
		}
	}
	if strings.Contains(s, "ms") {
		return 0, false
	}
	d, err := time.ParseDuration(s)
	if err != nil || d%time.Second != 0 {
		return 0, false
	}
	return d, true
}

// overlay parses an overlay action: text starts with "$".
func (p *parser) overlay(n int, line string, off int, text string, c Command) (Command, bool) {
	op, err := parseOverlay(text[1:])
	if err != nil {
		p.diag(n, col(line, off+1+err.at), Error, "%s", err.msg)
		return c, false
	}
	if op.Target == "sound" {
		at := off + 1 + len("sound") + max(strings.Index(text[1+len("sound"):], op.File), 0)
		if !p.soundExists(n, line, at, op.File) {
			return c, false
		}
	}
	c.Kind = Overlay
	c.Text = op.String()
	return c, true
}

// Sound volumes, in percent.
const (
	DefaultSoundVolume = 100
	maxSoundVolume     = 100
)

const soundUsage = "$sound FILE [volume] [overlap], e.g. $sound airhorn.mp3 or $sound \"Air Horn.mp3\" 50"

// parseSound reads "sound FILE [volume] [overlap]" (s starts with the
// word sound). A file name with spaces goes in double quotes.
func parseSound(s string) (OverlayOp, *errOverlay) {
	op := OverlayOp{Target: "sound", Verb: "play", Volume: DefaultSoundVolume}
	toks, err := obsTokens(s)
	if err != nil {
		return op, err
	}
	args := toks[1:]
	if len(args) == 0 {
		return op, &errOverlay{len(s), "$sound needs the sound's file: write " + soundUsage}
	}
	f := args[0]
	if !ValidSoundName(f.text) {
		return op, &errOverlay{f.at, fmt.Sprintf("sound %q must be the name of a .mp3, .wav or .ogg file in the sounds folder next to the config (letters, digits, space, _ - and ., no folder)", clip.String(strings.TrimSpace(f.text), 40))}
	}
	op.File = f.text
	args = args[1:]
	if len(args) > 0 && !args[0].keyword("overlap") {
		v := args[0]
		n, err := strconv.Atoi(strings.TrimSuffix(v.text, "%"))
		if v.quoted || err != nil || !isDigits(strings.TrimSuffix(v.text, "%")) || n < 1 || n > maxSoundVolume {
			return op, &errOverlay{v.at, fmt.Sprintf("sound volume %q must be a whole number from 1 to %d (percent): write %s", clip.String(strings.TrimSpace(v.text), 20), maxSoundVolume, soundUsage)}
		}
		op.Volume = n
		args = args[1:]
	}
	if len(args) > 0 && args[0].keyword("overlap") {
		op.Overlap = true
		args = args[1:]
	}
	if len(args) > 0 {
		hint := ""
		if !f.quoted && strings.Contains(args[0].text, ".") {
			hint = fmt.Sprintf(" (a file name with spaces goes in double quotes: \"%s %s\")", f.text, args[0].text)
		}
		return op, &errOverlay{args[0].at, fmt.Sprintf("unexpected %q: write %s%s", clip.String(strings.TrimSpace(args[0].text), 30), soundUsage, hint)}
	}
	return op, nil
}

// soundExists checks, when the sounds folder is known, that it has the
// file; at is where the name is written.
func (p *parser) soundExists(n int, line string, at int, name string) bool {
	if p.opts.SoundsDir == "" || name == "" {
		return true
	}
	fi, err := os.Stat(filepath.Join(p.opts.SoundsDir, name))
	if err == nil && fi.Mode().IsRegular() {
		return true
	}
	p.diag(n, col(line, at), Error, "sound %q is not in the sounds folder %s: put the file there, or fix the name", name, p.opts.SoundsDir)
	return false
}

// Sound files an alert may play: a plain file name of the sounds folder.
var soundExts = []string{".mp3", ".wav", ".ogg"}

// ValidSoundName reports whether name can be an alert's sound: a plain
// file name (letters of any language, as in "Überraschung.mp3", digits,
// space, _ - .), no folder, no leading dot, ending in .mp3, .wav or .ogg.
// The overlay serves only such names from the sounds folder, so no path
// can leave it.
func ValidSoundName(name string) bool {
	if name == "" || len(name) > 100 || name[0] == '.' || name[0] == ' ' || !utf8.ValidString(name) {
		return false
	}
	for _, c := range name {
		if !(unicode.IsLetter(c) || unicode.IsMark(c) || unicode.IsDigit(c) || c == '_' || c == '-' || c == '.' || c == ' ') {
			return false
		}
	}
	if strings.Contains(name, "..") {
		return false
	}
	lower := strings.ToLower(name)
	for _, e := range soundExts {
		if strings.HasSuffix(lower, e) && len(name) > len(e) {
			return true
		}
	}
	return false
}

// alertSound checks the fourth part of an alert (">>T|S|5|sound=airhorn.mp3",
// or without "sound=" as before), which starts at byte at of line.
func (p *parser) alertSound(n int, line string, at int, raw string) (string, bool) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", true
	}
	at += len(raw) - len(strings.TrimLeft(raw, " \t"))
	if key, val, ok := strings.Cut(s, "="); ok && strings.EqualFold(strings.TrimSpace(key), "sound") {
		s = strings.TrimSpace(val)
	}
	if !ValidSoundName(s) {
		p.diag(n, col(line, at), Error, "alert sound %q must be the name of a .mp3, .wav or .ogg file in the sounds folder next to the config (letters, digits, space, _ - and ., no folder), written as sound=airhorn.mp3", clip.String(strings.TrimSpace(s), 40))
		return "", false
	}
	if !p.soundExists(n, line, at, s) {
		return "", false
	}
	return s, true
}

package actions

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/tikcraft/tikcraft/clip"
)

// $obs actions control OBS Studio over obs-websocket (docs/OBS.md):
//
//	$obs scene NAME
//	$obs show SOURCE [in SCENE] [for 5s]
//	$obs hide SOURCE [in SCENE] [for 5s]
//	$obs text SOURCE TEXT
//	$obs media SOURCE restart|play|pause|stop
//	$obs filter SOURCE FILTER on|off [for 5s]
//
// Names with spaces go in double quotes ("Creeper Cam"); inside quotes \"
// is a quote and \\ a backslash. Only TEXT takes placeholders: names are
// the streamer's, so a viewer can never pick which scene or source a gift
// changes.

// The $obs verbs.
const (
	OBSScene  = "scene"
	OBSShow   = "show"
	OBSHide   = "hide"
	OBSText   = "text"
	OBSMedia  = "media"
	OBSFilter = "filter"
)

// Limits of $obs.
const (
	MaxOBSName  = 256  // bytes of a scene, source or filter name
	MaxOBSText  = 2000 // characters of a $obs text, before placeholders
	MinOBSFor   = 100 * time.Millisecond
	MaxOBSFor   = time.Hour
	obsPrefix   = "$obs"
	obsUsageAll = "$obs scene NAME, $obs show SOURCE [in SCENE] [for 5s], $obs hide SOURCE [in SCENE] [for 5s], $obs text SOURCE TEXT, $obs media SOURCE restart|play|pause|stop or $obs filter SOURCE FILTER on|off [for 5s]"
)

// OBSMediaActions are the words $obs media takes.
var OBSMediaActions = []string{"restart", "play", "pause", "stop"}

// OBSOp is one $obs action.
type OBSOp struct {
	Verb string // OBSScene, OBSShow, ...
	// Scene is the scene to switch to (scene), or the scene named with
	// "in" (show, hide); "" there means the current program scene.
	Scene  string
	Source string // show, hide, text, media, filter
	Filter string // filter
	// Text is the text to set (text): in a rule, with its placeholders; in
	// an action, filled in.
	Text  string
	Media string // media: one of OBSMediaActions
	On    bool   // filter: on (true) or off
	// For, when positive, turns a show, hide or filter back to how it was
	// after that long.
	For time.Duration
}

// String is the op in canonical form, without "$obs ": names quoted, the
// form a KindOBS action's Command holds and ParseOBS reads back.
func (o OBSOp) String() string {
	var b strings.Builder
	b.WriteString(o.Verb)
	name := func(s string) {
		b.WriteByte(' ')
		b.WriteString(quoteOBS(s))
	}
	switch o.Verb {
	case OBSScene:
		name(o.Scene)
	case OBSShow, OBSHide:
		name(o.Source)
		if o.Scene != "" {
			b.WriteString(" in")
			name(o.Scene)
		}
	case OBSText:
		name(o.Source)
		name(o.Text)
	case OBSMedia:
		name(o.Source)
		b.WriteString(" " + o.Media)
	case OBSFilter:
		name(o.Source)
		name(o.Filter)
		if o.On {
			b.WriteString(" on")
		} else {
			b.WriteString(" off")
		}
	}
	if o.For > 0 {
		b.WriteString(" for " + o.For.String())
	}
	return b.String()
}

// quoteOBS quotes a name for String: "\"" and "\\" are escaped.
func quoteOBS(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// ParseOBS reads a $obs action without its "$obs " ("scene Game",
// `show "Jump Scare" for 5s`). It is what the OBS sink reads back from a
// KindOBS action, and what check validates.
func ParseOBS(s string) (OBSOp, error) {
	op, err := parseOBS(s)
	if err != nil {
		return op, errors.New(err.msg)
	}
	return op, nil
}

// IsOBS reports whether a command is a $obs action: "$obs" (any case)
// alone or followed by a space.
func IsOBS(text string) bool {
	if len(text) < len(obsPrefix) || !strings.EqualFold(text[:len(obsPrefix)], obsPrefix) {
		return false
	}
	return len(text) == len(obsPrefix) || text[len(obsPrefix)] == ' ' || text[len(obsPrefix)] == '\t'
}

// obsToken is one word of a $obs action.
type obsToken struct {
	text   string // unquoted
	at     int    // byte offset of its first character (the quote)
	end    int    // byte offset after it
	quoted bool
}

// keyword reports whether t is the unquoted word w (any case); a quoted
// word is always a name.
func (t obsToken) keyword(w string) bool { return !t.quoted && strings.EqualFold(t.text, w) }

// obsTokens splits s into words and "quoted names".
func obsTokens(s string) ([]obsToken, *errOverlay) {
	var out []obsToken
	i := 0
	for {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		if i >= len(s) {
			return out, nil
		}
		start := i
		if s[i] != '"' {
			for i < len(s) && s[i] != ' ' && s[i] != '\t' {
				i++
			}
			out = append(out, obsToken{text: s[start:i], at: start, end: i})
			continue
		}
		var b strings.Builder
		i++
		closed := false
		for i < len(s) {
			c := s[i]
			if c == '\\' && i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\') {
				b.WriteByte(s[i+1])
				i += 2
				continue
			}
			i++
			if c == '"' {
				closed = true
				break
			}
			b.WriteByte(c)
		}
		if !closed {
			return nil, &errOverlay{start, "this quote is never closed: write names with spaces as \"Creeper Cam\""}
		}
		if i < len(s) && s[i] != ' ' && s[i] != '\t' {
			return nil, &errOverlay{i, "put a space after the closing quote"}
		}
		out = append(out, obsToken{text: b.String(), at: start, end: i, quoted: true})
	}
}

// obsUsage is how to write each verb.
var obsUsage = map[string]string{
	OBSScene:  "$obs scene NAME",
	OBSShow:   "$obs show SOURCE [in SCENE] [for 5s]",
	OBSHide:   "$obs hide SOURCE [in SCENE] [for 5s]",
	OBSText:   "$obs text SOURCE TEXT",
	OBSMedia:  "$obs media SOURCE restart|play|pause|stop",
	OBSFilter: "$obs filter SOURCE FILTER on|off [for 5s]",
}

// parseOBS parses s, the action after "$obs"; error offsets are bytes of s.
func parseOBS(s string) (OBSOp, *errOverlay) {
	var op OBSOp
	toks, err := obsTokens(s)
	if err != nil {
		return op, err
	}
	if len(toks) == 0 {
		return op, &errOverlay{len(s), "$obs needs what to do: " + obsUsageAll}
	}
	verb := toks[0]
	op.Verb = strings.ToLower(verb.text)
	usage, ok := obsUsage[op.Verb]
	if !ok || verb.quoted {
		return op, &errOverlay{verb.at, fmt.Sprintf("unknown $obs action %q: write %s", clip.String(strings.TrimSpace(verb.text), 20), obsUsageAll)}
	}
	args := toks[1:]
	var last obsToken // the last name read, for the hint of extra
	// name takes the next word as a name; what says which, for messages.
	name := func(what string, at int) (string, *errOverlay) {
		if len(args) == 0 {
			return "", &errOverlay{at, fmt.Sprintf("$obs %s needs the %s's name: write %s", op.Verb, what, usage)}
		}
		t := args[0]
		args = args[1:]
		last = t
		if t.text == "" {
			return "", &errOverlay{t.at, fmt.Sprintf("empty %s name: write %s", what, usage)}
		}
		if len(t.text) > MaxOBSName {
			return "", &errOverlay{t.at, fmt.Sprintf("the %s name is longer than %d bytes", what, MaxOBSName)}
		}
		if i := strings.IndexFunc(t.text, unicode.IsControl); i >= 0 {
			return "", &errOverlay{t.at, fmt.Sprintf("control character in the %s name", what)}
		}
		return t.text, nil
	}
	end := verb.end
	var e *errOverlay
	switch op.Verb {
	case OBSScene:
		op.Scene, e = name("scene", end)
	case OBSShow, OBSHide:
		op.Source, e = name("source", end)
		for e == nil && len(args) > 0 {
			switch t := args[0]; {
			case t.keyword("in") && op.Scene == "":
				args = args[1:]
				op.Scene, e = name("scene", t.end)
			case t.keyword("for") && op.For == 0:
				args = args[1:]
				op.For, e = obsFor(args, t.end)
				args = args[min(1, len(args)):]
			default:
				e = extra(s, t, last, usage)
			}
		}
	case OBSText:
		op.Source, e = name("source", end)
		if e != nil {
			break
		}
		src := toks[1]
		rest := strings.TrimLeft(s[src.end:], " \t")
		switch {
		case rest == "":
			e = &errOverlay{len(s), "$obs text needs the text after the source: write " + usage + " (\"\" clears it)"}
		case len(args) == 1 && args[0].quoted && args[0].end == len(strings.TrimRight(s, " \t")):
			op.Text = args[0].text
		default:
			op.Text = strings.TrimRight(rest, " \t")
		}
		args = nil
		if e == nil && utf8.RuneCountInString(op.Text) > MaxOBSText {
			e = &errOverlay{src.end, fmt.Sprintf("the text is longer than %d characters", MaxOBSText)}
		}
	case OBSMedia:
		op.Source, e = name("source", end)
		if e != nil {
			break
		}
		if len(args) == 0 {
			e = &errOverlay{len(s), "$obs media needs what to do after the source: write " + usage}
			break
		}
		t := args[0]
		args = args[1:]
		for _, m := range OBSMediaActions {
			if t.keyword(m) {
				op.Media = m
			}
		}
		if op.Media == "" {
			e = &errOverlay{t.at, fmt.Sprintf("$obs media can restart, play, pause or stop, not %q: write %s", clip.String(strings.TrimSpace(t.text), 20), usage)}
		} else if len(args) > 0 {
			e = extra(s, args[0], last, usage)
		}
	case OBSFilter:
		op.Source, e = name("source", end)
		if e == nil {
			op.Filter, e = name("filter", toks[1].end)
		}
		if e != nil {
			break
		}
		if len(args) == 0 {
			e = &errOverlay{len(s), "$obs filter needs on or off after the filter: write " + usage}
			break
		}
		switch t := args[0]; {
		case t.keyword("on"):
			op.On = true
		case t.keyword("off"):
		default:
			e = &errOverlay{t.at, fmt.Sprintf("$obs filter turns a filter on or off, not %q: write %s", clip.String(strings.TrimSpace(t.text), 20), usage)}
		}
		args = args[1:]
		if e == nil && len(args) > 0 {
			if t := args[0]; t.keyword("for") {
				op.For, e = obsFor(args[1:], t.end)
				args = args[min(2, len(args)):]
			}
			if e == nil && len(args) > 0 {
				e = extra(s, args[0], last, usage)
			}
		}
	}
	if e == nil && len(args) > 0 {
		e = extra(s, args[0], last, usage)
	}
	return op, e
}

// obsFor reads the duration after "for" (at: the end of "for").
func obsFor(args []obsToken, at int) (time.Duration, *errOverlay) {
	if len(args) == 0 {
		return 0, &errOverlay{at, "\"for\" needs how long, such as for 5s"}
	}
	t := args[0]
	d, err := time.ParseDuration(strings.ToLower(t.text))
	if t.quoted || err != nil || d <= 0 {
		return 0, &errOverlay{t.at, fmt.Sprintf("\"for\" needs how long, such as for 5s or for 1m30s, not %q", clip.String(strings.TrimSpace(t.text), 20))}
	}
	if d < MinOBSFor || d > MaxOBSFor {
		return 0, &errOverlay{t.at, fmt.Sprintf("\"for %s\" must be from %s to %s", t.text, MinOBSFor, "1h")}
	}
	return d, nil
}

// extra reports a word where none belongs. A plain word right after a
// plain name is most often the second half of a name with a space.
func extra(s string, t, last obsToken, usage string) *errOverlay {
	hint := ""
	if !t.quoted && !last.quoted && last.text != "" && last.end <= t.at && strings.TrimSpace(s[last.end:t.at]) == "" {
		hint = fmt.Sprintf(" (a name with spaces goes in double quotes: \"%s %s\")", last.text, t.text)
	}
	return &errOverlay{t.at, fmt.Sprintf("unexpected %q: write %s%s", clip.String(strings.TrimSpace(t.text), 30), usage, hint)}
}

// obs parses a $obs action (text starts with "$obs") at byte off of line.
// $obs has its own grammar: no xN or "over" (a trailing "x3" is part of a
// text), and "for 5s" says how long a change lasts.
func (p *parser) obs(n int, line string, off int, text string, c Command) (Command, bool) {
	c.Kind = OBS
	op, err := parseOBS(text[len(obsPrefix):])
	if err != nil {
		p.diag(n, col(line, off+len(obsPrefix)+err.at), Error, "%s", err.msg)
		return c, false
	}
	if !p.opts.OBS {
		if p.obsTold == 0 {
			p.obsTold = n
			p.diag(n, c.Col, Error, "$obs needs to know where OBS is: add an obs section to tikcraft.yaml, with address: 127.0.0.1:4455 and password: the one in OBS under Tools → WebSocket Server Settings (see docs/OBS.md)")
		} else {
			p.diag(n, c.Col, Error, "$obs needs an obs section in tikcraft.yaml (see line %d)", p.obsTold)
		}
		return c, false
	}
	c.OBS = op
	c.Text = "obs " + op.String()
	return c, true
}

// fillOBS fills in the placeholders of a $obs text; names stay as written.
func fillOBS(op OBSOp, fill interface{ Replace(string) string }) OBSOp {
	if op.Verb == OBSText {
		op.Text = fill.Replace(op.Text)
	}
	return op
}

package actions

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tikcraft/tikcraft/clip"
	"github.com/tikcraft/tikcraft/userfile"
)

// Limits of the language.
const (
	MaxRepeat      = 10000 // largest xN
	LagWarnRepeat  = 50    // xN above this warns unless the line says # ignore-lag
	MaxAlertSecond = 300   // longest alert, in seconds
	// MaxActions caps the actions one firing of a rule may cause, counting
	// every xN repeat and what $random may pick. Without it "$random x10000"
	// picking a rule with "x10000" would queue 100 million commands.
	MaxActions = 100000
)

// Parse reads an actions file. The returned File is never nil and holds
// every rule that parsed, even when there are errors; callers must refuse
// to start when any diagnostic is an Error. Diagnostics come sorted by
// line and column.
func Parse(filename string, src []byte, opts Options) (*File, []Diagnostic) {
	p := &parser{
		file:      filename,
		opts:      opts,
		f:         &File{byKey: map[string]*Rule{}, byID: map[int64]*Rule{}, special: map[string]*Rule{}, commands: map[string]*Rule{}},
		firstLine: map[string]int{},
		idLine:    map[int64]int{},
	}
	if userfile.UTF16(src) {
		p.diag(1, 1, Error, userfile.SavedAsUTF16)
		return p.f, p.diags
	}
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
	// A program, a picture or a zip file saved as actions.mca (or UTF-16
	// without its mark): one error that says so, not one for each of its
	// "lines".
	if line, c, ok := userfile.NUL(src); ok {
		p.diag(line, c, Error, userfile.NotText+"; an actions file is text, one TRIGGER:COMMAND a line")
		return p.f, p.diags
	}
	for i, raw := range strings.Split(string(src), "\n") {
		p.line(i+1, strings.TrimSuffix(raw, "\r"))
	}
	p.finish(opts)
	slices.SortStableFunc(p.diags, func(a, b Diagnostic) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col))
	})
	return p.f, p.diags
}

type parser struct {
	file      string
	opts      Options
	f         *File
	diags     []Diagnostic
	errors    int
	firstLine map[string]int // normalized trigger -> line it was first defined on
	idLine    map[int64]int  // gift id -> line of its numeric trigger
	noted     bool           // Options.Minecraft's notice is out
	obsTold   int            // line where the missing obs section was reported
}

func (p *parser) diag(line, col int, sev Severity, format string, args ...any) {
	if sev == Error {
		p.errors++
	}
	p.diags = append(p.diags, Diagnostic{File: p.file, Line: line, Col: col, Severity: sev, Message: fmt.Sprintf(format, args...)})
}

// col converts a byte offset in s to a 1-based column counted in runes.
func col(s string, off int) int {
	off = min(max(off, 0), len(s))
	return utf8.RuneCountInString(s[:off]) + 1
}

func (p *parser) line(n int, line string) {
	trimmed := strings.TrimLeft(line, " \t")
	if trimmed == "" || trimmed[0] == '#' {
		return
	}
	if !utf8.ValidString(line) {
		off := 0
		for off < len(line) {
			r, size := utf8.DecodeRuneInString(line[off:])
			if r == utf8.RuneError && size == 1 {
				break
			}
			off += size
		}
		p.diag(n, col(line, off), Warning, "this line is not valid UTF-8, so some characters will arrive garbled; save the file as UTF-8")
	}
	body, comment, guess, at := splitComment(line)
	ignoreLag := strings.Contains(strings.ToLower(comment), "ignore-lag")
	if strings.TrimSpace(body) != "" {
		switch guess {
		case guessWord:
			p.diag(n, col(line, at), Warning, "%q is taken as a comment and not sent (only #namespace:path tags and a # inside [], {} or quotes are command text); write '# ' with a space after the # to make the comment clear, or put the text in quotes if it belongs to the command", clip.String(strings.TrimSpace(comment), 40))
		case guessQuote:
			p.diag(n, col(line, at), Warning, "%q is taken as a comment and not sent, because the '\"' before it is never closed; close the quote if the # is part of the text", clip.String(strings.TrimSpace(comment), 40))
		}
	}
	if strings.TrimSpace(body) == "" {
		return
	}
	colon := strings.IndexByte(body, ':')
	if colon < 0 {
		p.diag(n, col(line, len(line)-len(trimmed)), Error, "missing ':' between the trigger and its commands (write TRIGGER:COMMAND, e.g. rose:/say hi)")
		return
	}
	rawTrigger := body[:colon]
	tstart := len(rawTrigger) - len(strings.TrimLeft(rawTrigger, " \t"))
	h, ok := p.triggerHead(n, line, 0, rawTrigger)
	if !ok {
		return
	}
	trigger, key := h.rule.Trigger, h.key
	errorsBefore := p.errors
	dup := false
	if first, ok := p.firstLine[key]; ok {
		p.diag(n, col(line, tstart), Error, "duplicate trigger %q: already defined on line %d (names match ignoring case and _)", trigger, first)
		dup = true
	} else {
		p.firstLine[key] = n
	}
	id, isID := giftID(trigger)
	isID = isID && h.rule.Kind == Named
	if isID && !dup {
		if first, ok := p.idLine[id]; ok {
			p.diag(n, col(line, tstart), Error, "duplicate trigger %q: gift id %d is already used on line %d", trigger, id, first)
			dup = true
		} else {
			p.idLine[id] = n
		}
	}

	rule := &h.rule
	rest := body[colon+1:]
	parts := splitCommands(rest)
	for _, part := range parts {
		text := rest[part[0]:part[1]]
		lead := len(text) - len(strings.TrimLeft(text, " \t"))
		cmdText := strings.TrimSpace(text)
		off := colon + 1 + part[0] + lead
		if cmdText == "" {
			if len(parts) > 1 {
				p.diag(n, col(line, off), Warning, "empty command (a stray ';'?)")
			}
			continue
		}
		if c, ok := p.command(n, line, off, cmdText, ignoreLag); ok {
			p.checkNames(line, off, c, comment)
			if c.Kind == Random && !rule.random {
				rule.random = true
				rule.randomCol = c.Col
			}
			rule.Commands = append(rule.Commands, c)
		}
	}
	if len(rule.Commands) == 0 {
		if p.errors == errorsBefore {
			p.diag(n, col(line, colon), Error, "trigger %q has no command after ':'", trigger)
		}
		return
	}
	if dup {
		return
	}
	p.f.rules = append(p.f.rules, rule)
	switch rule.Kind {
	case Named, AnyGift:
		p.f.byKey[key] = rule
		if rule.Kind == AnyGift {
			p.f.anyGift = rule
		}
	default:
		p.f.special[key] = rule
	}
	switch rule.Kind {
	case CoinRange:
		p.f.ranges = append(p.f.ranges, rule)
	case ChatCommand:
		p.f.commands[rule.Word] = rule
	case ChatKeyword:
		p.f.keywords = append(p.f.keywords, rule)
	}
	if isID {
		p.f.byID[id] = rule
	}
}

// trigger checks a trigger name; colon is the byte offset of the ':'.
func (p *parser) trigger(n int, line string, tstart, colon int, trigger string) bool {
	if trigger == "" {
		p.diag(n, col(line, colon), Error, "empty trigger before ':' (name a gift, a gift id, follow, share, join, subscribe or a like function)")
		return false
	}
	for i, r := range trigger {
		if r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			continue
		}
		hint := ""
		if unicode.IsSpace(r) {
			hint = fmt.Sprintf(" (use _ instead of spaces: %s)", strings.Join(strings.Fields(trigger), "_"))
		}
		p.diag(n, col(line, tstart+i), Error, "trigger %q may only contain letters a-z, digits and _, not %q%s", trigger, r, hint)
		return false
	}
	if Normalize(trigger) == "" {
		p.diag(n, col(line, tstart), Error, "trigger %q needs at least one letter or digit", trigger)
		return false
	}
	if isDigits(trigger) {
		if _, ok := giftID(trigger); !ok {
			p.diag(n, col(line, tstart), Warning, "trigger %q is too large to be a gift id; it can only run through a like rule or $random", trigger)
		}
	}
	return true
}

// giftID reports whether a trigger is a gift id.
func giftID(trigger string) (int64, bool) {
	if !isDigits(trigger) {
		return 0, false
	}
	id, err := strconv.ParseInt(trigger, 10, 64)
	return id, err == nil && id > 0
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// command parses one command, text, starting at byte off of line.
func (p *parser) command(n int, line string, off int, text string, ignoreLag bool) (Command, bool) {
	c := Command{Line: n, Col: col(line, off), Repeat: 1}
	if i := strings.IndexFunc(text, func(r rune) bool { return r != '\t' && unicode.IsControl(r) }); i >= 0 {
		r, _ := utf8.DecodeRuneInString(text[i:])
		p.diag(n, col(line, off+i), Error, "control character %U in a command; delete it", r)
		return c, false
	}
	if i := strings.IndexFunc(text, invisible); i >= 0 {
		r, _ := utf8.DecodeRuneInString(text[i:])
		p.diag(n, col(line, off+i), Warning, "invisible character %U in a command (copied from a web page?); Minecraft will not understand it, so retype that spot", r)
	}
	p.checkPlaceholders(n, line, off, text)
	if IsOBS(text) {
		return p.obs(n, line, off, text, c)
	}
	if text[0] == '/' || text[0] == '!' {
		text = stripRC(text)
	}
	text, ok := p.over(n, line, off, text, &c)
	if !ok {
		return c, false
	}
	text, ok = p.multiplier(n, line, off, text, ignoreLag, &c)
	if !ok {
		return c, false
	}
	if c.Over > 0 && c.Repeat < 2 {
		p.diag(n, c.Col, Error, "\"over\" spreads repeats: write it after a multiplier, e.g. /summon zombie x10 over 30s")
		return c, false
	}
	switch {
	case isAlert(text):
		return p.alert(n, line, off, text, c)
	case text[0] == '/' || text[0] == '!':
		c.Kind = Minecraft
		if text[0] == '!' {
			c.Kind = Plugin
		}
		body := text[1:]
		lead := len(body) - len(strings.TrimLeft(body, " \t"))
		c.Text = strings.TrimSpace(body)
		if c.Text == "" {
			p.diag(n, c.Col, Error, "empty command after %q", text[:1])
			return c, false
		}
		if msg, at := unbalanced(c.Text); msg != "" {
			p.diag(n, col(line, off+1+lead+at), Error, "%s", msg)
			return c, false
		}
	case text[0] == '$':
		name := strings.TrimSpace(text[1:])
		fields := strings.Fields(name)
		switch {
		case strings.EqualFold(name, "random"):
			c.Kind = Random
			c.Text = "$random"
		case len(fields) > 0 && strings.EqualFold(fields[0], "wait"):
			return p.wait(n, line, off, fields, c)
		case len(fields) > 0 && strings.EqualFold(fields[0], "http"):
			c.Text = name
			return p.httpCommand(n, line, off, name, c)
		case len(fields) > 1 && strings.EqualFold(fields[0], "random"):
			p.diag(n, c.Col, Error, "$random takes nothing after it; put other commands after a ';'")
			return c, false
		case name == "":
			p.diag(n, c.Col, Error, "missing function name after $; the functions are $random, $wait, $http, $timer, $wins, $deaths, $sound and $obs")
			return c, false
		case isOverlayFunc(fields[0]):
			return p.overlay(n, line, off, text, c)
		default:
			p.diag(n, c.Col, Error, "unknown function $%s; the functions are $random, $wait 2s, $http POST URL {json}, $timer, $wins, $deaths, $sound FILE and $obs", name)
			return c, false
		}
	default:
		r, _ := utf8.DecodeRuneInString(text)
		hint := ""
		if unicode.IsLetter(r) {
			hint = fmt.Sprintf("; did you forget the / (/%s)?", strings.Fields(text)[0])
		} else if r == '>' {
			hint = "; alerts start with two: >>Title|Subtitle|Seconds"
		} else if r == '&' {
			p.diag(n, c.Col, Error, "tikcraft never runs programs on your computer, so the shell command %q is not run; `tikcraft migrate` turns Tiktok2Mc's &curl calls to its timer, win and death counters into $timer, $wins or $deaths, and other web calls into $http", clip.String(strings.TrimSpace(text), 40))
			return c, false
		} else if r == '@' {
			hint = "; an alert for a named overlay is @name>>Title|Subtitle|Seconds (letters, digits, _ and - in the name)"
		}
		p.diag(n, c.Col, Error, "bad prefix %q: a command starts with / (Minecraft), ! (plugin), $random or >> (alert)%s", r, hint)
		return c, false
	}
	return c, true
}

// multiplier strips a trailing " xN" from text into c.Repeat. The last word
// is a multiplier attempt when it is "x" followed by a digit or a sign, so
// "x0", "x-1" and "x5a" are errors, while a word such as "xp" or "xoxo"
// stays command text (/scoreboard players reset @a xp must keep working).
func (p *parser) multiplier(n int, line string, off int, text string, ignoreLag bool, c *Command) (string, bool) {
	i := strings.LastIndexAny(text, " \t")
	if i <= 0 || i+2 >= len(text) {
		return text, true
	}
	word := text[i+1:]
	mcol := col(line, off+i+1)
	if word[0] == 'X' && isDigits(word[1:]) {
		p.diag(n, mcol, Warning, "%q is sent as part of the command; to repeat it write x%s (lower-case x)", word, word[1:])
		return text, true
	}
	if word[0] != 'x' || !(word[1] >= '0' && word[1] <= '9' || word[1] == '-' || word[1] == '+') {
		return text, true
	}
	v, err := strconv.Atoi(word[1:])
	if !isDigits(word[1:]) || err != nil || v < 1 || v > MaxRepeat {
		p.diag(n, mcol, Error, "bad multiplier %q: write x1 to x%d", word, MaxRepeat)
		return text, false
	}
	if isAlert(text) {
		p.diag(n, mcol, Error, "an alert cannot be repeated with %s; write the alert once", word)
		return text, false
	}
	if v > LagWarnRepeat && !ignoreLag {
		p.diag(n, mcol, Warning, "x%d runs this command %d times each time and may lag the server; add '# ignore-lag' at the end of the line if that is intended", v, v)
	}
	c.Repeat = v
	return strings.TrimRight(text[:i], " \t"), true
}

// alert parses ">>Title|Subtitle|Seconds" or "@name>>Title|Subtitle|Seconds"
// at byte off of line.
func (p *parser) alert(n int, line string, off int, text string, c Command) (Command, bool) {
	c.Kind = Alert
	if name, rest, ok := alertName(text); ok {
		if len(name) > MaxAlertName {
			p.diag(n, c.Col, Error, "the alerts overlay's name %q is longer than %d characters", clip.String(strings.TrimSpace(name), 40), MaxAlertName)
			return c, false
		}
		c.AlertName = name
		off += len(text) - len(rest)
		text = rest
	}
	c.Text = text[2:]
	c.Seconds = 3
	parts := strings.SplitN(c.Text, "|", 4)
	c.Title = strings.TrimSpace(parts[0])
	if len(parts) > 1 {
		c.Subtitle = strings.TrimSpace(parts[1])
	}
	if len(parts) > 2 {
		if s := strings.TrimSpace(parts[2]); s != "" {
			v, err := strconv.Atoi(s)
			if !isDigits(s) || err != nil || v < 1 || v > MaxAlertSecond {
				at := off + 2 + len(parts[0]) + 1 + len(parts[1]) + 1
				at += len(parts[2]) - len(strings.TrimLeft(parts[2], " \t"))
				p.diag(n, col(line, at), Error, "alert seconds %q must be a whole number from 1 to %d (after the second |)", s, MaxAlertSecond)
				return c, false
			}
			c.Seconds = v
		}
	}
	if len(parts) > 3 {
		sound, ok := p.alertSound(n, line, off+2+len(parts[0])+len(parts[1])+len(parts[2])+3, parts[3])
		if !ok {
			return c, false
		}
		c.Sound = sound
	}
	if c.Title == "" && c.Subtitle == "" {
		p.diag(n, c.Col, Error, "empty alert: write >>Title|Subtitle|Seconds")
		return c, false
	}
	return c, true
}

// finish builds the $random pool and checks what only the whole file shows.
func (p *parser) finish(opts Options) {
	// Tiktok2Mc's $random never picks likes, like_2 or follow, whether or
	// not a like rule names them; files written for it rely on that
	// (its like_2 clears and kills everyone).
	likes := map[string]bool{"likes": true, "like2": true}
	for _, l := range opts.LikeFunctions {
		likes[Normalize(l)] = true
	}
	largest, largestTrigger := int64(0), ""
	for _, r := range p.f.rules {
		r.size = ruleSize(r, 0)
		if randomEligible(r, likes, opts) {
			p.f.random = append(p.f.random, r)
			if r.size > largest {
				largest, largestTrigger = r.size, r.Trigger
			}
		}
	}
	for _, r := range p.f.rules {
		if !r.random {
			if r.size > MaxActions {
				p.diag(r.Line, 1, Error, "one %s would send %d commands; the limit is %d, so lower the xN numbers", r.Trigger, r.size, MaxActions)
			}
			continue
		}
		if len(p.f.random) == 0 {
			p.diag(r.Line, r.randomCol, Warning, "$random has nothing to pick from: it never picks follow, share, join, subscribe, likes, like_2, like rules or rules that use $random")
			continue
		}
		r.size = ruleSize(r, largest)
		if r.size > MaxActions {
			p.diag(r.Line, r.randomCol, Error, "one %s could send up to %d commands ($random may pick %s, which sends %d); the limit is %d, so lower the xN numbers", r.Trigger, r.size, largestTrigger, largest, MaxActions)
		}
	}
	p.checkLengths()
	p.checkDestructivePicks()
	p.checkRanges()
}

// checkLengths reports commands that cannot fit Minecraft's RCON limit:
// an error when the text alone is too long (it would be refused every
// time), a warning when long viewer names could push it over (they are
// then shortened to fit, see Fire).
func (p *parser) checkLengths() {
	for _, r := range p.f.rules {
		for _, c := range r.Commands {
			if c.Kind != Minecraft && c.Kind != Plugin {
				continue
			}
			fixed := c.fixedBytes()
			if fixed > MaxCommandBytes {
				p.diag(c.Line, c.Col, Error, "this command is %d bytes long before any placeholder is filled in, but Minecraft accepts at most %d bytes over RCON; shorten it or split it with ';'", fixed, MaxCommandBytes)
				continue
			}
			if worst := c.worstBytes(); worst > MaxCommandBytes {
				p.diag(c.Line, c.Col, Warning, "with long viewer names (64 characters of up to 4 bytes each) this command can reach %d bytes, more than the %d Minecraft accepts over RCON; tikcraft then shortens {user}, {nickname} and {gift} to fit, so use them fewer times if the full names matter", worst, MaxCommandBytes)
			}
		}
	}
}

// checkDestructivePicks warns about each rule $random can pick that runs a
// command which can wipe the streamer's game: a gift that runs $random can
// then do it at any moment.
func (p *parser) checkDestructivePicks() {
	var users []int
	for _, r := range p.f.rules {
		if r.random {
			users = append(users, r.Line)
		}
	}
	if len(users) == 0 {
		return
	}
	for _, r := range p.f.random {
		for _, c := range r.Commands {
			if c.Kind != Minecraft {
				continue
			}
			if what := Destructive(c.Text); what != "" {
				p.diag(c.Line, c.Col, Warning, "$random (line %s) can pick %s, which runs /%s (%s); $random never picks follow, share, join, subscribe, likes, like_2, like rules or rules that use $random, so make this one of those if a random gift should not do it",
					joinLines(users), r.Trigger, clip.String(strings.TrimSpace(c.Text), 40), what)
				break // one warning per rule
			}
		}
	}
}

func joinLines(lines []int) string {
	s := make([]string, len(lines))
	for i, l := range lines {
		s[i] = strconv.Itoa(l)
	}
	return strings.Join(s, ", ")
}

// ruleSize counts the actions one firing of r causes at most, when $random
// picks a rule causing pick actions. It saturates instead of overflowing.
func ruleSize(r *Rule, pick int64) int64 {
	const limit = 1 << 40
	var n int64
	for _, c := range r.Commands {
		each := int64(1)
		switch c.Kind {
		case Random:
			each = pick
		case Wait:
			each = 0
		}
		n += int64(max(c.Repeat, 1)) * each
		if n > limit {
			return limit
		}
	}
	return n
}

// invisible reports characters that look like nothing but break a command:
// format characters (zero-width space, RTL marks) and non-ASCII spaces. The
// zero-width joiner is spared because emoji sequences need it.
func invisible(r rune) bool {
	if r == '\u200d' {
		return false
	}
	return unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp) || r > unicode.MaxASCII && unicode.IsSpace(r)
}

// splitComment splits off an inline comment. Tiktok2Mc drops everything
// after a '#'; tikcraft keeps what Minecraft needs a '#' for, so a ' #'
// (a '#' after a space or tab) starts a comment unless it is
//
//   - a tag reference, #namespace:path (function #minecraft:tick),
//   - inside [], {} or a "..." string (@e[type=#minecraft:skeletons],
//     {"text":"Follower # 1"}),
//   - right after '=' (type= #minecraft:skeletons).
//
// A line starting with '#' never gets here. guess says when the split
// could have gone either way, so that check can say so: a ' #' directly
// followed by a word ("#x3 spawns", which could be text), or a comment after
// a quote that is never closed (5" tall # ...). A ' #' followed by a space
// or the end of the line is a comment for certain. at is the byte offset of
// the comment's '#'.
func splitComment(line string) (body, comment string, guess commentGuess, at int) {
	inQuote := false
	depth := 0
	candidate := -1 // first ' #' inside a quote that may never close
	for i := 0; i < len(line); i++ {
		ch := line[i]
		switch {
		case inQuote && ch == '\\':
			i++
			continue
		case ch == '"':
			inQuote = !inQuote
			candidate = -1
			continue
		case !inQuote && (ch == '[' || ch == '{'):
			depth++
			continue
		case !inQuote && (ch == ']' || ch == '}'):
			depth = max(depth-1, 0)
			continue
		case ch != '#' || i == 0 || (line[i-1] != ' ' && line[i-1] != '\t'):
			continue
		}
		// A ' #'.
		sure := i+1 == len(line) || line[i+1] == ' ' || line[i+1] == '\t'
		if !sure && (isTagRef(line[i:]) || afterEquals(line[:i])) {
			continue
		}
		if inQuote {
			if candidate < 0 {
				candidate = i
			}
			continue
		}
		if depth > 0 {
			continue
		}
		if sure {
			return line[:i], line[i:], guessNone, i
		}
		return line[:i], line[i:], guessWord, i
	}
	if inQuote && candidate >= 0 {
		return line[:candidate], line[candidate:], guessQuote, candidate
	}
	return line, "", guessNone, -1
}

// commentGuess says why splitComment was not sure.
type commentGuess int

const (
	guessNone  commentGuess = iota
	guessWord               // ' #' directly followed by text that is not a tag
	guessQuote              // after a '"' that is never closed
)

// isTagRef reports whether s starts with a tag reference: #namespace:path,
// lower-case letters, digits and _ - . (and / in the path), as Minecraft
// writes resource locations.
func isTagRef(s string) bool {
	i := 1
	for i < len(s) && isResourceChar(s[i], false) {
		i++
	}
	if i == 1 || i >= len(s) || s[i] != ':' {
		return false
	}
	j := i + 1
	for j < len(s) && isResourceChar(s[j], true) {
		j++
	}
	return j > i+1
}

func isResourceChar(c byte, path bool) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.' || path && c == '/'
}

// afterEquals reports whether the last non-blank character of s is '='.
func afterEquals(s string) bool {
	s = strings.TrimRight(s, " \t")
	return s != "" && s[len(s)-1] == '='
}

// splitCommands splits on ';' outside "..." strings and brackets, so a ';'
// inside tellraw JSON or NBT stays part of its command. If a quote is never
// closed it was text, not a string, and the split ignores quotes. It
// returns [start, end) byte ranges.
func splitCommands(s string) [][2]int {
	if out, ok := split(s, true); ok {
		return out
	}
	out, _ := split(s, false)
	return out
}

func split(s string, quotes bool) (out [][2]int, closed bool) {
	start, depth := 0, 0
	inQuote := false
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case inQuote:
			if ch == '\\' {
				i++
			} else if ch == '"' {
				inQuote = false
			}
		case ch == '"' && quotes:
			inQuote = true
		case ch == '[' || ch == '{':
			depth++
		case ch == ']' || ch == '}':
			depth = max(depth-1, 0)
		case ch == ';' && depth == 0:
			out = append(out, [2]int{start, i})
			start = i + 1
		}
	}
	return append(out, [2]int{start, len(s)}), !inQuote
}

// unbalanced checks [] and {} outside "..." string literals. It returns a
// message and the byte offset of the culprit, or "".
func unbalanced(s string) (string, int) {
	type open struct {
		ch  byte
		off int
	}
	var stack []open
	inString := false
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if inString {
			if ch == '\\' {
				i++
			} else if ch == '"' {
				inString = false
			}
			continue
		}
		switch ch {
		case '"':
			inString = true
		case '[', '{':
			stack = append(stack, open{ch, i})
		case ']', '}':
			want := byte('[')
			if ch == '}' {
				want = '{'
			}
			if len(stack) == 0 {
				return fmt.Sprintf("unbalanced %q: there is no %q before it to close", ch, want), i
			}
			if top := stack[len(stack)-1]; top.ch != want {
				return fmt.Sprintf("unbalanced brackets: %q cannot close the %q opened before it", ch, top.ch), i
			}
			stack = stack[:len(stack)-1]
		}
	}
	if len(stack) > 0 {
		top := stack[len(stack)-1]
		closer := byte(']')
		if top.ch == '{' {
			closer = '}'
		}
		return fmt.Sprintf("unbalanced %q: it is never closed with %q", top.ch, closer), top.off
	}
	return "", 0
}

// StripComment returns line without its inline comment, by the rules of
// splitComment (migrate compares it with what Tiktok2Mc kept).
func StripComment(line string) string {
	body, _, _, _ := splitComment(line)
	return body
}

package actions

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits of the language.
const (
	MaxRepeat      = 10000 // largest xN
	LagWarnRepeat  = 50    // xN above this warns unless the line says # ignore-lag
	MaxAlertSecond = 300
)

// Parse reads an actions file. The returned File holds every valid rule even
// when there are errors; callers must refuse to start when any diagnostic is
// an Error.
func Parse(filename string, src []byte, opts Options) (*File, []Diagnostic) {
	p := &parser{file: filename, f: &File{byKey: map[string]*Rule{}, byID: map[int64]*Rule{}}, firstLine: map[string]int{}}
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
	for i, raw := range strings.Split(string(src), "\n") {
		p.line(i+1, strings.TrimSuffix(raw, "\r"))
	}
	likes := map[string]bool{}
	for _, l := range opts.LikeFunctions {
		likes[Normalize(l)] = true
	}
	for _, r := range p.f.rules {
		if !r.random && !IsEventTrigger(r.Trigger) && !likes[Normalize(r.Trigger)] {
			p.f.random = append(p.f.random, r)
		}
	}
	for _, r := range p.f.rules {
		if r.random && len(p.f.random) == 0 {
			p.diag(r.Line, 1, Warning, "$random has no rule to pick from (it never picks follow, share, join, subscribe, like rules or rules that use $random)")
		}
	}
	return p.f, p.diags
}

type parser struct {
	file      string
	f         *File
	diags     []Diagnostic
	firstLine map[string]int
}

func (p *parser) diag(line, col int, sev Severity, format string, args ...any) {
	p.diags = append(p.diags, Diagnostic{File: p.file, Line: line, Col: col, Severity: sev, Message: fmt.Sprintf(format, args...)})
}

// col converts a byte offset in s to a 1-based character column.
func col(s string, off int) int {
	if off > len(s) {
		off = len(s)
	}
	return utf8.RuneCountInString(s[:off]) + 1
}

func (p *parser) line(n int, line string) {
	trimmed := strings.TrimLeft(line, " \t")
	if trimmed == "" || strings.HasPrefix(trimmed, "#") {
		return
	}
	body, comment := splitComment(line)
	ignoreLag := strings.Contains(comment, "ignore-lag")
	if strings.TrimSpace(body) == "" {
		return
	}
	colon := strings.IndexByte(body, ':')
	if colon < 0 {
		start := len(line) - len(trimmed)
		p.diag(n, col(line, start), Error, "missing ':' between the trigger and its commands (write TRIGGER:COMMAND, e.g. rose:/say hi)")
		return
	}
	rawTrigger := body[:colon]
	trigger := strings.TrimSpace(rawTrigger)
	tstart := strings.Index(rawTrigger, trigger)
	if trigger == "" {
		p.diag(n, col(line, colon), Error, "empty trigger before ':' (name a gift, a gift id, follow, share, join, subscribe or a like function)")
		return
	}
	for i, r := range trigger {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			p.diag(n, col(line, tstart+i), Error, "trigger %q may only contain letters, digits and _ (found %q)", trigger, r)
			return
		}
	}
	rule := &Rule{Trigger: trigger, Line: n}
	key := Normalize(trigger)
	dup := false
	if first, ok := p.firstLine[key]; ok {
		p.diag(n, col(line, tstart), Error, "duplicate trigger %q: already defined on line %d", trigger, first)
		dup = true
	}

	rest := body[colon+1:]
	base := colon + 1
	parts := splitCommands(rest)
	for _, part := range parts {
		text := rest[part[0]:part[1]]
		lead := len(text) - len(strings.TrimLeft(text, " \t"))
		cmdText := strings.TrimSpace(text)
		off := base + part[0] + lead
		if cmdText == "" {
			if len(parts) == 1 {
				continue // "rose:" alone: reported below as having no command
			}
			p.diag(n, col(line, off), Warning, "empty command (a stray ';'?)")
			continue
		}
		if c, ok := p.command(n, line, off, cmdText, ignoreLag); ok {
			if c.Kind == Random {
				rule.random = true
			}
			rule.Commands = append(rule.Commands, c)
		}
	}
	if len(rule.Commands) == 0 {
		if !p.hasErrorOn(n) {
			p.diag(n, col(line, colon), Error, "trigger %q has no command after ':'", trigger)
		}
		return
	}
	if dup {
		return
	}
	p.firstLine[key] = n
	p.f.rules = append(p.f.rules, rule)
	p.f.byKey[key] = rule
	if id, err := strconv.ParseInt(trigger, 10, 64); err == nil && id > 0 {
		p.f.byID[id] = rule
	}
}

func (p *parser) hasErrorOn(line int) bool {
	for _, d := range p.diags {
		if d.Line == line && d.Severity == Error {
			return true
		}
	}
	return false
}

// command parses one command starting at byte off of line.
func (p *parser) command(n int, line string, off int, text string, ignoreLag bool) (Command, bool) {
	c := Command{Line: n, Col: col(line, off), Repeat: 1}
	if i := strings.IndexFunc(text, func(r rune) bool { return r != '\t' && unicode.IsControl(r) }); i >= 0 {
		p.diag(n, col(line, off+i), Error, "control character %q in a command", text[i:i+1])
		return c, false
	}
	// xN at the end: " x" then a number-like word.
	if i := strings.LastIndexAny(text, " \t"); i > 0 && i+1 < len(text) && text[i+1] == 'x' && looksNumeric(text[i+2:]) {
		word := text[i+2:]
		mcol := col(line, off+i+1)
		v, err := strconv.Atoi(word)
		if err != nil || v < 1 || v > MaxRepeat {
			p.diag(n, mcol, Error, "bad multiplier x%s: use x1 to x%d", word, MaxRepeat)
			return c, false
		}
		if strings.HasPrefix(text, ">>") {
			p.diag(n, mcol, Error, "an alert cannot be repeated with x%d", v)
			return c, false
		}
		if v > LagWarnRepeat && !ignoreLag {
			p.diag(n, mcol, Warning, "x%d runs this command %d times per gift and may lag the server; add '# ignore-lag' to the line if that is intended", v, v)
		}
		c.Repeat = v
		text = strings.TrimRight(text[:i], " \t")
	}
	switch {
	case strings.HasPrefix(text, ">>"):
		c.Kind = Alert
		c.Text = text[2:]
		parts := strings.SplitN(c.Text, "|", 3)
		c.Title = strings.TrimSpace(parts[0])
		c.Seconds = 3
		if len(parts) > 1 {
			c.Subtitle = strings.TrimSpace(parts[1])
		}
		if len(parts) > 2 {
			s := strings.TrimSpace(parts[2])
			v, err := strconv.Atoi(s)
			if err != nil || v < 1 || v > MaxAlertSecond {
				p.diag(n, c.Col+2+utf8.RuneCountInString(parts[0])+1+utf8.RuneCountInString(parts[1])+1, Error, "alert seconds %q must be a whole number from 1 to %d", s, MaxAlertSecond)
				return c, false
			}
			c.Seconds = v
		}
		if c.Title == "" && c.Subtitle == "" {
			p.diag(n, c.Col, Error, "empty alert: write >>Title|Subtitle|Seconds")
			return c, false
		}
	case text[0] == '/' || text[0] == '!':
		c.Kind = Minecraft
		if text[0] == '!' {
			c.Kind = Plugin
		}
		c.Text = strings.TrimSpace(text[1:])
		if c.Text == "" {
			p.diag(n, c.Col, Error, "empty command after %q", text[:1])
			return c, false
		}
		if bad, at := unbalanced(c.Text); bad != "" {
			p.diag(n, col(line, off+1+strings.Index(text[1:], c.Text)+at), Error, "%s", bad)
			return c, false
		}
	case text[0] == '$':
		name := text[1:]
		if strings.EqualFold(name, "random") {
			c.Kind = Random
			c.Text = "$random"
			break
		}
		p.diag(n, c.Col, Error, "unknown function $%s: the only function is $random", name)
		return c, false
	default:
		r, _ := utf8.DecodeRuneInString(text)
		p.diag(n, c.Col, Error, "command must start with / (Minecraft), ! (plugin), $random or >> (alert), not %q", r)
		return c, false
	}
	return c, true
}

func looksNumeric(s string) bool {
	if s == "" {
		return false
	}
	if s[0] == '-' || s[0] == '+' {
		s = s[1:]
	}
	return s != "" && s[0] >= '0' && s[0] <= '9'
}

// splitComment splits off a comment: '#' at the start of the line, or ' #'
// followed by a space or the end of the line. A '#' inside a command, as in
// @e[type=#minecraft:skeletons] or function #minecraft:tick, is kept.
func splitComment(line string) (body, comment string) {
	for i := 1; i < len(line); i++ {
		if line[i] != '#' || (line[i-1] != ' ' && line[i-1] != '\t') {
			continue
		}
		if i+1 == len(line) || line[i+1] == ' ' || line[i+1] == '\t' {
			return line[:i], line[i:]
		}
	}
	return line, ""
}

// splitCommands splits on ';' outside string literals and brackets, so a
// ';' inside tellraw JSON or NBT text stays part of its command. It returns
// [start, end) byte ranges.
func splitCommands(s string) [][2]int {
	var out [][2]int
	start, depth := 0, 0
	var quote byte
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case quote != 0:
			if ch == '\\' {
				i++
			} else if ch == quote {
				quote = 0
			}
		case ch == '"':
			quote = ch
		case ch == '[' || ch == '{':
			depth++
		case ch == ']' || ch == '}':
			if depth > 0 {
				depth--
			}
		case ch == ';' && depth == 0:
			out = append(out, [2]int{start, i})
			start = i + 1
		}
	}
	return append(out, [2]int{start, len(s)})
}

// unbalanced checks [] and {} outside JSON string literals. It returns a
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
				return fmt.Sprintf("unbalanced %q: nothing to close", ch), i
			}
			top := stack[len(stack)-1]
			if top.ch != want {
				return fmt.Sprintf("unbalanced brackets: %q cannot close the %q opened before it", ch, top.ch), i
			}
			stack = stack[:len(stack)-1]
		}
	}
	if len(stack) > 0 {
		top := stack[len(stack)-1]
		return fmt.Sprintf("unbalanced %q: never closed", top.ch), top.off
	}
	return "", 0
}

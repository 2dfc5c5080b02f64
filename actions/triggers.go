package actions

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/tikcraft/tikcraft"
)

// TriggerKind says how a rule's trigger matches.
type TriggerKind int

// Trigger kinds.
const (
	// Named: a gift name or id, an event (follow, share, ...), a like
	// function or any other name (run by a like rule or $random).
	Named TriggerKind = iota
	// CoinRange: "coins 1-9", "coins 100+": a gift no name or id rule
	// matches, by its diamond value per gift.
	CoinRange
	// AnyGift: "gift": every gift no other rule matches.
	AnyGift
	// ChatCommand: "command tnt": a chat message "!tnt" or "!tnt ...".
	ChatCommand
	// ChatKeyword: "keyword creeper": a chat message holding the word.
	ChatKeyword
)

// MaxCooldown bounds cooldown, user_cooldown, $wait and "over": beyond a
// day it is surely a typo (30h for 30m).
const MaxCooldown = 24 * time.Hour

// maxKeywordRunes bounds a command or keyword word.
const maxKeywordRunes = 64

// eventTriggers are the triggers the engine fires for something other than
// a gift of that name: $random never picks them and a gift never matches
// them by name. Keys are normalized.
var eventTriggers = map[string]bool{
	"follow": true, "share": true, "join": true, "subscribe": true,
	"gift": true, "firstgift": true, "followmilestone": true, "viewersmilestone": true,
	"comment": true, // every chat message (Tiktok2Mc's comment trigger)
}

// head is a parsed trigger, before its commands.
type head struct {
	key  string // what duplicates are detected by
	rule Rule
}

// triggerHead parses the part before ':' (raw, starting at byte off of
// line): a trigger and optional [conditions].
func (p *parser) triggerHead(n int, line string, off int, raw string) (head, bool) {
	var h head
	trig := raw
	if i := strings.IndexByte(raw, '['); i >= 0 {
		trig = raw[:i]
		if !p.conditions(n, line, off+i, raw[i:], &h.rule.Conditions) {
			return h, false
		}
	} else if j := strings.IndexByte(raw, ']'); j >= 0 {
		p.diag(n, col(line, off+j), Error, "']' without '[' before it: write conditions as TRIGGER[cooldown=30s]:COMMAND")
		return h, false
	}
	lead := len(trig) - len(strings.TrimLeft(trig, " \t"))
	start := off + lead
	trigger := strings.TrimSpace(trig)
	h.rule.Trigger = trigger
	h.rule.Line, h.rule.Col = n, col(line, start)
	if strings.HasPrefix(trigger, "'") {
		return p.quotedHead(n, line, start, trigger, h)
	}
	fields := strings.Fields(trigger)
	if len(fields) >= 2 {
		switch strings.ToLower(fields[0]) {
		case "coins":
			return p.coinsHead(n, line, start, trigger, h)
		case "command", "keyword":
			return p.wordHead(n, line, start, trigger, fields, h)
		}
	}
	if !p.trigger(n, line, start, off+len(raw), trigger) {
		return h, false
	}
	h.key = Normalize(trigger)
	if h.key == "gift" {
		h.rule.Kind = AnyGift
		h.rule.Trigger = "gift"
	}
	return h, true
}

// coinsHead parses "coins 1-9", "coins 100+" and "coins 5" (5-5).
func (p *parser) coinsHead(n int, line string, start int, trigger string, h head) (head, bool) {
	spec := strings.Join(strings.Fields(trigger)[1:], "")
	at := start + afterWord(trigger)
	bad := func() (head, bool) {
		p.diag(n, col(line, at), Error, "bad coin range %q: write coins 1-9 (1 to 9 diamonds per gift) or coins 100+ (100 or more)", spec)
		return h, false
	}
	lo, hi := spec, spec
	open := false
	switch {
	case strings.HasSuffix(spec, "+"):
		lo, open = strings.TrimSuffix(spec, "+"), true
	case strings.Contains(spec, "-"):
		lo, hi, _ = strings.Cut(spec, "-")
	}
	if !isDigits(lo) || !open && !isDigits(hi) {
		return bad()
	}
	min, err1 := strconv.ParseInt(lo, 10, 64)
	max := int64(-1)
	var err2 error
	if !open {
		max, err2 = strconv.ParseInt(hi, 10, 64)
	}
	if err1 != nil || err2 != nil {
		return bad()
	}
	if !open && max < min {
		p.diag(n, col(line, at), Error, "coin range %q runs backwards: write the smaller number first (coins %d-%d)", spec, max, min)
		return h, false
	}
	h.rule.Kind, h.rule.MinCoins, h.rule.MaxCoins = CoinRange, min, max
	h.rule.Trigger = "coins " + coinSpec(min, max)
	h.key = h.rule.Trigger
	return h, true
}

func coinSpec(min, max int64) string {
	if max < 0 {
		return strconv.FormatInt(min, 10) + "+"
	}
	return strconv.FormatInt(min, 10) + "-" + strconv.FormatInt(max, 10)
}

// wordHead parses "command tnt" and "keyword creeper".
func (p *parser) wordHead(n int, line string, start int, trigger string, fields []string, h head) (head, bool) {
	kind := strings.ToLower(fields[0])
	wordAt := start + afterWord(trigger)
	if len(fields) > 2 {
		p.diag(n, col(line, wordAt), Error, "%s takes one word (%s %s:), not %q", kind, kind, fields[1], strings.Join(fields[1:], " "))
		return h, false
	}
	word := fields[1]
	if kind == "command" {
		word = strings.TrimPrefix(word, "!")
	}
	if word == "" || utf8.RuneCountInString(word) > maxKeywordRunes {
		p.diag(n, col(line, wordAt), Error, "%s needs a word of 1 to %d letters or digits", kind, maxKeywordRunes)
		return h, false
	}
	for i, r := range word {
		if r != '_' && r != '-' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			p.diag(n, col(line, wordAt+i), Error, "%s %q may only contain letters, digits, _ and -, not %q", kind, word, r)
			return h, false
		}
	}
	h.rule.Word = strings.ToLower(word)
	h.rule.Kind = ChatKeyword
	if kind == "command" {
		h.rule.Kind = ChatCommand
	}
	h.rule.Trigger = kind + " " + h.rule.Word
	h.key = h.rule.Trigger
	return h, true
}

// afterWord is the byte offset of the second word of s (s starts with a
// word).
func afterWord(s string) int {
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return 0
	}
	rest := strings.TrimLeftFunc(s[i:], unicode.IsSpace)
	return len(s) - len(rest)
}

// conditions parses "[a=b, c]" (s starts at the '[', at byte off of line;
// only blanks may follow the ']').
func (p *parser) conditions(n int, line string, off int, s string, c *tikcraft.Conditions) bool {
	end := strings.IndexByte(s, ']')
	if end < 0 {
		p.diag(n, col(line, off), Error, "the '[' of the conditions is never closed with ']' before the ':'")
		return false
	}
	if rest := s[end+1:]; strings.TrimSpace(rest) != "" {
		p.diag(n, col(line, off+end+1+len(rest)-len(strings.TrimLeft(rest, " \t"))), Error, "nothing may follow the conditions' ']' before the ':'")
		return false
	}
	inner := s[1:end]
	if strings.TrimSpace(inner) == "" {
		p.diag(n, col(line, off), Error, "empty conditions []: write for example [cooldown=30s] or leave out the brackets")
		return false
	}
	seen := map[string]bool{}
	pos := off + 1
	for _, part := range strings.Split(inner, ",") {
		at := pos + len(part) - len(strings.TrimLeft(part, " \t"))
		pos += len(part) + 1
		item := strings.TrimSpace(part)
		name, val, hasVal := strings.Cut(item, "=")
		name, val = strings.ToLower(strings.TrimSpace(name)), strings.TrimSpace(val)
		if item == "" {
			p.diag(n, col(line, at), Error, "empty condition (a stray ','?)")
			return false
		}
		if seen[name] {
			p.diag(n, col(line, at), Error, "condition %s is given twice", name)
			return false
		}
		seen[name] = true
		valAt := at + strings.IndexByte(item, '=') + 1
		switch name {
		case "cooldown", "user_cooldown":
			d, ok := p.duration(n, line, valAt, name, val, hasVal)
			if !ok {
				return false
			}
			if name == "cooldown" {
				c.Cooldown = d
			} else {
				c.UserCooldown = d
			}
		case "min_coins":
			v, err := strconv.ParseInt(val, 10, 64)
			if !hasVal || !isDigits(val) || err != nil || v < 1 {
				p.diag(n, col(line, at), Error, "min_coins needs a whole number of diamonds, for example min_coins=100")
				return false
			}
			c.MinCoins = v
		case "followers", "subscribers", "moderators", "top_gifter":
			if hasVal {
				p.diag(n, col(line, at), Error, "%s takes no value: write just %s", name, name)
				return false
			}
			switch name {
			case "followers":
				c.Followers = true
			case "subscribers":
				c.Subscribers = true
			case "moderators":
				c.Moderators = true
			default:
				c.TopGifter = true
			}
		default:
			p.diag(n, col(line, at), Error, "unknown condition %q: the conditions are cooldown=30s, user_cooldown=2m, followers, subscribers, moderators, top_gifter and min_coins=N", item)
			return false
		}
	}
	return true
}

// duration parses a positive duration such as 30s, 2m or 1h30m for what.
func (p *parser) duration(n int, line string, at int, what, val string, hasVal bool) (time.Duration, bool) {
	d, err := time.ParseDuration(val)
	if !hasVal || err != nil || d <= 0 {
		p.diag(n, col(line, at), Error, "%s needs a duration such as 30s, 2m or 1h30m, not %q", what, val)
		return 0, false
	}
	if d > MaxCooldown {
		p.diag(n, col(line, at), Error, "%s %s is longer than %s; is it a typo?", what, val, MaxCooldown)
		return 0, false
	}
	return d, true
}

// checkRanges reports overlapping coin ranges: a gift must match one.
func (p *parser) checkRanges() {
	rs := p.f.ranges
	for i, a := range rs {
		for _, b := range rs[:i] {
			if overlaps(a, b) {
				p.diag(a.Line, a.Col, Error, "%s overlaps %s on line %d: a gift worth %d diamonds would match both; make the ranges meet without overlapping (coins 1-9, coins 10-99, coins 100+)",
					a.Trigger, b.Trigger, b.Line, max(a.MinCoins, b.MinCoins))
			}
		}
	}
}

func overlaps(a, b *Rule) bool {
	aHi, bHi := a.MaxCoins, b.MaxCoins
	if aHi < 0 {
		aHi = 1<<63 - 1
	}
	if bHi < 0 {
		bHi = 1<<63 - 1
	}
	return a.MinCoins <= bHi && b.MinCoins <= aHi
}

// MatchChat returns the rule a chat message fires, or nil: a command rule
// when the message is "!word" or starts with "!word " (any case), else the
// first keyword rule, in file order, whose word the message holds as a
// whole word (any case). One message fires at most one rule.
func (f *File) MatchChat(text string) *Rule {
	if f == nil || len(f.commands) == 0 && len(f.keywords) == 0 {
		return nil
	}
	text = strings.TrimSpace(text)
	if rest, ok := strings.CutPrefix(text, "!"); ok && len(f.commands) > 0 {
		word, _, _ := strings.Cut(rest, " ")
		if r := f.commands[strings.ToLower(word)]; r != nil {
			return r
		}
	}
	if len(f.keywords) == 0 {
		return nil
	}
	lower := strings.ToLower(text)
	for _, r := range f.keywords {
		if hasWord(lower, r.Word) {
			return r
		}
	}
	return nil
}

// hasWord reports whether s holds w with no letter, digit or _ on either
// side.
func hasWord(s, w string) bool {
	for i := 0; i+len(w) <= len(s); {
		j := strings.Index(s[i:], w)
		if j < 0 {
			return false
		}
		j += i
		before, _ := utf8.DecodeLastRuneInString(s[:j])
		after, _ := utf8.DecodeRuneInString(s[j+len(w):])
		if (j == 0 || !wordRune(before)) && (j+len(w) == len(s) || !wordRune(after)) {
			return true
		}
		_, size := utf8.DecodeRuneInString(s[j:])
		i = j + size
	}
	return false
}

func wordRune(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

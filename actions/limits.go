package actions

import (
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxCommandBytes is the longest command Minecraft accepts over RCON (the
// same limit as rcon.MaxCommandBytes; a test keeps them equal). A longer
// command is refused and its gift would do nothing, so Fire shortens
// placeholder values until every command fits.
const MaxCommandBytes = 1446

// The placeholders, in the order of the vals arrays below.
var placeholderTokens = [...]string{"{user}", "{nickname}", "{gift}", "{count}", "{coins}", "{message}", "{comment}"}

const (
	phUser = iota
	phNickname
	phGift
	phCount
	phCoins
	phMessage
	phComment // Tiktok2Mc's name for {message}
)

// textPlaceholders are the placeholders whose values are viewer text,
// shortened when a command would not fit; the others are numbers.
var textPlaceholders = [...]int{phUser, phNickname, phGift, phMessage, phComment}

// maxValueBytes is the most bytes a sanitized {user}, {nickname}, {gift}
// or {message} can have: MaxValueRunes characters of up to 4 bytes each.
const maxValueBytes = MaxValueRunes * utf8.UTFMax

// maxCountBytes is the longest {count}: an int64.
const maxCountBytes = 20

// occurrences counts each placeholder in a command's text.
func occurrences(text string) (n [len(placeholderTokens)]int) {
	for i, t := range placeholderTokens {
		n[i] = strings.Count(text, t)
	}
	return n
}

// fixedBytes is the length of the command without its placeholders.
func (c *Command) fixedBytes() int {
	n := len(c.Text)
	for i, k := range occurrences(c.Text) {
		n -= k * len(placeholderTokens[i])
	}
	return n
}

// worstBytes is the longest the command can get once filled in.
func (c *Command) worstBytes() int {
	occ := occurrences(c.Text)
	return c.fixedBytes() + (occ[phUser]+occ[phNickname]+occ[phGift]+occ[phMessage]+occ[phComment])*maxValueBytes + (occ[phCount]+occ[phCoins])*maxCountBytes
}

// fitCommand fills text with vals, shortening {user}, {nickname}, {gift}
// and {message} (by bytes, at character boundaries, longest first) just enough
// that the command fits MaxCommandBytes. The command itself is never
// dropped or cut: only the values get shorter.
func fitCommand(text string, vals [len(placeholderTokens)]string, full *filler) string {
	occ := occurrences(text)
	fixed := len(text)
	for i, k := range occ {
		fixed -= k * len(placeholderTokens[i])
	}
	budget := MaxCommandBytes - fixed - occ[phCount]*len(vals[phCount]) - occ[phCoins]*len(vals[phCoins])
	need := func(limit int) int {
		n := 0
		for _, i := range textPlaceholders {
			n += occ[i] * min(len(vals[i]), limit)
		}
		return n
	}
	longest := 0
	for _, i := range textPlaceholders {
		longest = max(longest, len(vals[i]))
	}
	if need(longest) <= budget {
		return full.Replace(text)
	}
	// The largest per-value byte limit that fits.
	limit := sort.Search(longest+1, func(l int) bool { return need(l) > budget }) - 1
	limit = max(limit, 0)
	cut := vals
	for _, i := range textPlaceholders {
		cut[i] = cutBytes(vals[i], limit)
	}
	f := filler(cut)
	return f.Replace(text)
}

// filler fills in every placeholder with its value, in placeholderTokens
// order. No token is the start of another, so one pass that tries them at
// each "{" does what strings.Replacer did, without building a trie for
// every event.
type filler [len(placeholderTokens)]string

// Replace returns text with its placeholders filled in.
func (f *filler) Replace(text string) string {
	i := strings.IndexByte(text, '{')
	if i < 0 {
		return text
	}
	var b strings.Builder
	b.Grow(len(text) + 32)
	for i >= 0 {
		b.WriteString(text[:i])
		text = text[i:]
		matched := false
		for k, t := range placeholderTokens {
			if strings.HasPrefix(text, t) {
				b.WriteString(f[k])
				text = text[len(t):]
				matched = true
				break
			}
		}
		if !matched {
			b.WriteByte('{')
			text = text[1:]
		}
		i = strings.IndexByte(text, '{')
	}
	b.WriteString(text)
	return b.String()
}

// cutBytes shortens s to at most n bytes without splitting a character,
// and drops a space the cut leaves at the end.
func cutBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return strings.TrimRight(s[:n], " ")
}

// Destructive says what a Minecraft command (without its "/") can wreck,
// or "" when it is harmless enough for a random pick: killing players,
// emptying inventories, removing terrain, stopping the server or changing
// who may play. It looks through "execute ... run".
func Destructive(text string) string {
	cmd := strings.TrimSpace(text)
	for {
		f := strings.Fields(cmd)
		if len(f) == 0 || strings.ToLower(f[0]) != "execute" {
			break
		}
		i := strings.LastIndex(cmd, " run ")
		if i < 0 {
			return ""
		}
		cmd = strings.TrimSpace(cmd[i+len(" run "):])
	}
	f := strings.Fields(cmd)
	if len(f) == 0 {
		return ""
	}
	name := strings.TrimPrefix(strings.ToLower(f[0]), "minecraft:")
	switch name {
	case "kill":
		if len(f) == 1 || killsPlayers(f[1]) {
			return "it kills players"
		}
	case "clear":
		return "it empties players' inventories"
	case "fill":
		for _, a := range f[1:] {
			if a == "air" || a == "minecraft:air" || strings.HasPrefix(a, "minecraft:air[") {
				return "it removes blocks around the players"
			}
		}
	case "stop":
		return "it stops the server"
	case "op", "deop":
		return "it changes who is a server operator"
	case "ban", "ban-ip", "kick":
		return "it throws players off the server"
	case "whitelist":
		return "it changes who may join"
	}
	return ""
}

// killsPlayers reports whether a /kill target can include players: any
// selector but @e restricted to a type other than player, or a name.
func killsPlayers(target string) bool {
	if !strings.HasPrefix(target, "@e") {
		return true // @a @p @r @s, {user} or a player name
	}
	i := strings.Index(target, "type=")
	if i < 0 {
		return true // every entity, players included
	}
	t := target[i+len("type="):]
	if j := strings.IndexAny(t, ",]"); j >= 0 {
		t = t[:j]
	}
	t = strings.TrimPrefix(t, "minecraft:")
	return t == "player" || strings.HasPrefix(t, "!")
}

// RandomPicks returns the rules $random can pick, in file order: every
// rule but follow, share, join, subscribe, likes, like_2, like rules and
// rules using $random.
func (f *File) RandomPicks() []*Rule {
	if f == nil {
		return nil
	}
	return f.random
}

// UsesRandom reports whether the rule contains $random.
func (r *Rule) UsesRandom() bool { return r.random }

// countText formats {count}.
func countText(n int64) string { return strconv.FormatInt(n, 10) }

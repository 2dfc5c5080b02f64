package mcnames

import (
	"fmt"
	"strings"
)

// Problem is a name in a command that Minecraft would refuse.
type Problem struct {
	// Offset is the byte offset of Word in the checked command.
	Offset int
	// Word is the name as written, with its namespace, without item
	// components, block states or NBT ("minecraft:creper").
	Word string
	Kind Kind
	// Warning marks what only some servers refuse: "minecraft:give" runs
	// on Paper and Spigot but not on a vanilla server. Anything else is an
	// error: the command fails on every server.
	Warning bool
	// Message says what is wrong and what to write instead, for a
	// streamer.
	Message string
	// Suggestions are the closest known names, closest first.
	Suggestions []string
}

// Check returns the names in command (a Minecraft command as sent over
// RCON, without the "/") that Minecraft does not know: the root command
// (also after "execute … run" and "return run"), the entity of summon and
// "execute summon", the item of give, clear, "item replace … with" and
// "execute if items", the block of setblock, fill (and its replace
// filter) and "execute if block", the effect of "effect give|clear", the
// particle of particle, the sound of playsound and the enchantment of
// enchant.
//
// It is made so that a valid command never gets a problem: a name with a
// namespace other than minecraft: (a mod's or data pack's), a tag
// (#minecraft:logs), a placeholder ({user}), a macro ($(name)) and
// anything it cannot read for sure (an execute subcommand it does not
// know, coordinates it cannot count) pass. Item components, block states,
// NBT and JSON text are skipped whole, brackets and quotes included.
func (n *Names) Check(command string) []Problem {
	w := &walker{n: n, s: command, toks: tokenize(command)}
	w.command(0)
	return w.probs
}

// token is a word of a command: [start, end) byte offsets.
type token struct{ start, end int }

// tokenize splits a command into words at spaces outside brackets, braces
// and quoted strings, so that @e[type=zombie, limit=1],
// {CustomName:'"Bob the zombie"'} and diamond_sword[enchantments={sharpness:5}]
// are one word each. A quote opens a string only where SNBT or JSON can
// start one (at the start of a word or after : = , [ {), so the apostrophe
// of "it's" is a letter; a quote that never closes is a letter too.
func tokenize(s string) []token {
	var toks []token
	i := 0
	for i < len(s) {
		if isSpace(s[i]) {
			i++
			continue
		}
		start, depth := i, 0
		for i < len(s) {
			c := s[i]
			if depth == 0 && isSpace(c) {
				break
			}
			switch c {
			case '[', '{':
				depth++
			case ']', '}':
				depth = max(depth-1, 0)
			case '"', '\'':
				if i == start || strings.IndexByte(":=,[{ \t", s[i-1]) >= 0 {
					if end := closingQuote(s, i); end > 0 {
						i = end
					}
				}
			}
			i++
		}
		toks = append(toks, token{start, i})
	}
	return toks
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' }

// closingQuote returns the offset of the quote closing the one at s[i], or
// -1 when it never closes. A backslash escapes the next character.
func closingQuote(s string, i int) int {
	q := s[i]
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case q:
			return j
		}
	}
	return -1
}

// walker follows a command's grammar far enough to find its names.
type walker struct {
	n     *Names
	s     string
	toks  []token
	probs []Problem
	// want, if set, is told each token that should be a name, and of
	// which kind (Expect); problems are then not collected.
	want func(i int, k Kind)
}

// Expect tells what kind of name the word being typed at the end of
// command is, for completion: command is the text so far, without the
// "/"; start is the byte offset where that word begins (len(command)
// after a space, where a new word begins). ok is false where no name is
// expected, and inside item components, NBT or quotes. The names to offer
// are List(k), or the namespaced ones of another mod, which tikcraft does
// not know.
func (n *Names) Expect(command string) (k Kind, start int, ok bool) {
	toks := tokenize(command)
	last, start := len(toks), len(command)
	if len(toks) > 0 && toks[len(toks)-1].end == len(command) {
		last = len(toks) - 1
		start = toks[last].start
	}
	for _, c := range []byte(command[start:]) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_-./:", c) >= 0) {
			return 0, start, false
		}
	}
	w := &walker{n: n, s: command, toks: toks, want: func(i int, kind Kind) {
		if i == last {
			k, ok = kind, true
		}
	}}
	w.command(0)
	return k, start, ok
}

// word returns token i, or "" past the end.
func (w *walker) word(i int) string {
	if i < 0 || i >= len(w.toks) {
		return ""
	}
	t := w.toks[i]
	return w.s[t.start:t.end]
}

// command checks the command whose name is token i and what it names.
func (w *walker) command(i int) {
	if w.want != nil {
		w.want(i, Command)
	}
	word := w.word(i)
	name := word
	if ns, path, ok := strings.Cut(word, ":"); ok {
		if ns != "minecraft" || !isName(path) {
			return // a mod's or plugin's command (essentials:give), or no name
		}
		if w.n.Has(Command, path) {
			w.add(i, word, Command, true, fmt.Sprintf("%q runs only on Paper, Spigot and other Bukkit-based servers; vanilla Minecraft knows it as %s", word, path), nil)
		}
		name = path
	}
	if !isName(name) {
		return
	}
	if !w.known(i, name, Command) {
		return
	}
	switch name {
	case "summon":
		w.id(i+1, Entity)
	case "give", "clear":
		w.id(i+2, Item)
	case "item":
		w.itemReplace(i + 1)
	case "setblock":
		w.id(w.pos(i+1, 3), Block)
	case "fill":
		j := w.pos(i+1, 6)
		w.id(j, Block)
		if j > 0 && w.word(j+1) == "replace" {
			w.id(j+2, Block)
		}
	case "effect":
		if v := w.word(i + 1); v == "give" || v == "clear" {
			w.id(i+3, Effect)
		}
	case "particle":
		w.id(i+1, Particle)
	case "playsound":
		w.id(i+1, Sound)
	case "enchant":
		w.id(i+2, Enchantment)
	case "execute":
		w.execute(i + 1)
	case "return":
		if w.word(i+1) == "run" {
			w.command(i + 2)
		}
	}
}

// itemReplace checks "item replace (entity T|block POS) SLOT with ITEM".
func (w *walker) itemReplace(i int) {
	if w.word(i) != "replace" {
		return
	}
	j := -1
	switch w.word(i + 1) {
	case "entity":
		j = i + 3
	case "block":
		j = w.pos(i+2, 3)
	}
	if j > 0 && w.word(j+1) == "with" {
		w.id(j+2, Item)
	}
}

// execute walks the subcommands of execute from token i, checking what
// they name, and the command after run. It stops at a subcommand it does
// not know.
func (w *walker) execute(i int) {
	for i >= 0 && i < len(w.toks) {
		switch w.word(i) {
		case "align", "anchored", "as", "at", "in", "on":
			i += 2
		case "facing":
			if w.word(i+1) == "entity" {
				i += 4
			} else {
				i = w.pos(i+1, 3)
			}
		case "positioned":
			if v := w.word(i + 1); v == "as" || v == "over" {
				i += 3
			} else {
				i = w.pos(i+1, 3)
			}
		case "rotated":
			if w.word(i+1) == "as" {
				i += 3
			} else {
				i = w.pos(i+1, 2)
			}
		case "summon":
			w.id(i+1, Entity)
			i += 2
		case "store":
			i = w.store(i + 2) // after result|success
		case "if", "unless":
			i = w.condition(i + 1)
		case "run":
			w.command(i + 1)
			return
		default:
			return
		}
	}
}

// store skips the target of "execute store result|success" at token i.
func (w *walker) store(i int) int {
	switch w.word(i) {
	case "block":
		if j := w.pos(i+1, 3); j > 0 {
			return j + 3 // path type scale
		}
	case "bossbar", "score":
		return i + 3
	case "entity", "storage":
		return i + 5 // target path type scale
	}
	return -1
}

// condition checks the condition of "execute if|unless" at token i and
// returns the token after it.
func (w *walker) condition(i int) int {
	switch w.word(i) {
	case "biome":
		if j := w.pos(i+1, 3); j > 0 {
			return j + 1
		}
	case "block":
		if j := w.pos(i+1, 3); j > 0 {
			w.id(j, Block)
			return j + 1
		}
	case "blocks":
		if j := w.pos(i+1, 9); j > 0 {
			return j + 1 // all|masked
		}
	case "data":
		switch w.word(i + 1) {
		case "block":
			if j := w.pos(i+2, 3); j > 0 {
				return j + 1
			}
		case "entity", "storage":
			return i + 4
		}
	case "dimension", "entity", "function", "predicate":
		return i + 2
	case "loaded":
		return w.pos(i+1, 3)
	case "items":
		switch w.word(i + 1) {
		case "entity":
			w.id(i+4, Item) // entity TARGET SLOTS PREDICATE
			return i + 5
		case "block":
			if j := w.pos(i+2, 3); j > 0 {
				w.id(j+1, Item) // SLOTS PREDICATE
				return j + 2
			}
		}
	case "score":
		if w.word(i+3) == "matches" {
			return i + 5
		}
		return i + 6 // TARGET OBJECTIVE OP SOURCE OBJECTIVE
	}
	return -1
}

// pos returns the token after the n coordinates starting at token i, or
// -1 when they are not coordinates. "~ ~1 ~" is three coordinates, and so
// is Bedrock's "~~1~".
func (w *walker) pos(i, n int) int {
	if i < 0 {
		return -1
	}
	for n > 0 {
		c := coordinates(w.word(i))
		if c == 0 || c > n {
			return -1
		}
		n -= c
		i++
	}
	return i
}

// coordinates counts the coordinates in a word: "~", "^2", "-3.5" and
// "12" are one, "~~1~" is three; 0 when it is not coordinates.
func coordinates(s string) int {
	n := 0
	for i := 0; i < len(s); {
		rel := s[i] == '~' || s[i] == '^'
		if rel {
			i++
		}
		j := i
		if j < len(s) && (s[j] == '-' || s[j] == '+') {
			j++
		}
		digits := 0
		for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.') {
			j++
			digits++
		}
		if digits == 0 && (!rel || j > i) {
			return 0
		}
		i = j
		n++
	}
	return n
}

// id checks token i as a name of kind k: an item with components, a
// block with states or NBT, a particle with options.
func (w *walker) id(i int, k Kind) {
	if w.want != nil {
		w.want(i, k)
	}
	word := w.word(i)
	if word == "" || templated(word) {
		return
	}
	id := word
	if j := strings.IndexAny(id, "[{"); j >= 0 {
		id = id[:j]
	}
	if id == "" || id == "*" || id[0] == '#' {
		return // a tag or any item
	}
	path := id
	if ns, p, ok := strings.Cut(id, ":"); ok {
		if ns != "minecraft" {
			return // a mod's or data pack's name
		}
		path = p
	}
	if !isName(path) {
		return
	}
	w.known(i, path, k)
}

// known reports whether name is one of kind k, adding a problem for token
// i when it is not: unknown, or written with capitals.
func (w *walker) known(i int, name string, k Kind) bool {
	word := w.word(i)
	if j := strings.IndexAny(word, "[{"); j >= 0 {
		word = word[:j]
	}
	lower := strings.ToLower(name)
	if w.want != nil {
		return w.n.Has(k, lower)
	}
	if w.n.Has(k, lower) {
		if lower == name {
			return true
		}
		what := "ids"
		if k == Command {
			what = "commands"
		}
		w.add(i, word, k, false, fmt.Sprintf("%q: Minecraft %s are lower case; write %s", word, what, strings.Replace(word, name, lower, 1)), []string{lower})
		return false
	}
	sugg := w.n.Suggest(k, lower)
	msg := fmt.Sprintf("unknown %s %q in %s", kindLabels[k], word, w.n.describe())
	switch {
	case len(sugg) > 0:
		msg += "; did you mean " + orList(sugg) + "?"
	case k == Command:
		msg += fmt.Sprintf("; if a server plugin adds it, write it with ! instead of / (!%s …)", word)
	default:
		msg += fmt.Sprintf("; a mod's or data pack's %s is written with its namespace (mymod:%s)", kindLabels[k], name)
	}
	w.add(i, word, k, false, msg, sugg)
	return false
}

var kindLabels = [numKinds]string{"command", "entity type", "item", "block", "effect", "particle", "sound", "enchantment"}

func (w *walker) add(i int, word string, k Kind, warning bool, msg string, sugg []string) {
	if w.want != nil {
		return
	}
	w.probs = append(w.probs, Problem{Offset: w.toks[i].start, Word: word, Kind: k, Warning: warning, Message: msg, Suggestions: sugg})
}

// isName reports whether s can be a resource location's path, capitals
// allowed (they are reported): letters, digits and _ - . /.
func isName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.' || c == '/') {
			return false
		}
	}
	return true
}

// templated reports whether a word holds a placeholder such as {user} or
// {count}: braces around a bare word, which NBT never has (its compounds
// are empty or hold key:value). Such a word is only known once filled in.
func templated(s string) bool {
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			return false
		}
		s = s[i+1:]
		j := 0
		for j < len(s) && (s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z' || s[j] == '_') {
			j++
		}
		if j > 0 && j < len(s) && s[j] == '}' {
			return true
		}
	}
}

// orList joins names as "a", "a or b", "a, b or c".
func orList(names []string) string {
	if len(names) <= 1 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

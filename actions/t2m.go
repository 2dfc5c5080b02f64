package actions

import (
	"strings"
	"unicode"
)

// What the language takes over from Tiktok2Mc 1.0, so that an untouched
// 1.0 actions.mca parses and runs (docs/TIKTOK2MC.md):
//
//   - 'Tom the Tomato':... a quoted trigger, a gift name with spaces;
//   - /give {user} cookie 4 !rc: the "send over RCON" suffix, accepted and
//     dropped (tikcraft sends every command over RCON with the viewer's
//     name in {user});
//   - @alerts>>Title|Sub|3: an alert for a named alerts overlay
//     (/overlay/alerts?name=alerts);
//   - comment:>>{user} wrote:|{comment}|3: the comment trigger, every chat
//     message, with {comment} its text;
//   - ##rose:...: a disabled line, a comment like any line starting with #.

// MaxAlertName bounds an alerts overlay's name (@name>>).
const MaxAlertName = 32

// quotedHead parses a trigger in single quotes ('Tom the Tomato'), which
// Tiktok2Mc uses for gift names with spaces; raw is the trigger without
// its conditions, starting at byte start of line. The rule is named with
// the spaces as _ (Tom_the_Tomato), and matches the gift like any name:
// ignoring case, spaces and _.
func (p *parser) quotedHead(n int, line string, start int, raw string, h head) (head, bool) {
	inner, ok := strings.CutPrefix(raw, "'")
	if ok {
		inner, ok = strings.CutSuffix(inner, "'")
	}
	if !ok || len(raw) < 2 {
		p.diag(n, col(line, start), Error, "a quoted trigger needs a closing quote: write 'Tom the Tomato':COMMAND")
		return h, false
	}
	for i, r := range inner {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune(" _-.!?&+", r) {
			continue
		}
		p.diag(n, col(line, start+1+i), Error, "quoted trigger %q may only contain letters, digits, spaces and _ - . ! ? & +, not %q", inner, r)
		return h, false
	}
	name := strings.Join(strings.Fields(inner), "_")
	if Normalize(name) == "" {
		p.diag(n, col(line, start), Error, "quoted trigger %q needs at least one letter or digit", inner)
		return h, false
	}
	h.rule.Trigger, h.key = name, Normalize(name)
	if h.key == "gift" {
		h.rule.Kind, h.rule.Trigger = AnyGift, "gift"
	}
	return h, true
}

// stripRC drops Tiktok2Mc 1.0's " !rc" at the end of a / or ! command
// ("send it over RCON so that {user} is the viewer"), which may stand last
// or before the xN. tikcraft sends every command that way already. Before
// an xN the "!rc" is blanked out rather than cut, so that the columns of
// what follows stay those of the line.
func stripRC(text string) string {
	t := strings.TrimRight(text, " \t")
	if rest, ok := cutRC(t); ok {
		return rest
	}
	i := strings.LastIndexAny(t, " \t")
	if i < 0 {
		return text
	}
	if word := t[i+1:]; len(word) > 1 && word[0] == 'x' && (word[1] >= '0' && word[1] <= '9' || word[1] == '-' || word[1] == '+') {
		if rest, ok := cutRC(strings.TrimRight(t[:i], " \t")); ok {
			return rest + strings.Repeat(" ", i-len(rest)) + t[i:]
		}
	}
	return text
}

// cutRC cuts a last word "!rc" off t (after a blank).
func cutRC(t string) (string, bool) {
	rest, ok := strings.CutSuffix(t, "!rc")
	if !ok || rest == "" || !strings.HasSuffix(rest, " ") && !strings.HasSuffix(rest, "\t") {
		return t, false
	}
	return strings.TrimRight(rest, " \t"), true
}

// alertName splits "@name>>..." into name and ">>...". ok is false when
// text does not start with "@" and a name followed by ">>". The name
// "default" is the unnamed overlay (""), as in Tiktok2Mc.
func alertName(text string) (name, rest string, ok bool) {
	s, ok := strings.CutPrefix(text, "@")
	if !ok {
		return "", text, false
	}
	i := strings.Index(s, ">>")
	if i <= 0 {
		return "", text, false
	}
	for _, r := range s[:i] {
		if !(r == '_' || r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return "", text, false
		}
	}
	name = strings.ToLower(s[:i])
	if name == "default" {
		name = ""
	}
	return name, s[i:], true
}

// isAlert reports whether a command is an alert: ">>..." or "@name>>...".
func isAlert(text string) bool {
	if strings.HasPrefix(text, ">>") {
		return true
	}
	_, _, ok := alertName(text)
	return ok
}

// SplitCommands splits the commands of a line (what follows the trigger's
// ':', without the comment) on ';' as Parse does: never inside a "..."
// string or brackets. The commands are returned as written.
func SplitCommands(s string) []string {
	var out []string
	for _, p := range splitCommands(s) {
		out = append(out, s[p[0]:p[1]])
	}
	return out
}

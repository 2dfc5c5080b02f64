package actions

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxValueRunes caps an expanded value: TikTok nicknames are short, and a
// long value could push a command past Minecraft's length limit.
const MaxValueRunes = 64

// Viewer text is cleaned in one of two ways, by where it goes:
//
//   - command text (Minecraft commands, $http, the datapack's
//     arguments): Sanitize, which leaves no character that could end a
//     string, open a compound, add a selector or start a line;
//   - display text (alerts, overlays, the dashboard, $obs text: shown as
//     text in a page or OBS): DisplayText, which drops only what changes
//     how the text around it is shown (bidi overrides, controls) and keeps
//     the rest, so that 👨‍👩‍👧 stays one family emoji. A $obs action's
//     Command quotes its text (OBSOp.String), so quotes stay inside it.
//
// Neither is ever used for the other.

// Sanitize makes a viewer-supplied value safe to put inside any command:
// the result never contains quotes, backslashes, braces, brackets, §, @,
// control, format (RTL overrides, zero-width, emoji joiners) or
// line-separator characters, so it cannot end a JSON string, open an NBT
// compound, add a selector or start a new line. Whitespace runs become one
// space; the result is trimmed and capped at MaxValueRunes. An empty result
// becomes fallback.
func Sanitize(s, fallback string) string {
	return squeeze(s, fallback, forbidden)
}

// displayValue is a placeholder's value for display text: DisplayText's
// characters, whitespace runs made one space, trimmed and capped at
// MaxValueRunes like Sanitize's. An empty result becomes fallback.
func displayValue(s, fallback string) string {
	return squeeze(s, fallback, hidden)
}

// squeeze drops invalid UTF-8 and the runes drop reports, makes whitespace
// runs one space, trims, and caps the result at MaxValueRunes runes.
func squeeze(s, fallback string, drop func(rune) bool) string {
	var b strings.Builder
	n := 0
	space := false
	for _, r := range s {
		if n >= MaxValueRunes {
			break
		}
		switch {
		case r == utf8.RuneError:
			continue
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case drop(r):
			continue
		}
		if space {
			b.WriteByte(' ')
			n++
			space = false
			if n >= MaxValueRunes {
				break
			}
		}
		b.WriteRune(r)
		n++
	}
	out := strings.TrimSpace(b.String())
	if out == "" {
		return fallback
	}
	return out
}

// SanitizeUser is Sanitize for {user}: a single word made only of letters,
// digits, "_" and "." (spaces become "_", anything else is dropped), which
// is all a TikTok @handle contains. So {user} is always exactly one
// command argument and cannot add a selector argument (",type=player"), an
// NBT list element or a score holder wildcard ("*"), even when the handle
// is missing and the nickname stands in for it.
func SanitizeUser(s string) string {
	out := strings.Map(func(r rune) rune {
		switch {
		case r == ' ':
			return '_'
		case r == '_' || r == '.' || unicode.IsLetter(r) || unicode.IsDigit(r):
			return r
		}
		return -1
	}, Sanitize(s, ""))
	if out == "" {
		return "anonymous"
	}
	return out
}

func forbidden(r rune) bool {
	switch r {
	case '"', '\'', '\\', '{', '}', '[', ']', '§', '@', '`':
		return true
	}
	return unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp, unicode.Co, unicode.Cs)
}

// placeholders fills in the placeholders with sanitized values. Any
// other braces are command text (tellraw JSON, NBT) and stay as they are.
// vals are the values in placeholderTokens order, for fitCommand.
func placeholders(v Vars) (user string, vals [len(placeholderTokens)]string, r *filler) {
	vals = values(v)
	f := filler(vals)
	return vals[phUser], vals, &f
}

// values are the sanitized placeholder values, in placeholderTokens order.
func values(v Vars) [len(placeholderTokens)]string { return cleaned(v, Sanitize) }

// displayValues are the placeholder values for display text, in
// placeholderTokens order: what values has, cleaned with displayValue
// instead of Sanitize. {user} is the same: a handle is one plain word.
func displayValues(v Vars) [len(placeholderTokens)]string { return cleaned(v, displayValue) }

// cleaned is v's placeholder values, in placeholderTokens order, the
// viewer's text cleaned with clean.
func cleaned(v Vars, clean func(s, fallback string) string) [len(placeholderTokens)]string {
	msg := clean(v.Message, "")
	return [len(placeholderTokens)]string{
		phUser:     SanitizeUser(v.User),
		phNickname: clean(v.Nickname, "anonymous"),
		phGift:     clean(v.Gift, "gift"),
		phCount:    countText(v.Count),
		phCoins:    countText(v.Coins),
		phMessage:  msg,
		phComment:  msg,
	}
}

// Placeholder is one placeholder's name, without braces ("user"), and the
// value Fire would put in its place, for callers that pass the values on
// instead of filling them in (datapack mode's function arguments).
type Placeholder struct {
	Name, Value string
	Number      bool // {count} and {coins}: digits only
}

// Placeholders returns the placeholders text uses, in the order of
// placeholderTokens, with their sanitized values for v.
func Placeholders(text string, v Vars) []Placeholder {
	vals := values(v)
	var out []Placeholder
	for i, t := range placeholderTokens {
		if strings.Contains(text, t) {
			out = append(out, Placeholder{Name: t[1 : len(t)-1], Value: vals[i], Number: i == phCount || i == phCoins})
		}
	}
	return out
}

// DisplayText makes viewer text (a nickname, a chat line, a gift name) fit
// to show as text on a page or overlay: it drops the characters that change
// how the text around them is shown, which Sanitize drops too —
// bidirectional embeddings, overrides and isolates (U+202A–U+202E,
// U+2066–U+2069) and marks (U+200E, U+200F, U+061C), other invisible format
// characters, control characters — and makes line breaks spaces. Unlike
// Sanitize it keeps everything else (quotes, brackets, @), which a page
// shows as text, and the zero-width joiners emoji sequences need.
func DisplayText(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			clean = false
			break
		}
	}
	if clean { // plain ASCII text: the usual case, no copy
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\r' || r == '\t' || unicode.In(r, unicode.Zl, unicode.Zp):
			return ' '
		case r == utf8.RuneError, hidden(r):
			return -1
		}
		return r
	}, s)
}

// hidden reports a rune display text drops: control characters and the
// invisible format characters (bidi overrides and marks, zero-width space,
// BOM), private-use and surrogate code points, but not the zero-width
// joiner and non-joiner, which emoji sequences and Persian need.
func hidden(r rune) bool {
	if r == '\u200c' || r == '\u200d' {
		return false
	}
	return unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Co, unicode.Cs)
}

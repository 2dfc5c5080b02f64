package actions

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxValueRunes caps an expanded value: TikTok nicknames are short, and a
// long value could push a command past Minecraft's length limit.
const MaxValueRunes = 64

// Sanitize makes a viewer-supplied value safe to put inside any command:
// the result never contains quotes, backslashes, braces, brackets, §, @,
// control, format (RTL overrides, zero-width) or line-separator characters,
// so it cannot end a JSON string, open an NBT compound, add a selector or
// start a new line. Whitespace runs become one space; the result is
// trimmed and capped at MaxValueRunes. An empty result becomes fallback.
func Sanitize(s, fallback string) string {
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
		case forbidden(r):
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

// SanitizeUser is Sanitize for {user}: also a single word (spaces become
// "_"), so it is always exactly one command argument.
func SanitizeUser(s string) string {
	return strings.ReplaceAll(Sanitize(s, "anonymous"), " ", "_")
}

func forbidden(r rune) bool {
	switch r {
	case '"', '\'', '\\', '{', '}', '[', ']', '§', '@', '`':
		return true
	}
	return unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp, unicode.Co, unicode.Cs)
}

// values are sanitized placeholder values.
type values struct {
	user, nickname, gift, count string
}

var placeholders = [...]string{"{user}", "{nickname}", "{gift}", "{count}"}

// expand replaces the four placeholders; any other braces are command text.
func (v values) expand(s string) string {
	if !strings.Contains(s, "{") {
		return s
	}
	return strings.NewReplacer(
		placeholders[0], v.user,
		placeholders[1], v.nickname,
		placeholders[2], v.gift,
		placeholders[3], v.count,
	).Replace(s)
}

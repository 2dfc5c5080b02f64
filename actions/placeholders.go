package actions

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/tikcraft/tikcraft/suggest"
)

// bareWord is a word in braces, "{usr}": the shape of a placeholder.
// Minecraft's own braces (JSON text, NBT, item components) always hold a
// quote or a colon, so a bare word is a placeholder or a typo of one.
var bareWord = regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// checkPlaceholders reports each {word} in a command that is not a
// placeholder: it would reach Minecraft as it is ("thanks {usr}") on every
// gift. text starts at byte off of line.
func (p *parser) checkPlaceholders(n int, line string, off int, text string) {
	for _, m := range bareWord.FindAllStringSubmatchIndex(text, -1) {
		token := text[m[0]:m[1]]
		if isPlaceholder(token) {
			continue
		}
		hint := ""
		if near := suggest.Closest(text[m[2]:m[3]], placeholderNames(), 2); len(near) > 0 {
			hint = fmt.Sprintf("did you mean {%s}? ", near[0])
		}
		p.diag(n, col(line, off+m[0]), Error, "unknown placeholder %s: %sthe placeholders are %s (lower case)", token, hint, placeholderList())
	}
}

func isPlaceholder(token string) bool {
	for _, t := range placeholderTokens {
		if t == token {
			return true
		}
	}
	return false
}

// placeholderNames are the placeholders without braces.
func placeholderNames() []string {
	out := make([]string, len(placeholderTokens))
	for i, t := range placeholderTokens {
		out[i] = strings.Trim(t, "{}")
	}
	return out
}

// placeholderList is "{user}, {nickname}, ... and {message}".
func placeholderList() string {
	n := len(placeholderTokens)
	return strings.Join(placeholderTokens[:n-1], ", ") + " and " + placeholderTokens[n-1]
}

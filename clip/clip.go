// Package clip shortens text for places with a size limit (a log line, an
// error, a database column, an overlay) without ever cutting a character
// in two.
package clip

import (
	"strings"
	"unicode/utf8"
)

// Ellipsis ends a clipped text.
const Ellipsis = "…"

// String returns s when it has at most n bytes; otherwise its longest
// prefix that ends on a character boundary and leaves room for Ellipsis,
// followed by Ellipsis, n bytes at most in all. Invalid UTF-8 is cut at a
// byte boundary like the rest.
func String(s string, n int) string {
	if len(s) <= n {
		return s
	}
	if n < len(Ellipsis) {
		return cut(s, max(n, 0))
	}
	return cut(s, n-len(Ellipsis)) + Ellipsis
}

// cut returns the longest prefix of s of at most n bytes that does not end
// inside a character.
func cut(s string, n int) string {
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Line is String for one line of a message: runs of white space, line
// breaks included, become one space first.
func Line(s string, n int) string {
	return String(strings.Join(strings.Fields(s), " "), n)
}

package actions

import (
	"net/url"
	"strings"
)

// fillURL fills in the tokens of a web address template with vals (vals[i]
// for tokens[i]), each escaped for where it stands, so that a viewer can
// never change the address, add a path segment or a query parameter: path
// escaping before the '?', query escaping after it.
//
// A path segment holding a value must not come out as "." or "..": clients
// and servers read those as the current and the parent folder, so a viewer
// named ".." would turn /a/b/{nickname}/c into /a/c. url.PathEscape leaves
// dots alone, so a segment that would read as one of those (a value of
// dots, or dots next to the template's own, as in /a/.{nickname}/) has all
// its dots written %2E. A dot segment the template itself writes is left
// as written.
func fillURL(tmpl string, tokens, vals []string) string {
	path, query := tmpl, ""
	if q := strings.IndexByte(tmpl, '?'); q >= 0 {
		path, query = tmpl[:q], tmpl[q:]
	}
	segs := strings.Split(path, "/")
	for k, seg := range segs {
		if !strings.Contains(seg, "{") {
			continue
		}
		filled := expandTokens(seg, tokens, func(i, _ int) string { return url.PathEscape(vals[i]) })
		if d, err := url.PathUnescape(filled); err == nil && (d == "." || d == "..") {
			filled = strings.Repeat("%2E", len(d))
		}
		segs[k] = filled
	}
	return strings.Join(segs, "/") + expandTokens(query, tokens, func(i, _ int) string { return url.QueryEscape(vals[i]) })
}

// expandTokens replaces each of tokens found in tmpl with value(index of
// the token, offset in tmpl).
func expandTokens(tmpl string, tokens []string, value func(i, at int) string) string {
	if !strings.Contains(tmpl, "{") {
		return tmpl
	}
	var b strings.Builder
	last := 0
	for at := 0; at < len(tmpl); at++ {
		if tmpl[at] != '{' {
			continue
		}
		for i, t := range tokens {
			if strings.HasPrefix(tmpl[at:], t) {
				b.WriteString(tmpl[last:at])
				b.WriteString(value(i, at))
				last = at + len(t)
				at = last - 1
				break
			}
		}
	}
	b.WriteString(tmpl[last:])
	return b.String()
}

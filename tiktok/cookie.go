package tiktok

import (
	"net/url"
	"strings"
)

// cookie is one name=value pair for the WebSocket's Cookie header.
type cookie struct{ name, value string }

// sessionCookies identify a logged-in TikTok account; tt-target-idc routes
// one. tikcraft connects anonymously, as the Node peer's anonymous mode
// does, so they are never sent even if a sign server hands them out.
var sessionCookies = map[string]bool{
	"sessionid": true, "sessionid_ss": true, "sid_tt": true, "sid_guard": true, "tt-target-idc": true,
}

// parseSetTTCookie reads the sign server's X-Set-TT-Cookie header the way
// the Node peer does: as one Set-Cookie value whose first name=value pair
// (before the first ";") is the cookie, URL-decoded; the rest are
// attributes. ok is false when there is no name.
func parseSetTTCookie(h string) (c cookie, ok bool) {
	pair, _, _ := strings.Cut(h, ";")
	name, value, _ := strings.Cut(pair, "=")
	if name == "" {
		return cookie{}, false
	}
	return cookie{name: uriDecode(name), value: uriDecode(value)}, true
}

// uriDecode is JavaScript's decodeURIComponent; text it cannot decode
// stays as it is.
func uriDecode(s string) string {
	if d, err := url.PathUnescape(s); err == nil {
		return d
	}
	return s
}

// uriEncode is JavaScript's encodeURIComponent. Every byte a Cookie header
// could choke on (";", ",", space, quotes, control characters) is escaped,
// so no cookie value can break the header.
func uriEncode(s string) string {
	const keep = "-_.!~*'()"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(keep, c) >= 0 {
			b.WriteByte(c)
			continue
		}
		const hex = "0123456789ABCDEF"
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// jar keeps the sign server's cookies for the whole Run, as the Node
// peer's cookie jar does: a later cookie of the same name replaces the
// earlier one in place.
type jar struct{ cookies []cookie }

func (j *jar) set(c cookie) {
	if c.name == "" {
		return
	}
	for i := range j.cookies {
		if j.cookies[i].name == c.name {
			j.cookies[i].value = c.value
			return
		}
	}
	j.cookies = append(j.cookies, c)
}

// header is the WebSocket's Cookie header: every cookie but the session
// ones, names and values URI-encoded, joined by "; ".
func (j *jar) header() string {
	var parts []string
	for _, c := range j.cookies {
		if sessionCookies[c.name] {
			continue
		}
		parts = append(parts, uriEncode(c.name)+"="+uriEncode(c.value))
	}
	return strings.Join(parts, "; ")
}

package tiktok

import (
	"strings"
)

// cookie is one name=value pair for the WebSocket's Cookie header.
type cookie struct{ name, value string }

// setCookieAttrs are the Set-Cookie attributes that may follow the pairs in
// X-Set-TT-Cookie; they describe a cookie, they are not cookies.
var setCookieAttrs = map[string]bool{
	"path": true, "domain": true, "expires": true, "max-age": true, "secure": true,
	"httponly": true, "samesite": true, "priority": true, "partitioned": true, "version": true, "comment": true,
}

// sessionCookies identify a logged-in TikTok account. tikcraft connects
// anonymously, as Node's anonymous mode does, so they are never sent even
// if a sign server hands them out.
var sessionCookies = map[string]bool{
	"sessionid": true, "sessionid_ss": true, "sid_tt": true, "sid_guard": true, "tt-target-idc": true,
}

// parseSetTTCookie reads the sign server's X-Set-TT-Cookie header: cookie
// pairs separated by ";", possibly with Set-Cookie attributes. Pairs that
// could break the Cookie header (no name, separators or control characters)
// are dropped. A later pair replaces an earlier one of the same name.
func parseSetTTCookie(h string) []cookie {
	var out []cookie
	for part := range strings.SplitSeq(h, ";") {
		name, value, ok := strings.Cut(strings.TrimSpace(part), "=")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if !ok || name == "" || setCookieAttrs[strings.ToLower(name)] || !validCookieName(name) || !validCookieValue(value) {
			continue
		}
		replaced := false
		for i := range out {
			if out[i].name == name {
				out[i].value, replaced = value, true
			}
		}
		if !replaced {
			out = append(out, cookie{name, value})
		}
	}
	return out
}

// wsCookieHeader builds the Cookie header without session cookies.
func wsCookieHeader(cs []cookie) string {
	var b strings.Builder
	for _, c := range cs {
		if sessionCookies[strings.ToLower(c.name)] {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("; ")
		}
		b.WriteString(c.name)
		b.WriteByte('=')
		b.WriteString(c.value)
	}
	return b.String()
}

// validCookieName accepts an RFC 6265 token.
func validCookieName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`()<>@,;:\"/[]?={}`, c) >= 0 {
			return false
		}
	}
	return true
}

// validCookieValue accepts RFC 6265 cookie-octets, optionally quoted.
func validCookieValue(s string) bool {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = s[1 : len(s)-1]
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || c == '"' || c == ',' || c == ';' || c == '\\' {
			return false
		}
	}
	return true
}

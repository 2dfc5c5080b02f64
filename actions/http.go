package actions

import (
	"encoding/json"
	"errors"
	"net"
	"net/url"
	"slices"
	"strings"

	"github.com/tikcraft/tikcraft"
)

// httpMethods are the methods $http may use.
var httpMethods = []string{"GET", "POST", "PUT", "PATCH", "DELETE"}

// httpCommand parses "$http METHOD URL [JSON]"; text is the command without
// its "$", starting at byte off of line.
func (p *parser) httpCommand(n int, line string, off int, text string, c Command) (Command, bool) {
	c.Kind = HTTP
	rest := strings.TrimLeft(text[len("http"):], " \t")
	at := off + len(text) - len(rest) + 1
	method, rest, _ := strings.Cut(rest, " ")
	c.Method = strings.ToUpper(method)
	if !slices.Contains(httpMethods, c.Method) {
		p.diag(n, col(line, at), Error, "$http needs a method first: $http POST http://localhost:8080/path {\"user\":\"{user}\"} (GET, POST, PUT, PATCH or DELETE)")
		return c, false
	}
	lead := len(rest) - len(strings.TrimLeft(rest, " \t"))
	rest = rest[lead:]
	urlAt := at + len(method) + 1 + lead
	raw, body, _ := strings.Cut(rest, " ")
	c.URL, c.Body = raw, strings.TrimSpace(body)
	bodyAt := urlAt + len(raw) + 1 + len(body) - len(strings.TrimLeft(body, " \t"))
	if raw == "" {
		p.diag(n, col(line, urlAt), Error, "$http %s needs a URL such as http://localhost:8080/tikcraft", c.Method)
		return c, false
	}
	host, err := httpHost(raw)
	if err != nil {
		// Not quoted: a refused address may hold a password that redact.URL
		// cannot tell from the path; line:col says where it is.
		p.diag(n, col(line, urlAt), Error, "bad $http URL: %v", err)
		return c, false
	}
	if !HostAllowed(host, p.opts.HTTPAllow) {
		p.diag(n, col(line, urlAt), Error, "$http may not call %s: add %q to http.allow in tikcraft.yaml if you trust it (so that an actions file from the web cannot send data anywhere)", host, host)
		return c, false
	}
	if c.Body != "" {
		var v any
		if err := json.Unmarshal([]byte(expandJSON(c.Body, sampleVals)), &v); err != nil {
			p.diag(n, col(line, bodyAt), Error, "the $http body must be JSON, e.g. {\"user\":\"{user}\",\"coins\":{coins}}: %v", err)
			return c, false
		}
	}
	return c, true
}

// httpHost checks a $http URL template and returns its host:port. The
// scheme and host must be written out: placeholders may stand only in the
// path and the query, so a viewer can never choose where data goes.
func httpHost(raw string) (string, error) {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok || scheme != "http" && scheme != "https" {
		return "", errors.New("it must start with http:// or https://")
	}
	authority := rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		authority = rest[:i]
	}
	if strings.ContainsAny(authority, "{}") {
		return "", errors.New("placeholders may only be used in the path or the query, never in the host")
	}
	// A '%' must make a whole escape of its own: "%2{nickname}" or
	// "%{count}" would let a value finish it, so that one viewer's name
	// makes an address that is not valid ("%2n") or one that means more
	// than the template does ("%2F", a slash).
	for i := 0; i < len(raw); i++ {
		if raw[i] == '%' && (i+2 >= len(raw) || !isHex(raw[i+1]) || !isHex(raw[i+2])) {
			return "", errors.New("a % must be followed by two hex digits, as in %20 (write %25 for a % sign itself)")
		}
	}
	u, err := url.Parse(expandURL(raw, sampleVals))
	if err != nil {
		return "", errors.New("it is not a valid URL")
	}
	if u.User != nil {
		return "", errors.New("write no user or password in the URL")
	}
	if u.Hostname() == "" {
		return "", errors.New("it names no host")
	}
	port := u.Port()
	if port == "" {
		port = "80"
		if scheme == "https" {
			port = "443"
		}
	}
	return net.JoinHostPort(strings.ToLower(u.Hostname()), port), nil
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// HostAllowed reports whether hostPort ("localhost:8080") is in allow,
// whose entries are "host:port" or "host" (any port).
func HostAllowed(hostPort string, allow []string) bool {
	host, _, err := net.SplitHostPort(hostPort)
	if err != nil {
		return false
	}
	for _, a := range allow {
		a = strings.ToLower(strings.TrimSpace(a))
		if a == hostPort || a == host || strings.Trim(a, "[]") == host {
			return true
		}
	}
	return false
}

// HTTPHost is the host:port a KindHTTP action's Command calls, for the
// delivery side's own http.allow check.
func HTTPHost(command string) (string, error) {
	_, u, _ := tikcraft.HTTPRequest(command)
	return httpHost(u)
}

// sampleVals stand in for the values when a template is checked.
var sampleVals = [len(placeholderTokens)]string{phUser: "anna_123", phNickname: "Anna", phGift: "Rose", phCount: "1", phCoins: "1", phMessage: "hi", phComment: "hi"}

func expandHTTP(c Command, vals [len(placeholderTokens)]string) string {
	s := c.Method + " " + expandURL(c.URL, vals)
	if c.Body != "" {
		s += " " + expandJSON(c.Body, vals)
	}
	return s
}

// expandURL fills in placeholders escaped for where they stand (see
// fillURL).
func expandURL(tmpl string, vals [len(placeholderTokens)]string) string {
	return fillURL(tmpl, placeholderTokens[:], vals[:])
}

// expandJSON fills in placeholders so that the body stays valid JSON
// whatever the values: inside a string a value is escaped for it, outside
// one text values become strings and numbers stay numbers.
func expandJSON(tmpl string, vals [len(placeholderTokens)]string) string {
	inString := make([]bool, len(tmpl)+1)
	in := false
	for i := 0; i < len(tmpl); i++ {
		inString[i] = in
		switch {
		case in && tmpl[i] == '\\':
			i++
			if i < len(tmpl) {
				inString[i] = in
			}
		case tmpl[i] == '"':
			in = !in
		}
	}
	return expandEach(tmpl, func(i, at int) string {
		quoted, _ := json.Marshal(vals[i])
		if inString[at] {
			return string(quoted[1 : len(quoted)-1])
		}
		if i == phCount || i == phCoins {
			return vals[i]
		}
		return string(quoted)
	})
}

// expandEach replaces each placeholder in tmpl with value(index, offset).
func expandEach(tmpl string, value func(i, at int) string) string {
	return expandTokens(tmpl, placeholderTokens[:], value)
}

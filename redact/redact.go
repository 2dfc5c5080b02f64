// Package redact keeps secrets (the sign server's API key, the RCON
// password) out of everything a person or a file gets to see: log records,
// error messages and any other text. Whatever the source of the text — our
// own code, a server that echoes what it was sent, a library's error — a
// known secret is replaced by Mask before it leaves the process.
//
//	secrets := redact.New(apiKey, password)
//	log := slog.New(secrets.Handler(slog.NewTextHandler(os.Stderr, nil)))
//	fmt.Fprintln(os.Stderr, secrets.String(err.Error()))
package redact

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Mask replaces every occurrence of a secret.
const Mask = "[redacted]"

// MinLen is the shortest secret that is masked. Shorter values are not
// secrets worth the name (they are guessed in seconds, and config warns
// about weak passwords), and masking every "ab" would make every line
// unreadable.
const MinLen = 4

// Secrets is a set of values to mask. The zero value and nil mask nothing;
// it is safe for concurrent use, and values added later apply to every
// string, error and record handled from then on.
type Secrets struct {
	mu       sync.RWMutex
	values   []string
	replacer *strings.Replacer
}

// New returns a set holding the given secrets ("" and values shorter than
// MinLen are ignored).
func New(secrets ...string) *Secrets {
	s := &Secrets{}
	s.Add(secrets...)
	return s
}

// Add adds secrets to the set.
func (s *Secrets) Add(secrets ...string) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range secrets {
		if len(v) < MinLen {
			continue
		}
		// A secret can come back escaped: quoted in a log value or an
		// error's %q, URL-encoded in a query, escaped in JSON.
		for _, form := range forms(v) {
			if !slices.Contains(s.values, form) {
				s.values = append(s.values, form)
			}
		}
	}
	// Longest first, so that a secret containing another is masked whole.
	slices.SortStableFunc(s.values, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	pairs := make([]string, 0, 2*len(s.values))
	for _, v := range s.values {
		pairs = append(pairs, v, Mask)
	}
	s.replacer = strings.NewReplacer(pairs...)
}

func forms(v string) []string {
	out := []string{v, url.QueryEscape(v), url.PathEscape(v)}
	if q := strconv.Quote(v); len(q) >= 2 {
		out = append(out, q[1:len(q)-1])
	}
	if q := strconv.QuoteToASCII(v); len(q) >= 2 {
		out = append(out, q[1:len(q)-1])
	}
	if j, err := json.Marshal(v); err == nil && len(j) >= 2 {
		out = append(out, string(j[1:len(j)-1]))
	}
	var keep []string
	for _, f := range out {
		if len(f) >= MinLen {
			keep = append(keep, f)
		}
	}
	return keep
}

func (s *Secrets) get() *strings.Replacer {
	if s == nil {
		return nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.replacer
}

// String returns text with every secret replaced by Mask.
func (s *Secrets) String(text string) string {
	r := s.get()
	if r == nil {
		return text
	}
	return r.Replace(text)
}

// Error returns err itself when its text holds no secret, else an error
// whose text is masked and that still unwraps to err (errors.Is and
// errors.As keep working; print the returned error, not what As finds).
func (s *Secrets) Error(err error) error {
	if err == nil {
		return nil
	}
	text := err.Error()
	masked := s.String(text)
	if masked == text {
		return err
	}
	return &maskedError{text: masked, err: err}
}

type maskedError struct {
	text string
	err  error
}

func (e *maskedError) Error() string { return e.text }
func (e *maskedError) Unwrap() error { return e.err }

// Handler wraps h so that the message and every attribute value of each
// record are masked before h sees them. Attributes bound with WithAttrs are
// masked with the secrets known at that moment.
func (s *Secrets) Handler(h slog.Handler) slog.Handler {
	return &handler{inner: h, s: s}
}

type handler struct {
	inner slog.Handler
	s     *Secrets
}

func (h *handler) Enabled(ctx context.Context, l slog.Level) bool { return h.inner.Enabled(ctx, l) }

func (h *handler) Handle(ctx context.Context, r slog.Record) error {
	if h.s.get() == nil {
		return h.inner.Handle(ctx, r)
	}
	out := slog.NewRecord(r.Time, r.Level, h.s.String(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.attr(a))
		return true
	})
	return h.inner.Handle(ctx, out)
}

func (h *handler) WithAttrs(as []slog.Attr) slog.Handler {
	masked := make([]slog.Attr, len(as))
	for i, a := range as {
		masked[i] = h.attr(a)
	}
	return &handler{inner: h.inner.WithAttrs(masked), s: h.s}
}

func (h *handler) WithGroup(name string) slog.Handler {
	return &handler{inner: h.inner.WithGroup(name), s: h.s}
}

func (h *handler) attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, h.s.String(v.String()))
	case slog.KindGroup:
		g := v.Group()
		masked := make([]slog.Attr, len(g))
		for i, ga := range g {
			masked[i] = h.attr(ga)
		}
		return slog.Attr{Key: a.Key, Value: slog.GroupValue(masked...)}
	case slog.KindAny:
		// Anything else is printed by the inner handler; mask its text
		// form, and keep the value itself when it holds no secret so
		// that its formatting is unchanged.
		var text string
		if err, ok := v.Any().(error); ok && err != nil {
			text = err.Error()
		} else {
			text = fmt.Sprintf("%+v", v.Any())
		}
		if masked := h.s.String(text); masked != text {
			return slog.String(a.Key, masked)
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}

// URL returns the web address raw for showing: what may be a secret in it
// is replaced by Mask, the rest kept so that the address can still be
// recognised. That is the user and password before the host
// (http://admin:pw@host/ → http://[redacted]@host/), the value of each
// query parameter (?key=abc&user=anna → ?key=[redacted]&user=[redacted])
// and the fragment, and a bare part that is not a short word
// (?0123abcdef); the scheme, the host, the path and the names of the
// parameters stay. raw need not be a valid URL: an actions file's template
// is masked the same way, and a value made only of placeholders
// (?user={user}) is kept, as it holds nothing but their names.
func URL(raw string) string {
	var b strings.Builder
	rest := raw
	i := -1 // where the user and the host start
	if s := strings.Index(rest, "://"); s >= 0 && !strings.ContainsAny(rest[:s], "/?#") {
		i = s + 3
	} else if strings.HasPrefix(rest, "//") {
		i = 2 // no scheme: //host/path
	}
	if i >= 0 {
		b.WriteString(rest[:i])
		rest = rest[i:]
		end := strings.IndexAny(rest, "/?#")
		if end < 0 {
			end = len(rest)
		}
		if at := strings.LastIndexByte(rest[:end], '@'); at >= 0 {
			b.WriteString(Mask)
			rest = rest[at:]
		}
	}
	rest, frag, hasFrag := strings.Cut(rest, "#")
	path, query, hasQuery := strings.Cut(rest, "?")
	b.WriteString(path)
	if hasQuery {
		b.WriteByte('?')
		for i, p := range strings.Split(query, "&") {
			if i > 0 {
				b.WriteByte('&')
			}
			name, value, hasValue := strings.Cut(p, "=")
			if !hasValue {
				// A part without '=' may be a flag (?raw) or a key
				// given bare (?sk_live_51H…): only a short word shows.
				if placeholdersOnly(name) || isFlag(name) {
					b.WriteString(name)
				} else {
					b.WriteString(Mask)
				}
				continue
			}
			b.WriteString(name)
			b.WriteByte('=')
			if placeholdersOnly(value) {
				b.WriteString(value)
			} else if value != "" {
				b.WriteString(Mask)
			}
		}
	}
	if hasFrag {
		b.WriteByte('#')
		if frag != "" {
			b.WriteString(Mask)
		}
	}
	return b.String()
}

// isFlag reports whether a bare query part reads as a word (letters, '_'
// and '-', at most 12), not as a key.
func isFlag(p string) bool {
	if len(p) > 12 {
		return false
	}
	for _, c := range p {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// placeholdersOnly reports whether v is one or more placeholders such as
// {user} and nothing else. An expanded value never is one: its braces are
// escaped.
func placeholdersOnly(v string) bool {
	if v == "" {
		return false
	}
	for v != "" {
		name, ok := strings.CutPrefix(v, "{")
		if !ok {
			return false
		}
		end := strings.IndexByte(name, '}')
		if end <= 0 || strings.TrimFunc(name[:end], func(r rune) bool { return r >= 'a' && r <= 'z' || r == '_' }) != "" {
			return false
		}
		v = name[end+1:]
	}
	return true
}

// urlIn finds the http(s) addresses in a text, up to a blank or a quote.
var urlIn = regexp.MustCompile(`(?i)https?://[^\s"'<>` + "`" + `]+`)

// URLs returns text with every http:// or https:// address in it masked
// as URL does: for a line that quotes a command holding one (a curl call,
// a $http action).
func URLs(text string) string {
	return urlIn.ReplaceAllStringFunc(text, URL)
}

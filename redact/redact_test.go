package redact_test

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/tikcraft/tikcraft/redact"
)

const key = `sk-live-"Qx/9+z"`

func TestStringMasksEveryForm(t *testing.T) {
	s := redact.New(key, "", "abc")
	for _, text := range []string{
		"key " + key + " refused",
		fmt.Sprintf("it says: %q", "bad key "+key),
		"https://x/?k=" + url.QueryEscape(key),
		"/p/" + url.PathEscape(key),
		`{"message":` + strconv.Quote(key) + `}`,
		key + key,
	} {
		got := s.String(text)
		if strings.Contains(got, "Qx/9") || strings.Contains(got, "Qx%2F9") || !strings.Contains(got, redact.Mask) {
			t.Errorf("String(%q) = %q", text, got)
		}
	}
	// Too short to be a secret: left alone.
	if got := s.String("abc def"); got != "abc def" {
		t.Errorf("short value masked: %q", got)
	}
	var none *redact.Secrets
	if none.String(key) != key || none.Error(nil) != nil {
		t.Error("a nil set must mask nothing")
	}
}

func TestSecretsAddedLaterApply(t *testing.T) {
	s := redact.New()
	var buf bytes.Buffer
	log := slog.New(s.Handler(slog.NewTextHandler(&buf, nil)))
	s.Add("pw-hunter2-long")
	log.Info("login with pw-hunter2-long")
	if strings.Contains(buf.String(), "hunter2") {
		t.Fatalf("log: %s", buf.String())
	}
}

func TestErrorKeepsChain(t *testing.T) {
	s := redact.New(key)
	base := fmt.Errorf("sign server says %q: %w", key, fs.ErrPermission)
	err := s.Error(base)
	if strings.Contains(err.Error(), "Qx/9") || !errors.Is(err, fs.ErrPermission) {
		t.Fatalf("Error() = %q, Is = %v", err, errors.Is(err, fs.ErrPermission))
	}
	plain := errors.New("nothing secret")
	if s.Error(plain) != plain {
		t.Fatal("an error without a secret should come back unchanged")
	}
}

type holder struct{ Token string }

func TestHandlerMasksMessageAndAttributes(t *testing.T) {
	s := redact.New(key)
	for _, h := range []func(*bytes.Buffer) slog.Handler{
		func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
		func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
	} {
		var buf bytes.Buffer
		log := slog.New(s.Handler(h(&buf)))
		log = log.With("bound", "k="+key).WithGroup("g")
		log.Warn("refused "+key,
			"error", errors.New("server echoed "+key),
			"text", key,
			slog.Group("inner", "v", key, "n", 3),
			"struct", holder{Token: key},
			"fine", 42,
		)
		out := buf.String()
		if strings.Contains(out, "Qx/9") || strings.Contains(out, `Qx\/9`) {
			t.Fatalf("secret in log: %s", out)
		}
		for _, want := range []string{"refused", "server echoed", "42", "inner"} {
			if !strings.Contains(out, want) {
				t.Errorf("log lost %q: %s", want, out)
			}
		}
	}
}

// Whatever surrounds a secret, it never survives.
func TestStringProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("ab-_\"\\/ %+=sk9Qx")
	randText := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		return string(b)
	}
	for range 2000 {
		secret := randText(redact.MinLen + r.IntN(8))
		s := redact.New(secret)
		text := randText(r.IntN(10)) + secret + randText(r.IntN(10)) + strconv.Quote(secret) + randText(r.IntN(5))
		if got := s.String(text); strings.Contains(got, secret) {
			t.Fatalf("secret %q survives in %q -> %q", secret, text, got)
		}
	}
}

func TestURL(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"http://127.0.0.1:18081/x?key=SUPERSECRETKEY123", "http://127.0.0.1:18081/x?key=[redacted]"},
		{"http://admin:TOPSECRETPW@127.0.0.1:18081/x", "http://[redacted]@127.0.0.1:18081/x"},
		{"https://user@host/p?a=1&b=&c&d=2#tok", "https://[redacted]@host/p?a=[redacted]&b=&c&d=[redacted]#[redacted]"},
		{"http://localhost:8080/gift/{user}?who={user}&key=abc&n={count}{coins}", "http://localhost:8080/gift/{user}?who={user}&key=[redacted]&n={count}{coins}"},
		{"http://localhost:8080/a/b", "http://localhost:8080/a/b"},
		{"http://h/p?x={User}", "http://h/p?x=[redacted]"},
		{"http://h/p?x={user}secret", "http://h/p?x=[redacted]"},
		{"http://h/p?x=%7Buser%7D", "http://h/p?x=[redacted]"},
		{"http://h/p@q?k=v", "http://h/p@q?k=[redacted]"},
		{"https://hooks.example/x?sk_live_51HabcDEF&raw&Key2&&a-b", "https://hooks.example/x?[redacted]&raw&[redacted]&&a-b"},
		{"http://h/p?{user}&averyveryverylongword", "http://h/p?{user}&[redacted]"},
		{"no url at all", "no url at all"},
		{"", ""},
	} {
		if got := redact.URL(tt.in); got != tt.want {
			t.Errorf("URL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzURL(f *testing.F) {
	for _, s := range []string{"http://a:b@h/p?k=v#f", "http://h/{user}?q={user}", "?a=b=c&&=", "http://@?#", "//u:pw@h", "#://"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got := redact.URL(raw)
		// Whatever a parser finds as a password is gone, and so is the
		// value of every parameter and the fragment.
		// (Read where a parser finds it: the same text may stand in the
		// path, as in //:b@/:b@.)
		if u, err := url.Parse(raw); err == nil {
			if p, ok := u.User.Password(); ok {
				_, after, _ := strings.Cut(got, "//")
				authority, _, _ := strings.Cut(after, "/")
				if strings.Contains(authority, ":"+p+"@") {
					t.Errorf("URL(%q) = %q keeps the password %q", raw, got, p)
				}
			}
		}
		rest, frag, _ := strings.Cut(got, "#")
		if frag != "" && frag != redact.Mask {
			t.Errorf("URL(%q) = %q keeps the fragment", raw, got)
		}
		_, query, _ := strings.Cut(rest, "?")
		for _, p := range strings.Split(query, "&") {
			n, v, hasValue := strings.Cut(p, "=")
			if !hasValue && n != redact.Mask && strings.Trim(n, "{}abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-") != "" {
				t.Errorf("URL(%q) = %q keeps the bare query part %q", raw, got, n)
			}
			if v != "" && v != redact.Mask && strings.Trim(v, "{}abcdefghijklmnopqrstuvwxyz_") != "" {
				t.Errorf("URL(%q) = %q keeps the query value %q", raw, got, v)
			}
		}
	})
}

func TestURLs(t *testing.T) {
	in := `follow:curl -s "http://u:pw@h:1/x?key=abc" -d '{"a":1}'; curl HTTPS://h/y?t=zz#f and http://plain/z`
	want := `follow:curl -s "http://[redacted]@h:1/x?key=[redacted]" -d '{"a":1}'; curl HTTPS://h/y?t=[redacted]#[redacted] and http://plain/z`
	if got := redact.URLs(in); got != want {
		t.Errorf("URLs(%q) =\n%q, want\n%q", in, got, want)
	}
}

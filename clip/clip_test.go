package clip

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestString(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		want string
	}{
		{"hello", 5, "hello"},
		{"hello", 10, "hello"},
		{"hello world", 8, "hello…"},
		{"héllo", 4, "h…"},  // é would be cut: it goes whole
		{"ab✨cd", 6, "ab…"}, // ✨ is 3 bytes and does not fit with the ellipsis
		{"ab✨cdef", 8, "ab✨…"},
		{"abcdef", 2, "ab"}, // no room for the ellipsis
		{"✨✨", 2, ""},
		{"abc", 0, ""},
		{"abc", -1, ""},
	} {
		if got := String(c.in, c.n); got != c.want {
			t.Errorf("String(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
}

func FuzzString(f *testing.F) {
	f.Add("héllo wörld ✨", 7)
	f.Add("\xff\xfe abc", 3)
	f.Fuzz(func(t *testing.T, s string, n int) {
		n %= 64
		got := String(s, n)
		if len(got) > max(n, 0) && got != s {
			t.Fatalf("String(%q, %d) = %q: %d bytes", s, n, got, len(got))
		}
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Fatalf("String(%q, %d) = %q cut a character", s, n, got)
		}
		if !strings.HasPrefix(s, strings.TrimSuffix(got, Ellipsis)) {
			t.Fatalf("String(%q, %d) = %q is not a prefix", s, n, got)
		}
	})
}

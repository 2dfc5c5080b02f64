// Package serverprops reads and edits a Minecraft server's
// server.properties without disturbing it: Set changes the value of one key
// and leaves every other byte of the file as it was (comments, order, blank
// lines, line endings, escapes), so `tikcraft init --server` can turn on
// RCON in a file the streamer has already tuned.
//
// The format is Java's .properties as Minecraft writes it: one key=value
// per line, '#' or '!' comment lines, "key: value" and "key value" also
// accepted, and a line ending in an odd number of backslashes continuing on
// the next line.
package serverprops

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/tikcraft/tikcraft/userfile"
)

// File is a parsed server.properties.
type File struct {
	lines []line
	// eol is the line ending used for lines Set appends: the file's own.
	eol string
}

// line is one logical line: its raw bytes (continuations and line ending
// included) and, for a property, its key and value.
type line struct {
	raw   string
	key   string // "" for comments and blank lines
	value string // unescaped
	// valueAt is the byte offset in raw where the value starts, and
	// valueEnd where it ends (before the line ending).
	valueAt, valueEnd int
	sep               bool // a separator (=, : or a blank) follows the key
}

// Error is a problem that makes the file unusable, with its line.
type Error struct {
	Line int
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// Parse reads a server.properties. It refuses what Minecraft could not have
// written and a streamer would not want edited blindly: bytes that are not
// text, and a property line without a key.
func Parse(b []byte) (*File, error) {
	if userfile.UTF16(b) {
		// Minecraft itself cannot read it so either.
		return nil, &Error{Line: 1, Msg: userfile.SavedAsUTF16}
	}
	f := &File{eol: "\n"}
	if i := bytes.Index(b, []byte("\r\n")); i >= 0 && (bytes.IndexByte(b, '\n') == i+1) {
		f.eol = "\r\n"
	}
	physical := 0
	for len(b) > 0 {
		start := physical + 1
		// Gather one logical line: physical lines joined while they end
		// in an odd number of backslashes.
		var raw []byte
		for {
			n := bytes.IndexByte(b, '\n')
			var phys []byte
			if n < 0 {
				phys, b = b, nil
			} else {
				phys, b = b[:n+1], b[n+1:]
			}
			physical++
			raw = append(raw, phys...)
			content := bytes.TrimRight(phys, "\r\n")
			if !continues(content) || len(b) == 0 || isComment(raw) {
				break
			}
		}
		if err := checkText(raw, start); err != nil {
			return nil, err
		}
		l, err := parseLine(string(raw))
		if err != nil {
			return nil, &Error{Line: start, Msg: err.Error()}
		}
		f.lines = append(f.lines, l)
	}
	return f, nil
}

func checkText(raw []byte, lineNo int) error {
	if !utf8.Valid(raw) {
		return &Error{Line: lineNo, Msg: "this is not text (not UTF-8): is this really server.properties?"}
	}
	for _, r := range string(raw) {
		if r < 0x20 && r != '\t' && r != '\r' && r != '\n' && r != '\f' || r == 0x7f {
			return &Error{Line: lineNo, Msg: fmt.Sprintf("control character %U: is this really server.properties?", r)}
		}
	}
	return nil
}

// continues reports whether a physical line ends in an odd number of
// backslashes.
func continues(content []byte) bool {
	n := 0
	for i := len(content) - 1; i >= 0 && content[i] == '\\'; i-- {
		n++
	}
	return n%2 == 1
}

func isComment(raw []byte) bool {
	t := bytes.TrimLeft(raw, " \t\f")
	return len(t) > 0 && (t[0] == '#' || t[0] == '!')
}

func parseLine(raw string) (line, error) {
	l := line{raw: raw}
	content := strings.TrimRight(raw, "\r\n")
	i := 0
	for i < len(content) && (content[i] == ' ' || content[i] == '\t' || content[i] == '\f') {
		i++
	}
	if i == len(content) || content[i] == '#' || content[i] == '!' {
		return l, nil
	}
	// The key runs to the first unescaped '=', ':' or blank.
	var key strings.Builder
	j := i
	for ; j < len(content); j++ {
		c := content[j]
		if c == '\\' && j+1 < len(content) {
			j++
			key.WriteByte(unescape(content, &j))
			continue
		}
		if c == '=' || c == ':' || c == ' ' || c == '\t' || c == '\f' {
			break
		}
		key.WriteByte(c)
	}
	if key.Len() == 0 {
		return l, fmt.Errorf("%q has no key before the %q", strings.TrimSpace(content), content[j:j+1])
	}
	// Blanks, then at most one '=' or ':', then blanks.
	l.sep = j < len(content)
	for j < len(content) && (content[j] == ' ' || content[j] == '\t' || content[j] == '\f') {
		j++
	}
	if j < len(content) && (content[j] == '=' || content[j] == ':') {
		j++
		for j < len(content) && (content[j] == ' ' || content[j] == '\t' || content[j] == '\f') {
			j++
		}
	}
	l.key = key.String()
	l.valueAt, l.valueEnd = j, len(content)
	l.value = unescapeValue(content[j:])
	return l, nil
}

// unescape reads the escape at s[*j] (the character after a backslash).
func unescape(s string, j *int) byte {
	switch s[*j] {
	case 't':
		return '\t'
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	case 'f':
		return '\f'
	}
	return s[*j]
}

// unescapeValue undoes escapes and joins continuation lines.
func unescapeValue(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c != '\\' || i+1 >= len(v) {
			if c != '\\' {
				b.WriteByte(c)
			}
			continue
		}
		i++
		switch v[i] {
		case '\r', '\n':
			// A continuation: skip the line end and the next line's indent.
			if v[i] == '\r' && i+1 < len(v) && v[i+1] == '\n' {
				i++
			}
			for i+1 < len(v) && (v[i+1] == ' ' || v[i+1] == '\t' || v[i+1] == '\f') {
				i++
			}
		case 'u':
			if i+4 < len(v) {
				var r rune
				if _, err := fmt.Sscanf(v[i+1:i+5], "%04x", &r); err == nil {
					b.WriteRune(r)
					i += 4
					continue
				}
			}
			b.WriteByte('u')
		default:
			j := i
			b.WriteByte(unescape(v, &j))
		}
	}
	return b.String()
}

// Get returns the value of key (the last one, as Java reads it).
func (f *File) Get(key string) (string, bool) {
	for i := len(f.lines) - 1; i >= 0; i-- {
		if f.lines[i].key == key {
			return f.lines[i].value, true
		}
	}
	return "", false
}

// Set makes key's value v. Every line holding key gets the new value in
// place (so duplicates cannot disagree); if there is none, "key=v" is
// appended. No other byte of the file changes.
func (f *File) Set(key, v string) {
	enc := escapeValue(v)
	found := false
	for i := range f.lines {
		l := &f.lines[i]
		if l.key != key {
			continue
		}
		found = true
		head := l.raw[:l.valueAt]
		if !l.sep {
			head += "=" // "key" alone had no separator
		}
		l.valueAt = len(head)
		l.raw = head + enc + eolOf(l.raw)
		l.valueEnd = l.valueAt + len(enc)
		l.value = v
	}
	if found {
		return
	}
	if n := len(f.lines); n > 0 {
		last := &f.lines[n-1]
		if eolOf(last.raw) == "" {
			last.raw += f.eol
		}
		// A last line ending in a lone backslash would swallow ours: end
		// it with an empty line.
		if !isComment([]byte(last.raw)) && continues([]byte(strings.TrimRight(last.raw, "\r\n"))) {
			last.raw += f.eol
		}
	}
	raw := escapeKey(key) + "=" + enc + f.eol
	f.lines = append(f.lines, line{raw: raw, key: key, value: v, valueAt: len(escapeKey(key)) + 1, valueEnd: len(raw) - len(f.eol), sep: true})
}

// eolOf returns the line ending raw ends with, or "".
func eolOf(raw string) string {
	switch {
	case strings.HasSuffix(raw, "\r\n"):
		return "\r\n"
	case strings.HasSuffix(raw, "\n"):
		return "\n"
	}
	return ""
}

// escapeValue writes v so that Java reads it back exactly.
func escapeValue(v string) string {
	var b strings.Builder
	for i, r := range v {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\f':
			b.WriteString(`\f`)
		case i == 0 && (r == ' ' || r == '#' || r == '!'):
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func escapeKey(k string) string {
	var b strings.Builder
	for _, r := range k {
		switch r {
		case '=', ':', ' ', '\\', '#', '!':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Bytes returns the file with its edits.
func (f *File) Bytes() []byte {
	var b bytes.Buffer
	for _, l := range f.lines {
		b.WriteString(l.raw)
	}
	return b.Bytes()
}

// Keys lists the keys in file order (duplicates once).
func (f *File) Keys() []string {
	var out []string
	seen := map[string]bool{}
	for _, l := range f.lines {
		if l.key != "" && !seen[l.key] {
			seen[l.key] = true
			out = append(out, l.key)
		}
	}
	return out
}

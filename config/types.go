package config

import (
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"
)

// Duration is a time.Duration written as "10s", "5m", "2h" or "30d".
type Duration time.Duration

// D returns the value as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

func (d Duration) String() string { return time.Duration(d).String() }

// UnmarshalYAML parses a duration and reports bad ones with their position.
func (d *Duration) UnmarshalYAML(n ast.Node) error {
	s := strings.TrimSpace(strings.Trim(n.String(), `"'`))
	v, err := ParseDuration(s)
	if err != nil {
		return newPositioned(n, err.Error())
	}
	*d = Duration(v)
	return nil
}

// ParseDuration accepts Go durations plus a whole number of days ("30d").
func ParseDuration(s string) (time.Duration, error) {
	if strings.HasSuffix(s, "d") {
		if n, err := strconv.Atoi(strings.TrimSuffix(s, "d")); err == nil && n >= 0 {
			return time.Duration(n) * 24 * time.Hour, nil
		}
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration: write it like 10s, 5m, 2h or 30d", s)
	}
	return v, nil
}

// Secret is a value that must never be printed: String, Format and
// LogValue show only whether it is set.
type Secret string

// Reveal returns the secret itself, for the one place that sends it.
func (s Secret) Reveal() string { return string(s) }

func (s Secret) String() string {
	if s == "" {
		return "(not set)"
	}
	return "(set, hidden)"
}

// GoString keeps %#v from printing the secret.
func (s Secret) GoString() string { return s.String() }

// LogValue keeps slog from printing the secret.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalText keeps encoders from printing the secret.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

type positionedError struct {
	line, col int
	msg       string
}

func (e *positionedError) Error() string { return fmt.Sprintf("%d:%d: %s", e.line, e.col, e.msg) }

func newPositioned(n ast.Node, msg string) error {
	e := &positionedError{line: 1, col: 1, msg: msg}
	if t := n.GetToken(); t != nil && t.Position != nil {
		e.line, e.col = t.Position.Line, t.Position.Column
	}
	return e
}

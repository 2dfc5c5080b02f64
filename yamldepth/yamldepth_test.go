package yamldepth

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	deep := func(open, close string, n int) string {
		return strings.Repeat(open, n) + "1" + strings.Repeat(close, n) + "\n"
	}
	tests := []struct {
		name, yaml string
		where      string // "" when it passes
	}{
		{"the example config", readExample(t), ""},
		{"100 brackets", deep("[", "]", Max), ""},
		{"101 brackets", deep("[", "]", Max+1), "1:101 the YAML nests more than 100 levels deep"},
		{"101 braces", deep("{a: ", "}", Max+1), "1:"},
		{"101 compact entries", strings.Repeat("- ", Max+1) + "x\n", "1:201 "},
		{"entries and brackets add up", "a:\n  " + strings.Repeat("- ", 60) + strings.Repeat("[", 41) + "\n", "2:"},
		{"over lines", "a: " + strings.Repeat("[\n", Max+1), "101:1 "},
		{"in double quotes", "a: \"" + strings.Repeat("[", 500) + "\"\nb: '" + strings.Repeat("{", 500) + "'\n", ""},
		{"escaped quote", "a: \"\\\"" + strings.Repeat("[", 500) + "\"\n", ""},
		{"in a comment", "a: 1 # " + strings.Repeat("[", 500) + "\n" + strings.Repeat("{", 500) + "\n", "2:101 "},
		{"a quote inside a plain scalar opens nothing", "a: hello \"\n" + strings.Repeat("[", Max+1) + "\n", "2:101 "},
		{"dashes inside a line are text", "a: " + strings.Repeat("- ", 500) + "\n", ""},
		{"brackets inside plain scalars are text", strings.Repeat("- say :[ {user\n", 3*Max), ""},
		{"closing more than opened", strings.Repeat("]", 500) + strings.Repeat("[", Max) + "\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check([]byte(tt.yaml))
			switch {
			case tt.where == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.where != "" && (err == nil || !strings.HasPrefix(where(err), tt.where)):
				t.Fatalf("got %v; want an error at %q", err, tt.where)
			}
		})
	}
}

func where(err error) string {
	td, ok := err.(*TooDeep)
	if !ok {
		return err.Error()
	}
	return fmt.Sprintf("%d:%d %v", td.Line, td.Col, err)
}

func readExample(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../examples/tikcraft.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Whatever the text, Check never panics, and the same text nested in
// Max+1 more brackets is always refused.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{"a: [1, {b: c}]\n", "- - x\n", "a: \"[\\\"\"\n", "# [\n", "a: 'it''s'\n", "? [\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_ = Check([]byte(s))
		if Check([]byte(strings.Repeat("[", Max+1)+s)) == nil {
			t.Fatalf("%q nested %d deeper passed", s, Max+1)
		}
	})
}

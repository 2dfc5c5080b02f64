// Package yamldepth refuses YAML nested deeper than a config ever is,
// before it is parsed: the YAML parser's memory grows with the square of
// the nesting (10,000 levels of "- " or "[", 20 KB of text, took 350 MB),
// so a size cap alone does not keep it small.
package yamldepth

import "fmt"

// Max is the deepest nesting Check lets through. tikcraft's and
// Tiktok2Mc's configs nest four or five levels; 100 costs nothing to parse.
const Max = 100

// TooDeep says where a text nests deeper than Max.
type TooDeep struct{ Line, Col int }

func (e *TooDeep) Error() string {
	return fmt.Sprintf("the YAML nests more than %d levels deep here; a config nests four or five: this is not a config file", Max)
}

// Check returns a *TooDeep where b nests deeper than Max: flow
// collections ([ and { where a node may start, across lines) plus the compact block
// entries ("- - x", "? ? x") at the start of a line. Brackets inside
// quotes and comments are not counted; indentation is not either (its
// nesting costs its square in bytes, so the file's size cap bounds it).
// It may count brackets of a block scalar (|, >): with a limit far above
// any real file, that never matters.
func Check(b []byte) error {
	flow := 0
	line, col := 1, 0
	lineStart := true // only blanks and entry indicators so far on this line
	entries := 0      // compact block entries on this line
	scalar := true    // a scalar may start here: a quote here opens one
	var quote byte    // the open quote, or 0
	comment := false
	prev := byte('\n')
	for i := 0; i < len(b); i++ {
		c := b[i]
		col++
		if c == '\n' {
			// A quoted scalar may go on over lines: the quote stays open.
			line, col, lineStart, entries, comment, scalar = line+1, 0, true, 0, false, true
			prev = c
			continue
		}
		blank := c == ' ' || c == '\t' || c == '\r'
		switch {
		case comment:
		case quote != 0:
			switch {
			case quote == '"' && c == '\\':
				i++
				col++
			case c == quote:
				quote = 0
			}
		case c == '#' && (prev == ' ' || prev == '\t' || prev == '\n'):
			comment = true
		case blank:
			if prev == ':' {
				scalar = true
			}
		case (c == '"' || c == '\'') && scalar:
			quote, lineStart, scalar = c, false, false
		case (c == '[' || c == '{') && (scalar || flow > 0):
			// Only where a node may start, or inside a flow collection: in
			// a plain scalar ("- say :[") a bracket is text.
			flow++
			lineStart, scalar = false, true
		case c == ',' && flow > 0:
			lineStart, scalar = false, true
		case c == ']' || c == '}':
			if flow > 0 {
				flow--
			}
			lineStart, scalar = false, false
		case lineStart && (c == '-' || c == '?') && (i+1 == len(b) || isBlank(b[i+1])):
			entries++
		default:
			lineStart, scalar = false, false
		}
		if flow+entries > Max {
			return &TooDeep{Line: line, Col: col}
		}
		prev = c
	}
	return nil
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

package config

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/goccy/go-yaml/lexer"
	"github.com/goccy/go-yaml/token"
)

// pathKeys are the keys whose values are paths: inside double quotes, any
// backslash in them is an escape the streamer did not mean.
var pathKeys = map[string]bool{"actions": true, "data_dir": true, "datapack_dir": true, "sounds": true}

// windowsPath matches the start of a Windows path as typed: a drive
// (C:\), a relative one (.\ or ..\) or a network share (\\server).
var windowsPath = regexp.MustCompile(`^([A-Za-z]:\\|\.{1,2}\\|\\\\[^\\])`)

// quotedWindowsPaths finds Windows paths written in double quotes, where
// YAML reads a backslash as the start of an escape: "C:\new\tikcraft"
// holds a line break and a tab, "C:\Users\..." is not even valid YAML,
// and "D:\Dokumente" is refused as "unknown escape character 'D'". Any of
// them is a Windows streamer's ordinary way of writing a path, so each is
// reported in words saying what to write instead, where the parser would
// give its own message or, worse, none at all.
func quotedWindowsPaths(name string, data []byte) (diags []Diagnostic) {
	defer func() {
		if recover() != nil { // the lexer on broken input: the parser reports it
			diags = nil
		}
	}()
	lines := strings.Split(string(data), "\n")
	for _, tk := range lexer.Tokenize(string(data)) {
		// A path with an escape YAML does not know ("D:\Dokumente") is
		// an invalid token, at the escape, that starts with the quote.
		invalid := tk.Type == token.InvalidType && strings.HasPrefix(strings.TrimLeft(tk.Origin, " \t"), `"`)
		if tk.Type != token.DoubleQuoteType && !invalid || tk.Position == nil {
			continue
		}
		line, col := tk.Position.Line, tk.Position.Column
		if line < 1 || line > len(lines) {
			continue
		}
		raw, col, ok := quotedAt(strings.TrimSuffix(lines[line-1], "\r"), col)
		if !ok || !strings.Contains(raw, `\`) {
			continue
		}
		key := keyOf(tk)
		if !windowsPath.MatchString(raw) && !pathKeys[key] {
			continue
		}
		if !hasEscape(raw) {
			continue // C:\\mc\\world: escaped as YAML wants, so meant
		}
		what := "this value"
		if key != "" {
			what = key
		}
		diags = append(diags, Diagnostic{File: name, Line: line, Col: col, Severity: "error", Message: fmt.Sprintf(
			`%s: "%s" is in double quotes, where a backslash starts an escape (\n is a new line, \t a tab), so it is not the path you wrote: leave the quotes out, or use single quotes ('%s'), or write it with / (%s)`,
			what, raw, raw, strings.ReplaceAll(raw, `\`, "/"))})
	}
	return diags
}

// quotedAt returns the text between the last double quote of line at
// or before column col (counted in characters from 1) and its closing
// quote, as written, escapes and all, with the quote's column; ok is
// false when there is no quote there.
func quotedAt(line string, col int) (raw string, quoteCol int, ok bool) {
	r := []rune(line)
	quoteCol = min(col, len(r))
	for quoteCol >= 1 && r[quoteCol-1] != '"' {
		quoteCol--
	}
	if quoteCol < 1 {
		return "", 0, false
	}
	s := string(r[quoteCol:])
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return s[:i], quoteCol, true
		}
	}
	return s, quoteCol, true // not closed on this line: what there is
}

// hasEscape reports whether raw, a double-quoted text as written, has a
// backslash escape other than \\ (a backslash) and \" (a quote).
func hasEscape(raw string) bool {
	for i := 0; i < len(raw); i++ {
		if raw[i] != '\\' {
			continue
		}
		if i+1 < len(raw) && (raw[i+1] == '\\' || raw[i+1] == '"') {
			i++
			continue
		}
		return true
	}
	return false
}

// keyOf is the key a value token belongs to ("data_dir" for data_dir:
// "..."), or "".
func keyOf(tk *token.Token) string {
	p := tk.Prev
	if p == nil || p.Type != token.MappingValueType || p.Prev == nil {
		return ""
	}
	return strings.TrimSpace(p.Prev.Value)
}

package config

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/goccy/go-yaml/lexer"
	"github.com/goccy/go-yaml/token"
)

// pathKeys are the keys whose values are paths (all of them): the only
// values checked for a Windows path in double quotes, and so the only
// ones a message may quote. Any other value may be a password.
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
		// Only a path key's value is ever looked at, let alone shown:
		// anything else may be a password that merely starts like C:\.
		key := keyOf(tk)
		if !pathKeys[key] || !windowsEscaped(raw) {
			continue
		}
		diags = append(diags, Diagnostic{File: name, Line: line, Col: col, Severity: "error", Message: fmt.Sprintf(
			`%s: "%s" is in double quotes, where a backslash starts an escape (\n is a new line, \t a tab), so it is not the path you wrote: leave the quotes out, or use single quotes ('%s'), or write it with / (%s)`,
			key, raw, raw, strings.ReplaceAll(raw, `\`, "/"))})
	}
	return diags
}

// quotedAt returns the text between the last double quote of line at
// or before column col (counted in characters from 1) and its closing
// quote, as written, escapes and all, with the quote's column; ok is
// false when there is no quote there. A quote just after col, past
// spaces and tabs, counts as at col.
func quotedAt(line string, col int) (raw string, quoteCol int, ok bool) {
	r := []rune(line)
	quoteCol = min(col, len(r))
	// After a tab the lexer's column may be the tab's: the quote follows.
	for quoteCol >= 1 && quoteCol < len(r) && (r[quoteCol-1] == ' ' || r[quoteCol-1] == '\t') {
		quoteCol++
	}
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
	// Not closed on this line: "C:\mc server\" ends with a backslash
	// that YAML reads as an escaped quote, but the streamer meant the
	// quote to close the path.
	if i := strings.LastIndex(s, `\"`); i >= 0 {
		return s[:i+1], quoteCol, true
	}
	return s, quoteCol, true // what there is
}

// windowsEscaped reports whether raw, a path in double quotes as
// written, has a backslash a Windows streamer meant as a separator.
// That is any backslash in what starts like a Windows path (C:\, .\,
// ..\, \\server) other than \\ and \"; elsewhere, an escape YAML does not
// know (\D) or a control character (\n, \t), which no path of any system
// is meant to hold, in a path without / or with a drive. A code point
// (\u00fc, \x41, \U0001F600), an escaped space or / is YAML meant: valid
// on every system.
func windowsEscaped(raw string) bool {
	win := windowsPath.MatchString(raw)
	backslashed := !strings.Contains(raw, "/") || drive.MatchString(raw)
	for i := 0; i < len(raw); i++ {
		if raw[i] != '\\' {
			continue
		}
		i++
		if i == len(raw) {
			return true // a lone final backslash
		}
		c := raw[i]
		switch {
		case c == '\\' || c == '"':
			continue // C:\\mc\\world: escaped as YAML wants, so meant
		case win:
			return true
		case c == ' ' || c == '/':
			continue
		case c == 'x' && hexRun(raw[i+1:], 2), c == 'u' && hexRun(raw[i+1:], 4), c == 'U' && hexRun(raw[i+1:], 8):
			continue
		case strings.IndexByte(`0abtnvfreN_LP`, c) >= 0:
			if backslashed {
				return true
			}
		default:
			return true // unknown to YAML, or \x, \u, \U not followed by a code point
		}
	}
	return false
}

// drive matches a path that starts with a drive letter (C:/ or C:\).
var drive = regexp.MustCompile(`^[A-Za-z]:[\\/]`)

// hexRun reports whether s starts with n hexadecimal digits.
func hexRun(s string, n int) bool {
	if len(s) < n {
		return false
	}
	for _, c := range []byte(s[:n]) {
		if !strings.ContainsRune("0123456789abcdefABCDEF", rune(c)) {
			return false
		}
	}
	return true
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

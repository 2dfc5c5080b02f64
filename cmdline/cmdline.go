// Package cmdline writes the arguments of the commands tikcraft shows the
// streamer to copy into a terminal ("tikcraft check -c PATH"), so that a
// path with spaces, such as C:\Users\Jürgen Müller\Desktop\tik craft, is
// read back as one argument instead of three.
package cmdline

import (
	"runtime"
	"strings"
	"unicode"
)

// Arg is s written as one argument of a command line: as it is when it
// holds only letters, digits and characters no shell treats specially,
// else quoted as cmd.exe and PowerShell (on Windows) or a Unix shell read
// it back.
func Arg(s string) string { return arg(s, runtime.GOOS == "windows") }

// WindowsArg is Arg as it is on Windows, for messages about a Windows
// command line.
func WindowsArg(s string) string { return arg(s, true) }

func arg(s string, windows bool) string {
	plain := s != "" && !strings.ContainsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune("_-./:+@", r) && (r != '\\' || !windows)
	})
	switch {
	case plain:
		return s
	case windows:
		// Before the closing quote, a backslash would escape it for the
		// program's own reading of its command line (C:\ as "C:\\").
		trail := len(s) - len(strings.TrimRight(s, `\`))
		return `"` + s + strings.Repeat(`\`, trail) + `"`
	default:
		return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
	}
}

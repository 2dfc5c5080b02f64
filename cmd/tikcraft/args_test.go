package main

import (
	"github.com/tikcraft/tikcraft/cmdline"
	"strings"
	"testing"
)

// "C:\mc server\" on a Windows command line ends in \", which the program
// reads as a quote inside the path (and glues the rest of the line to
// it): tikcraft said "cannot read C:\mc server": Invalid name." Now it
// says what to type; elsewhere a quote may be part of a file name.
func TestQuoteInArgs(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string // "" for no error
	}{
		{[]string{"init", "--server", `C:\mc server`}, ""},
		{[]string{"init", "--server", `C:\mc server"`}, `the argument C:\mc server" holds a quote mark: on Windows a backslash right before a closing quote ("C:\mc server\") makes the quote part of the text, and the rest of the line with it; write the path without that last backslash: "C:\mc server"`},
		{[]string{"migrate", `C:\Users\Jürgen Müller\Downloads\T2M\" --out new`}, `write the path without that last backslash: "C:\Users\Jürgen Müller\Downloads\T2M"`},
		{[]string{"check", `--config=D:\tik craft\"`}, `write the path without that last backslash: "D:\tik craft"`},
		{[]string{"init", `E:\"`}, `write the path without that last backslash: E:\`},
		// What Windows hands over for "E:\": the backslash is gone.
		{[]string{"init", `E:"`}, `write the path without that last backslash: E:\`},
		// A quote that is no path's: not about backslashes.
		{[]string{"demo", "--events", `say "hi"`}, ""},
		{[]string{"init", `--user="anna"`}, ""},
	} {
		err := quoteInArgs(tt.args, true)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%q: %v", tt.args, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%q:\ngot  %v\nwant %s", tt.args, err, tt.want)
		}
		if err := quoteInArgs(tt.args, false); err != nil {
			t.Errorf("%q elsewhere: %v", tt.args, err)
		}
	}
}

// Arguments are shown as they are typed back: a Windows path keeps its
// single backslashes.
func TestQuoteAll(t *testing.T) {
	args := []string{`C:\mc server\events.jsonl`, "b.jsonl"}
	if got, want := quoteAll(args), cmdline.Arg(args[0])+" b.jsonl"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

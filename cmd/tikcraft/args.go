package main

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tikcraft/tikcraft/cmdline"
)

// The argument checks below say what is missing and how the command is
// written, instead of cobra's "accepts 1 arg(s), received 0".

// exactArg wants exactly one argument, described by what.
func exactArg(cmd, what, usage string) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		switch {
		case len(args) == 0:
			return fmt.Errorf("%s: give %s: %s", cmd, what, usage)
		case len(args) > 1:
			return fmt.Errorf("%s: takes one argument (%s), not %d (%s): %s", cmd, what, len(args), quoteAll(args), usage)
		}
		return nil
	}
}

// maxArgs allows up to n arguments.
func maxArgs(cmd string, n int, usage string) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if len(args) > n {
			return fmt.Errorf("%s: takes at most %d argument, not %d (%s): %s", cmd, n, len(args), quoteAll(args), usage)
		}
		return nil
	}
}

// noArgs refuses arguments; hint says what was probably meant.
func noArgs(cmd, hint string) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if len(args) == 0 {
			return nil
		}
		msg := fmt.Sprintf("%s: takes no arguments, but got %s", cmd, quoteAll(args))
		if hint != "" {
			msg += "; " + hint
		}
		return fmt.Errorf("%s", msg)
	}
}

// driveOnly is a drive as typed before its backslash: E:
var driveOnly = regexp.MustCompile(`^[A-Za-z]:$`)

// quoteAll writes args as they are typed back, a Windows path with its
// single backslashes.
func quoteAll(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = cmdline.Arg(a)
	}
	return strings.Join(q, " ")
}

// quoteInArgs finds, on Windows, a path typed as "C:\mc server\" (or
// completed so by PowerShell 5), where the program's reading of the
// command line takes \" for a quote inside the text, and the rest of the
// line with it. Such an argument holds \", or, as the backslash is
// consumed, a quote right after a path (C:\mc server" or E:"); any other
// quote is the streamer's own. The error says what to type instead; nil
// when there is none, and always elsewhere, where a quote can be part of
// a name.
func quoteInArgs(args []string, windows bool) error {
	if !windows {
		return nil
	}
	for _, a := range args {
		before, _, found := strings.Cut(a, `"`)
		if !found {
			continue
		}
		fixed := strings.TrimRight(before, `\`)
		if i := strings.LastIndex(fixed, "="); strings.HasPrefix(fixed, "-") && i > 0 {
			fixed = fixed[i+1:] // --server=C:\...
		}
		if !strings.Contains(a, `\"`) && !strings.Contains(fixed, `\`) && !driveOnly.MatchString(fixed) {
			continue
		}
		if strings.HasSuffix(fixed, ":") {
			fixed += `\` // a drive: C:\ stays
		}
		return fmt.Errorf(`the argument %s holds a quote mark: on Windows a backslash right before a closing quote ("C:\mc server\") makes the quote part of the text, and the rest of the line with it; write the path without that last backslash: %s`, a, cmdline.WindowsArg(fixed))
	}
	return nil
}

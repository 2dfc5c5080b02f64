package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
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

func quoteAll(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = strconv.Quote(a)
	}
	return strings.Join(q, " ")
}

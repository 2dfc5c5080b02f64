package main

import (
	"os"
	"path/filepath"

	"github.com/inconshreveable/mousetrap"
	"github.com/spf13/cobra"
)

// startedByExplorer reports whether tikcraft.exe was double-clicked in
// Windows Explorer (always false elsewhere). In that case it also moves to
// the folder of the executable, so that the files next to it are the ones
// used, and turns off cobra's own "this is a command line tool" screen,
// which would exit after 5 seconds.
func startedByExplorer() bool {
	if !mousetrap.StartedByExplorer() {
		return false
	}
	cobra.MousetrapHelpText = ""
	if exe, err := os.Executable(); err == nil {
		_ = os.Chdir(filepath.Dir(exe))
	}
	return true
}

// doubleClicked decides what a double-click means. With arguments (a
// shortcut that has them) they are used as they are. Without, tikcraft runs
// when tikcraft.yaml is next to it, and otherwise writes a starter one with
// init, which never overwrites anything. Either way the window waits for
// Enter before it closes, so the streamer can read what happened.
func doubleClicked(args []string, explorer, haveConfig bool) (use []string, pause bool) {
	switch {
	case !explorer:
		return args, false
	case len(args) > 0:
		return args, true
	case haveConfig:
		return []string{"run"}, true
	default:
		return []string{"init"}, true
	}
}

package rules

import (
	"bytes"

	"github.com/tikcraft/tikcraft/userfile"
)

// MaxFileSize caps the actions file. A streamer's file is a few KB even
// with a rule for every gift; 1 MB is some 12,000 rules. tikcraft holds
// the parsed rules and, while a reload is checked, a second copy: about
// 50 MB at the cap with the dashboard on (4 MB took 130 MB).
const MaxFileSize = 1 << 20

// FileKind is the actions file for userfile.Read.
var FileKind = userfile.Kind{Name: "actions file", Max: MaxFileSize,
	TooBig: "an actions file is a few KB even with a rule for every gift; is this the right file? (actions: in tikcraft.yaml names it)"}

// ReadFile reads the actions file at path: an ordinary file of at most
// MaxFileSize, never waiting on a pipe. Its error is a *userfile.Error
// whose message names the file and says what is wrong: shown as it is.
func ReadFile(path string) ([]byte, error) {
	return userfile.Read(path, FileKind)
}

// bom is the UTF-8 byte-order mark that Notepad and PowerShell 5 write at
// the start of a file.
var bom = []byte("\ufeff")

// Empty reports whether src has nothing in it: only white space, maybe
// after a byte-order mark. A comment line is not empty: it is how a
// streamer says "no rules" on purpose.
func Empty(src []byte) bool {
	return len(bytes.TrimSpace(bytes.TrimPrefix(src, bom))) == 0
}

// emptyHint says how to run with no rules on purpose.
const emptyHint = "to run with no rules, leave a comment line in it (# no rules)"

// EmptyWarning is what check and a start say of an empty actions file.
const EmptyWarning = "the actions file is empty: tikcraft runs with no rules, and takes the file as soon as it has some (docs/ACTIONS.md); " + emptyHint

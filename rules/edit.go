package rules

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/tikcraft/tikcraft/actions"
	"github.com/tikcraft/tikcraft/atomicfile"
	"github.com/tikcraft/tikcraft/userfile"
)

// ErrInvalid is returned (wrapped) by Save for a text with errors: nothing
// was written and the running rules stay.
var ErrInvalid = errors.New("the actions have errors")

// BackupSuffix is added to the actions file's name for the copy of the
// previous version that Save keeps next to it (actions.mca.bak).
const BackupSuffix = ".bak"

// Source is the actions file as the dashboard's editor gets it.
type Source struct {
	// File is the file's path; "" for rules that come from no file (the
	// demo's built-in example).
	File string
	Text []byte
	// Editable is false for rules from no file; Reason then says why.
	Editable bool
	Reason   string
	// Version names the file's bytes as they are on disk (VersionDeleted
	// when there is no file; "" for rules from no file): given back to
	// Save, it refuses to overwrite a change made since (Notepad and the
	// editor at once), a file that came back after it was deleted too.
	Version string
}

// VersionDeleted is the Version of an actions file that is not on disk:
// a save from it writes the file only while it is still not there.
const VersionDeleted = "deleted"

// ErrChanged is Save's refusal of a file changed on disk since the
// version it was given.
var ErrChanged = errors.New("changed on disk")

// changedError is ErrChanged, in words that say what to do.
type changedError string

func (e changedError) Error() string        { return string(e) }
func (e changedError) Is(target error) bool { return target == ErrChanged }

// version names the bytes b of the file on disk.
func version(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:12])
}

// Source returns the actions file as it is on disk now (which may differ
// from the running rules when it has errors), or the built-in text the
// rules came from. A file that has gone gives the text last loaded, so
// saving from the editor writes it again.
func (r *Reloader) Source() (Source, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.path == "" {
		return Source{Text: bytes.Clone(r.loaded), Reason: notEditable}, nil
	}
	src, err := ReadFile(r.path)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, userfile.ErrBrokenLink) {
		// Saving puts a real file in its place.
		return Source{File: r.path, Text: bytes.Clone(r.loaded), Editable: true, Version: VersionDeleted}, nil
	}
	if err != nil {
		return Source{File: r.path}, err
	}
	v := version(src)
	// Saved as Notepad's "Unicode" while tikcraft runs: the reload refuses
	// it, and the editor shows it readable, so that saving it from there
	// writes UTF-8.
	src, _ = userfile.AsUTF8(src)
	return Source{File: r.path, Text: src, Editable: true, Version: v}, nil
}

const notEditable = "the demo runs the built-in example actions, which cannot be edited; to edit your own, name your file in a config (actions: actions.mca) and start `tikcraft demo -c tikcraft.yaml` or `tikcraft run`"

// Check judges src as check, a start and a reload do, without writing or
// running anything (the editor's live diagnostics). Besides Parse, an
// empty text is an error while rules are running, as for a reload.
func (r *Reloader) Check(src []byte) (*actions.File, []actions.Diagnostic) {
	name := r.path
	if name == "" {
		name = "actions.mca"
	}
	if Empty(src) && len(r.set.File().Rules()) > 0 {
		return nil, []actions.Diagnostic{{File: name, Line: 1, Col: 1, Severity: actions.Error,
			Message: "the text is empty, which would drop every rule; to run with no rules, write a comment line (# no rules)"}}
	}
	return Parse(r.cfg, name, src)
}

// Saved is what Save did.
type Saved struct {
	File string
	// Backup is the copy of the previous file; "" when there was none.
	Backup      string
	Diagnostics []actions.Diagnostic // the warnings (all of them when it failed)
	Version     string               // of the file written (Source.Version)
}

// Save replaces the actions file with src and puts its rules in force at
// once, in one step under the reloader's lock, so the watcher does not
// load the file a second time. A text with errors is not written (the
// error wraps ErrInvalid, Saved.Diagnostics says where). The previous
// file is kept as FILE.bak next to it, and both are written through a
// temporary file and a rename: a crash leaves the old file or the new,
// never half of one. A file with Windows line ends keeps them. With base
// (a Source.Version, VersionDeleted for a file that was not there), a
// file changed on disk since is not overwritten: the error wraps
// ErrChanged. "" writes whatever is there.
func (r *Reloader) Save(src []byte, base string) (Saved, error) {
	if r.path == "" {
		return Saved{}, fmt.Errorf("%w: %s", ErrNotReloadable, notEditable)
	}
	f, diags := r.Check(src)
	out := Saved{File: r.path, Diagnostics: diags}
	if n := errorCount(diags); n > 0 {
		return out, fmt.Errorf("%w: %d %s; nothing was saved and the running rules stay", ErrInvalid, n, plural(n, "error"))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	old, err := ReadFile(r.path)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, userfile.ErrBrokenLink) {
		old, err = nil, fs.ErrNotExist // written anew (a link to nothing, replaced)
	}
	now := VersionDeleted
	if err == nil {
		now = version(old)
	}
	if base != "" && base != now && (err == nil || errors.Is(err, fs.ErrNotExist)) {
		// Version is what is there now: a save from it writes over
		// that, and only that (the deleted state too: a file that
		// comes back meanwhile is refused again).
		out.Version = now
		what := " was changed on disk since the editor loaded it"
		switch {
		case now == VersionDeleted:
			what = " was deleted since the editor loaded it"
		case base == VersionDeleted:
			what = " is on disk again since the editor found it deleted"
		}
		return out, changedError(fmt.Sprintf("%s%s, so nothing was saved: Save again writes yours over it; Revert shows the file as it is now (copy your text first)", r.path, what))
	}
	switch {
	case err == nil:
		out.Backup = r.path + BackupSuffix
		if err := atomicfile.Write(out.Backup, old, 0o644); err != nil {
			return Saved{File: r.path, Diagnostics: diags}, fmt.Errorf("could not keep the previous file as %s, so nothing was saved: %w", out.Backup, err)
		}
		if text, _ := userfile.AsUTF8(old); isCRLF(text) {
			src = toCRLF(src)
		}
	case !errors.Is(err, fs.ErrNotExist):
		return out, fmt.Errorf("nothing was saved: %w", err)
	}
	if err := atomicfile.Write(r.path, src, 0o644); err != nil {
		return out, fmt.Errorf("could not save the actions file (the running rules stay): %w", err)
	}
	out.Version = version(src)
	r.loaded = bytes.Clone(src)
	r.set.Swap(f)
	r.loadedAt = time.Now()
	r.show(diagStrings(diags), "")
	triggers, commands := f.Stats()
	r.log.Info("saved the actions file from the dashboard; its rules run now", "file", r.path, "backup", out.Backup, "triggers", triggers, "commands", commands, "warnings", len(diags))
	return out, nil
}

func errorCount(diags []actions.Diagnostic) int {
	n := 0
	for _, d := range diags {
		if d.Severity == actions.Error {
			n++
		}
	}
	return n
}

// isCRLF reports whether a file ends its lines the Windows way.
func isCRLF(b []byte) bool {
	crlf := bytes.Count(b, []byte("\r\n"))
	return crlf > 0 && crlf*2 >= bytes.Count(b, []byte("\n"))
}

// toCRLF ends every line of b with \r\n (a browser sends \n).
func toCRLF(b []byte) []byte {
	b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
	return bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n"))
}

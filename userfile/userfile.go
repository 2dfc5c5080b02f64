// Package userfile reads the files a streamer gives tikcraft (the config,
// the actions file, server.properties, a Tiktok2Mc folder's files) without
// letting one of them hurt the computer: only ordinary files, at most a
// size chosen for each kind, and never waiting on a pipe. A link to
// /dev/zero would otherwise fill the memory, and a FIFO would block forever.
package userfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// Refusals, wrapped by *Error.
var (
	// ErrNotFile: a folder, a pipe, a device or another thing that is not
	// an ordinary file.
	ErrNotFile = errors.New("not an ordinary file")
	// ErrTooBig: more than the kind's cap.
	ErrTooBig = errors.New("too big")
)

// Kind is what a file is for, in the words of its messages, and its cap.
type Kind struct {
	// Name says what the file is, after "the": "tikcraft.yaml
	// config file", "actions file".
	Name string
	// Max is the size cap in bytes; a bigger file is refused.
	Max int64
	// TooBig says what to do with a file over Max.
	TooBig string
}

// Error is a file refused for what it is or for its size. Its message names
// the file, says what is wrong and what to do.
type Error struct {
	Path string
	Err  error // ErrNotFile or ErrTooBig
	msg  string
}

func (e *Error) Error() string { return e.msg }
func (e *Error) Unwrap() error { return e.Err }

// Read reads the file at path whole. It accepts an ordinary file (a link is
// followed to what it points at) of at most k.Max bytes and refuses
// anything else with an *Error. It never blocks on a pipe, even one put in
// the file's place while it looks. Errors of the file system (no such
// file, no permission) come as *fs.PathError, as from os.ReadFile.
func Read(path string, k Kind) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if err := k.check(path, st); err != nil {
		return nil, err
	}
	return readOpen(path, k)
}

// readOpen is Read after its first look: it opens path without waiting
// (should a pipe take the file's place after the look, opening it returns
// at once instead of waiting for a writer forever), looks again at what
// it opened and reads at most k.Max bytes.
func readOpen(path string, k Kind) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|openNonblock, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if err := k.check(path, st); err != nil {
		return nil, err
	}
	// The file may grow between the Stat and the read: read one byte more
	// than the cap to see it.
	b, err := io.ReadAll(io.LimitReader(f, k.Max+1))
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: path, Err: unwrap(err)}
	}
	if int64(len(b)) > k.Max {
		return nil, k.tooBig(path, int64(len(b)))
	}
	return b, nil
}

// Check says why st, the file at path, is not one Read reads; nil when it
// is. A watcher uses it to tell what took the file's place.
func (k Kind) Check(path string, st fs.FileInfo) error { return k.check(path, st) }

func (k Kind) check(path string, st fs.FileInfo) error {
	m := st.Mode()
	var what string
	switch {
	case m.IsRegular():
		if st.Size() > k.Max {
			return k.tooBig(path, st.Size())
		}
		return nil
	case m.IsDir():
		what = "is a folder, not a file"
	case m&fs.ModeNamedPipe != 0:
		what = "is a pipe (FIFO), not a file"
	case m&(fs.ModeDevice|fs.ModeCharDevice) != 0:
		what = "is a device (a link to /dev/zero or the like?), not a file"
	default:
		what = fmt.Sprintf("is not an ordinary file (%s)", m.Type())
	}
	return &Error{Path: path, Err: ErrNotFile,
		msg: fmt.Sprintf("%s %s: tikcraft reads the %s only from an ordinary file; put the real file there", path, what, k.Name)}
}

func (k Kind) tooBig(path string, size int64) error {
	msg := fmt.Sprintf("%s is %s, more than the %s allowed for the %s", path, Size(size), Size(k.Max), k.Name)
	if k.TooBig != "" {
		msg += ": " + k.TooBig
	}
	return &Error{Path: path, Err: ErrTooBig, msg: msg}
}

// Size writes a number of bytes for people: 512 bytes, 64 KB, 1.5 MB (one
// decimal unless the number is whole, so a file just over a cap does not
// read as the cap itself).
func Size(n int64) string {
	unit, name := int64(1), "bytes"
	switch {
	case n >= 1<<30:
		unit, name = 1<<30, "GB"
	case n >= 1<<20:
		unit, name = 1<<20, "MB"
	case n >= 1<<10:
		unit, name = 1<<10, "KB"
	}
	if n%unit == 0 {
		return fmt.Sprintf("%d %s", n/unit, name)
	}
	return fmt.Sprintf("%.1f %s", float64(n)/float64(unit), name)
}

func unwrap(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Package userfile reads the files a streamer gives tikcraft (the config,
// the actions file, server.properties, a Tiktok2Mc folder's files) without
// letting one of them hurt the computer: only ordinary files, at most a
// size chosen for each kind, and never waiting on a pipe. A link to
// /dev/zero would otherwise fill the memory, and a FIFO would block forever.
package userfile

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"unicode/utf16"
	"unicode/utf8"
)

// Refusals, wrapped by *Error.
var (
	// ErrNotFile: a folder, a pipe, a device or another thing that is not
	// an ordinary file.
	ErrNotFile = errors.New("not an ordinary file")
	// ErrTooBig: more than the kind's cap.
	ErrTooBig = errors.New("too big")
	// ErrLink: a link in the place of a file of a kind with NoLinks.
	ErrLink = errors.New("a link")
	// ErrChanged: another file took the place of one of a kind with
	// NoLinks while it was opened.
	ErrChanged = errors.New("replaced while opened")
	// ErrBrokenLink: a link to something that does not exist. Not
	// fs.ErrNotExist: the file is there in a folder listing, so a caller
	// that offers to create a missing file, or uses its defaults, must
	// not take it for none.
	ErrBrokenLink = errors.New("a link to nothing")
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
	// NoLinks refuses a link in the file's place (ErrLink) instead of
	// following it: for files tikcraft keeps itself, where a link is never
	// its own.
	NoLinks bool
}

// Error is a file refused for what it is or for its size, or one the file
// system would not give. Its message names the file and its kind, says
// what is wrong and, where it can, what to do: callers show it as it is.
type Error struct {
	Path string
	// Err is ErrNotFile, ErrTooBig, ErrLink, ErrChanged, ErrBrokenLink, or the file
	// system's error (an *fs.PathError: errors.Is(err, fs.ErrNotExist)
	// holds for a missing file).
	Err error
	msg string
}

func (e *Error) Error() string { return e.msg }
func (e *Error) Unwrap() error { return e.Err }

// Read reads the file at path whole. It accepts an ordinary file (a link is
// followed to what it points at, unless k.NoLinks) of at most k.Max bytes.
// It never blocks on a pipe, even one put in the file's place while it
// looks. Every error is an *Error.
func Read(path string, k Kind) ([]byte, error) {
	return read(osFS{}, path, path, k)
}

// ReadIn is Read for the file name inside root: no name or link leads out
// of it (see os.Root).
func ReadIn(root *os.Root, name string, k Kind) ([]byte, error) {
	return read(root, name, filepath.Join(root.Name(), name), k)
}

// OpenIn opens the file name inside root for reading, with the checks of
// Read, and returns it with what it is; the caller closes it. For a file
// that is not read whole (a sound that is streamed).
func OpenIn(root *os.Root, name string, k Kind) (*os.File, fs.FileInfo, error) {
	return open(root, name, filepath.Join(root.Name(), name), k)
}

// Stat is os.Stat of path (os.Lstat when k.NoLinks) with the refusals and
// the wording of Read: a watcher's look at a file it reads later.
func (k Kind) Stat(path string) (fs.FileInfo, error) {
	return k.look(osFS{}, path, path)
}

// fsys is what userfile needs of a file system: the os package's, or an
// os.Root's.
type fsys interface {
	Stat(name string) (fs.FileInfo, error)
	Lstat(name string) (fs.FileInfo, error)
	OpenFile(name string, flag int, perm fs.FileMode) (*os.File, error)
	Readlink(name string) (string, error)
}

var _ fsys = (*os.Root)(nil)

type osFS struct{}

func (osFS) Stat(name string) (fs.FileInfo, error)  { return os.Stat(name) }
func (osFS) Lstat(name string) (fs.FileInfo, error) { return os.Lstat(name) }
func (osFS) Readlink(name string) (string, error)   { return os.Readlink(name) }
func (osFS) OpenFile(name string, flag int, perm fs.FileMode) (*os.File, error) {
	return os.OpenFile(name, flag, perm)
}

// read reads the file open opens, at most k.Max bytes. path names it in
// messages.
func read(fsys fsys, name, path string, k Kind) ([]byte, error) {
	f, _, err := open(fsys, name, path, k)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// The file may grow between the Stat and the read: read one byte more
	// than the cap to see it.
	b, err := io.ReadAll(io.LimitReader(f, k.Max+1))
	if err != nil {
		return nil, k.fsError(path, &fs.PathError{Op: "read", Path: path, Err: unwrap(err)})
	}
	if int64(len(b)) > k.Max {
		return nil, k.tooBig(path, int64(len(b)))
	}
	return b, nil
}

// open looks at name first (a device is never opened: opening one may do
// something), then opens it without waiting (should a pipe take the
// file's place after the look, opening it returns at once instead of
// waiting for a writer forever) and looks again at what it opened. With
// k.NoLinks, what it opened must be the very file the first look saw, so
// a link put in its place meanwhile is not followed either.
func open(fsys fsys, name, path string, k Kind) (*os.File, fs.FileInfo, error) {
	before, err := k.look(fsys, name, path)
	if err != nil {
		return nil, nil, err
	}
	f, err := fsys.OpenFile(name, os.O_RDONLY|openNonblock, 0)
	if err != nil {
		return nil, nil, k.fsError(path, err)
	}
	st, err := f.Stat()
	if err == nil {
		err = k.check(path, st)
	} else {
		err = k.fsError(path, err)
	}
	if err == nil && k.NoLinks && !os.SameFile(before, st) {
		err = &Error{Path: path, Err: ErrChanged,
			msg: fmt.Sprintf("%s was replaced while tikcraft opened it; try again", path)}
		if fi, lerr := fsys.Lstat(name); lerr == nil && fi.Mode()&fs.ModeSymlink != 0 {
			err = k.link(path)
		}
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, st, nil
}

// look is the first look of open, and Stat.
func (k Kind) look(fsys fsys, name, path string) (fs.FileInfo, error) {
	stat := fsys.Stat
	if k.NoLinks {
		stat = fsys.Lstat
	}
	fi, err := stat(name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			if li, lerr := fsys.Lstat(name); lerr == nil && li.Mode()&fs.ModeSymlink != 0 {
				return nil, k.brokenLink(fsys, name, path)
			}
		}
		return nil, k.fsError(path, err)
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		return nil, k.link(path)
	}
	if err := k.check(path, fi); err != nil {
		return nil, err
	}
	return fi, nil
}

// check says why st, the file at path, is not one Read reads; nil when it
// is.
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

// brokenLink is the error of a link, at name, to something that does not
// exist; it names where the link leads, for the streamer to look there.
func (k Kind) brokenLink(fsys fsys, name, path string) error {
	target, _ := fsys.Readlink(name)
	return &Error{Path: path, Err: ErrBrokenLink,
		msg: fmt.Sprintf("cannot read the %s %s: it is %s; put the real file there", k.Name, path, BrokenLink(path, target))}
}

// BrokenLink says what the link at path is when what it leads to does not
// exist, for a message that names path: "a link to old/gone.txt, which
// does not exist". target is the link's (os.Readlink; "" when unknown); a
// relative one leads from the link's folder, so it is shown from there.
func BrokenLink(path, target string) string {
	if target == "" {
		return "a link to something that does not exist"
	}
	// On Windows, \x is rooted: on the current drive, not in the folder.
	if !filepath.IsAbs(target) && !strings.HasPrefix(target, string(filepath.Separator)) {
		target = filepath.Join(filepath.Dir(path), target)
	}
	return fmt.Sprintf("a link to %s, which does not exist", target)
}

func (k Kind) link(path string) error {
	return &Error{Path: path, Err: ErrLink,
		msg: fmt.Sprintf("%s is a link: tikcraft does not follow a link as the %s; put the real file there", path, k.Name)}
}

// fsError words an error of the file system about the file at path.
func (k Kind) fsError(path string, err error) error {
	var why string
	switch {
	case errors.Is(err, fs.ErrNotExist):
		why = "there is no such file"
		if txt := TxtAdded(path); txt != "" {
			why += "; " + txt
		}
	case errors.Is(err, fs.ErrPermission):
		why = "permission denied: give your user the right to read it"
	case errors.Is(err, syscall.ENOTDIR):
		why = "a part of the path is a file, not a folder"
	case escapesRoot(err):
		why = "it leads out of its folder (a link to a file elsewhere?); only files inside the folder are read: copy the file into it"
	default:
		why = unwrap(err).Error()
	}
	return &Error{Path: path, Err: err, msg: fmt.Sprintf("cannot read the %s %s: %s", k.Name, path, why)}
}

// escapesRoot reports whether err is an os.Root's refusal of a name or a
// link that leads out of it. The os package does not export that error,
// so its text is compared; TestReadInLinks fails should a Go release word
// it differently.
func escapesRoot(err error) bool {
	var pe *fs.PathError
	return errors.As(err, &pe) && pe.Err != nil && pe.Err.Error() == "path escapes from parent"
}

func (k Kind) tooBig(path string, size int64) error {
	have, limit := Size(size), Size(k.Max)
	if strings.Replace(have, ".0 ", " ", 1) == limit {
		// "1.0 MB, more than the 1 MB allowed" reads as no excess at
		// all: just over the cap, the bytes say it.
		have, limit = fmt.Sprintf("%d bytes", size), fmt.Sprintf("%s (%d bytes)", limit, k.Max)
	}
	msg := fmt.Sprintf("%s is %s, more than the %s allowed for the %s", path, have, limit, k.Name)
	if k.TooBig != "" {
		msg += ": " + k.TooBig
	}
	return &Error{Path: path, Err: ErrTooBig, msg: msg}
}

// SavedAsUTF16 says what is wrong with a text file that UTF16 finds, for
// a message that names the file.
const SavedAsUTF16 = `the file is saved as UTF-16 (Notepad calls it "Unicode"); save it as UTF-8: in Notepad, File → Save as…, Encoding: UTF-8`

// UTF16 reports whether b starts with a UTF-16 byte order mark, in either
// byte order: Notepad's "Unicode". tikcraft's own files are UTF-8 (with a
// byte order mark or without); read as UTF-8, such a file is a string of
// NUL bytes that the parsers would report in words that never say why.
func UTF16(b []byte) bool {
	return len(b) >= 2 && (b[0] == 0xff && b[1] == 0xfe || b[0] == 0xfe && b[1] == 0xff)
}

// NotText says what is wrong with a file that NUL finds, for a message
// that names the file (and where). Text saved as UTF-16 without a byte
// order mark, which UTF16 cannot tell, is full of NUL bytes too.
const NotText = `this is not text: it holds NUL bytes, as a program, a picture or a zip file does; so does a file saved as UTF-16 ("Unicode") without its byte order mark, which should be saved as UTF-8`

// NUL finds the first NUL byte of b, which no text file holds: its line
// and column (in characters, from 1); ok is false when b has none. It is
// meant for text after AsUTF8: a UTF-16 file is full of NUL bytes.
func NUL(b []byte) (line, col int, ok bool) {
	i := bytes.IndexByte(b, 0)
	if i < 0 {
		return 0, 0, false
	}
	start := bytes.LastIndexByte(b[:i], '\n') + 1
	return bytes.Count(b[:start], []byte("\n")) + 1, utf8.RuneCount(b[start:i]) + 1, true
}

// AsUTF8 is b in UTF-8: b itself, or, when b starts with a UTF-16 byte
// order mark (Notepad's "Unicode", either byte order), b decoded, which
// wasUTF16 reports. For text shown or converted, not for tikcraft's own
// files, which are refused so (SavedAsUTF16). A byte left over at the
// end, or a lone surrogate, becomes U+FFFD.
func AsUTF8(b []byte) (text []byte, wasUTF16 bool) {
	if !UTF16(b) {
		return b, false
	}
	var order binary.ByteOrder = binary.LittleEndian
	if b[0] == 0xfe {
		order = binary.BigEndian
	}
	b = b[2:]
	units := make([]uint16, 0, len(b)/2)
	for ; len(b) >= 2; b = b[2:] {
		units = append(units, order.Uint16(b))
	}
	text = []byte(string(utf16.Decode(units)))
	if len(b) > 0 {
		text = utf8.AppendRune(text, utf8.RuneError)
	}
	return text, true
}

// Size writes a number of bytes for people: 512 bytes, 64 KB, 1.5 MB (one
// decimal unless the number is whole; tooBig says a file just over a cap
// in bytes).
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

// TxtAdded says what became of a file the streamer named that is not
// there while NAME.txt is: Notepad (or TextEdit) adds .txt when a file is
// saved as text, and Explorer hides known extensions, so the file looks
// right there. "" when there is no such file. It counts on every system:
// running without the streamer's settings is worse than stopping.
func TxtAdded(path string) string { return txtAdded(path, runtime.GOOS == "windows") }

func txtAdded(path string, windows bool) string {
	txt := path + ".txt"
	if fi, err := os.Stat(txt); err != nil || !fi.Mode().IsRegular() {
		return ""
	}
	msg := fmt.Sprintf("there is %s instead: the editor that saved it may have added .txt to the name; rename it to %s", txt, filepath.Base(path))
	if windows {
		msg += " (Windows hides the .txt: in Explorer, View → Show → File name extensions shows it)"
	}
	return msg
}

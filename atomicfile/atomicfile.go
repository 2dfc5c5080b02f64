// Package atomicfile replaces files so that a crash, a full disk or a
// reader at the wrong moment sees the old content or the new, never half of
// it: the data goes to a temporary file in the same folder, is synced to
// the disk, and is renamed over the file (server.properties, the gift
// cache, data pack functions, the actions file saved from the dashboard).
package atomicfile

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// Write replaces path with data. An existing file keeps its own permission
// bits exactly (a server.properties only its owner may read stays so; one
// the server's user reads stays readable); a new one gets perm less the
// process umask, as with os.WriteFile. A symbolic link is followed: the
// file it points to is replaced and the link stays. The caller creates the
// folder. Errors name path.
func Write(path string, data []byte, perm os.FileMode) error {
	target, err := filepath.EvalSymlinks(path)
	switch {
	case err == nil:
		path = target
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("cannot write %s: %w", path, plain(err))
	}
	exact := false
	if fi, err := os.Stat(path); err == nil {
		perm, exact = fi.Mode().Perm(), true
	}
	if err := write(osFS{}, path, data, perm, exact); err != nil {
		return err
	}
	syncDir(filepath.Dir(path))
	return nil
}

// WriteIn replaces name inside root with data, a new file mode perm less
// the umask, whatever mode the old one had; nothing outside root is
// written, whatever links the folders hold (the data pack).
func WriteIn(root *os.Root, name string, data []byte, perm os.FileMode) error {
	return write(root, name, data, perm, false)
}

// fsys is what write needs of a file system: the os package, or an os.Root.
type fsys interface {
	OpenFile(name string, flag int, perm os.FileMode) (*os.File, error)
	Rename(oldname, newname string) error
	Remove(name string) error
	Chmod(name string, mode os.FileMode) error
}

type osFS struct{}

func (osFS) OpenFile(name string, flag int, perm os.FileMode) (*os.File, error) {
	return os.OpenFile(name, flag, perm)
}
func (osFS) Rename(oldname, newname string) error      { return os.Rename(oldname, newname) }
func (osFS) Remove(name string) error                  { return os.Remove(name) }
func (osFS) Chmod(name string, mode os.FileMode) error { return os.Chmod(name, mode) }

var _ fsys = (*os.Root)(nil)

// write writes through a temporary file; exact sets perm as it is, not
// less the umask.
func write(fs fsys, path string, data []byte, perm os.FileMode, exact bool) error {
	dir, base := filepath.Split(path)
	// The umask applies to what OpenFile creates; an exact mode is set once
	// the file is whole (it is owner-only until then).
	createPerm := perm
	if exact {
		createPerm = 0o600
	}
	var tmp *os.File
	var name string
	var err error
	for range 10 {
		name = filepath.Join(dir, "."+base+".tmp-"+rand.Text()[:8])
		tmp, err = fs.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, createPerm)
		if !errors.Is(err, os.ErrExist) {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("cannot write next to %s: %w", path, plain(err))
	}
	done := false
	defer func() {
		if !done {
			fs.Remove(name)
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", path, plain(err))
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", path, plain(err))
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, plain(err))
	}
	// On Windows only the read-only bit exists; that is kept too.
	if exact {
		if err := fs.Chmod(name, perm); err != nil {
			return fmt.Errorf("writing %s: %w", path, plain(err))
		}
	}
	if err := renameHeld(fs.Rename, name, path, heldOpen, time.Sleep); err != nil {
		if heldOpen(err) {
			return fmt.Errorf("cannot replace %s: Windows refused, as it does while another program has the file open (an editor, a virus scanner, a backup or cloud sync program?) or when it is read-only; close that program or wait a moment, then try again: %w", path, plain(err))
		}
		return fmt.Errorf("cannot replace %s: %w", path, plain(err))
	}
	done = true
	return nil
}

// maxHeld is how long a rename is tried again while another program
// holds the file: a virus scanner or a sync client looking at a file just
// written lets go within moments (Go's own tools wait as long on Windows).
const maxHeld = 2 * time.Second

// renameHeld renames old to new, trying again while held says another
// program holds the file (Windows refuses to replace a file opened
// without FILE_SHARE_DELETE), with sleeps of growing length until they
// add up to maxHeld.
func renameHeld(rename func(old, new string) error, old, new string, held func(error) bool, sleep func(time.Duration)) error {
	wait, waited := 10*time.Millisecond, time.Duration(0)
	for {
		err := rename(old, new)
		if err == nil || !held(err) || waited >= maxHeld {
			return err
		}
		sleep(wait)
		waited += wait
		wait = min(2*wait, 250*time.Millisecond)
	}
}

// syncDir flushes the folder's entry for the renamed file, so the rename
// itself survives a power cut. Windows cannot open folders for this and
// commits renames on its own; errors are ignored everywhere, the data
// already being safe.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	d.Close()
}

// plain drops a *PathError's or *LinkError's operation and paths, which
// the messages say in words (the temporary file's name means nothing to
// the streamer).
func plain(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

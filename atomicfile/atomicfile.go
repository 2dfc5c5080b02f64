// Package atomicfile replaces files so that a crash, a full disk or a
// reader at the wrong moment sees the old content or the new, never half of
// it: server.properties, the gift cache, data pack functions, the actions
// file saved from the dashboard.
package atomicfile

import (
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Write replaces path with data. It writes a temporary file in the same
// folder, syncs it to disk, then renames it over path. perm is the new
// file's permission less the process umask, as with os.WriteFile; the
// caller creates the folder. Errors name path.
func Write(path string, data []byte, perm os.FileMode) error {
	return write(osFS{}, path, data, perm, false)
}

// WriteIn is Write for name inside root: nothing outside root is written,
// whatever links the folders hold (the data pack).
func WriteIn(root *os.Root, name string, data []byte, perm os.FileMode) error {
	return write(root, name, data, perm, false)
}

// Replace is Write for a file that exists: the new content keeps the old
// file's permission bits exactly, so a server.properties that only its
// owner may read stays so, and one the server's user reads stays readable.
func Replace(path string, data []byte) error {
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("cannot replace %s: %w", path, err)
	}
	return write(osFS{}, path, data, fi.Mode().Perm(), true)
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

// write is Write; exact sets perm as it is, not less the umask.
func write(fs fsys, path string, data []byte, perm os.FileMode, exact bool) error {
	dir, base := filepath.Split(path)
	// The umask applies to what OpenFile creates; an exact mode is set
	// once the file is whole (it is owner-only until then).
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
		return fmt.Errorf("cannot write next to %s: %w", path, err)
	}
	done := false
	defer func() {
		if !done {
			fs.Remove(name)
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if exact {
		if err := fs.Chmod(name, perm); err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
	}
	if err := fs.Rename(name, path); err != nil {
		return fmt.Errorf("cannot replace %s: %w", path, err)
	}
	done = true
	return nil
}

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
	return write(path, data, perm, false)
}

// Replace is Write for a file that exists: the new content keeps the old
// file's permission bits exactly, so a server.properties that only its
// owner may read stays so, and one the server's user reads stays readable.
func Replace(path string, data []byte) error {
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("cannot replace %s: %w", path, err)
	}
	return write(path, data, fi.Mode().Perm(), true)
}

// write is Write; exact sets perm as it is, not less the umask.
func write(path string, data []byte, perm os.FileMode, exact bool) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	// The umask applies to what OpenFile creates; an exact mode is set
	// once the file is whole (it is owner-only until then).
	createPerm := perm
	if exact {
		createPerm = 0o600
	}
	var tmp *os.File
	var err error
	for range 10 {
		name := filepath.Join(dir, "."+base+".tmp-"+rand.Text()[:8])
		tmp, err = os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, createPerm)
		if !errors.Is(err, os.ErrExist) {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("cannot write next to %s: %w", path, err)
	}
	name := tmp.Name()
	done := false
	defer func() {
		if !done {
			os.Remove(name)
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
		if err := os.Chmod(name, perm); err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
	}
	if err := os.Rename(name, path); err != nil {
		return fmt.Errorf("cannot replace %s: %w", path, err)
	}
	done = true
	return nil
}

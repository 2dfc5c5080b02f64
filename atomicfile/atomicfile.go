// Package atomicfile replaces files so that a crash, a full disk or a
// reader at the wrong moment sees the old content or the new, never half
// of one: the data goes to a temporary file in the same folder, is flushed
// to the disk, and is renamed over the file.
package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Write replaces path with data. perm is used when path does not exist yet;
// an existing file keeps its permissions. A symbolic link is followed, so
// the file it points to is replaced and the link stays.
func Write(path string, data []byte, perm fs.FileMode) error {
	target, err := filepath.EvalSymlinks(path)
	switch {
	case err == nil:
		path = target
	case !errors.Is(err, fs.ErrNotExist):
		return err
	}
	if fi, err := os.Stat(path); err == nil {
		perm = fi.Mode().Perm()
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("cannot write in %s: %w", dir, plain(err))
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing left to remove
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
	_ = os.Chmod(tmp.Name(), perm)
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("cannot replace %s (is another program holding it open?): %w", path, plain(err))
	}
	syncDir(dir)
	return nil
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

// plain drops the *PathError's operation and path, which the callers'
// messages already say.
func plain(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

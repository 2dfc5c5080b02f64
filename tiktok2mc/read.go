package tiktok2mc

import (
	"fmt"
	"io"
	"os"
)

// MaxFileSize caps every file migrate reads. Tiktok2Mc's files are a few
// kilobytes; a bigger one is not a Tiktok2Mc file, and reading it whole
// could take the computer's memory (a link to /dev/zero never ends).
const MaxFileSize = 4 << 20

// readFile reads a file of the Tiktok2Mc folder. It accepts regular files
// only (a link is followed to what it points at), at most MaxFileSize
// bytes, and never blocks on a pipe: a FIFO, a device or a huge file is an
// error that says what it is.
func readFile(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", path, unwrapPathError(err))
	}
	if err := regular(path, st); err != nil {
		return nil, err
	}
	// O_NONBLOCK: should a pipe take the file's place after the Stat,
	// opening it returns at once instead of waiting for a writer forever.
	f, err := os.OpenFile(path, os.O_RDONLY|openNonblock, 0)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", path, unwrapPathError(err))
	}
	defer f.Close()
	if st, err = f.Stat(); err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", path, unwrapPathError(err))
	}
	if err := regular(path, st); err != nil {
		return nil, err
	}
	b, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", path, unwrapPathError(err))
	}
	if len(b) > MaxFileSize {
		return nil, tooBig(path, int64(len(b)))
	}
	return b, nil
}

// regular says why st, the file at path, is not one migrate reads.
func regular(path string, st os.FileInfo) error {
	m := st.Mode()
	switch {
	case m.IsRegular():
		if st.Size() > MaxFileSize {
			return tooBig(path, st.Size())
		}
		return nil
	case m.IsDir():
		return fmt.Errorf("%s is a folder, not a file: migrate reads the files of a Tiktok2Mc folder", path)
	case m&os.ModeNamedPipe != 0:
		return fmt.Errorf("%s is a pipe (FIFO), not a file: migrate reads only ordinary files; put the real file there", path)
	case m&(os.ModeDevice|os.ModeCharDevice) != 0:
		return fmt.Errorf("%s is a device (a link to /dev/zero or the like?), not a file: migrate reads only ordinary files; put the real file there", path)
	}
	return fmt.Errorf("%s is not an ordinary file (%s): migrate reads only ordinary files; put the real file there", path, m.Type())
}

func tooBig(path string, size int64) error {
	return fmt.Errorf("%s is %.1f MB, more than the %d MB a Tiktok2Mc file can be: it is not a Tiktok2Mc file; give the folder with Tiktok2Mc's own config.yaml and actions.mca", path, float64(size)/(1<<20), MaxFileSize>>20)
}

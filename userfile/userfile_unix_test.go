//go:build unix

package userfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A link to /dev/zero never ends and a FIFO blocks its reader until a
// writer comes: both are refused at once, with what they are.
func TestReadRefusesDevicesAndPipes(t *testing.T) {
	dir := t.TempDir()
	zero := filepath.Join(dir, "zero.yaml")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		zero: zero + " is a device (a link to /dev/zero or the like?), not a file",
		fifo: fifo + " is a pipe (FIFO), not a file: tikcraft reads the test file only from an ordinary file; put the real file there",
	} {
		if _, err := Read(path, testKind); !errors.Is(err, ErrNotFile) || !strings.Contains(err.Error(), want) {
			t.Errorf("got %v; want %q", err, want)
		}
	}
}

// A file under a file (a path that goes on past a file): worded with the
// file and its kind, as every error of the file system.
func TestReadWordsNotAFolder(t *testing.T) {
	ok := filepath.Join(t.TempDir(), "ok.txt")
	write(t, ok, "x")
	p := filepath.Join(ok, "under.txt")
	want := "cannot read the test file " + p + ": a part of the path is a file, not a folder"
	if _, err := Read(p, testKind); !errors.Is(err, syscall.ENOTDIR) || !errors.As(err, new(*Error)) || err.Error() != want {
		t.Fatalf("got %v; want %q", err, want)
	}
}

// lying is a folder whose first look sees the file seen whatever is
// there: what a look sees just before something else takes the file's
// place. Later looks see what is there.
type lying struct {
	*os.Root
	seen   fs.FileInfo
	looked bool
}

func (l *lying) Stat(name string) (fs.FileInfo, error)  { return l.first(name, l.Root.Stat) }
func (l *lying) Lstat(name string) (fs.FileInfo, error) { return l.first(name, l.Root.Lstat) }

func (l *lying) first(name string, stat func(string) (fs.FileInfo, error)) (fs.FileInfo, error) {
	if l.looked {
		return stat(name)
	}
	l.looked = true
	return l.seen, nil
}

// A pipe put in place of the file after the look is opened without
// waiting for a writer, and refused by the second look: with links
// followed (Read, a sound) or not (the data pack).
func TestOpenDoesNotWaitOnAPipe(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "real.txt"), "x")
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.txt"), 0o600); err != nil {
		t.Fatal(err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	seen, err := root.Lstat("real.txt")
	if err != nil {
		t.Fatal(err)
	}
	noLinks := testKind
	noLinks.NoLinks = true
	for _, k := range []Kind{testKind, noLinks} {
		err := returns(t, filepath.Join(dir, "pipe.txt"), func() error {
			_, err := read(&lying{Root: root, seen: seen}, "pipe.txt", filepath.Join(dir, "pipe.txt"), k)
			return err
		})
		if !errors.Is(err, ErrNotFile) || !strings.Contains(err.Error(), "pipe.txt is a pipe (FIFO), not a file") {
			t.Errorf("NoLinks %t: %v", k.NoLinks, err)
		}
	}
	// And a pipe there at the first look is never opened.
	for _, k := range []Kind{testKind, noLinks} {
		err := returns(t, filepath.Join(dir, "pipe.txt"), func() error {
			_, err := ReadIn(root, "pipe.txt", k)
			return err
		})
		if !errors.Is(err, ErrNotFile) || !strings.Contains(err.Error(), filepath.Join(dir, "pipe.txt")+" is a pipe (FIFO), not a file") {
			t.Errorf("ReadIn, NoLinks %t: %v", k.NoLinks, err)
		}
	}
}

// returns runs open, which opens the pipe at fifo, and returns its error;
// the test fails if it is still waiting when the test's deadline comes (a
// guard against a hang, not a speed check).
func returns(t *testing.T, fifo string, open func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- open() }()
	var end <-chan time.Time // none without a deadline: go test's own -timeout then tells
	if d, ok := t.Deadline(); ok {
		end = time.After(time.Until(d) * 9 / 10)
	}
	select {
	case err := <-done:
		return err
	case <-end:
		// Let the reader in, so the test ends.
		if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			w.Close()
		}
		t.Fatal("opening a pipe waits for a writer")
		return nil
	}
}

// With NoLinks a link is refused, never followed: one there at the look,
// and one put in place of the file after it. Without, a link inside the
// folder is followed, and one that leads out of it is refused.
func TestReadInLinks(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "real.txt"), "real")
	write(t, filepath.Join(dir, "other.txt"), "other")
	if err := os.Symlink("real.txt", filepath.Join(dir, "link.txt")); err != nil {
		t.Fatal(err)
	}
	outside := filepath.Join(t.TempDir(), "secret.txt")
	write(t, outside, "secret")
	if err := os.Symlink(outside, filepath.Join(dir, "out.txt")); err != nil {
		t.Fatal(err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	noLinks := testKind
	noLinks.NoLinks = true
	link := filepath.Join(dir, "link.txt")
	want := link + " is a link: tikcraft does not follow a link as the test file; put the real file there"
	if _, err := ReadIn(root, "link.txt", noLinks); !errors.Is(err, ErrLink) || err.Error() != want {
		t.Errorf("a link: %v; want %q", err, want)
	}
	seen, err := root.Lstat("other.txt")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := read(&lying{Root: root, seen: seen}, "link.txt", link, noLinks); !errors.Is(err, ErrLink) || err.Error() != want {
		t.Errorf("a link put in place of the file: %v; want %q", err, want)
	}
	if _, err := read(&lying{Root: root, seen: seen}, "real.txt", filepath.Join(dir, "real.txt"), noLinks); !errors.Is(err, ErrChanged) {
		t.Errorf("another file put in place of the file: %v", err)
	}
	if b, err := ReadIn(root, "link.txt", testKind); err != nil || string(b) != "real" {
		t.Errorf("following a link inside the folder: %q, %v", b, err)
	}
	out := filepath.Join(dir, "out.txt")
	want = "cannot read the test file " + out + ": it leads out of its folder (a link to a file elsewhere?); only files inside the folder are read: copy the file into it"
	if b, err := ReadIn(root, "out.txt", testKind); err == nil || !errors.As(err, new(*Error)) || strings.Contains(string(b), "secret") || err.Error() != want {
		t.Errorf("a link out of the folder: %q, %v; want %q", b, err, want)
	}
}

// A link to nothing is ErrBrokenLink, not fs.ErrNotExist (callers offer
// to create a missing file, or use their defaults), and the message says
// where it leads: a relative target from the link's folder, where it
// leads from, not from the folder tikcraft runs in.
func TestReadLinkToNothing(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "actions.mca")
	if err := os.Symlink(filepath.Join(dir, "old", "actions.mca"), link); err != nil {
		t.Fatal(err)
	}
	_, err := Read(link, Kind{Name: "test file", Max: 1 << 10})
	want := "cannot read the test file " + link + ": it is a link to " + filepath.Join(dir, "old", "actions.mca") + ", which does not exist; put the real file there"
	if !errors.Is(err, ErrBrokenLink) || errors.Is(err, fs.ErrNotExist) || err.Error() != want {
		t.Fatalf("got %v\nwant %s", err, want)
	}

	rel := filepath.Join(dir, "sub", "rules.mca")
	if err := os.Mkdir(filepath.Dir(rel), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join("old", "rules.mca"), rel); err != nil {
		t.Fatal(err)
	}
	want = "it is a link to " + filepath.Join(dir, "sub", "old", "rules.mca") + ", which does not exist"
	if _, err := Read(rel, Kind{Name: "test file", Max: 1 << 10}); !errors.Is(err, ErrBrokenLink) || !strings.Contains(err.Error(), want) {
		t.Fatalf("a relative link: got %v\nwant %s", err, want)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	if _, err := ReadIn(root, filepath.Join("sub", "rules.mca"), Kind{Name: "test file", Max: 1 << 10}); !errors.Is(err, ErrBrokenLink) || !strings.Contains(err.Error(), want) {
		t.Fatalf("a relative link in a root: got %v\nwant %s", err, want)
	}
}

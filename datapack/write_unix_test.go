//go:build unix

package datapack

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The pack's files and folders get 0644 and 0755 less the umask, so a
// Minecraft server running as another user (a service account, a
// container) can read them; files an older version wrote 0600 are fixed.
func TestWriteModesFollowTheUmask(t *testing.T) {
	for _, c := range []struct {
		umask     int
		file, dir fs.FileMode
	}{{0o022, 0o644, 0o755}, {0o027, 0o640, 0o750}, {0o002, 0o644, 0o755}} {
		old := syscall.Umask(c.umask)
		dir := t.TempDir()
		p, _ := Build(parse(t, rules), "")
		_, err := p.Write(dir)
		syscall.Umask(old)
		if err != nil {
			t.Fatal(err)
		}
		files := 0
		filepath.WalkDir(filepath.Join(dir, Namespace), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				t.Fatal(err)
			}
			fi, _ := d.Info()
			want := c.file
			if d.IsDir() {
				want = c.dir
			} else {
				files++
			}
			if fi.Mode().Perm() != want {
				t.Errorf("umask %03o: %s has mode %v, want %v", c.umask, path, fi.Mode().Perm(), want)
			}
			return nil
		})
		if files < 3 {
			t.Fatalf("only %d files written", files)
		}
	}
}

func TestWriteFixesFilesAnOlderVersionMadePrivate(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	dir := t.TempDir()
	p, _ := Build(parse(t, rules), "1.21.4")
	if _, err := p.Write(dir); err != nil {
		t.Fatal(err)
	}
	rose := filepath.Join(dir, Namespace, "data", Namespace, "function", "rose.mcfunction")
	os.Chmod(rose, 0o600)
	if changed, err := p.Write(dir); err != nil || !changed {
		t.Fatalf("changed %t, %v", changed, err)
	}
	if fi, _ := os.Stat(rose); fi.Mode().Perm() != 0o644 {
		t.Errorf("rose.mcfunction is %v", fi.Mode().Perm())
	}
	if changed, err := p.Write(dir); err != nil || changed {
		t.Fatalf("third write: changed %t, %v", changed, err)
	}
}

// A link inside the pack is never followed: tikcraft refuses, naming it
// and saying whether a folder or a file belongs there, and neither writes
// nor removes anything where it points. Doing what the message says lets
// the next write through.
func TestWriteNeverFollowsLinks(t *testing.T) {
	p, _ := Build(parse(t, rules), "1.21.4")
	fdir := filepath.Join("data", Namespace, "function")
	for _, c := range []struct {
		name   string
		link   string // inside the pack folder
		dir    bool   // the link points at a folder
		advice string
	}{
		{"function folder", fdir, true, "makes a real folder in its place"},
		{"namespace folder", filepath.Join("data", Namespace), true, "makes a real folder in its place"},
		{"data folder", "data", true, "makes a real folder in its place"},
		{"function file", filepath.Join(fdir, "rose.mcfunction"), false, "writes a real file in its place"},
		{"pack.mcmeta", "pack.mcmeta", false, "move the folder"},
		{"pack folder", ".", true, "makes a real folder in its place"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			if _, err := p.Write(dir); err != nil {
				t.Fatal(err)
			}
			elsewhere := t.TempDir()
			mine := filepath.Join(elsewhere, "mine.mcfunction")
			os.WriteFile(mine, []byte("say mine\n"), 0o644)
			target := elsewhere
			if !c.dir {
				target = mine
			}
			at := filepath.Join(dir, Namespace, c.link)
			if err := os.RemoveAll(at); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(target, at); err != nil {
				t.Fatal(err)
			}
			// check says it first, the same way.
			cerr := p.Check(dir)
			_, err := p.Write(dir)
			if err == nil || !strings.Contains(err.Error(), "is a link") || !strings.Contains(err.Error(), filepath.Base(at)) {
				t.Fatalf("error %v; want a refusal naming %s", err, at)
			}
			if cerr == nil || cerr.Error() != err.Error() {
				t.Errorf("Check: %v; want Write's %v", cerr, err)
			}
			if !strings.Contains(err.Error(), c.advice) {
				t.Errorf("error %v; want the advice %q", err, c.advice)
			}
			entries, _ := os.ReadDir(elsewhere)
			if len(entries) != 1 || entries[0].Name() != "mine.mcfunction" {
				t.Errorf("the linked folder now holds %v", entries)
			}
			if b, err := os.ReadFile(mine); err != nil || string(b) != "say mine\n" {
				t.Errorf("mine.mcfunction: %q, %v", b, err)
			}
			// Follow the advice.
			if c.advice == "move the folder" {
				err = os.Rename(filepath.Join(dir, Namespace), filepath.Join(t.TempDir(), "moved"))
			} else {
				err = os.Remove(at)
			}
			if err != nil {
				t.Fatal(err)
			}
			if _, err := p.Write(dir); err != nil {
				t.Fatalf("after doing what the message says: %v", err)
			}
			if fi, err := os.Lstat(at); err != nil || fi.IsDir() != c.dir || fi.Mode()&fs.ModeSymlink != 0 {
				t.Errorf("%s is now %v (%v)", at, fi.Mode(), err)
			}
		})
	}
}

// Folders an earlier run made under a tighter umask (drwx------) are
// opened up again like files are, so a server running as another user can
// get in; the datapacks folder around the pack is the world's and is left
// as it is.
func TestWriteFixesFoldersAnEarlierRunMadePrivate(t *testing.T) {
	old := syscall.Umask(0o077)
	defer syscall.Umask(old)
	dir := t.TempDir()
	os.Chmod(dir, 0o711)
	p, _ := Build(parse(t, rules), "")
	if _, err := p.Write(dir); err != nil {
		t.Fatal(err)
	}
	syscall.Umask(0o022)
	if changed, err := p.Write(dir); err != nil || !changed {
		t.Fatalf("second write: changed %t, %v", changed, err)
	}
	folders := 0
	filepath.WalkDir(filepath.Join(dir, Namespace), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		fi, _ := d.Info()
		want := fs.FileMode(0o644)
		if d.IsDir() {
			want = 0o755
			folders++
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s has mode %v, want %v", path, fi.Mode().Perm(), want)
		}
		return nil
	})
	if folders != 5 { // tikcraft, data, data/tikcraft, function, functions
		t.Errorf("%d folders in the pack", folders)
	}
	if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o711 {
		t.Errorf("the datapacks folder itself became %v", fi.Mode().Perm())
	}
	if changed, err := p.Write(dir); err != nil || changed {
		t.Fatalf("third write: changed %t, %v", changed, err)
	}
}

// What datapack reads must be a regular file: a FIFO as pack.mcmeta or as
// a function file is refused or left alone instead of hanging the write
// (and with it `tikcraft run`, which writes the pack while it starts).
func TestWriteNeverReadsAFifo(t *testing.T) {
	for _, c := range []struct{ name, at, want string }{
		{"pack.mcmeta", "pack.mcmeta", "not a tikcraft data pack"},
		{"function file", filepath.Join("data", Namespace, "function", "rose.mcfunction"), "is not a file"},
		{"old function file", filepath.Join("data", Namespace, "function", "gone.mcfunction"), ""},
		{"old function folder", filepath.Join("data", Namespace, "functions"), ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			p, _ := Build(parse(t, rules), "1.21.4")
			if _, err := p.Write(dir); err != nil {
				t.Fatal(err)
			}
			fifo := filepath.Join(dir, Namespace, c.at)
			os.Remove(fifo)
			if err := syscall.Mkfifo(fifo, 0o644); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { _, err := p.Write(dir); done <- err }()
			var err error
			select {
			case err = <-done:
			case <-time.After(time.Minute): // a guard against a hang, not a speed check
				// Let the reader in, so the test ends.
				if f, err := os.OpenFile(fifo, os.O_WRONLY, 0); err == nil {
					f.Close()
				}
				t.Fatal("Write hangs on a FIFO")
			}
			if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), fifo)) {
				t.Errorf("error %v; want %q naming %s", err, c.want, fifo)
			}
			if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&fs.ModeNamedPipe == 0 {
				t.Errorf("the FIFO is now %v (%v)", fi.Mode(), err)
			}
		})
	}
}

// Check writes, makes and removes nothing: not a missing pack, not a
// changed function, not an old one Write would remove, not a mode.
func TestCheckChangesNothing(t *testing.T) {
	dir := t.TempDir()
	p, _ := Build(parse(t, rules), "1.21.4")
	if err := p.Check(dir); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("Check made %v", entries)
	}
	if _, err := p.Write(dir); err != nil {
		t.Fatal(err)
	}
	fdir := filepath.Join(dir, Namespace, "data", Namespace, "function")
	old := filepath.Join(fdir, "gone.mcfunction")
	if err := os.WriteFile(old, []byte(header+"say old\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(fdir, 0o700); err != nil {
		t.Fatal(err)
	}
	before := tree(t, dir)
	p2, _ := Build(parse(t, "rose:/say changed {user}; /say two\n"), "1.21.4")
	if err := p2.Check(dir); err != nil {
		t.Fatal(err)
	}
	if after := tree(t, dir); after != before {
		t.Errorf("Check changed the pack:\n%s\nwas\n%s", after, before)
	}
}

// tree lists dir's files with their modes and contents, and its folders
// with their modification times.
func tree(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s %v", path, fi.Mode())
		if fi.IsDir() {
			// A file made and removed (the modes probe) shows here.
			fmt.Fprintf(&b, " %d", fi.ModTime().UnixNano())
		}
		if fi.Mode().IsRegular() {
			c, _ := os.ReadFile(path)
			fmt.Fprintf(&b, " %q", c)
		}
		b.WriteByte('\n')
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// --out through a link to nothing says which link and where it points
// (MkdirAll said "file exists").
func TestMigrateOutThroughABrokenLink(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	from := t2mFolder(t, dir, "pw-for-out", nil)
	gone := filepath.Join(dir, "gone")
	if err := os.Symlink(gone, filepath.Join(dir, "setup")); err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{"setup", filepath.Join("setup", "new")} {
		_, errOut, code := tikcraft(t, dir, nil, "migrate", from, "--out", out)
		want := "--out " + out + " cannot be made: setup is a link to " + gone + ", which does not exist."
		if code != 1 || !strings.Contains(errOut, want) {
			t.Errorf("--out %s: exit %d, want 1 and %q\n%s", out, code, want, errOut)
		}
	}
}

// A relative link leads from its own folder, and the message says where
// that is; a link that cannot be followed for another reason (a loop)
// says that reason, not "which does not exist".
func TestMigrateOutThroughALinkThatCannotBeFollowed(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	from := t2mFolder(t, dir, "pw-for-out", nil)
	writeFile(t, filepath.Join(dir, "sub", "keep.txt"), "")
	for link, target := range map[string]string{"loop": "loop", filepath.Join("sub", "setup"): "gone"} {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct{ out, want string }{
		{filepath.Join("sub", "setup"), "--out " + filepath.Join("sub", "setup") + " cannot be made: " + filepath.Join("sub", "setup") + " is a link to " + filepath.Join("sub", "gone") + ", which does not exist."},
		{"loop", "--out loop cannot be used: loop: too many levels of symbolic links"},
		{filepath.Join("loop", "new"), "--out " + filepath.Join("loop", "new") + " cannot be used: loop: too many levels of symbolic links"},
	} {
		_, errOut, code := tikcraft(t, dir, nil, "migrate", from, "--out", c.out)
		if code != 1 || !strings.Contains(errOut, c.want) || strings.Contains(errOut, "loop is a link") {
			t.Errorf("--out %s: exit %d, want 1 and %q\n%s", c.out, code, c.want, errOut)
		}
	}
}

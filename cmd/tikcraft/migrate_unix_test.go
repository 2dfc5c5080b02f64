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

//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// check says what would turn datapack mode off at run (a link inside the
// pack), and writes nothing itself: it said "0 warnings", and run then
// sent every command over RCON.
func TestCheckWarnsOfWhatTurnsDatapackModeOff(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "tikcraft.yaml"), "tiktok: {user: anna}\nrcon: {password: a-long-random-password}\nminecraft: {datapack_dir: world/datapacks, version: 1.21.4}\n")
	writeFile(t, filepath.Join(dir, "actions.mca"), "rose:/say hi {user}; /give {user} diamond\n")
	packs := filepath.Join(dir, "world", "datapacks")
	if err := os.MkdirAll(packs, 0o755); err != nil {
		t.Fatal(err)
	}
	out, _, code := tikcraft(t, dir, nil, "check")
	if code != 0 || !strings.Contains(out, "0 warnings") {
		t.Fatalf("a fine datapacks folder: exit %d\n%s", code, out)
	}
	if entries, _ := os.ReadDir(packs); len(entries) != 0 {
		t.Fatalf("check wrote %v", entries)
	}
	elsewhere := t.TempDir()
	if err := os.Symlink(elsewhere, filepath.Join(packs, "tikcraft")); err != nil {
		t.Fatal(err)
	}
	out, _, code = tikcraft(t, dir, nil, "check")
	want := "warning: datapack mode would be off, so every command would go over RCON one at a time: " + filepath.Join("world", "datapacks", "tikcraft") + " is a link"
	if code != 0 || !strings.Contains(out, want) || !strings.Contains(out, "1 warning") {
		t.Fatalf("a link as the pack folder: exit %d, want %q\n%s", code, want, out)
	}
	if entries, _ := os.ReadDir(elsewhere); len(entries) != 0 {
		t.Fatalf("check wrote through the link: %v", entries)
	}
}

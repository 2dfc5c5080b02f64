//go:build unix

package app

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/tikcraft/tikcraft/tiktok"
)

// A pipe or a link to /dev/zero in place of the kept gift list
// (data_dir/gifts.json, read as run, check and gifts start) is no list:
// the built-in one is used, without hanging or filling the memory.
func TestKnownGiftsSkipsPipesAndDevices(t *testing.T) {
	for name, mk := range map[string]func(string) error{
		"fifo": func(p string) error { return syscall.Mkfifo(p, 0o600) },
		"zero": func(p string) error { return os.Symlink("/dev/zero", p) },
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if err := mk(filepath.Join(dir, giftCacheFile)); err != nil {
				t.Fatal(err)
			}
			if _, err := readGiftCache(filepath.Join(dir, giftCacheFile)); err == nil {
				t.Fatal("read a gift list from a pipe or a device")
			}
			l, problem := knownGifts(dir)
			if l == nil || l.Source != tiktok.GiftsBuiltIn {
				t.Fatal("no built-in gift list")
			}
			if want := filepath.Join(dir, giftCacheFile) + " is a "; problem == nil || !strings.Contains(problem.Error(), want) {
				t.Fatalf("problem %v; want one saying %q", problem, want)
			}
		})
	}
}

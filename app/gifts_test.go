package app

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft/tiktok"
)

// knownGifts answers offline: the built-in list at first, then the list
// `tikcraft gifts` kept, with the built-in one behind it.
func TestKnownGifts(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	l, problem := knownGifts(dir)
	if l.Source != tiktok.GiftsBuiltIn || problem != nil {
		t.Fatalf("nothing kept: source %v, %v", l.Source, problem)
	}
	if g, err := l.Resolve("heart me"); err != nil || g.ID != 7934 || g.Name != "Heart Me" {
		t.Fatalf("Heart Me: %+v %v", g, err)
	}
	if _, err := l.Resolve("nosuch"); !errors.Is(err, tiktok.ErrUnknownGift) {
		t.Fatalf("nosuch: %v", err)
	}
	kept := giftCache{User: "creeper_queen", Fetched: time.Date(2026, 12, 3, 18, 0, 0, 0, time.UTC),
		Gifts: []tiktok.GiftInfo{{ID: 990001, Name: "Brand New", Diamonds: 7, Combo: true}}}
	if err := writeGiftCache(filepath.Join(dir, giftCacheFile), kept); err != nil {
		t.Fatal(err)
	}
	l, problem = knownGifts(dir)
	if l.Source != tiktok.GiftsCached || l.From != "@creeper_queen" || problem != nil {
		t.Fatalf("kept list: %v %q, %v", l.Source, l.From, problem)
	}
	for _, name := range []string{"Brand New", "Galaxy", "5655"} {
		if _, err := l.Resolve(name); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// A kept list that cannot be used (here not JSON) is no list: the built-in
// one stands in, and the problem, naming the file, goes to the caller to
// tell the streamer.
func TestKnownGiftsSaysWhyTheKeptListIsNotUsed(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, giftCacheFile)
	if err := os.WriteFile(path, []byte("<html>not a gift list</html>"), 0o600); err != nil {
		t.Fatal(err)
	}
	l, problem := knownGifts(dir)
	if l.Source != tiktok.GiftsBuiltIn {
		t.Fatalf("source %v", l.Source)
	}
	if want := path + " is not a gift list tikcraft can read"; problem == nil || problem.Error() != want {
		t.Fatalf("problem %v; want %q", problem, want)
	}
}

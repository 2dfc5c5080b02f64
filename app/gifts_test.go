package app

import (
	"errors"
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
	l := knownGifts(dir)
	if l.Source != tiktok.GiftsBuiltIn {
		t.Fatalf("nothing kept: source %v", l.Source)
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
	l = knownGifts(dir)
	if l.Source != tiktok.GiftsCached || l.From != "@creeper_queen" {
		t.Fatalf("kept list: %v %q", l.Source, l.From)
	}
	for _, name := range []string{"Brand New", "Galaxy", "5655"} {
		if _, err := l.Resolve(name); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

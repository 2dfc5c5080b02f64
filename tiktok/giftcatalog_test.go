package tiktok_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft/actions"
	"github.com/tikcraft/tikcraft/tiktok"
)

// The built-in list is TikTok's real one: the gifts the docs and the
// examples name have their real ids and prices.
func TestBuiltinGifts(t *testing.T) {
	l := tiktok.BuiltinGifts()
	if l.Len() < 500 || l.Source != tiktok.GiftsBuiltIn || l.Fetched.IsZero() || l.From == "" {
		t.Fatalf("built-in list: %d gifts, source %v, fetched %v, from %q", l.Len(), l.Source, l.Fetched, l.From)
	}
	for _, want := range []tiktok.GiftInfo{
		{ID: 5655, Name: "Rose", Diamonds: 1},
		{ID: 11046, Name: "Galaxy", Diamonds: 1000},
		{ID: 7934, Name: "Heart Me", Diamonds: 1},
		{ID: 7168, Name: "Money Gun", Diamonds: 500},
		{ID: 6369, Name: "Lion", Diamonds: 29999},
	} {
		if g, ok := l.ByID(want.ID); !ok || g != want {
			t.Errorf("ByID(%d) = %+v, %v; want %+v", want.ID, g, ok, want)
		}
	}
	seen := map[int64]bool{}
	for _, g := range l.Gifts() {
		if seen[g.ID] || g.ID <= 0 || g.Name == "" || g.Name != strings.TrimSpace(g.Name) || g.Diamonds < 1 {
			t.Errorf("bad gift %+v", g)
		}
		seen[g.ID] = true
	}
	if d := l.Describe(); !strings.HasPrefix(d, "the built-in list (") || !strings.Contains(d, "as of 2026-") {
		t.Errorf("Describe = %q", d)
	}
}

// A gift name is found the ways a streamer types it, and as a rule's
// trigger matches it.
func TestGiftByName(t *testing.T) {
	l := tiktok.BuiltinGifts()
	for _, tt := range []struct {
		name string
		id   int64
	}{
		{"Heart Me", 7934},
		{"heart me", 7934},
		{"heart_me", 7934},
		{"HEARTME", 7934},
		{"  Galaxy ", 11046},
		{"Thumbs Up", 6246}, // two gifts have this name: the cheapest
		{"Love You", 6671},  // the exact spelling wins
		{"love you", 6890},  // ignoring case both fit: the cheapest
	} {
		g, ok := l.ByName(tt.name)
		if !ok || g.ID != tt.id {
			t.Errorf("ByName(%q) = %+v, %v; want id %d", tt.name, g, ok, tt.id)
		}
	}
	if g, ok := l.ByName("nosuch"); ok {
		t.Errorf("ByName(nosuch) = %+v", g)
	}
	// Every gift is found by its own name, and a rule named like it
	// matches it: the lookup normalizes as the actions file does.
	for _, g := range l.Gifts() {
		got, ok := l.ByName(g.Name)
		if !ok || got.Name != g.Name {
			t.Errorf("ByName(%q) = %+v", g.Name, got)
		}
		if k := actions.Normalize(g.Name); k != "" {
			if byKey, ok := l.ByName(k); !ok || actions.Normalize(byKey.Name) != k {
				t.Errorf("ByName(%q) = %+v, want a gift the rule %q matches", k, byKey, k)
			}
		}
	}
}

func TestResolve(t *testing.T) {
	l := tiktok.BuiltinGifts()
	for _, tt := range []struct {
		in   string
		id   int64
		name string
	}{
		{"5655", 5655, "Rose"},
		{"Galaxy", 11046, "Galaxy"},
		{"galaxy", 11046, "Galaxy"},
		{"heart_me", 7934, "Heart Me"},
		{"2026", 18279, "2026"}, // no gift has the id 2026; one is called "2026"
	} {
		g, err := l.Resolve(tt.in)
		if err != nil || g.ID != tt.id || g.Name != tt.name {
			t.Errorf("Resolve(%q) = %+v, %v; want %d %q", tt.in, g, err, tt.id, tt.name)
		}
	}
	for _, tt := range []struct {
		in, msg string
		close   []string
	}{
		{"nosuch", `no gift is called "nosuch" in the built-in list (`, nil},
		{"Galaxi", `no gift is called "Galaxi" in the built-in list (`, []string{"Galaxy"}},
		{"Rsoe", `no gift is called "Rsoe"`, []string{"Rose"}},
		{"99999999", "no gift has the id 99999999 in the built-in list", nil},
	} {
		_, err := l.Resolve(tt.in)
		var ue *tiktok.UnknownGiftError
		if !errors.Is(err, tiktok.ErrUnknownGift) || !errors.As(err, &ue) || !strings.Contains(err.Error(), tt.msg) || !strings.HasSuffix(err.Error(), "(tikcraft gifts lists every gift)") {
			t.Errorf("Resolve(%q) error %v; want %q", tt.in, err, tt.msg)
			continue
		}
		for _, c := range tt.close {
			if !slices.Contains(ue.Close, c) || !strings.Contains(err.Error(), `close names: "`) {
				t.Errorf("Resolve(%q): close names %q lack %q", tt.in, ue.Close, c)
			}
		}
		if tt.close == nil && strings.Contains(tt.in, "9") && len(ue.Close) != 0 {
			t.Errorf("an id has no close names: %q", ue.Close)
		}
	}
	if got := l.CloseNames("galax", 10); !slices.Contains(got, "Galaxy") || !slices.Contains(got, "Galaxy Globe") {
		t.Errorf("CloseNames(galax) = %q", got)
	}
}

// A list fetched for one LIVE holds that region's gifts; with the built-in
// list behind it, the others are still found, and it still says it is the
// fetched one.
func TestGiftListWithFallback(t *testing.T) {
	at := time.Date(2026, 12, 3, 18, 4, 0, 0, time.UTC)
	fetched := tiktok.NewGiftList([]tiktok.GiftInfo{{ID: 5655, Name: "Rose", Diamonds: 1, Combo: true}, {ID: 990001, Name: "Brand New", Diamonds: 7}}, tiktok.GiftsCached, at, "@creeper_queen")
	l := fetched.WithFallback(tiktok.BuiltinGifts())
	if g, err := l.Resolve("Brand New"); err != nil || g.ID != 990001 {
		t.Errorf("Brand New: %+v %v", g, err)
	}
	if g, err := l.Resolve("rose"); err != nil || !g.Combo {
		t.Errorf("Rose comes from the fetched list (with its combo flag): %+v %v", g, err)
	}
	if g, err := l.Resolve("Galaxy"); err != nil || g.ID != 11046 {
		t.Errorf("Galaxy from the built-in list: %+v %v", g, err)
	}
	if l.Len() != tiktok.BuiltinGifts().Len()+1 || l.Source != tiktok.GiftsCached {
		t.Errorf("%d gifts, source %v", l.Len(), l.Source)
	}
	if d := l.Describe(); !strings.HasPrefix(d, "cached from 2026-12-0") || !strings.Contains(d, "@creeper_queen") {
		t.Errorf("Describe = %q", d)
	}
	fresh := tiktok.NewGiftList(nil, tiktok.GiftsFresh, at, "@creeper_queen")
	if d := fresh.Describe(); d != "fresh from TikTok (its list for @creeper_queen's LIVE)" {
		t.Errorf("Describe = %q", d)
	}
}

// Whatever a streamer types, Resolve returns a gift of the list or an
// error, never panics.
func FuzzResolve(f *testing.F) {
	for _, s := range []string{"Rose", "5655", "heart_me", "", "  ", "Galaxi", "99999999999999999999999", "ü", "\x00"} {
		f.Add(s)
	}
	l := tiktok.BuiltinGifts()
	f.Fuzz(func(t *testing.T, s string) {
		g, err := l.Resolve(s)
		if err != nil {
			if !errors.Is(err, tiktok.ErrUnknownGift) {
				t.Fatalf("Resolve(%q): %v", s, err)
			}
			return
		}
		if got, ok := l.ByID(g.ID); !ok || got != g {
			t.Fatalf("Resolve(%q) = %+v, not in the list", s, g)
		}
	})
}

package tiktok

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tikcraft/tikcraft/suggest"
)

// builtinGiftsJSON is the gift list built into tikcraft, for when TikTok
// cannot be asked. tools/giftlist writes it; docs/TIKTOK.md says where it
// comes from and how to make a new one.
//
//go:embed builtin_gifts.json
var builtinGiftsJSON []byte

// GiftSource says where a gift list came from.
type GiftSource int

// Where a gift list can come from.
const (
	GiftsBuiltIn GiftSource = iota // the list built into tikcraft
	GiftsCached                    // asked from TikTok earlier and kept in data_dir
	GiftsFresh                     // asked from TikTok just now
)

// GiftList is a list of gifts with the lookups a trigger name needs: by
// id, by name (exactly, ignoring case, or written as a trigger, "heart_me"),
// and close names for a typo. The zero value is an empty list.
type GiftList struct {
	Source GiftSource
	// Fetched is when TikTok sent the list: the day the built-in list was
	// taken, the time of a cached or fresh one.
	Fetched time.Time
	// From says where the list came from in words: the built-in list's
	// origin, or the account whose LIVE a fetched list is for ("@name").
	From  string
	gifts []GiftInfo
	byID  map[int64]int
}

// NewGiftList makes a list of gifts. A gift whose id is already in the
// list is left out (the first one wins).
func NewGiftList(gifts []GiftInfo, src GiftSource, fetched time.Time, from string) *GiftList {
	l := &GiftList{Source: src, Fetched: fetched, From: from, byID: make(map[int64]int, len(gifts))}
	for _, g := range gifts {
		if _, dup := l.byID[g.ID]; dup {
			continue
		}
		l.byID[g.ID] = len(l.gifts)
		l.gifts = append(l.gifts, g)
	}
	return l
}

// BuiltinGifts returns the list built into tikcraft.
func BuiltinGifts() *GiftList {
	var doc struct {
		Source string     `json:"source"`
		AsOf   string     `json:"as_of"`
		Gifts  []GiftInfo `json:"gifts"`
	}
	if err := json.Unmarshal(builtinGiftsJSON, &doc); err != nil {
		// The file is part of the program; TestBuiltinGifts keeps it valid.
		panic("tiktok/builtin_gifts.json: " + err.Error())
	}
	day, _ := time.Parse(time.DateOnly, doc.AsOf)
	return NewGiftList(doc.Gifts, GiftsBuiltIn, day, doc.Source)
}

// WithFallback returns a list that holds l's gifts and, after them, the
// gifts of fallback whose ids l lacks; lookups prefer l's. Source,
// Fetched and From are l's. A list fetched for one LIVE (its region's
// gifts) so still knows the gifts of the built-in list.
func (l *GiftList) WithFallback(fallback *GiftList) *GiftList {
	all := append(slices.Clone(l.Gifts()), fallback.Gifts()...)
	return NewGiftList(all, l.Source, l.Fetched, l.From)
}

// Gifts returns the gifts, in the list's order.
func (l *GiftList) Gifts() []GiftInfo {
	if l == nil {
		return nil
	}
	return slices.Clone(l.gifts)
}

// Len is the number of gifts.
func (l *GiftList) Len() int {
	if l == nil {
		return 0
	}
	return len(l.gifts)
}

// Describe says which list this is, for a streamer: "the built-in list
// (Tiktok2Mc's ..., as of 2026-04-03)", "cached from 2026-12-03 18:04 CET
// (TikTok's list for @name's LIVE)", "fresh from TikTok (... @name's LIVE)".
func (l *GiftList) Describe() string {
	switch l.Source {
	case GiftsCached:
		return fmt.Sprintf("cached from %s (TikTok's list for %s's LIVE)", l.Fetched.Local().Format("2006-01-02 15:04 MST"), l.From)
	case GiftsFresh:
		return fmt.Sprintf("fresh from TikTok (its list for %s's LIVE)", l.From)
	}
	return fmt.Sprintf("the built-in list (%s, as of %s)", l.From, l.Fetched.Format(time.DateOnly))
}

// ByID returns the gift with id.
func (l *GiftList) ByID(id int64) (GiftInfo, bool) {
	if l == nil {
		return GiftInfo{}, false
	}
	i, ok := l.byID[id]
	if !ok {
		return GiftInfo{}, false
	}
	return l.gifts[i], true
}

// ByName returns the gift called name: spelled exactly so, else ignoring
// case and spacing ("heart me"), else written the way a trigger names it
// ("heart_me", "HeartMe"). Where several gifts share a name (TikTok has
// two "Thumbs Up"), the exact spelling wins, then the cheapest, then the
// oldest (lowest id): the one a viewer most likely sends.
func (l *GiftList) ByName(name string) (GiftInfo, bool) {
	if l == nil {
		return GiftInfo{}, false
	}
	for _, same := range []func(GiftInfo) bool{
		func(g GiftInfo) bool { return g.Name == name },
		func(g GiftInfo) bool { return strings.EqualFold(squeeze(g.Name), squeeze(name)) },
		func(g GiftInfo) bool { k := triggerKey(name); return k != "" && triggerKey(g.Name) == k },
	} {
		var best *GiftInfo
		for i := range l.gifts {
			g := &l.gifts[i]
			if same(*g) && (best == nil || g.Diamonds < best.Diamonds || g.Diamonds == best.Diamonds && g.ID < best.ID) {
				best = g
			}
		}
		if best != nil {
			return *best, true
		}
	}
	return GiftInfo{}, false
}

// CloseNames returns up to max names of gifts that look like a typo of
// name, closest first: a couple of letters off, or containing it
// ("galax" finds "Galaxy" and "Galaxy Globe").
func (l *GiftList) CloseNames(name string, max int) []string {
	if l == nil || max <= 0 {
		return nil
	}
	key := triggerKey(name)
	if key == "" {
		return nil
	}
	names := make([]string, 0, len(l.gifts))
	keys := map[string]string{} // trigger key -> first name with it
	for _, g := range l.gifts {
		k := triggerKey(g.Name)
		if _, ok := keys[k]; !ok && k != "" {
			keys[k] = g.Name
			names = append(names, k)
		}
	}
	edits := 1
	switch {
	case len(key) >= 8:
		edits = 3
	case len(key) >= 5:
		edits = 2
	}
	var out []string
	for _, k := range suggest.Closest(key, names, edits) {
		out = append(out, keys[k])
	}
	if len(key) >= 3 {
		for _, k := range names {
			if strings.Contains(k, key) && !slices.Contains(out, keys[k]) {
				out = append(out, keys[k])
			}
		}
	}
	if len(out) > max {
		out = out[:max]
	}
	return out
}

// ErrUnknownGift is returned (wrapped in a *UnknownGiftError) by Resolve
// for a name or id that no gift of the list has.
var ErrUnknownGift = errors.New("no such gift")

// UnknownGiftError names what was looked up, the list it was looked up in
// and the gifts with close names.
type UnknownGiftError struct {
	What  string   // as given
	ID    bool     // What is an id
	List  string   // GiftList.Describe
	Close []string // close gift names, closest first
}

func (e *UnknownGiftError) Error() string {
	var b strings.Builder
	if e.ID {
		fmt.Fprintf(&b, "no gift has the id %s in %s", e.What, e.List)
	} else {
		fmt.Fprintf(&b, "no gift is called %q in %s", e.What, e.List)
	}
	if len(e.Close) > 0 {
		quoted := make([]string, len(e.Close))
		for i, n := range e.Close {
			quoted[i] = strconv.Quote(n)
		}
		fmt.Fprintf(&b, "; close names: %s", strings.Join(quoted, ", "))
	}
	b.WriteString(" (tikcraft gifts lists every gift)")
	return b.String()
}

// Is makes errors.Is(err, ErrUnknownGift) true.
func (e *UnknownGiftError) Is(target error) bool { return target == ErrUnknownGift }

// Resolve finds the gift a viewer would send for what a streamer typed: a
// gift id ("11046"), or a gift name in any spelling ByName accepts
// ("Galaxy", "heart me", "heart_me"). All-digit text is an id first and a
// name second (a gift is called "2026"). An unknown one is an
// *UnknownGiftError with close names.
func (l *GiftList) Resolve(nameOrID string) (GiftInfo, error) {
	s := strings.TrimSpace(nameOrID)
	isID := s != "" && strings.Trim(s, "0123456789") == ""
	if isID {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil {
			if g, ok := l.ByID(id); ok {
				return g, nil
			}
		}
	}
	if g, ok := l.ByName(s); ok {
		return g, nil
	}
	e := &UnknownGiftError{What: s, ID: isID, List: "the gift list"}
	if l != nil {
		e.List = l.Describe()
	}
	if !isID {
		e.Close = l.CloseNames(s, 5)
	}
	return GiftInfo{}, e
}

// squeeze collapses runs of spaces, so "Music  Album" is "Music Album".
func squeeze(s string) string { return strings.Join(strings.Fields(s), " ") }

// triggerKey is a name as a trigger matches it: lower case, letters and
// digits only ("Heart Me", "heart_me" and "HeartMe" are all "heartme"),
// as actions.Normalize does.
func triggerKey(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

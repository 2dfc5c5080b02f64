package overlay

import (
	"cmp"
	"slices"
	"strconv"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/actions"
	"github.com/tikcraft/tikcraft/clip"
)

// FeedItem is one line of /overlay/feed. User and Text come from viewers:
// the page shows them as text, never as markup.
type FeedItem struct {
	ID   int64  `json:"id"`
	Type string `json:"type"`
	User string `json:"user"`
	Text string `json:"text,omitempty"`
}

// Feed keeps the last events of the configured kinds.
type Feed struct {
	size     int
	kinds    map[string]bool
	followed map[string]bool // a refollow is not shown again
	NextID   int64           `json:"next_id"`
	Items    []FeedItem      `json:"items"` // oldest first
}

// NewFeed returns an empty feed.
func NewFeed(cfg FeedConfig) *Feed {
	cfg = Config{Feed: cfg}.fill().Feed
	f := &Feed{size: cfg.Size, kinds: map[string]bool{}, followed: map[string]bool{}}
	for _, k := range cfg.Kinds {
		f.kinds[k] = true
	}
	return f
}

// Reset empties the feed.
func (f *Feed) Reset() { f.Items = nil; clear(f.followed) }

// Add shows ev if it is of a kind the feed shows; a gift streak shows once,
// when it ends, and a viewer's follow once. It reports whether the feed changed.
func (f *Feed) Add(ev tikcraft.Event) bool {
	if !f.kinds[string(ev.Type())] {
		return false
	}
	it := FeedItem{Type: string(ev.Type())}
	switch e := ev.(type) {
	case *tikcraft.GiftEvent:
		if e.Streaking() {
			return false
		}
		it.User = e.User.DisplayName()
		it.Text = e.Gift.Name
		if it.Text == "" {
			it.Text = "gift " + strconv.FormatInt(e.Gift.ID, 10)
		}
		if n := e.Count(); n > 1 {
			it.Text += " x" + strconv.FormatInt(n, 10)
		}
	case *tikcraft.ChatEvent:
		it.User, it.Text = e.User.DisplayName(), e.Text
	case *tikcraft.LikeEvent:
		it.User, it.Text = e.User.DisplayName(), "x"+strconv.FormatInt(max(e.Count, 1), 10)
	case *tikcraft.FollowEvent:
		k := e.User.Key()
		if k != "" && f.followed[k] {
			return false // unfollow and refollow spam shows once
		}
		if k != "" && len(f.followed) < maxGiftersTracked {
			f.followed[k] = true
		}
		it.User = e.User.DisplayName()
	case *tikcraft.ShareEvent:
		it.User = e.User.DisplayName()
	case *tikcraft.SubscribeEvent:
		it.User = e.User.DisplayName()
	case *tikcraft.JoinEvent:
		it.User = e.User.DisplayName()
	default:
		return false
	}
	it.User, it.Text = clip.String(actions.DisplayText(it.User), 64), clip.String(actions.DisplayText(it.Text), 200)
	f.NextID++
	it.ID = f.NextID
	f.Items = append(f.Items, it)
	if len(f.Items) > f.size {
		f.Items = append(f.Items[:0], f.Items[len(f.Items)-f.size:]...)
	}
	return true
}

// Gifter is one line of /overlay/top.
type Gifter struct {
	Key      string `json:"key"`
	Name     string `json:"name"`
	Diamonds int64  `json:"diamonds"`
	Gifts    int64  `json:"gifts"`
}

// Top counts the session's gifts per viewer, by diamonds. The list of the
// first size gifters is kept between changes that cannot alter it, so a
// LIVE with a thousand gifters does not sort them for every gift.
type Top struct {
	size  int
	by    map[string]*Gifter
	list  []Gifter // the first size gifters, in order, while !stale
	stale bool
}

// NewTop returns an empty top list.
func NewTop(cfg TopConfig) *Top {
	return &Top{size: Config{Top: cfg}.fill().Top.Size, by: map[string]*Gifter{}}
}

// Reset forgets every gifter.
func (t *Top) Reset() { clear(t.by); t.list, t.stale = t.list[:0], false }

// Add counts a gift; a streak counts once, when it ends. It reports whether
// the list may have changed.
func (t *Top) Add(e *tikcraft.GiftEvent) bool {
	if e.Streaking() {
		return false
	}
	key := e.User.Key()
	if key == "" {
		key = "name:" + e.User.Name()
	}
	n := min(e.Count(), 1_000_000)
	g := t.by[key]
	if g == nil {
		if len(t.by) >= maxGiftersTracked {
			t.trim()
		}
		g = &Gifter{Key: key}
		t.by[key] = g
	}
	g.Name = clip.String(actions.DisplayText(e.User.DisplayName()), 64)
	g.Gifts += n
	g.Diamonds += max(e.Gift.Diamonds, 0) * n
	// Only a gifter on the list, or one who now beats its last, changes it.
	if !t.stale && (len(t.list) < t.size || !before(t.list[len(t.list)-1], *g) || t.listed(key)) {
		t.stale = true
	}
	return true
}

func (t *Top) listed(key string) bool {
	for _, g := range t.list {
		if g.Key == key {
			return true
		}
	}
	return false
}

// before orders gifters: the most diamonds first, then the most gifts,
// then by name and key, so the order never depends on the map's.
func before(a, b Gifter) bool { return compareGifters(a, b) < 0 }

func compareGifters(a, b Gifter) int {
	return cmp.Or(cmp.Compare(b.Diamonds, a.Diamonds), cmp.Compare(b.Gifts, a.Gifts), cmp.Compare(a.Name, b.Name), cmp.Compare(a.Key, b.Key))
}

// trim forgets the smaller half of the gifters, so memory stays bounded
// in a LIVE with very many of them.
func (t *Top) trim() {
	all := t.sorted()
	for _, g := range all[len(all)/2:] {
		delete(t.by, g.Key)
	}
	t.stale = true
}

func (t *Top) sorted() []Gifter {
	all := make([]Gifter, 0, len(t.by))
	for _, g := range t.by {
		all = append(all, *g)
	}
	slices.SortFunc(all, compareGifters)
	return all
}

// List returns the top gifters, the most diamonds first.
func (t *Top) List() []Gifter {
	if t.stale || len(t.list) == 0 && len(t.by) > 0 {
		// The first size of all by insertion: a few comparisons per
		// gifter, most of them against the list's last.
		t.list = t.list[:0]
		for _, g := range t.by {
			if len(t.list) == t.size && !before(*g, t.list[len(t.list)-1]) {
				continue
			}
			i, _ := slices.BinarySearchFunc(t.list, *g, compareGifters)
			if len(t.list) < t.size {
				t.list = append(t.list, Gifter{})
			}
			copy(t.list[i+1:], t.list[i:])
			t.list[i] = *g
		}
		t.stale = false
	}
	return slices.Clone(t.list)
}

func (t *Top) save() []Gifter { return t.sorted() }

func (t *Top) restore(gs []Gifter) {
	t.Reset()
	for _, g := range gs {
		if g.Key != "" && len(t.by) < maxGiftersTracked {
			g := g
			g.Name = actions.DisplayText(g.Name)
			t.by[g.Key] = &g
		}
	}
	t.stale = true
}

package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tikcraft/tikcraft/actions"
	"github.com/tikcraft/tikcraft/tiktok"
)

// GiftsOptions are the gifts command's flags.
type GiftsOptions struct {
	Options
	User    string // --user; default tiktok.user
	Refresh bool   // ask TikTok even if the cached list is recent
	// MaxAge is how long the cached list is used. Default 24h.
	MaxAge time.Duration
	Now    func() time.Time
}

// giftCacheFile is the cached gift list in data_dir.
const giftCacheFile = "gifts.json"

type giftCache struct {
	User    string            `json:"user"`
	Fetched time.Time         `json:"fetched"`
	Gifts   []tiktok.GiftInfo `json:"gifts"`
}

// Gifts lists the gifts TikTok offers in the account's LIVE (id, name,
// diamonds), cheapest first, and which rule of the actions file each one
// runs. The list comes from TikTok through the connector and is kept in
// data_dir for a day; when TikTok cannot be reached, an older list is
// shown with its age.
func Gifts(ctx context.Context, g GiftsOptions) error {
	g.defaults()
	if g.MaxAge <= 0 {
		g.MaxAge = 24 * time.Hour
	}
	if g.Now == nil {
		g.Now = time.Now
	}
	s, err := Load(g.Options, false)
	if s == nil {
		return err
	}
	// Rules are only for the extra column; a broken actions file must not
	// stop the listing.
	var rules *actions.File
	if err == nil {
		rules = s.Actions
	}
	user := g.User
	if user == "" {
		user = s.Config.TikTok.User
	}
	if strings.TrimSpace(user) == "" {
		return errors.New("gifts: say whose LIVE: tikcraft gifts --user @name (or set tiktok.user in tikcraft.yaml)")
	}
	name, err := tiktok.NormalizeUser(user)
	if err != nil {
		return err
	}
	path := filepath.Join(s.Config.DataDir, giftCacheFile)
	cached, _ := readGiftCache(path)
	note := ""
	var list []tiktok.GiftInfo
	switch {
	case cached != nil && !g.Refresh && strings.EqualFold(cached.User, name) && g.Now().Sub(cached.Fetched) < g.MaxAge:
		list = cached.Gifts
		note = fmt.Sprintf("from %s, fetched %s ago (--refresh asks TikTok again)", path, friendlyAge(g.Now().Sub(cached.Fetched)))
	default:
		t := s.Config.TikTok
		c, err := tiktok.New(tiktok.Config{User: name, SignServer: t.SignServer, APIKey: t.SignAPIKey.Reveal(), WebBase: t.WebBase, Log: g.Log})
		if err != nil {
			return err
		}
		fetched, ferr := c.Gifts(ctx)
		switch {
		case ferr == nil:
			list = fetched
			note = fmt.Sprintf("from TikTok, for @%s's LIVE", name)
			if err := writeGiftCache(path, giftCache{User: name, Fetched: g.Now().UTC(), Gifts: fetched}); err != nil {
				g.Log.Warn("could not keep the gift list in data_dir", "error", err.Error())
			}
		case cached != nil && !errors.Is(ferr, tiktok.ErrUserNotFound):
			list = cached.Gifts
			note = fmt.Sprintf("TikTok could not be asked (%v); this is the list in %s from %s ago", ferr, path, friendlyAge(g.Now().Sub(cached.Fetched)))
		default:
			return ferr
		}
	}
	sort.SliceStable(list, func(i, j int) bool {
		if list[i].Diamonds != list[j].Diamonds {
			return list[i].Diamonds < list[j].Diamonds
		}
		return list[i].Name < list[j].Name
	})
	tw := tabwriter.NewWriter(g.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "id\tname\tdiamonds\trule")
	for _, gi := range list {
		rule := ""
		if r := rules.MatchGift(gi.Name, gi.ID, gi.Diamonds); r != nil {
			rule = r.Trigger
		}
		// Names come from TikTok: quoted, so they cannot break the table.
		fmt.Fprintf(tw, "%d\t%s\t%d\t%s\n", gi.ID, strconv.Quote(gi.Name), gi.Diamonds, rule)
	}
	tw.Flush()
	fmt.Fprintf(g.Stdout, "%d gifts %s; write a rule by id, e.g. %d:/say thanks {user}\n", len(list), note, exampleID(list))
	return nil
}

func exampleID(list []tiktok.GiftInfo) int64 {
	for _, g := range list {
		if g.Name == "Galaxy" {
			return g.ID
		}
	}
	if len(list) > 0 {
		return list[len(list)-1].ID
	}
	return 11046
}

func readGiftCache(path string) (*giftCache, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var c giftCache
	if err := json.Unmarshal(b, &c); err != nil || len(c.Gifts) == 0 {
		return nil, fmt.Errorf("%s is not a gift list", path)
	}
	return &c, nil
}

// writeGiftCache replaces the cache through a temporary file, so a reader
// never sees half of it.
func writeGiftCache(path string, c giftCache) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	b, err := json.MarshalIndent(c, "", " ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".gifts-*.json")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func friendlyAge(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "less than a minute"
	case d < time.Hour:
		return fmt.Sprintf("%d minutes", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d hours", int(d.Hours()))
	}
	return fmt.Sprintf("%d days", int(d.Hours()/24))
}

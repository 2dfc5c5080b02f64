package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tikcraft/tikcraft/atomicfile"
	"github.com/tikcraft/tikcraft/tiktok"
	"github.com/tikcraft/tikcraft/userfile"
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

// Gifts lists the gifts (id, name, diamonds), cheapest first, and which
// rule of the actions file each one runs. The list is TikTok's for the
// account's LIVE when TikTok can be asked (kept in data_dir for a day),
// else the one kept earlier, else the list built into tikcraft; the last
// line says which it is.
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
	// Rules are only for the extra column: errors elsewhere in the files
	// (tiktok.user still the example, a broken line) must not stop the
	// listing.
	rules := s.Actions
	user := g.User
	if user == "" {
		user = s.Config.TikTok.User
		if n, err := tiktok.NormalizeUser(user); err == nil && isExampleUser(n) {
			user = ""
		}
	}
	var name string
	if strings.TrimSpace(user) != "" {
		if name, err = tiktok.NormalizeUser(user); err != nil {
			return err
		}
	}
	path := filepath.Join(s.Config.DataDir, giftCacheFile)
	cached, cacheErr := readGiftCache(path)
	var list *tiktok.GiftList
	var note string
	switch {
	case name == "":
		list = cached.orBuiltin()
		note = "to ask TikTok for the gifts of your LIVE, give --user @name (or set tiktok.user in tikcraft.yaml)"
	case cached != nil && !g.Refresh && strings.EqualFold(cached.User, name) && g.Now().Sub(cached.Fetched) < g.MaxAge:
		list = cached.orBuiltin()
		note = fmt.Sprintf("kept in %s, fetched %s ago (--refresh asks TikTok again)", path, friendlyAge(g.Now().Sub(cached.Fetched)))
	default:
		t := s.Config.TikTok
		c, err := tiktok.New(tiktok.Config{User: name, SignServer: t.SignServer, APIKey: t.SignAPIKey.Reveal(), WebBase: t.WebBase, Log: g.Log})
		if err != nil {
			return err
		}
		fetched, ferr := c.Gifts(ctx)
		switch {
		case ferr == nil:
			now := g.Now().UTC()
			list = tiktok.NewGiftList(fetched, tiktok.GiftsFresh, now, "@"+name)
			note = "kept in " + path
			if err := writeGiftCache(path, giftCache{User: name, Fetched: now, Gifts: fetched}); err != nil {
				g.Log.Warn("could not keep the gift list in data_dir", "error", err.Error())
				note = "could not keep it in " + path + ": " + err.Error()
			}
		case errors.Is(ferr, tiktok.ErrUserNotFound):
			return ferr
		default:
			list = cached.orBuiltin()
			note = fmt.Sprintf("TikTok could not be asked: %v", ferr)
			if cached != nil {
				note += fmt.Sprintf(" (this list is %s old)", friendlyAge(g.Now().Sub(cached.Fetched)))
			}
		}
	}
	if cacheErr != nil && list.Source == tiktok.GiftsBuiltIn {
		giftCacheWarning(g.Log, cacheErr)
	}
	gifts := list.Gifts()
	sort.SliceStable(gifts, func(i, j int) bool {
		if gifts[i].Diamonds != gifts[j].Diamonds {
			return gifts[i].Diamonds < gifts[j].Diamonds
		}
		return gifts[i].Name < gifts[j].Name
	})
	tw := tabwriter.NewWriter(g.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "id\tname\tdiamonds\trule")
	for _, gi := range gifts {
		rule := ""
		if r := rules.MatchGift(gi.Name, gi.ID, gi.Diamonds); r != nil {
			rule = r.Trigger
		}
		// Names come from TikTok: quoted, so they cannot break the table.
		fmt.Fprintf(tw, "%d\t%s\t%d\t%s\n", gi.ID, strconv.Quote(gi.Name), gi.Diamonds, rule)
	}
	tw.Flush()
	fmt.Fprintf(g.Stdout, "%d gifts, %s; %s\n", len(gifts), list.Describe(), note)
	fmt.Fprintf(g.Stdout, "write a rule by name or id, e.g. %d:/say thanks {user}\n", exampleID(gifts))
	return nil
}

// knownGifts is the gift list to look names and ids up in without asking
// TikTok: the one `tikcraft gifts` kept in dataDir (whoever's LIVE it was
// for, however old), with the built-in list behind it for the gifts of
// other regions; or the built-in list alone. problem says why a kept list
// is there but cannot be used (nil when there is none): the caller tells
// the streamer (giftCacheWarning), once.
func knownGifts(dataDir string) (list *tiktok.GiftList, problem error) {
	cached, err := readGiftCache(filepath.Join(dataDir, giftCacheFile))
	if cached == nil {
		return tiktok.BuiltinGifts(), err
	}
	return cached.orBuiltin().WithFallback(tiktok.BuiltinGifts()), nil
}

// giftCacheWarning is the one line that tells the streamer a kept gift
// list cannot be used, and what to do; problem, from readGiftCache, names
// the file.
func giftCacheWarning(log *slog.Logger, problem error) {
	log.Warn("the gift list kept in data_dir cannot be used, so tikcraft looks gift names up in its built-in list: "+giftCacheAdvice,
		"error", problem.Error())
}

// giftCacheAdvice says what to do with a kept gift list that cannot be used.
const giftCacheAdvice = "delete the file, and `tikcraft gifts` keeps a new one"

// orBuiltin is the kept list, or the built-in one when there is none.
func (c *giftCache) orBuiltin() *tiktok.GiftList {
	if c == nil {
		return tiktok.BuiltinGifts()
	}
	return tiktok.NewGiftList(c.Gifts, tiktok.GiftsCached, c.Fetched, "@"+c.User)
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

// giftCacheKind is the kept gift list for userfile.Read: TikTok's list is
// a few hundred KB; the cap keeps a wrong file from filling the memory.
var giftCacheKind = userfile.Kind{Name: "kept gift list", Max: 8 << 20}

// readGiftCache reads the kept gift list at path; none there is nil, nil.
func readGiftCache(path string) (*giftCache, error) {
	b, err := userfile.Read(path, giftCacheKind)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var c giftCache
	if err := json.Unmarshal(b, &c); err != nil || len(c.Gifts) == 0 {
		return nil, fmt.Errorf("%s is not a gift list tikcraft can read", path)
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
	return atomicfile.Write(path, b, 0o600)
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

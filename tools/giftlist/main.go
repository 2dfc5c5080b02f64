// Command giftlist writes tiktok/builtin_gifts.json, the gift list built
// into tikcraft for when TikTok cannot be asked (tikcraft gifts offline,
// the test panel, migrate, check). It reads a gift list in any of the
// forms one comes in:
//
//   - tikcraft's own cache, data_dir/gifts.json, which `tikcraft gifts
//     --user @name --refresh` writes on a machine that reaches TikTok;
//   - TikTok's webcast/gift/list/ answer: {"data":{"gifts":[{"id","name","diamond_count"}]}};
//   - Tiktok2Mc's defaults/gifts.json: [{"name","coins","id"}].
//
// Run it from the repository root, naming where the list came from:
//
//	go run ./tools/giftlist -source "TikTok's gift list for @name" -as-of 2026-12-03 tikcraft-data/gifts.json
//
// Several files may be given: a gift (by id) is taken from the first file
// that has it. Names are trimmed; gifts without an id or name are left out.
package main

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"
)

// gift is one line of the built-in list.
type gift struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Diamonds int64  `json:"diamonds"`
}

func main() {
	out := flag.String("out", "tiktok/builtin_gifts.json", "file to write")
	source := flag.String("source", "", "where the list came from, said by `tikcraft gifts` (required)")
	asOf := flag.String("as-of", "", "the day the list was taken from TikTok, YYYY-MM-DD (required)")
	flag.Parse()
	if err := run(*out, *source, *asOf, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "giftlist:", err)
		os.Exit(1)
	}
}

func run(out, source, asOf string, files []string) error {
	if source == "" || asOf == "" || len(files) == 0 {
		return errors.New("usage: go run ./tools/giftlist -source TEXT -as-of YYYY-MM-DD FILE...")
	}
	if _, err := time.Parse(time.DateOnly, asOf); err != nil {
		return fmt.Errorf("-as-of %q: write the day as YYYY-MM-DD", asOf)
	}
	var all []gift
	seen := map[int64]bool{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		gifts, err := parse(b)
		if err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		for _, g := range gifts {
			if !seen[g.ID] {
				seen[g.ID] = true
				all = append(all, g)
			}
		}
	}
	return os.WriteFile(out, format(source, asOf, all), 0o644)
}

// parse reads any of the three forms.
func parse(b []byte) ([]gift, error) {
	type entry struct {
		ID           json.Number `json:"id"`
		Name         string      `json:"name"`
		Diamonds     *int64      `json:"diamonds"`
		DiamondCount *int64      `json:"diamond_count"`
		Coins        *int64      `json:"coins"`
	}
	var list []entry
	if bytes.HasPrefix(bytes.TrimSpace(b), []byte("[")) {
		if err := json.Unmarshal(b, &list); err != nil {
			return nil, err
		}
	} else {
		var doc struct {
			Gifts []entry `json:"gifts"` // tikcraft's cache
			Data  *struct {
				Gifts []entry `json:"gifts"`
			} `json:"data"` // TikTok's answer
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			return nil, err
		}
		list = doc.Gifts
		if doc.Data != nil {
			list = append(list, doc.Data.Gifts...)
		}
	}
	var out []gift
	for _, e := range list {
		id, err := e.ID.Int64()
		name := strings.Join(strings.Fields(e.Name), " ")
		if err != nil || id <= 0 || name == "" {
			continue
		}
		var d int64
		for _, p := range []*int64{e.Diamonds, e.DiamondCount, e.Coins} {
			if p != nil {
				d = *p
				break
			}
		}
		out = append(out, gift{ID: id, Name: name, Diamonds: d})
	}
	if len(out) == 0 {
		return nil, errors.New("no gifts in it (expected tikcraft's gifts.json, TikTok's gift list answer or Tiktok2Mc's gifts.json)")
	}
	return out, nil
}

// format writes the list cheapest first, one gift a line, so that a new
// list shows as a readable diff.
func format(source, asOf string, gifts []gift) []byte {
	slices.SortFunc(gifts, func(a, b gift) int {
		return cmp.Or(cmp.Compare(a.Diamonds, b.Diamonds), strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), cmp.Compare(a.ID, b.ID))
	})
	var b bytes.Buffer
	head, _ := json.Marshal(map[string]string{"source": source, "as_of": asOf})
	b.Write(head[:len(head)-1])
	b.WriteString(",\n\"gifts\": [\n")
	for i, g := range gifts {
		line, _ := json.Marshal(g)
		b.Write(line)
		if i < len(gifts)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("]}\n")
	return b.Bytes()
}

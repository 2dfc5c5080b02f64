package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// The three forms a gift list comes in give the same built-in list,
// cheapest first, one gift a line, names trimmed; a gift in two files is
// taken from the first.
func TestGiftListFromEachForm(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"cache.json":     `{"user":"x","fetched":"2026-12-03T18:00:00Z","gifts":[{"id":11046,"name":"Galaxy","diamonds":1000,"combo":false}]}`,
		"tiktok.json":    `{"status_code":0,"data":{"gifts":[{"id":5655,"name":"Rose","diamond_count":1,"type":1},{"id":11046,"name":"Other Galaxy","diamond_count":9}]}}`,
		"tiktok2mc.json": `[{"name":"Heart Me ","coins":1,"id":7934},{"name":"Music  Album","coins":1,"id":17085},{"name":"","coins":1,"id":1}]`,
	}
	var paths []string
	for _, name := range []string{"cache.json", "tiktok.json", "tiktok2mc.json"} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(files[name]), 0o644)
		paths = append(paths, p)
	}
	out := filepath.Join(dir, "builtin_gifts.json")
	if err := run(out, "a test", "2026-12-03", paths); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(out)
	var doc struct {
		Source string `json:"source"`
		Gifts  []gift `json:"gifts"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	want := []gift{{7934, "Heart Me", 1}, {17085, "Music Album", 1}, {5655, "Rose", 1}, {11046, "Galaxy", 1000}}
	if !slices.Equal(doc.Gifts, want) || doc.Source != "a test" {
		t.Fatalf("got %+v\n%s", doc.Gifts, b)
	}
	if err := run(out, "", "2026-12-03", paths); err == nil {
		t.Error("no -source was accepted")
	}
	if err := run(out, "x", "yesterday", paths); err == nil {
		t.Error("a bad -as-of was accepted")
	}
}

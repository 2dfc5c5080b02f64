package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tikcraft/tikcraft/userfile"
)

// The config file is read only as an ordinary file of at most MaxFileSize:
// the YAML parser takes about a megabyte of memory per kilobyte of keys.
func TestFileRefusesWhatIsNotAConfigFile(t *testing.T) {
	dir := t.TempDir()
	folder := filepath.Join(dir, "folder.yaml")
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, []byte(strings.Repeat("# a comment\n", 48000)), 0o644); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		folder: folder + " is a folder, not a file: tikcraft reads the config file only from an ordinary file",
		big:    big + " is 562.5 KB, more than the 512 KB allowed for the config file: tikcraft.yaml is a few KB",
	} {
		if _, err := File(path); !errors.As(err, new(*userfile.Error)) || !strings.Contains(err.Error(), want) {
			t.Errorf("got %v; want %q", err, want)
		}
	}
	ok := filepath.Join(dir, "tikcraft.yaml")
	if err := os.WriteFile(ok, []byte("tiktok: {user: \"@anna\"}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if l, err := File(ok); err != nil || l.Name != ok || string(l.Data) != "tiktok: {user: \"@anna\"}\n" {
		t.Fatalf("got %+v, %v", l, err)
	}
}

// YAML nested thousands deep is refused before it is parsed: the parser's
// memory grows with the square of the nesting (10,000 levels of "- ", 20
// KB, took 350 MB), far under the size cap.
func TestLoadRefusesDeepNesting(t *testing.T) {
	for _, deep := range []string{strings.Repeat("- ", 10000) + "x\n", "tiktok:\n  user: " + strings.Repeat("[", 10000) + "\n"} {
		_, diags, err := Load(Layer{Name: "tikcraft.yaml", Data: []byte(deep)})
		if err == nil || len(diags) == 0 || !strings.Contains(diags[0].String(), "tikcraft.yaml:") || !strings.Contains(diags[0].String(), ": error: the YAML nests more than 100 levels deep here") {
			t.Errorf("got %v, %v", diags, err)
		}
	}
}

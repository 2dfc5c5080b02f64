package tiktok2mc

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A folder where a file is expected is refused with what it is, never
// skipped as if there were no such file (the report would then say the
// Tiktok2Mc folder has none).
func TestConvertRefusesAFolderInPlaceOfAFile(t *testing.T) {
	const cfg = "RCON:\n  Port: 25575\n  Password: x\nTikTok:\n  User: anna\n"
	for _, name := range []string{"config/config.yaml", "data/actions.mca", "data/comment_commands.yaml", "data/event_commands.yaml", "data/shell_actions.txt", "data/http_actions.txt", "hooks/random/config.yaml"} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if name != "config/config.yaml" {
				writeT(t, filepath.Join(dir, "config", "config.yaml"), cfg)
			}
			if err := os.MkdirAll(filepath.Join(dir, filepath.FromSlash(name)), 0o755); err != nil {
				t.Fatal(err)
			}
			res, err := Convert(dir)
			want := filepath.Join(dir, filepath.FromSlash(name)) + " is a folder, not a file"
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("got %v, %v; want an error saying %q", res, err, want)
			}
		})
	}
}

// A YAML file nested thousands deep is refused before it is parsed: 64 KB
// of "[" would take gigabytes in the YAML parser.
func TestConvertRefusesDeepNesting(t *testing.T) {
	dir := t.TempDir()
	writeT(t, filepath.Join(dir, "config", "config.yaml"), "RCON:\n  Port: 25575\n"+strings.Repeat("- ", 20000)+"x\n")
	res, err := Convert(dir)
	want := filepath.Join(dir, "config", "config.yaml") + ":3:201: the YAML nests more than 100 levels deep here"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("got %v, %v; want an error saying %q", res, err, want)
	}
}

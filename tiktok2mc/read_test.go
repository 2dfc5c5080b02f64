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

// A file that is not text (a program, a picture, a zip saved under a
// Tiktok2Mc file's name) is refused, naming it and where its first NUL
// byte is: an actions.mca so came out as comments, a config.yaml as a
// YAML error that did not say why.
func TestConvertRefusesAFileThatIsNotText(t *testing.T) {
	const cfg = "RCON:\n  Port: 25575\n  Password: x\nTikTok:\n  User: anna\n"
	binary := "PK\x03\x04\x14\x00\x00\x00\x08\x00 not text"
	for _, c := range []struct{ name, content, at string }{
		{"data/actions.mca", "rose:/say hi\n" + binary, ":2:6: "},
		{"data/shell_actions.txt", binary, ":1:6: "},
		{"config/config.yaml", "tiktok: {user: anna}\x00\n", ":1:21: "},
		{"plugins/timer/config.yaml", binary, ":1:6: "},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			if c.name != "config/config.yaml" {
				writeT(t, filepath.Join(dir, "config", "config.yaml"), cfg)
			}
			writeT(t, filepath.Join(dir, filepath.FromSlash(c.name)), c.content)
			res, err := Convert(dir)
			want := filepath.Join(dir, filepath.FromSlash(c.name)) + c.at + "this is not text: it holds NUL bytes, as a program, a picture or a zip file does; so does a file saved as UTF-16 (\"Unicode\") without its byte order mark, which should be saved as UTF-8; otherwise it is not a Tiktok2Mc file; give the folder with Tiktok2Mc's own config.yaml and actions.mca"
			if err == nil || err.Error() != want {
				t.Fatalf("got %v, %v; want the error %q", res, err, want)
			}
		})
	}
}

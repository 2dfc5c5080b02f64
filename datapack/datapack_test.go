package datapack

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/actions"
	"github.com/tikcraft/tikcraft/rcon"
	"github.com/tikcraft/tikcraft/rcon/rcontest"
)

const rules = `rose:/execute at @a run summon creeper ~ ~ ~3; /tellraw @a {"text":"{nickname} sent {count} roses"}
lion:/execute at @a run summon minecraft:zombie ~ ~ ~ x500 # ignore-lag
coins 100+:/say big {coins} from {user}; /say thanks
one:/say just one command
oper:/say bye; /execute as @a run kick {user}
macro:/say $(odd); /say x
money:!eco give {user} 10
alert:>>{nickname}|hi|3
rnd:$random
slow:/say a; $wait 2s; /say b
`

func parse(t testing.TB, src string) *actions.File {
	t.Helper()
	f, diags := actions.Parse("actions.mca", []byte(src), actions.Options{})
	for _, d := range diags {
		if d.Severity == actions.Error {
			t.Fatal(d)
		}
	}
	return f
}

func TestBuildWritesFunctionsForPlainRules(t *testing.T) {
	f := parse(t, rules)
	p, err := Build(f, "1.21.4")
	if err != nil {
		t.Fatal(err)
	}
	files := p.Files()
	want := map[string]string{
		"data/tikcraft/function/rose.mcfunction":          "$tellraw @a {\"text\":\"$(nickname) sent $(count) roses\"}\n",
		"data/tikcraft/function/coins_100plus.mcfunction": "$say big $(coins) from $(user)\nsay thanks\n",
	}
	for path, tail := range want {
		if !strings.HasSuffix(string(files[path]), tail) {
			t.Errorf("%s:\n%s\nwant it to end with %q", path, files[path], tail)
		}
	}
	lion := string(files["data/tikcraft/function/lion.mcfunction"])
	if n := strings.Count(lion, "execute at @a run summon minecraft:zombie ~ ~ ~\n"); n != 500 {
		t.Errorf("lion has %d zombie lines, want 500", n)
	}
	for _, name := range []string{"money", "alert", "rnd", "slow", "one", "oper", "macro"} {
		if r := f.Lookup(name); p.Has(r) {
			t.Errorf("%s became a function; it must stay on RCON", name)
		}
	}
	var meta struct {
		Pack struct {
			PackFormat int `json:"pack_format"`
		} `json:"pack"`
	}
	if err := json.Unmarshal(files["pack.mcmeta"], &meta); err != nil || meta.Pack.PackFormat != 61 {
		t.Errorf("pack.mcmeta %s: %v", files["pack.mcmeta"], err)
	}
}

func TestCallPassesValuesAsArguments(t *testing.T) {
	f := parse(t, rules)
	p, _ := Build(f, "")
	hostile := `"}],"x":{"run":"op me"}\` + "\n§k@a"
	a, ok := p.Call(f.Lookup("rose"), actions.Vars{User: hostile, Nickname: hostile, Count: 3})
	if !ok {
		t.Fatal("rose is not in the pack")
	}
	want := `function tikcraft:rose {nickname:",x:run:op me ka",count:3}`
	if a.Command != want {
		t.Fatalf("call %q\nwant %q", a.Command, want)
	}
	if a, _ := p.Call(f.Lookup("lion"), actions.Vars{User: "anna"}); a.Command != "function tikcraft:lion" {
		t.Errorf("call %q", a.Command)
	}
}

func TestVersions(t *testing.T) {
	cases := map[string]int{"1.20.2": 18, "1.20.4": 26, "1.20.6": 41, "1.21": 48, "1.21.1": 48, "1.21.3": 57, "1.21.4": 61, "1.21.5": 71, "1.21.8": 81, "1.21.10": 88, "1.21.11": 94, "1.22": 0, "26.1": 0, "26.1.2": 0}
	for v, want := range cases {
		if got, err := Format(v); err != nil || got != want {
			t.Errorf("Format(%q) = %d, %v; want %d", v, got, err, want)
		}
	}
	for _, v := range []string{"1.20.1", "1.19", "2.0", "latest", "1.21.x", "", "26"} {
		if _, err := Format(v); err == nil {
			t.Errorf("Format(%q) accepted", v)
		}
	}
	_, folders, _ := packMeta("1.20.4")
	if len(folders) != 1 || folders[0] != "functions" {
		t.Errorf("1.20.4 folders %v", folders)
	}
}

func TestWriteOnlyWhenChanged(t *testing.T) {
	dir := t.TempDir()
	p, _ := Build(parse(t, rules), "1.21.4")
	if changed, err := p.Write(dir); err != nil || !changed {
		t.Fatalf("first write: %t %v", changed, err)
	}
	if changed, err := p.Write(dir); err != nil || changed {
		t.Fatalf("same pack again: %t %v", changed, err)
	}
	p2, _ := Build(parse(t, "rose:/say only rose\n"), "1.21.4")
	if changed, err := p2.Write(dir); err != nil || !changed {
		t.Fatalf("new rules: %t %v", changed, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "tikcraft", "data", "tikcraft", "function", "lion.mcfunction")); !os.IsNotExist(err) {
		t.Errorf("the removed rule's function is still there (%v)", err)
	}
	if _, err := p2.Write(filepath.Join(dir, "missing")); err == nil || !strings.Contains(err.Error(), "datapacks folder") {
		t.Errorf("missing folder: %v", err)
	}
	// Someone else's pack named tikcraft is never overwritten.
	other := t.TempDir()
	os.MkdirAll(filepath.Join(other, "tikcraft"), 0o755)
	os.WriteFile(filepath.Join(other, "tikcraft", "pack.mcmeta"), []byte(`{"pack":{"description":"mine","pack_format":48}}`), 0o644)
	if _, err := p2.Write(other); err == nil || !strings.Contains(err.Error(), "did not write") {
		t.Errorf("foreign pack: %v", err)
	}
}

// An x500 rule costs one RCON command in datapack mode instead of 500,
// against a real RCON server.
func TestX500IsOneCommand(t *testing.T) {
	srv := rcontest.Start(t, "pw-datapack")
	cl := rcon.New(rcon.Config{Address: srv.Addr(), Password: "pw-datapack"}, nil)
	defer cl.Close()
	f := parse(t, rules)
	p, _ := Build(f, "")
	a, _ := p.Call(f.Lookup("lion"), actions.Vars{User: "anna"})
	if err := cl.Deliver(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	if got := srv.Commands(); len(got) != 1 || got[0] != "function tikcraft:lion" {
		t.Fatalf("server got %q", got)
	}
}

func FuzzFormat(f *testing.F) {
	for _, s := range []string{"1.21.4", "1.20.2", "1.22.0", "1..2", "1.-1.2", "1.21.99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		n, err := Format(v)
		if err == nil && n != 0 && (n < formatMacros || n > maxFormat) {
			t.Fatalf("Format(%q) = %d", v, n)
		}
	})
}

func FuzzCall(f *testing.F) {
	for _, s := range []string{`"}]`, `\`, "a\nb", "§k", "@a[x]", "$(user)"} {
		f.Add(s)
	}
	file, _ := actions.Parse("a.mca", []byte("r:/say {user} {nickname}; /say {gift} {count}\n"), actions.Options{})
	p, _ := Build(file, "")
	f.Fuzz(func(t *testing.T, v string) {
		a, ok := p.Call(file.Lookup("r"), actions.Vars{User: v, Nickname: v, Gift: v, Count: 2})
		if !ok || a.Kind != tikcraft.KindCommand {
			t.Fatal("no call")
		}
		c := a.Command
		// Exactly four arguments, each a whole SNBT string or number.
		if strings.Count(c, `"`) != 6 || strings.Count(c, "{") != 1 || strings.Count(c, "}") != 1 || strings.ContainsAny(c, "\n\\") {
			t.Fatalf("%q changed the call's structure: %s", v, c)
		}
	})
}

func BenchmarkX500(b *testing.B) {
	f := parse(b, rules)
	p, _ := Build(f, "")
	lion := f.Lookup("lion")
	for _, mode := range []string{"rcon", "datapack"} {
		b.Run(mode, func(b *testing.B) {
			srv := rcontest.Start(b, "pw-bench")
			cl := rcon.New(rcon.Config{Address: srv.Addr(), Password: "pw-bench"}, nil)
			defer cl.Close()
			var cmds int
			for b.Loop() {
				acts := f.Fire(lion, actions.Vars{User: "anna"}, nil)
				if mode == "datapack" {
					a, _ := p.Call(lion, actions.Vars{User: "anna"})
					acts = []tikcraft.Action{a}
				}
				for _, a := range acts {
					if err := cl.Deliver(context.Background(), a); err != nil {
						b.Fatal(err)
					}
				}
				cmds += len(acts)
			}
			b.ReportMetric(float64(cmds)/float64(b.N), "commands/gift")
		})
	}
}

// Only function files tikcraft wrote are removed: one the streamer put in
// the pack's folder stays.
func TestWriteRemovesOnlyItsOwnFunctions(t *testing.T) {
	dir := t.TempDir()
	p, _ := Build(parse(t, rules), "1.21.4")
	if _, err := p.Write(dir); err != nil {
		t.Fatal(err)
	}
	fdir := filepath.Join(dir, Namespace, "data", Namespace, "function")
	mine := filepath.Join(fdir, "mine.mcfunction")
	os.WriteFile(mine, []byte("say my own function\n"), 0o644)
	p2, _ := Build(parse(t, "rose:/say a; /say b\n"), "1.21.4")
	if changed, err := p2.Write(dir); err != nil || !changed {
		t.Fatalf("changed %t, %v", changed, err)
	}
	if _, err := os.Stat(filepath.Join(fdir, "lion.mcfunction")); !os.IsNotExist(err) {
		t.Errorf("tikcraft's old lion function is still there (%v)", err)
	}
	if b, err := os.ReadFile(mine); err != nil || string(b) != "say my own function\n" {
		t.Errorf("the streamer's own function: %q, %v", b, err)
	}
}

// A file of the streamer's own with a rule's name is never overwritten:
// datapack mode stays on, that one rule goes over RCON with a warning
// naming the file, and the rest of the pack is written and used.
func TestWriteLeavesAFileItDidNotWrite(t *testing.T) {
	for _, version := range []string{"1.21.4", ""} {
		dir := t.TempDir()
		f := parse(t, rules)
		p, _ := Build(f, version)
		if _, err := p.Write(dir); err != nil {
			t.Fatal(err)
		}
		fdir := filepath.Join(dir, Namespace, "data", Namespace, "function")
		rose := filepath.Join(fdir, "rose.mcfunction")
		os.WriteFile(rose, []byte("say my own\n"), 0o644)
		lion := filepath.Join(fdir, "lion.mcfunction")
		os.Remove(lion)
		var logs bytes.Buffer
		live := Open(dir, version, f, slog.New(slog.NewTextHandler(&logs, nil)))
		if b, _ := os.ReadFile(rose); string(b) != "say my own\n" {
			t.Errorf("version %q: the streamer's rose.mcfunction became %q", version, b)
		}
		if _, err := os.Stat(lion); err != nil {
			t.Errorf("version %q: the rest of the pack was not written: %v", version, err)
		}
		pk := live.Pack()
		if pk.Has(f.Lookup("rose")) || !pk.Has(f.Lookup("lion")) {
			t.Errorf("version %q: rose a function %t, lion %t; want rose on RCON, lion a function", version, pk.Has(f.Lookup("rose")), pk.Has(f.Lookup("lion")))
		}
		if log := logs.String(); !strings.Contains(log, "level=WARN") || !strings.Contains(log, rose) || !strings.Contains(log, "rename or move") || strings.Contains(log, "level=ERROR") {
			t.Errorf("version %q: log\n%s\nwant a warning naming %s and what to do", version, log, rose)
		}
		if version == "" {
			// Its copy for older versions is tikcraft's and no longer used.
			if _, err := os.Stat(filepath.Join(dir, Namespace, "data", Namespace, "functions", "rose.mcfunction")); !os.IsNotExist(err) {
				t.Errorf("functions/rose.mcfunction is still there (%v)", err)
			}
		}
	}
}

// pack.mcmeta is read only up to a size no pack.mcmeta of tikcraft's
// reaches: a huge one is refused without being read into memory.
func TestWriteDoesNotReadAHugePackMeta(t *testing.T) {
	dir := t.TempDir()
	p, _ := Build(parse(t, rules), "")
	if _, err := p.Write(dir); err != nil {
		t.Fatal(err)
	}
	meta := filepath.Join(dir, Namespace, "pack.mcmeta")
	if err := os.Truncate(meta, 256<<20); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := p.Write(dir)
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), filepath.Dir(meta)) {
		t.Errorf("error %v; want a refusal naming %s", err, filepath.Dir(meta))
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 16<<20 {
		t.Errorf("Write allocated %d MB for a 256 MB pack.mcmeta", n>>20)
	}
}

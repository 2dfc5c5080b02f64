package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tikcraft/tikcraft/rcon/rcontest"
)

// A gift list kept in data_dir that cannot be used (a broken
// gifts.json) is not dropped silently: run says so in one warning line as
// it starts, naming the file and what to do, and check prints it; both go
// on with the built-in list.
func TestABrokenKeptGiftListIsSaid(t *testing.T) {
	t.Parallel()
	mc := rcontest.Start(t, "pw-for-gifts-test")
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "tikcraft.yaml"), fmt.Sprintf("rcon:\n  address: %s\n  password: pw-for-gifts-test\n", mc.Addr()))
	writeFile(t, filepath.Join(dir, "actions.mca"), "rose:/say rose {user}\n")
	writeFile(t, filepath.Join(dir, "events.jsonl"), `{"type":"follow","msg_id":"1","user":{"id":"1","unique_id":"anna"}}`+"\n")
	kept := filepath.Join("tikcraft-data", "gifts.json") // data_dir as tikcraft.yaml's folder gives it
	writeFile(t, filepath.Join(dir, kept), "<html>not a gift list</html>")

	out, errOut, code := tikcraft(t, dir, nil, "run", "--source", "replay:events.jsonl")
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	var said []string
	for _, l := range strings.Split(out+errOut, "\n") {
		if strings.Contains(l, "gift list kept in data_dir cannot be used") {
			said = append(said, l)
		}
	}
	if len(said) != 1 || !strings.Contains(said[0], kept) || !strings.Contains(said[0], "delete the file, and `tikcraft gifts` keeps a new one") {
		t.Fatalf("run said %q; want one line naming %s and what to do\n%s%s", said, kept, out, errOut)
	}

	out, errOut, code = tikcraft(t, dir, nil, "check")
	want := "warning: " + kept + " is not a gift list tikcraft can read; tikcraft looks gift names up in its built-in list meanwhile: delete the file, and `tikcraft gifts` keeps a new one"
	if code != 0 || strings.Count(out, want) != 1 {
		t.Fatalf("check: exit %d; want one %q\n%s%s", code, want, out, errOut)
	}
}

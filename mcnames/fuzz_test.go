package mcnames

import (
	"strings"
	"testing"
)

// FuzzCheck feeds any text to the tokenizer, the checker and Expect: they
// never panic, and every problem points at its word in the command.
func FuzzCheck(f *testing.F) {
	for _, c := range validCommands {
		f.Add(c)
	}
	for _, tc := range typos {
		f.Add(tc.command)
	}
	for _, s := range []string{
		"", " ", "~", "execute", "execute run", "execute run execute run", "return run", "item replace block ~",
		"fill ~ ~ ~", "setblock ~~~", "give @a {", "summon \"", "summon 'a b' ~", "give @a [[[", "give @a ]]}",
		"summon minecraft:", "summon :x", "summon #", "give @a *[", "effect give", "particle {x}", "summon Ж",
		"execute if score @s x matches", "execute store result block ~ ~ ~", "minecraft:", "MINECRAFT:SUMMON",
	} {
		f.Add(s)
	}
	n := For("1.21.4")
	f.Fuzz(func(t *testing.T, cmd string) {
		end := 0
		for _, tok := range tokenize(cmd) {
			if tok.start < end || tok.end <= tok.start || tok.end > len(cmd) || isSpace(cmd[tok.start]) {
				t.Fatalf("bad token %v after %d in %q", tok, end, cmd)
			}
			end = tok.end
		}
		if _, start, _ := n.Expect(cmd); start < 0 || start > len(cmd) {
			t.Fatalf("Expect(%q) starts the word at %d", cmd, start)
		}
		for _, p := range n.Check(cmd) {
			if p.Offset < 0 || p.Offset+len(p.Word) > len(cmd) || cmd[p.Offset:p.Offset+len(p.Word)] != p.Word || p.Word == "" {
				t.Fatalf("problem %+v does not point at its word in %q", p, cmd)
			}
			if p.Message == "" || !strings.Contains(p.Message, p.Word) {
				t.Fatalf("problem %+v has no message naming its word", p)
			}
		}
	})
}

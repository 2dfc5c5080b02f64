package serverprops

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/tikcraft/tikcraft/userfile"
)

// A server.properties as Minecraft writes it, with a few hand edits.
const vanilla = "#Minecraft server properties\r\n" +
	"#Sat Nov 22 18:00:00 CET 2026\r\n" +
	"enable-jmx-monitoring=false\r\n" +
	"rcon.port=25575\r\n" +
	"level-seed=\r\n" +
	"gamemode=survival\r\n" +
	"enable-rcon=false\r\n" +
	"motd=A Minecraft Server \\u00A7a\\: streaming\r\n" +
	"  ! an indented comment\r\n" +
	"\r\n" +
	"server-ip=\r\n" +
	"rcon.password=\r\n" +
	"max-players=20"

func TestSetKeepsEveryOtherByte(t *testing.T) {
	f, err := Parse([]byte(vanilla))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := f.Get("motd"); v != "A Minecraft Server §a: streaming" {
		t.Errorf("motd = %q", v)
	}
	f.Set("enable-rcon", "true")
	f.Set("rcon.password", "Zx9#k!pQ")
	f.Set("broadcast-rcon-to-ops", "false")
	want := strings.Replace(vanilla, "enable-rcon=false", "enable-rcon=true", 1)
	want = strings.Replace(want, "rcon.password=\r\n", "rcon.password=Zx9#k!pQ\r\n", 1)
	want += "\r\nbroadcast-rcon-to-ops=false\r\n"
	if got := string(f.Bytes()); got != want {
		t.Fatalf("got:\n%q\nwant:\n%q", got, want)
	}
	g, err := Parse(f.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{"enable-rcon": "true", "rcon.password": "Zx9#k!pQ", "rcon.port": "25575", "max-players": "20", "level-seed": ""} {
		if got, ok := g.Get(k); !ok || got != v {
			t.Errorf("%s = %q, %t; want %q", k, got, ok, v)
		}
	}
}

func TestSeparatorsContinuationsAndDuplicates(t *testing.T) {
	src := "a = 1\nb:2\nc 3\nlong=one \\\n    two\nd=x\nd=y\n#k=v\n"
	f, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{"a": "1", "b": "2", "c": "3", "long": "one two", "d": "y"} {
		if got, _ := f.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if _, ok := f.Get("#k"); ok {
		t.Error("a comment was read as a key")
	}
	f.Set("d", "z")
	f.Set("long", "short")
	if got := string(f.Bytes()); got != "a = 1\nb:2\nc 3\nlong=short\nd=z\nd=z\n#k=v\n" {
		t.Errorf("got %q", got)
	}
}

func TestBadFilesAreRefusedWithTheirLine(t *testing.T) {
	for _, src := range []string{"motd=hi\n=oops\n", "a=1\nb=\x00\n", "\xff\xfe=\n"} {
		_, err := Parse([]byte(src))
		var e *Error
		if !errors.As(err, &e) || e.Line < 1 {
			t.Errorf("%q: got %v", src, err)
		}
	}
	// Saved by Notepad as "Unicode": said so, not "not text".
	if _, err := Parse([]byte("\xff\xfem\x00o\x00t\x00d\x00=\x00\n\x00")); err == nil || !strings.Contains(err.Error(), userfile.SavedAsUTF16) {
		t.Errorf("UTF-16: got %v", err)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{vanilla, "", "a=b", "a\\\n", "k\\=x=v\\u0041\\\\\n", "# c\r\n!x\n  \t\n", "a:b\\\r\n c"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := Parse(b)
		if err != nil {
			return
		}
		if !bytes.Equal(p.Bytes(), b) {
			t.Fatalf("round trip changed the file:\n%q\n%q", b, p.Bytes())
		}
		before := map[string]string{}
		for _, k := range p.Keys() {
			before[k], _ = p.Get(k)
		}
		p.Set("rcon.password", "p#1 !x\\y")
		q, err := Parse(p.Bytes())
		if err != nil {
			t.Fatalf("after Set the file no longer parses: %v\n%q", err, p.Bytes())
		}
		if v, _ := q.Get("rcon.password"); v != "p#1 !x\\y" {
			t.Fatalf("rcon.password reads back as %q\n%q", v, p.Bytes())
		}
		for k, v := range before {
			if k == "rcon.password" {
				continue
			}
			if got, _ := q.Get(k); got != v {
				t.Fatalf("%q changed from %q to %q", k, v, got)
			}
		}
	})
}

package userfile

import (
	"encoding/binary"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"
)

var testKind = Kind{Name: "test file", Max: 1 << 10, TooBig: "make it smaller"}

func TestRead(t *testing.T) {
	dir := t.TempDir()
	ok := filepath.Join(dir, "ok.txt")
	write(t, ok, strings.Repeat("x", 1<<10))
	big := filepath.Join(dir, "big.txt")
	write(t, big, strings.Repeat("x", 1<<10+1))
	sparse := filepath.Join(dir, "sparse.txt")
	f, err := os.Create(sparse)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(305 << 20); err != nil { // costs no disk
		t.Fatal(err)
	}
	f.Close()
	folder := filepath.Join(dir, "folder.txt")
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		path string
		is   error
		want string
	}{
		{ok, nil, ""},
		{big, ErrTooBig, big + " is 1025 bytes, more than the 1 KB (1024 bytes) allowed for the test file: make it smaller"},
		{sparse, ErrTooBig, sparse + " is 305 MB, more than the 1 KB allowed for the test file: make it smaller"},
		{folder, ErrNotFile, folder + " is a folder, not a file: tikcraft reads the test file only from an ordinary file"},
		{filepath.Join(dir, "missing.txt"), fs.ErrNotExist, "cannot read the test file " + filepath.Join(dir, "missing.txt") + ": there is no such file"},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.path), func(t *testing.T) {
			b, err := Read(tt.path, testKind)
			if tt.is == nil {
				if err != nil || len(b) != 1<<10 {
					t.Fatalf("got %d bytes, %v", len(b), err)
				}
				return
			}
			// Every error is worded by userfile, naming the file: callers
			// show it as it is.
			if !errors.Is(err, tt.is) || !errors.As(err, new(*Error)) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v; want an error that is %v and says %q", err, tt.is, tt.want)
			}
		})
	}
}

func TestSize(t *testing.T) {
	for n, want := range map[int64]string{0: "0 bytes", 1023: "1023 bytes", 1 << 10: "1 KB", 1536: "1.5 KB", 1025: "1.0 KB", 64 << 10: "64 KB", 1 << 20: "1 MB", 305 << 20: "305 MB", 24 << 30: "24 GB"} {
		if got := Size(n); got != want {
			t.Errorf("Size(%d) = %q, want %q", n, got, want)
		}
	}
}

func write(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// AsUTF8 decodes what Notepad saves as "Unicode" (UTF-16, either byte
// order), and leaves UTF-8 (with or without its byte order mark) alone.
func TestAsUTF8(t *testing.T) {
	text := "rose:/say thanks ❤ 👨\u200d👩\u200d👧 {nickname}\r\n# a comment\r\n"
	for _, order := range []binary.AppendByteOrder{binary.LittleEndian, binary.BigEndian} {
		src := order.AppendUint16(nil, 0xfeff)
		for _, u := range utf16.Encode([]rune(text)) {
			src = order.AppendUint16(src, u)
		}
		if got, was := AsUTF8(src); string(got) != text || !was {
			t.Errorf("%v: got %q, %t; want %q", order, got, was, text)
		}
		if got, _ := AsUTF8(append(src, 'x')); string(got) != text+"\ufffd" {
			t.Errorf("%v: a byte left over: got %q", order, got)
		}
	}
	for _, s := range []string{text, "\ufeff" + text, "", "\xff"} {
		if got, was := AsUTF8([]byte(s)); string(got) != s || was {
			t.Errorf("%q: got %q, %t", s, got, was)
		}
	}
}

func TestNUL(t *testing.T) {
	for _, c := range []struct {
		in        string
		line, col int
		ok        bool
	}{
		{"rose:/say hi\n", 0, 0, false},
		{"", 0, 0, false},
		{"\x00", 1, 1, true},
		{"a\nb\nc\x00d\x00", 3, 2, true},
		{"ü ö\x00", 1, 4, true},
		{"\xff\xfe\x00", 1, 3, true},
	} {
		line, col, ok := NUL([]byte(c.in))
		if line != c.line || col != c.col || ok != c.ok {
			t.Errorf("NUL(%q) = %d, %d, %t; want %d, %d, %t", c.in, line, col, ok, c.line, c.col, c.ok)
		}
	}
}

// A file Notepad saved as "actions.mca.txt" looks like actions.mca in
// Explorer: the error for actions.mca says so, and what to rename.
func TestTxtAdded(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "actions.mca")
	if got := TxtAdded(path); got != "" {
		t.Errorf("with no .txt file: %q", got)
	}
	if err := os.Mkdir(path+".txt", 0o755); err != nil {
		t.Fatal(err)
	}
	if got := TxtAdded(path); got != "" {
		t.Errorf("a folder named actions.mca.txt is no saved file: %q", got)
	}
	other := filepath.Join(dir, "tikcraft.yaml")
	write(t, other+".txt", "tiktok:\n  user: \"@me\"\n")
	want := "there is " + other + ".txt instead: the editor that saved it may have added .txt to the name; rename it to tikcraft.yaml"
	if got := TxtAdded(other); !strings.HasPrefix(got, want) {
		t.Errorf("got %q\nwant it to start with %q", got, want)
	}
	// Explorer is named on Windows only.
	if got := txtAdded(other, false); strings.Contains(got, "Explorer") || strings.Contains(got, "Notepad") {
		t.Errorf("elsewhere: %q", got)
	}
	if got := txtAdded(other, true); !strings.HasSuffix(got, "(Windows hides the .txt: in Explorer, View → Show → File name extensions shows it)") {
		t.Errorf("on Windows: %q", got)
	}
	_, err := Read(other, testKind)
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "there is no such file; "+want) {
		t.Errorf("Read: got %v", err)
	}
}

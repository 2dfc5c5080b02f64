package config

import (
	"strings"
	"testing"
)

func TestParseSize(t *testing.T) {
	for in, want := range map[string]Size{
		"1GiB": 1 << 30, "1 GiB": 1 << 30, "500MB": 500e6, "500mib": 500 << 20, "64KiB": 64 << 10,
		"2GB": 2e9, "1048576": 1 << 20, "1.5GiB": 3 << 29, "10B": 10, "1TiB": 1 << 40,
	} {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "GiB", "1 gigabyte", "-5MB", "1e3MB", "12..5MB", "9999999TiB"} {
		if _, err := ParseSize(bad); err == nil {
			t.Errorf("ParseSize(%q) accepted", bad)
		}
	}
	if got := Size(1 << 30).String(); got != "1GiB" {
		t.Errorf("String = %q", got)
	}
}

func TestLogMaxSize(t *testing.T) {
	c, _, err := Load(Layer{Name: "t.yaml", Data: []byte("log_max_size: 200MiB\n")})
	if err != nil || c.LogMaxSize != 200<<20 {
		t.Fatalf("log_max_size: %d, %v", c.LogMaxSize, err)
	}
	c, _, err = Load()
	if err != nil || c.LogMaxSize != DefaultLogMaxSize {
		t.Fatalf("default log_max_size: %d, %v", c.LogMaxSize, err)
	}
	_, diags, err := Load(Layer{Name: "t.yaml", Data: []byte("log_max_size: 10KB\n")})
	if err == nil || len(diags) == 0 || !strings.Contains(diags[0].String(), "t.yaml:1:") || !strings.Contains(diags[0].String(), "at least 1MiB") {
		t.Fatalf("a tiny log_max_size: %v %v", diags, err)
	}
	_, diags, err = Load(Layer{Name: "t.yaml", Data: []byte("log_max_size: lots\n")})
	if err == nil || !strings.Contains(diags[0].String(), "t.yaml:1:15") {
		t.Fatalf("a bad log_max_size: %v %v", diags, err)
	}
}

// FuzzParseSize: any text gives a size or an error, never a panic or a
// negative size.
func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"1GiB", "500 MB", "", "1.5.5kb", "99999999999999999999TiB", "-1", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseSize(s)
		if err == nil && v < 0 {
			t.Fatalf("ParseSize(%q) = %d", s, v)
		}
	})
}

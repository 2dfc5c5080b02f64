package tiktok2mc

import (
	"strings"
	"testing"

	"github.com/tikcraft/tikcraft/actions"
)

func TestConvertCurl(t *testing.T) {
	m := &converter{t2m: &Config{OverlayPorts: map[string]int{"Timer": 7777, "WinCounter": 7778, "DeathCounter": 7779}}}
	cases := map[string]string{
		"curl -X POST http://localhost:7777/add?amount=60":        "$timer +60s",
		"curl -X POST 'http://localhost:7777/subtract?amount=15'": "$timer -15s",
		"curl -X POST http://localhost:7777/pause":                "$timer pause",
		"curl -X POST http://localhost:7778/add?amount=2":         "$wins +2",
		"curl -X POST http://localhost:7778/remove":               "$wins -1",
		"curl -X POST http://localhost:7779/add":                  "$deaths +1",
		"curl http://localhost:9000/timer/add?amount=5":           "$timer +5s",
		`curl -d "{\"a\":1}" http://localhost:8080/x`:             `$http POST http://localhost:8080/x {"a":1}`,
		"curl -s https://example.com/ping":                        "$http GET https://example.com/ping",
	}
	for in, want := range cases {
		if got, _, why := m.convertCurl(in); got != want || why != "" {
			t.Errorf("%s\n got %q (%s)\nwant %q", in, got, why, want)
		}
	}
}

func FuzzConvertHTTPActions(f *testing.F) {
	for _, s := range []string{
		"rose:curl -X POST http://localhost:7777/add?amount=30",
		"a:curl -d '{\"x\":\"y\"}' http://localhost:8080/h; curl http://localhost:7778/reset",
		"b:curl \"unterminated", "c:curl -X", ":curl http://x", "d:curl http://[::1]:7777/add?amount=-5",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		m := &converter{t2m: &Config{OverlayPorts: map[string]int{"Timer": 7777, "WinCounter": 7778}}}
		rules := m.convertShellFile("http_actions.txt", src)
		for _, r := range rules {
			line := r.trigger + ":" + strings.Join(r.commands, "; ") + "\n"
			if strings.ContainsAny(line[:len(line)-1], "\r\n") {
				t.Fatalf("a command spans lines: %q", line)
			}
			_, diags := actions.Parse("a.mca", []byte(line), actions.Options{HTTPAllow: m.httpAllow})
			for _, d := range diags {
				if d.Severity == actions.Error {
					t.Fatalf("%q converted to %q: %s", src, line, d)
				}
			}
		}
	})
}

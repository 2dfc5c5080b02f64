package web

import (
	"bytes"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft/actions"
	"github.com/tikcraft/tikcraft/rcon"
	"github.com/tikcraft/tikcraft/rcon/rcontest"
)

const listReply = "There are 0 of a max of 20 players online: "

// TestConsole: a command goes to a real RCON server and its answer comes
// back; the hook is told of it; the token is required; bad commands never
// reach Minecraft.
func TestConsole(t *testing.T) {
	mc := rcontest.Start(t, "pw", rcontest.Reply(func(cmd string) string {
		if cmd == "list" {
			return listReply
		}
		return "Unknown or incomplete command, see below for error"
	}))
	cl := rcon.New(rcon.Config{Address: mc.Addr(), Password: "pw"}, nil)
	t.Cleanup(func() { cl.Close() })
	var mu sync.Mutex
	var seen []ConsoleCommand
	ts := start(t, func(o *Options) {
		o.Minecraft = cl
		o.OnConsole = func(c ConsoleCommand) { mu.Lock(); seen = append(seen, c); mu.Unlock() }
	})

	code, body := ts.do(t, req{method: "POST", path: "/api/rcon", body: `{"command":"list"}`, header: bearer})
	if code != 200 || body != "{\n  \"reply\": \""+listReply+"\"\n}\n" {
		t.Fatalf("HTTP %d %q", code, body)
	}
	if m := decode(t, body); len(m) != 1 || m["reply"] != listReply {
		t.Errorf("answer %v", m)
	}
	if code, body := ts.do(t, req{method: "POST", path: "/api/rcon", body: "list\n", header: plainToken}); code != 200 || !strings.Contains(body, listReply) {
		t.Errorf("a text/plain command: HTTP %d %s", code, body)
	}
	code, body = ts.do(t, req{method: "POST", path: "/api/rcon", body: `{"command":"/summn creeper"}`, header: bearer})
	if code != 200 || !strings.Contains(body, "Unknown or incomplete command") {
		t.Errorf("Minecraft's refusal is its reply: HTTP %d %s", code, body)
	}
	for _, bad := range []req{
		{method: "POST", path: "/api/rcon", body: `{"command":"list"}`, header: map[string]string{"Content-Type": "application/json"}},
		{method: "POST", path: "/api/rcon", body: `{"command":""}`, header: bearer},
		{method: "POST", path: "/api/rcon", body: `{"command":"say a\nop me"}`, header: bearer},
		{method: "POST", path: "/api/rcon", body: `{"command":"say ` + strings.Repeat("a", 1500) + `"}`, header: bearer},
		{method: "POST", path: "/api/rcon", body: `{"cmd":"list"}`, header: bearer},
		{method: "GET", path: "/api/rcon?token=" + testToken + "&command=list"},
	} {
		if code, body := ts.do(t, bad); code < 400 {
			t.Errorf("%s %s %s: HTTP %d %s", bad.method, bad.path, bad.body, code, body)
		}
	}
	if got := mc.Commands(); len(got) != 3 || got[0] != "list" || got[2] != "summn creeper" {
		t.Errorf("Minecraft got %q", got)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 3 || seen[0].Command != "list" || seen[0].Reply != listReply || seen[0].Err != nil || seen[2].Command != "summn creeper" {
		t.Errorf("hook saw %+v", seen)
	}
}

func TestConsoleWithoutMinecraft(t *testing.T) {
	ts := start(t)
	code, body := ts.do(t, req{method: "POST", path: "/api/rcon", body: `{"command":"list"}`, header: bearer})
	if code != 409 || !strings.Contains(body, "there is no Minecraft server in this run") {
		t.Errorf("dry run: HTTP %d %s", code, body)
	}
}

func TestConsoleMinecraftDown(t *testing.T) {
	mc := rcontest.Start(t, "pw", rcontest.Late())
	cl := rcon.New(rcon.Config{Address: mc.Addr(), Password: "pw", GiveUpAfter: 50 * time.Millisecond, Backoff: rcon.Backoff{Min: 10 * time.Millisecond}}, nil)
	t.Cleanup(func() { cl.Close() })
	var seen []ConsoleCommand
	ts := start(t, func(o *Options) {
		o.Minecraft = cl
		o.OnConsole = func(c ConsoleCommand) { seen = append(seen, c) }
	})
	code, body := ts.do(t, req{method: "POST", path: "/api/rcon", body: `{"command":"list"}`, header: bearer})
	if code != 502 || !strings.Contains(body, "no answer from Minecraft") {
		t.Errorf("HTTP %d %s", code, body)
	}
	if len(seen) != 1 || seen[0].Err == nil {
		t.Errorf("hook saw %+v", seen)
	}
}

// FuzzReadCommand: what the console accepts is one line Minecraft can
// take, whatever the body holds.
func FuzzReadCommand(f *testing.F) {
	for _, s := range []string{`{"command":"list"}`, `{"command":"/say hi"}`, `{"command":"say a\nb"}`, `{"command":1}`, `{}`, `[]`} {
		f.Add([]byte(s), true)
	}
	f.Add([]byte("command=%2Flist"), false)
	f.Fuzz(func(t *testing.T, body []byte, asJSON bool) {
		r := httptest.NewRequest("POST", "/api/rcon", bytes.NewReader(body))
		if asJSON {
			r.Header.Set("Content-Type", "application/json")
		} else {
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		cmd, err := readCommand(r)
		if err != nil {
			return
		}
		if strings.Trim(cmd, "/ ") == "" || len(cmd) > actions.MaxCommandBytes || !cleanText(cmd, actions.MaxCommandBytes) {
			t.Fatalf("accepted %q", cmd)
		}
	})
}

// One leading slash goes (the chat habit); a second stays, as WorldEdit's
// //set is /set over RCON; slashes alone are no command.
func TestReadCommandSlashes(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"list", "list"}, {"/list", "list"}, {" /say hi ", "say hi"}, {"//set stone", "/set stone"},
		{"/", ""}, {"//", ""}, {" / / ", ""},
	} {
		r := httptest.NewRequest("POST", "/api/rcon", strings.NewReader(c.in))
		r.Header.Set("Content-Type", "text/plain")
		got, err := readCommand(r)
		if got != c.want || (c.want == "") != (err != nil) {
			t.Errorf("readCommand(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

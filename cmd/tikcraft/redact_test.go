package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	tc "github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/sim"
)

// A sign server that echoes the API key it was sent: `run` ends on the
// refused key, and neither its log nor the error it prints shows the key.
func TestEchoedAPIKeyIsNotPrinted(t *testing.T) {
	t.Parallel()
	const key = `sk-live-ECHO"me"/4242`
	tt, err := sim.Start(sim.Options{APIKey: "the-right-key", EchoAPIKey: true})
	if err != nil {
		t.Fatal(err)
	}
	defer tt.Close()
	dir := t.TempDir()
	cfg := fmt.Sprintf("tiktok:\n  user: \"@%s\"\n  sign_server: %s\n  web_base: %s\nrcon:\n  address: 127.0.0.1:1\n  password: pw-never-shown-77\n", tt.User(), tt.URL(), tt.URL())
	os.WriteFile(filepath.Join(dir, "tikcraft.yaml"), []byte(cfg), 0o600)
	os.WriteFile(filepath.Join(dir, "actions.mca"), []byte("follow:/say thanks {user}\n"), 0o600)
	stdout, stderr, code := tikcraft(t, dir, []string{"TIKCRAFT_SIGN_API_KEY=" + key}, "run", "-c", "tikcraft.yaml")
	out := stdout + stderr
	if code != 1 || !strings.Contains(stderr, "tikcraft: ") || !strings.Contains(out, "refused the API key") || !strings.Contains(out, "[redacted]") {
		t.Fatalf("exit %d, want 1 with the refusal printed, masked:\n%s", code, out)
	}
	for _, leak := range []string{"ECHO", "pw-never-shown-77"} {
		if strings.Contains(out, leak) {
			t.Fatalf("a secret reached the output:\n%s", out)
		}
	}
}

// A $http rule calls an address with an API key in its query, and the
// target is down: the request is parked. The key is in none of what the
// streamer sees — the console's line, the log's error, the dashboard's
// rules and actions, `tikcraft report` — and every one of them shows the
// address with the parameter's name and its value masked.
func TestRunHTTPQueryKeyIsNotShown(t *testing.T) {
	t.Parallel()
	const secret = "SUPERSECRETKEY123"
	target := closedPort(t)
	s := newStream(t, streamSetup{
		yaml:    fmt.Sprintf("http:\n  allow: [%q]\n", target),
		actions: fmt.Sprintf("follow:/say f {user}; $http POST http://%s/x?key=%s&who={user} {\"user\":\"{user}\"}\n", target, secret),
	})
	p := s.start()
	s.push(&tc.FollowEvent{User: s.viewer("anna")})
	masked := fmt.Sprintf("$http POST http://%s/x?key=[redacted]&who=[redacted]", target)
	// The console's line and the log's come in either order.
	p.waitLine("[skipped] " + masked)
	link := dashboardLink.FindString(p.logText())
	for {
		body := apiState(t, link)
		var state struct {
			Rules struct {
				Triggers []struct{ Commands []string }
			}
			Actions []struct{ Text string }
		}
		if err := json.Unmarshal(body, &state); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(body), secret) {
			t.Fatalf("the dashboard's state shows the key:\n%s", body)
		}
		var rule, action bool
		for _, tr := range state.Rules.Triggers {
			rule = rule || slices.Contains(tr.Commands, fmt.Sprintf("$http POST http://%s/x?key=[redacted]&who={user} {\"user\":\"{user}\"}", target))
		}
		for _, a := range state.Actions {
			action = action || strings.HasPrefix(a.Text, masked)
		}
		if !rule {
			t.Fatalf("the dashboard shows the $http rule otherwise than masked:\n%s", body)
		}
		if action {
			break
		}
		select { // the dashboard shows the action a moment after the console
		case <-s.ctx.Done():
			t.Fatalf("the dashboard never showed the $http action masked:\n%s", body)
		case <-time.After(50 * time.Millisecond):
		}
	}
	p.interrupt()
	log := p.logText()
	if strings.Contains(log, secret) || !strings.Contains(log, `command="`+masked) || !strings.Contains(log, "a $http request could not be sent") {
		t.Errorf("the log shows the key, or not the masked address:\n%s", log)
	}
	if out := s.command("report"); strings.Contains(out, secret) || !strings.Contains(out, fmt.Sprintf("$http POST http://%s/x?key=[redacted]", target)) {
		t.Errorf("tikcraft report shows the key, or not the masked address:\n%s", out)
	}
}

// A user name and a password in a $http address are refused, and the
// refusal does not repeat them: it names where the address is, not the
// address (redact.URL cannot always tell a password from the path), in
// `tikcraft check` and for a chat command's address in tikcraft.yaml.
func TestCheckHTTPCredentialsAreNotRepeated(t *testing.T) {
	t.Parallel()
	const user, password = "streamadmin", "TOPSECRETPW"
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "tikcraft.yaml"), []byte(`http:
  allow: ["127.0.0.1:18081"]
chat_commands:
  groups:
    - handler: http
      url: "http://`+user+`:`+password+`@127.0.0.1:18081/chat?key=SUPERSECRETKEY123&c={command}"
      commands: [hello]
`), 0o600)
	os.WriteFile(filepath.Join(dir, "actions.mca"), []byte("follow:$http POST http://"+user+":"+password+"@127.0.0.1:18081/x?key=SUPERSECRETKEY123\n"), 0o600)
	stdout, stderr, code := tikcraft(t, dir, nil, "check", "-c", "tikcraft.yaml")
	out := stdout + stderr
	if code == 0 || !strings.Contains(out, "actions.mca:1:19: error: bad $http URL: write no user or password in the URL") ||
		!strings.Contains(out, "tikcraft.yaml:5:14: error: chat_commands.groups[0].url: write no user or password in the URL") {
		t.Fatalf("exit %d, want the refusals where they are, without the address:\n%s", code, out)
	}
	for _, leak := range []string{user, password, "SUPERSECRETKEY123"} {
		if strings.Contains(out, leak) {
			t.Errorf("%q reached the output:\n%s", leak, out)
		}
	}
}

// apiState is the dashboard's GET /api/state at link (with its token).
func apiState(t *testing.T, link string) []byte {
	t.Helper()
	resp, err := http.Get(link + "api/state")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return body
}

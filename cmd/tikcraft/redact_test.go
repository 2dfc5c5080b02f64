package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

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

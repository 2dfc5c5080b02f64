package examples

import (
	"strings"
	"testing"
)

// check and run recognise the example handle by User: it must be the one
// in the example config.
func TestUserIsTheExampleConfigsUser(t *testing.T) {
	if !strings.Contains(Config, "\n  user: \""+User+"\"") {
		t.Fatalf("examples/tikcraft.yaml does not set tiktok.user to %q", User)
	}
}

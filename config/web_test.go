package config

import (
	"strings"
	"testing"
	"time"

	"github.com/tikcraft/tikcraft/mcnames"
)

func TestWebAndMinecraftDefaults(t *testing.T) {
	t.Setenv(EnvWebListen, "")
	c, _, err := load(t, "")
	if err != nil {
		t.Fatal(err)
	}
	if c.Web.Listen != DefaultWebListen || !c.Web.Enabled() || !c.Web.Loopback() ||
		c.Minecraft.PauseOnDeathEnabled() || c.Minecraft.PauseTimeout.D() != 30*time.Second ||
		c.Minecraft.Deaths != DeathsWebhook || c.Minecraft.Webhook.Events["player_death"] != MeansDeath ||
		c.Minecraft.Webhook.Events["player_respawn"] != MeansRespawn || len(c.Minecraft.Webhook.Messages) == 0 {
		t.Errorf("defaults wrong: %+v %+v", c.Web, c.Minecraft)
	}
}

func TestWebAndMinecraftKeys(t *testing.T) {
	t.Setenv(EnvWebListen, "")
	c, diags, err := load(t, `
web:
  listen: off
minecraft:
  pause_on_death: true
  pause_timeout: 45s
  deaths: scoreboard
  webhook:
    events: {entity_death: ignore, player_quit: respawn}
    messages:
      - {contains: "has fallen", means: death}
`)
	if err != nil {
		t.Fatalf("%v %v", err, diags)
	}
	m := c.Minecraft
	if c.Web.Enabled() || !m.PauseOnDeathEnabled() || m.PauseTimeout.D() != 45*time.Second || m.Deaths != DeathsScoreboard ||
		m.Webhook.Events["player_death"] != MeansDeath || m.Webhook.Events["player_quit"] != MeansRespawn ||
		m.Webhook.Events["entity_death"] != MeansIgnore || len(m.Webhook.Messages) != 1 || m.Webhook.Messages[0].Contains != "has fallen" {
		t.Errorf("parsed wrong: %+v %+v", c.Web, m)
	}
}

func TestWebListenEnvOverride(t *testing.T) {
	t.Setenv(EnvWebListen, "127.0.0.1:0")
	c, _, err := load(t, "web: {listen: 127.0.0.1:9000}\n")
	if err != nil || c.Web.Listen != "127.0.0.1:0" {
		t.Fatalf("%q %v", c.Web.Listen, err)
	}
	for listen, loop := range map[string]bool{"127.0.0.1:1": true, "[::1]:1": true, "localhost:1": true, "0.0.0.0:8765": false, "192.168.1.5:80": false} {
		if got := (Web{Listen: listen}).Loopback(); got != loop {
			t.Errorf("%s: loopback %t, want %t", listen, got, loop)
		}
	}
}

func TestWebErrorsHavePositions(t *testing.T) {
	t.Setenv(EnvWebListen, "")
	tests := []struct{ yaml, want string }{
		{"web:\n  listen: 8765\n", "tikcraft.yaml:2:11: error: web.listen \"8765\" must be host:port"},
		{"web:\n  listen: localhost:http\n", "tikcraft.yaml:2:11: error: web.listen \"localhost:http\": the port must be a number"},
		{"minecraft:\n  deaths: plugin\n", "tikcraft.yaml:2:11: error: minecraft.deaths must be"},
		{"minecraft:\n  webhook:\n    events:\n      player_death: explode\n", "tikcraft.yaml:4:21: error: minecraft.webhook.events.player_death must be"},
		{"minecraft:\n  webhook:\n    messages:\n      - {means: death}\n", "tikcraft.yaml:4:9: error: minecraft.webhook.messages[0]: contains"},
		{"minecraft:\n  pause_timeout: -1s\n", "tikcraft.yaml:2:18: error: minecraft.pause_timeout must not be negative"},
		{"web:\n  lisen: off\n", "tikcraft.yaml:2:3: error: unknown key \"lisen\""},
	}
	for _, tt := range tests {
		_, diags, err := load(t, tt.yaml)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: got %v (%v), want %q", tt.yaml, err, diags, tt.want)
		}
	}
}

// minecraft.version picks the names check knows; check_names: false turns
// the check off; a release too old for datapack mode is fine without it.
func TestMinecraftNames(t *testing.T) {
	c, _, err := load(t, "")
	if err != nil {
		t.Fatal(err)
	}
	if n := c.Minecraft.Names(); n == nil || n.Version() != "" || !n.Has(mcnames.Entity, "boat") || !n.Has(mcnames.Entity, "nautilus") {
		t.Errorf("without a version: %v, want every release's names", n)
	}
	c, _, err = load(t, "minecraft:\n  version: 1.21.4\n")
	if err != nil {
		t.Fatal(err)
	}
	if n := c.Minecraft.Names(); n.Version() != "1.21.4" || n.Has(mcnames.Entity, "nautilus") {
		t.Errorf("1.21.4: got %q", n.Version())
	}
	c, _, err = load(t, "minecraft:\n  version: 1.20.1\n  check_names: false\n")
	if err != nil {
		t.Fatalf("1.20.1 without datapack mode: %v", err)
	}
	if c.Minecraft.Names() != nil {
		t.Error("check_names: false still checks")
	}
	dir := t.TempDir()
	_, _, err = Load(Layer{Name: "tikcraft.yaml", Data: []byte("minecraft:\n  datapack_dir: " + dir + "\n  version: 1.20.1\n")})
	if err == nil || !strings.Contains(err.Error(), "too old for datapack mode") {
		t.Errorf("1.20.1 with datapack mode: %v", err)
	}
	_, _, err = load(t, "minecraft:\n  version: 1.21.x\n")
	if err == nil || !strings.Contains(err.Error(), "is not a Minecraft Java version") {
		t.Errorf("1.21.x: %v", err)
	}
}

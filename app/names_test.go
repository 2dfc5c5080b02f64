package app

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// A reload of the running tikcraft refuses an actions file with a
// misspelt Minecraft name, as check does, and keeps the running rules.
func TestReloadRefusesUnknownMinecraftNames(t *testing.T) {
	t.Parallel()
	d := startDashDemo(t, "minecraft:\n  version: 1.21.4\n", dashActions)
	write(t, filepath.Join(d.dir, "actions.mca"), "rose:/say rose {user}\nlion:/execute at @a run summon creper ~ ~ ~\n")
	code, res := d.call(t, "POST", "/api/reload", nil)
	if code != 422 || !strings.Contains(fmt.Sprint(res["error"]), `actions.mca:2:32: error: unknown entity type "creper" in Minecraft 1.21.4; did you mean creeper?`) {
		t.Fatalf("HTTP %d %v", code, res)
	}
	d.call(t, "POST", "/api/trigger", map[string]any{"trigger": "follow", "user": "old_rules"})
	d.waitCommand(t, "say thanks old_rules")
}

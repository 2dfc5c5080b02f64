package tiktok2mc

import (
	"strings"
	"testing"
)

// Tiktok2Mc 0.4 to 1.0 read a comment_commands without groups as one
// group: its prefix (#), allowed_roles (moderator), mode (deny-all) and
// commands, sent to Minecraft.
func TestCommentCommandsOfOneGroup(t *testing.T) {
	for _, tc := range []struct {
		name, section string
		config        []string
		report        []string
	}{
		{"all set", "  enabled: true\n  prefix: \"!\"\n  allowed_roles: [moderator, superfan]\n  mode: deny-all\n  commands: [say, Give]\n  cooldown: 5\n",
			[]string{"chat_commands:   # config.yaml comment_commands (one group: prefix, allowed_roles, mode, commands)\n  cooldown: 5s\n  groups:\n    - prefix: \"!\"\n      roles: [moderators, subscribers]\n      commands: [say, give]\n"},
			[]string{"chat_commands: !say, !give for moderators, subscribers (config.yaml comment_commands (one group: prefix, allowed_roles, mode, commands))"}},
		{"Tiktok2Mc's defaults", "  enabled: true\n  commands: [say]\n",
			[]string{"    - prefix: \"#\"\n      roles: [moderators]\n      commands: [say]\n"}, nil},
		{"groups: null", "  enabled: true\n  groups:\n  commands: [tp]\n", []string{"      commands: [tp]\n"}, nil},
		{"allow-all", "  enabled: true\n  mode: allow-all\n  commands: [op]\n", nil,
			[]string{"config.yaml comment_commands (one group: prefix, allowed_roles, mode, commands) group 1 (#): mode allow-all let viewers run every command but op"}},
		{"keys beside groups", "  enabled: true\n  prefix: \"!\"\n  handler: http\n  groups:\n    - {prefix: \"#\", commands: [say]}\n",
			[]string{"    - prefix: \"#\"\n      roles: [moderators]\n      commands: [say]\n"},
			[]string{"config.yaml comment_commands prefix: Tiktok2Mc read it only when there are no groups", "config.yaml comment_commands handler: not a Tiktok2Mc setting migrate knows"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := convertFolder(t, map[string]string{"config/config.yaml": "rcon: {password: pw-long-enough}\ncomment_commands:\n" + tc.section})
			for _, w := range tc.config {
				if !strings.Contains(res.Config, w) {
					t.Errorf("tikcraft.yaml lacks %q:\n%s", w, res.Config)
				}
			}
			report := strings.Join(append(res.Carried, res.Left...), "\n")
			for _, w := range tc.report {
				if !strings.Contains(report, w) {
					t.Errorf("report lacks %q:\n%s", w, report)
				}
			}
			if strings.Contains(report, "no command groups") {
				t.Errorf("the group is not read:\n%s", report)
			}
		})
	}
}

// Tiktok2Mc 1.0's core overlay reads config.yaml's overlay section (its
// overlay_text and overlaytxt plugin no longer exist there): its settings
// are the alerts', and none of overlay_text's or the plugin's is read.
func TestOverlaySection(t *testing.T) {
	res := convertFolder(t, map[string]string{
		"config/config.yaml":             "rcon: {password: pw-long-enough}\noverlay_text: {display_mode: queue, fade_in: 100, overlays: [{name: Top}], port: 5000}\noverlay:\n  enabled: true\n  display_mode: overwrite\n  fade_out: 250\n  max_fails: 3\n  cooldown: 10\n  overlays:\n    - name: default\n    - name: Side\n  theme: {background: \"#00FF00\"}\n",
		"plugins/overlaytxt/config.yaml": "display_mode: queue\nfade_out: 900\nfade_in: 5\noverlays: [{name: Corner}]\n",
	})
	if want := "  alerts: {display_mode: overwrite, fade_out: 250}   # config.yaml overlay display_mode, fade_out (milliseconds)"; !strings.Contains(res.Config, want) {
		t.Errorf("tikcraft.yaml lacks %q:\n%s", want, res.Config)
	}
	report := strings.Join(append(res.Carried, res.Left...), "\n")
	const notRead = ": the Tiktok2Mc that has overlay: does not read it"
	for _, w := range []string{
		"overlay_text.display_mode" + notRead, "overlay_text.fade_in" + notRead, "overlay_text.overlays" + notRead, "overlay_text.port" + notRead,
		"plugins/overlaytxt/config.yaml display_mode" + notRead, "plugins/overlaytxt/config.yaml fade_in" + notRead,
		"plugins/overlaytxt/config.yaml fade_out" + notRead, "plugins/overlaytxt/config.yaml overlays" + notRead,
		"named overlays (config.yaml overlay overlays): @NAME>> alerts show on /overlay/alerts?name=side; >> alerts on /overlay/alerts",
		"overlay.enabled: tikcraft always serves /overlay/alerts", "overlay.max_fails: ", "overlay.theme: ",
	} {
		if !strings.Contains(report, w) {
			t.Errorf("report lacks %q:\n%s", w, report)
		}
	}
	for _, w := range []string{"not a Tiktok2Mc setting migrate knows", "name=top", "name=corner", "superseded"} {
		if strings.Contains(report, w) {
			t.Errorf("report holds %q:\n%s", w, report)
		}
	}
}

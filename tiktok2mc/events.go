package tiktok2mc

import (
	"fmt"
	"strings"
)

// convertEvents carries data/event_commands.yaml over: what a Minecraft
// death and the timer's end did becomes overlays.timer (reset_on_death,
// win_on_end); other changes of the timer, win and death counters at the
// timer's end or at a TikTok event become $ actions of the rule tikcraft
// fires then (timer_end, follow, share, join, comment). Everything else is
// listed with the reason.
func (m *converter) convertEvents() []rule {
	if !m.eventsRead {
		return nil
	}
	if len(m.t2m.Events) == 0 {
		m.carried = append(m.carried, "event_commands.yaml: no mappings, so a death and the timer's end change no overlay (overlays.timer: reset_on_death and win_on_end false)")
	}
	f := false
	// Tiktok2Mc 1.0 does nothing on a death or at zero unless a mapping
	// says so.
	m.resetOnDeath, m.winOnEnd = &f, &f
	var rules []rule
	add := func(trigger, op string) {
		for i := range rules {
			if rules[i].trigger == trigger {
				rules[i].commands = append(rules[i].commands, op)
				return
			}
		}
		rules = append(rules, rule{trigger: trigger, commands: []string{op}})
	}
	for _, e := range m.t2m.Events {
		where := fmt.Sprintf("event_commands.yaml %s → %s %s", e.Event, e.Target, e.Command)
		op, why := pluginOp(e.Target, e.Command, e.Args)
		target := strings.ToLower(strings.ReplaceAll(e.Target, "_", "-"))
		switch ev := strings.ToLower(e.Event); {
		case ev == "minecraft.player_death" && target == "timer" && (e.Command == "pause" || e.Command == "reset"):
			reset := e.Command == "reset"
			m.resetOnDeath = &reset
			if reset {
				m.carried = append(m.carried, where+": overlays.timer.reset_on_death: true")
			} else {
				m.carried = append(m.carried, where+": overlays.timer.reset_on_death: false (tikcraft's timer cannot pause while the player is dead; it runs on)")
			}
		case ev == "minecraft.player_respawn" && target == "timer" && (e.Command == "resume" || e.Command == "start"):
			m.carried = append(m.carried, where+": goes with the pause on a death (overlays.timer.reset_on_death: false)")
		case ev == "minecraft.player_death" && strings.HasPrefix(op, "$deaths +"):
			m.carried = append(m.carried, where+": tikcraft counts Minecraft's deaths on /overlay/deaths itself")
		case ev == "timer.zero" && op == "$wins +1":
			t := true
			m.winOnEnd = &t
			m.carried = append(m.carried, where+": overlays.timer.win_on_end: true")
		case why != "":
			m.left = append(m.left, where+": "+why)
		case op == "":
			m.left = append(m.left, where+": "+targetReason(target))
		case ev == "timer.zero":
			add("timer_end", op)
			m.carried = append(m.carried, fmt.Sprintf("%s: timer_end:%s", where, op))
		case ev == "tiktok.subscribe":
			// Tiktok2Mc's bridge published tiktok.gift, follow, like, join,
			// comment and share: never a subscription.
			m.left = append(m.left, where+": Tiktok2Mc published no tiktok.subscribe event, so the mapping never ran; tikcraft would run it for every subscription (write it as a subscribe: rule of actions.mca if you meant that)")
		case tiktokRule(ev) != "":
			add(tiktokRule(ev), op)
			m.carried = append(m.carried, fmt.Sprintf("%s: %s:%s", where, tiktokRule(ev), op))
		case strings.HasPrefix(ev, "minecraft."):
			m.left = append(m.left, where+": tikcraft fires no rule when "+strings.TrimPrefix(ev, "minecraft.")+" happens in Minecraft")
		default:
			m.left = append(m.left, where+": tikcraft has no event "+e.Event)
		}
	}
	return rules
}

// tiktokRule is the actions-file rule a Tiktok2Mc EventBus event fires in
// tikcraft, or "".
func tiktokRule(ev string) string {
	switch ev {
	case "tiktok.follow", "tiktok.share", "tiktok.join":
		return strings.TrimPrefix(ev, "tiktok.")
	case "tiktok.comment":
		return "comment"
	}
	return ""
}

func targetReason(target string) string {
	switch target {
	case "spotify-control", "spotify":
		return "tikcraft does not control Spotify"
	}
	return "tikcraft has no " + target + " plugin (it has the timer, win and death counters)"
}

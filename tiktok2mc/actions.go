package tiktok2mc

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/tikcraft/tikcraft/actions"
	"github.com/tikcraft/tikcraft/clip"
	"github.com/tikcraft/tikcraft/mcnames"
)

// tikcraftFuncs are the $ functions tikcraft has; any other $name in a
// Tiktok2Mc actions.mca is one of its hooks (Python scripts).
var tikcraftFuncs = map[string]bool{"random": true, "wait": true, "http": true, "timer": true, "wins": true, "deaths": true}

// convertActions carries the actions file over line by line. tikcraft
// reads Tiktok2Mc's lines as they are ('quoted names', !rc, @name>>, the
// comment trigger, ## lines), so most stay untouched. A 0.x trigger with
// spaces ("Heart Me") is renamed the way Tiktok2Mc matched it. In a line,
// an & shell command becomes $timer, $wins, $deaths or $http when it was a
// curl call, and a $hook tikcraft does not have is taken out: each alone,
// the rest of the line kept, with a comment line above saying what was
// taken out and why. A line tikcraft still cannot run becomes a comment,
// as Tiktok2Mc skipped it.
func (m *converter) convertActions(path, src string) string {
	if path == "" {
		m.t2mRules = map[string]bool{}
		m.left = append(m.left, "actions.mca: the Tiktok2Mc folder has none; the new actions.mca has only a comment")
		return "# No actions.mca was found in the Tiktok2Mc folder. One rule per line: TRIGGER:COMMAND (docs/ACTIONS.md)\n"
	}
	eol := "\n"
	if strings.Contains(src, "\r\n") {
		eol = "\r\n"
	}
	lines := strings.Split(strings.TrimPrefix(src, "\ufeff"), "\n")
	m.t2mRules = t2mRules(lines)
	// Sized for the file at once: grown line by line, they cost five
	// times their size (a megabyte of blank lines took 120 MB).
	out := make([]string, 0, len(lines)+8)
	// at maps a line of out to the line of the Tiktok2Mc file.
	at := make([]int, 0, len(lines)+8)
	emit := func(l string, n int) {
		out = append(out, l)
		at = append(at, n)
	}
	for i, raw := range lines {
		cr := strings.HasSuffix(raw, "\r")
		l := strings.TrimSuffix(raw, "\r")
		t := strings.TrimSpace(l)
		if t == "" || t[0] == '#' {
			emit(raw, i+1)
			continue
		}
		body := actions.StripComment(l)
		comment := l[len(body):]
		colon := strings.IndexByte(body, ':')
		if colon < 0 {
			emit(raw, i+1)
			continue
		}
		trigger, rest := strings.TrimSpace(body[:colon]), body[colon+1:]
		suffix := ""
		if cr {
			suffix = "\r"
		}
		why := strayTrigger(trigger)
		renamed, changed := false, false
		if why == "" {
			var id, note string
			if id, note, why = m.eventTrigger(trigger); id != "" {
				m.carried = append(m.carried, fmt.Sprintf("actions.mca line %d: %s", i+1, note))
				trigger, renamed = id, true
			}
		}
		if why != "" {
			emit(fmt.Sprintf("# tikcraft migrate: not carried over, %s:%s", why, suffix), i+1)
			emit("# "+l+suffix, i+1)
			m.left = append(m.left, fmt.Sprintf("actions.mca line %d (%s): %s; kept as a comment", i+1, clip.Line(l, shown), why))
			continue
		}
		if fixed := TriggerName(trigger); !strings.HasPrefix(trigger, "'") && fixed != "" && fixed != trigger && !validTrigger(trigger) && !strings.ContainsAny(trigger, "[") {
			m.notes = append(m.notes, fmt.Sprintf("actions.mca line %d: trigger %q is now %q (tikcraft triggers have no spaces; the gift still matches)", i+1, trigger, fixed))
			trigger, renamed = fixed, true
		}
		var kept, dropped []string
		for _, c := range actions.SplitCommands(rest) {
			c = strings.TrimSpace(c)
			if c == "" {
				continue
			}
			switch {
			case strings.HasPrefix(c, "&"):
				cmd, why := m.convertShell(strings.TrimSpace(c[1:]))
				changed = true
				if why != "" {
					dropped = append(dropped, fmt.Sprintf("%s (%s)", c, why))
					continue
				}
				m.carried = append(m.carried, fmt.Sprintf("actions.mca line %d: %s is now %s", i+1, clip.Line(c, shown), cmd))
				c = cmd
			case strings.HasPrefix(c, "$"):
				name := ""
				if f := strings.Fields(c[1:]); len(f) > 0 {
					name = strings.ToLower(f[0])
				}
				if name != "" && !tikcraftFuncs[name] {
					why := "a Tiktok2Mc hook, which tikcraft does not have"
					if strings.HasPrefix(name, "spotify") {
						why = "tikcraft does not control Spotify"
					}
					dropped = append(dropped, fmt.Sprintf("%s (%s)", c, why))
					changed = true
					continue
				}
			}
			kept = append(kept, c)
		}
		if !changed {
			if renamed {
				raw = trigger + ":" + rest + comment + suffix
			}
			emit(raw, i+1)
			continue
		}
		if len(dropped) > 0 {
			what := strings.Join(dropped, ", ")
			if len(kept) > 0 {
				emit(fmt.Sprintf("# tikcraft migrate: taken out of the next line: %s%s", what, suffix), i+1)
				m.left = append(m.left, fmt.Sprintf("actions.mca line %d (%s): %s taken out; the rest of the line is kept", i+1, clip.Line(l, shown), what))
			} else {
				emit(fmt.Sprintf("# tikcraft migrate: not carried over, %s:%s", what, suffix), i+1)
				emit("# "+l+suffix, i+1)
				m.left = append(m.left, fmt.Sprintf("actions.mca line %d (%s): %s; kept as a comment", i+1, clip.Line(l, shown), what))
				continue
			}
		}
		nl := trigger + ":" + strings.Join(kept, "; ")
		if comment != "" {
			nl += " " + strings.TrimLeft(comment, " \t")
		}
		emit(nl+suffix, i+1)
	}

	// Lines tikcraft refuses become comments, as Tiktok2Mc skipped them; a
	// misspelt Minecraft name too (the migrated config names no
	// minecraft.version, so every release's names count), since check
	// would refuse the file.
	joined := strings.Join(out, "\n")
	_, diags := actions.Parse(path, []byte(joined), actions.Options{LikeFunctions: m.likeFunctions(), HTTPAllow: m.httpAllow, Minecraft: mcnames.For("")})
	bad := map[int]string{}
	for _, d := range diags {
		if d.Severity == actions.Error {
			if _, seen := bad[d.Line]; !seen {
				bad[d.Line] = d.Message
			}
		}
	}
	badLines := make([]int, 0, len(bad))
	for n := range bad {
		badLines = append(badLines, n)
	}
	sort.Ints(badLines)
	for _, n := range badLines {
		orig := strings.TrimSuffix(out[n-1], "\r")
		out[n-1] = fmt.Sprintf("# tikcraft migrate: not carried over, %s:%s# %s", bad[n], eol, orig)
		m.left = append(m.left, fmt.Sprintf("actions.mca line %d (%s): %s; kept as a comment", at[n-1], clip.Line(orig, shown), bad[n]))
	}
	result := strings.Join(out, "\n")
	m.actionNotes(result)
	return result
}

// actionNotes points out where the file now behaves differently.
func (m *converter) actionNotes(src string) {
	var userLines, hashLines []string
	example := ""
	for i, l := range strings.Split(src, "\n") {
		l = strings.TrimSuffix(l, "\r")
		t := strings.TrimSpace(l)
		if t == "" || t[0] == '#' {
			continue
		}
		body := actions.StripComment(l)
		_, cmds, _ := strings.Cut(body, ":")
		for _, c := range actions.SplitCommands(cmds) {
			c = strings.TrimSpace(c)
			if !(strings.HasPrefix(c, "/") || strings.HasPrefix(c, "!")) || !strings.Contains(c, "{user}") {
				continue
			}
			// Tiktok2Mc 1.0 put the viewer's name into a / command ending in
			// !rc, as tikcraft does.
			if m.t2m.Layout == Layout10 && strings.HasPrefix(c, "/") && hasRC(c) {
				continue
			}
			userLines = append(userLines, strconv.Itoa(i+1))
			if example == "" {
				example = c
			}
			break
		}
		if cut, _, _ := strings.Cut(l, "#"); len(cut) < len(body) {
			hashLines = append(hashLines, strconv.Itoa(i+1))
		}
	}
	if len(userLines) > 0 {
		before := "Tiktok2Mc put @a in its place"
		if m.t2m.Layout == Layout10 {
			before = "Tiktok2Mc 1.0 put @a in its place (in ! commands, and in / commands without !rc)"
		}
		m.notes = append(m.notes, fmt.Sprintf("{user} in a command (actions.mca line %s): %s; tikcraft puts the viewer's TikTok handle, so %s now targets the player named like the viewer, which is nobody unless that viewer plays on your server. Write @a where you meant everyone (see docs/TIKTOK2MC.md)",
			strings.Join(userLines, ", "), before, "`"+example+"`"))
	}
	if len(hashLines) > 0 {
		m.notes = append(m.notes, fmt.Sprintf("'#' in a command (actions.mca line %s): Tiktok2Mc cut the line at the first #; tikcraft keeps tags such as #minecraft:skeletons and a # inside [], {} or quotes, so the command is now sent whole", strings.Join(hashLines, ", ")))
	}
}

// hasRC reports whether a command ends in Tiktok2Mc 1.0's " !rc" (before
// an xN or not).
func hasRC(c string) bool {
	f := strings.Fields(c)
	n := len(f)
	return n > 1 && (f[n-1] == "!rc" || n > 2 && f[n-2] == "!rc" && strings.HasPrefix(f[n-1], "x"))
}

// eventTrigger looks at a trigger that tikcraft fires for an event
// Tiktok2Mc never fired it for (tikcraftEvent): Tiktok2Mc ran it only for
// a gift of its exact name (or by a like rule naming it, or $random). When
// one gift of the gift list has that name and its id has no rule of its
// own, id is that gift's id, which names it alone in tikcraft, and note
// says so; otherwise why says why the line is left out. All are "" for any
// other trigger.
func (m *converter) eventTrigger(trigger string) (id, note, why string) {
	what := tikcraftEvent(trigger)
	if what == "" {
		return "", "", ""
	}
	name, tk := t2mName(trigger), TriggerName(trigger)
	gifts := "for a gift of that name (TikTok has none)"
	ids := namedGifts(m.giftList(), trigger)
	if len(ids) == 1 {
		g, _ := m.giftList().ByID(ids[0])
		id = strconv.FormatInt(g.ID, 10)
		if !m.t2mRules[id] {
			if m.eventIDs == nil {
				m.eventIDs = map[string]string{}
			}
			m.eventIDs[name] = id
			return id, fmt.Sprintf("trigger %s is now %s, the id of the gift %s, which Tiktok2Mc ran it for (tikcraft's %s: runs for %s)", trigger, id, g.Name, tk, what), ""
		}
		gifts = fmt.Sprintf("for the gift %s (%s), whose id has a rule of its own", g.Name, id)
	} else if len(ids) > 1 {
		gifts = fmt.Sprintf("for the gifts %s, which one tikcraft rule cannot name (write a rule for each id)", joinIDs(ids))
	}
	return "", "", fmt.Sprintf("Tiktok2Mc ran %s only %s, by a like rule naming it or through $random; tikcraft runs %s: for %s (remove the # if you meant that; if a like rule or $random ran it, give it another name here and there)",
		name, gifts, tk, what)
}

func joinIDs(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(s, ", ")
}

// t2mRules are the triggers Tiktok2Mc read from the lines of an
// actions.mca, as it read them (t2mName): a line is cut at its first #,
// and a trigger counts once a command with one of its signs follows it.
// Like rules ran only a function among these, spelt exactly so.
func t2mRules(lines []string) map[string]bool {
	out := map[string]bool{}
	for _, l := range lines {
		l, _, _ = strings.Cut(l, "#")
		trig, cmds, ok := strings.Cut(l, ":")
		name := t2mName(strings.TrimSpace(trig))
		if !ok || name == "" {
			continue
		}
		for _, c := range strings.Split(cmds, ";") {
			c = strings.TrimSpace(c)
			if slices.ContainsFunc([]string{"/", "!", "$", ">>", "&", "@"}, func(p string) bool { return strings.HasPrefix(c, p) }) {
				out[name] = true
				break
			}
		}
	}
	return out
}

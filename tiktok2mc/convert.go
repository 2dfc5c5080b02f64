package tiktok2mc

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/tikcraft/tikcraft/actions"
	"github.com/tikcraft/tikcraft/tiktok"
)

// DefaultRCONPort is Minecraft's (and Tiktok2Mc's) default rcon.port.
const DefaultRCONPort = 25575

// Result is a converted Tiktok2Mc setup: the text of tikcraft.yaml and
// actions.mca, and the report of what was carried over and what not.
type Result struct {
	Config  string // tikcraft.yaml
	Actions string // actions.mca
	// Read lists every file that was read, in order.
	Read []string
	// Carried, Left ("what: why") and Notes (differences to know) are
	// the report's three parts.
	Carried, Left, Notes []string
}

// Convert reads the Tiktok2Mc setup at from (its folder, or its
// config.yaml) and converts it. It writes nothing.
func Convert(from string) (*Result, error) {
	cfgPath, actionsPath, err := find(from)
	if err != nil {
		return nil, err
	}
	raw, err := readFile(cfgPath)
	if err != nil {
		return nil, err
	}
	t2m, err := ParseConfig(cfgPath, raw)
	if err != nil {
		return nil, err
	}
	m := &converter{t2m: t2m, cfgPath: cfgPath}
	m.read = append(m.read, cfgPath)
	var src []byte
	if actionsPath != "" {
		if src, err = readFile(actionsPath); err != nil {
			return nil, err
		}
		m.read = append(m.read, actionsPath)
	}
	converted := m.convertActions(actionsPath, string(src), m.likeFunctions())
	if httpPath := findHTTPActions(cfgPath, actionsPath); httpPath != "" {
		b, err := readFile(httpPath)
		if err != nil {
			return nil, err
		}
		m.read = append(m.read, httpPath)
		rules, allow := m.convertHTTPActions(filepath.Base(httpPath), string(b))
		converted = mergeHTTPRules(converted, rules)
		m.httpAllow = allow
	}
	return &Result{Config: m.config(), Actions: converted, Read: m.read, Carried: m.carried, Left: m.left, Notes: m.notes}, nil
}

// WriteReport prints what was read and written, what was carried over,
// what was not and why, and the differences a Tiktok2Mc user must know.
func (r *Result) WriteReport(w io.Writer, outCfg, outActions string) {
	fmt.Fprintf(w, "read %s\nwrote %s and %s\n", strings.Join(r.Read, " and "), outCfg, outActions)
	section := func(title string, items []string) {
		if len(items) == 0 {
			return
		}
		fmt.Fprintln(w, title)
		for _, it := range items {
			fmt.Fprintf(w, "  - %s\n", it)
		}
	}
	section("carried over:", r.Carried)
	section("not carried over:", r.Left)
	section("differences to know:", r.Notes)
}

// find finds config.yaml and actions.mca in a Tiktok2Mc folder: an
// installed one (config/config.yaml, data/actions.mca), its repository
// (defaults/), or a folder holding both files.
func find(from string) (cfg, actionsFile string, err error) {
	st, err := os.Stat(from)
	if errors.Is(err, os.ErrNotExist) {
		return "", "", fmt.Errorf("%s does not exist: give the Tiktok2Mc folder (the one with config/ and data/ in it)", from)
	}
	if err != nil {
		return "", "", fmt.Errorf("cannot read %s: %w", from, unwrapPathError(err))
	}
	dir := from
	if !st.IsDir() {
		if filepath.Base(from) != "config.yaml" {
			return "", "", fmt.Errorf("%s is a file: give the Tiktok2Mc folder, or its config.yaml", from)
		}
		cfg, dir = from, filepath.Dir(from)
		if filepath.Base(dir) == "config" || filepath.Base(dir) == "defaults" {
			dir = filepath.Dir(dir)
		}
	}
	first := func(paths ...string) string {
		for _, p := range paths {
			if st, err := os.Stat(p); err == nil && !st.IsDir() {
				return p
			}
		}
		return ""
	}
	if cfg == "" {
		cfg = first(filepath.Join(dir, "config", "config.yaml"), filepath.Join(dir, "config.yaml"), filepath.Join(dir, "defaults", "config.yaml"))
	}
	if cfg == "" {
		return "", "", fmt.Errorf("%s has no Tiktok2Mc config.yaml (looked for config/config.yaml, config.yaml and defaults/config.yaml)", from)
	}
	actionsFile = first(filepath.Join(dir, "data", "actions.mca"), filepath.Join(dir, "actions.mca"), filepath.Join(dir, "defaults", "actions.mca"))
	return cfg, actionsFile, nil
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// converter collects what Convert did, for its report.
type converter struct {
	t2m       *Config
	cfgPath   string
	httpAllow []string // hosts the converted $http calls go to
	read      []string // files read
	carried   []string
	left      []string // "what: why"
	notes     []string // differences to know
}

func (m *converter) likeFunctions() []string {
	var out []string
	for _, t := range m.t2m.LikeTriggers {
		out = append(out, TriggerName(t.Function))
	}
	return out
}

// config writes tikcraft.yaml from the Tiktok2Mc settings.
func (m *converter) config() string {
	t := m.t2m
	var b strings.Builder
	fmt.Fprintf(&b, "# tikcraft configuration, converted by `tikcraft migrate` from\n# %s.\n# docs/CONFIG.md explains every key.\n\nactions: actions.mca\n\n", filepath.ToSlash(m.cfgPath))

	b.WriteString("tiktok:\n")
	switch user := strings.TrimPrefix(t.User, "@"); {
	case user == "":
		b.WriteString("  # user: \"@your_name\"   # Tiktok2Mc's TikTok.User was empty\n")
		m.left = append(m.left, "TikTok.User: it is empty; set tiktok.user to your @handle")
	default:
		if _, err := tiktok.NormalizeUser(user); err != nil {
			fmt.Fprintf(&b, "  # user: %s   # not a TikTok handle; write your @handle here\n", strconv.Quote(t.User))
			m.left = append(m.left, fmt.Sprintf("TikTok.User %q: %v", t.User, err))
		} else {
			fmt.Fprintf(&b, "  user: %s\n", strconv.Quote("@"+user))
			m.carried = append(m.carried, fmt.Sprintf("tiktok.user: @%s (TikTok.User)", user))
			if user == "your_tiktok_username" {
				m.notes = append(m.notes, "tiktok.user is still Tiktok2Mc's placeholder your_tiktok_username: put your own @handle there")
			}
		}
	}
	if t.ReconnectDelay > 0 {
		fmt.Fprintf(&b, "  retry_offline: %ds   # TikTok.ReconnectDelaySeconds\n", t.ReconnectDelay)
		m.carried = append(m.carried, fmt.Sprintf("tiktok.retry_offline: %ds (TikTok.ReconnectDelaySeconds)", t.ReconnectDelay))
	}

	port := t.RCONPort
	if port == 0 {
		port = DefaultRCONPort
	}
	fmt.Fprintf(&b, "\nrcon:\n  address: 127.0.0.1:%d   # Tiktok2Mc always used this computer (localhost)\n", port)
	if t.RCONPassword != "" {
		fmt.Fprintf(&b, "  password: %s   # RCON.Password; TIKCRAFT_RCON_PASSWORD overrides it\n", strconv.Quote(t.RCONPassword))
		m.carried = append(m.carried, fmt.Sprintf("rcon: 127.0.0.1:%d with the password of RCON.Password", port))
		if t.RCONPassword == DefaultPassword {
			m.notes = append(m.notes, fmt.Sprintf("the RCON password is Tiktok2Mc's default %s, which anyone who can reach the port can use: put a long random one into server.properties and tikcraft.yaml", DefaultPassword))
		}
	} else {
		b.WriteString("  # password: set TIKCRAFT_RCON_PASSWORD to the rcon.password of server.properties\n")
		m.carried = append(m.carried, fmt.Sprintf("rcon: 127.0.0.1:%d (RCON.Port); RCON.Password was empty", port))
	}
	if t.RCONDisabled {
		m.notes = append(m.notes, "RCON.Enable was false: tikcraft sends everything over RCON, so server.properties needs enable-rcon=true (tikcraft init --server DIR does it)")
	}

	if len(t.LikeTriggers) > 0 {
		b.WriteString("\nlikes:\n  triggers:   # Gifts.like_triggers\n")
		var names []string
		for i, lt := range t.LikeTriggers {
			id := lt.ID
			if id == "" {
				id = fmt.Sprintf("likes_%d", i+1)
			}
			fn := TriggerName(lt.Function)
			fmt.Fprintf(&b, "    - {id: %s, every: %d, function: %s, payload: %s, enable: %t}\n", strconv.Quote(id), lt.Every, strconv.Quote(fn), strconv.Quote(lt.Payload), lt.Enable)
			state := ""
			if !lt.Enable {
				state = ", off"
			}
			names = append(names, fmt.Sprintf("%s (every %d likes runs %s%s)", id, lt.Every, fn, state))
		}
		m.carried = append(m.carried, "likes.triggers: "+strings.Join(names, ", ")+" (Gifts.like_triggers)")
	}
	if g := t.LikeGoal; g != nil {
		fmt.Fprintf(&b, "\noverlays:\n  likegoal:   # Tiktok2Mc's LikeGoal; shown at /overlay/likegoal (docs/OVERLAYS.md)\n    label: %s\n    initial_goal: %d\n    multiplier: %d\n", strconv.Quote(g.DisplayText), g.InitialGoal, g.GoalMultiplier)
		m.carried = append(m.carried, fmt.Sprintf("overlays.likegoal: %q, first goal %d likes, multiplier %d (LikeGoal)", g.DisplayText, g.InitialGoal, g.GoalMultiplier))
	}
	if len(m.httpAllow) > 0 {
		b.WriteString("\nhttp:\n  allow:   # the addresses http_actions.txt called, now called by $http\n")
		for _, h := range m.httpAllow {
			fmt.Fprintf(&b, "    - %s\n", strconv.Quote(h))
		}
		m.carried = append(m.carried, "http.allow: "+strings.Join(m.httpAllow, ", ")+" (the hosts of http_actions.txt)")
	}
	for _, u := range t.Unused {
		m.left = append(m.left, u.Key+": "+u.Why)
	}
	return b.String()
}

// convertActions carries the actions file over line by line: trigger
// names Tiktok2Mc accepted but tikcraft does not ("Heart Me") are renamed
// the way Tiktok2Mc matched them, and a line tikcraft cannot run stays in
// the file as a comment. Every other line is kept as it is.
func (m *converter) convertActions(path, src string, likeFns []string) string {
	if path == "" {
		m.left = append(m.left, "actions.mca: the Tiktok2Mc folder has none; the new actions.mca has only a comment")
		return "# No actions.mca was found in the Tiktok2Mc folder. One rule per line: TRIGGER:COMMAND (docs/ACTIONS.md)\n"
	}
	eol := "\n"
	if strings.Contains(src, "\r\n") {
		eol = "\r\n"
	}
	lines := strings.Split(strings.TrimPrefix(src, "\ufeff"), "\n")
	for i, l := range lines {
		l = strings.TrimSuffix(l, "\r")
		t := strings.TrimSpace(l)
		if t == "" || t[0] == '#' {
			continue
		}
		colon := strings.IndexByte(l, ':')
		if colon < 0 {
			continue
		}
		trigger := strings.TrimSpace(l[:colon])
		if fixed := TriggerName(trigger); fixed != "" && fixed != trigger && !validTrigger(trigger) {
			lines[i] = fixed + ":" + l[colon+1:]
			m.notes = append(m.notes, fmt.Sprintf("actions.mca line %d: trigger %q is now %q (tikcraft triggers have no spaces; the gift still matches)", i+1, trigger, fixed))
		}
	}
	out := strings.Join(lines, "\n")

	// Lines tikcraft refuses become comments, as Tiktok2Mc skipped them.
	_, diags := actions.Parse(path, []byte(out), actions.Options{LikeFunctions: likeFns})
	bad := map[int]string{}
	for _, d := range diags {
		if d.Severity == actions.Error {
			if _, seen := bad[d.Line]; !seen {
				bad[d.Line] = d.Message
			}
		}
	}
	lines = strings.Split(out, "\n")
	badLines := make([]int, 0, len(bad))
	for n := range bad {
		badLines = append(badLines, n)
	}
	sort.Ints(badLines)
	for _, n := range badLines {
		msg := bad[n]
		orig := strings.TrimSuffix(lines[n-1], "\r")
		lines[n-1] = fmt.Sprintf("# tikcraft migrate: not carried over, %s:%s# %s", msg, eol, orig)
		m.left = append(m.left, fmt.Sprintf("actions.mca line %d (%s): %s; kept as a comment", n, clipLine(orig), msg))
	}
	out = strings.Join(lines, "\n")
	m.actionNotes(out)
	return out
}

func validTrigger(s string) bool {
	for _, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return s != ""
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
		for _, c := range strings.Split(cmds, ";") {
			c = strings.TrimSpace(c)
			if (strings.HasPrefix(c, "/") || strings.HasPrefix(c, "!")) && strings.Contains(c, "{user}") {
				userLines = append(userLines, strconv.Itoa(i+1))
				if example == "" {
					example = c
				}
				break
			}
		}
		if cut, _, _ := strings.Cut(l, "#"); len(cut) < len(body) {
			hashLines = append(hashLines, strconv.Itoa(i+1))
		}
	}
	if len(userLines) > 0 {
		m.notes = append(m.notes, fmt.Sprintf("{user} in a command (actions.mca line %s): Tiktok2Mc put @a in its place; tikcraft puts the viewer's TikTok handle, so %s now targets the player named like the viewer, which is nobody unless that viewer plays on your server. Write @a where you meant everyone (see docs/ACTIONS.md)",
			strings.Join(userLines, ", "), "`"+example+"`"))
	}
	if len(hashLines) > 0 {
		m.notes = append(m.notes, fmt.Sprintf("'#' in a command (actions.mca line %s): Tiktok2Mc cut the line at the first #; tikcraft keeps tags such as #minecraft:skeletons and a # inside [], {} or quotes, so the command is now sent whole", strings.Join(hashLines, ", ")))
	}
}

func clipLine(s string) string {
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}

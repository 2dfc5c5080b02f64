package tiktok2mc

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/tikcraft/tikcraft/actions"
	"github.com/tikcraft/tikcraft/clip"
	"github.com/tikcraft/tikcraft/rcon"
	"github.com/tikcraft/tikcraft/tiktok"
)

// maxPlugins bounds the plugin folders read: more is not a Tiktok2Mc folder.
const maxPlugins = 100

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

// folder are the files of a Tiktok2Mc setup; "" where there is none.
type folder struct {
	config, actions               string
	comments, events, shell, http string
	randomHook                    string
	plugins                       []string // plugins/NAME/config.yaml, sorted
	pluginNames                   []string
	root                          string
}

// Convert reads the Tiktok2Mc setup at from (its folder, or its
// config.yaml) and converts it: every file of either layout that it
// finds, each read as an ordinary file of at most its kind's cap (read.go). It writes
// nothing.
func Convert(from string) (*Result, error) {
	f, err := find(from)
	if err != nil {
		return nil, err
	}
	m := &converter{cfgPath: f.config}
	raw, err := m.readFile(f.config)
	if err != nil {
		return nil, err
	}
	if m.t2m, err = ParseConfig(f.config, raw); err != nil {
		return nil, err
	}
	t := m.t2m
	if f.comments != "" {
		b, err := m.readFile(f.comments)
		if err != nil {
			return nil, err
		}
		cc, err := ReadCommentCommands(f.comments, b)
		if err != nil {
			return nil, err
		}
		if t.Comments != nil {
			m.left = append(m.left, fmt.Sprintf("%s: superseded by %s, which is what Tiktok2Mc 1.0 reads", t.Comments.From, filepath.Base(f.comments)))
		}
		t.Comments = cc
	}
	if f.events != "" {
		b, err := m.readFile(f.events)
		if err != nil {
			return nil, err
		}
		if t.Events, err = ReadEventCommands(f.events, b); err != nil {
			return nil, err
		}
		m.eventsRead = true
	}
	if f.randomHook != "" {
		b, err := m.readFile(f.randomHook)
		if err != nil {
			return nil, err
		}
		p, err := ReadRandomHook(f.randomHook, b)
		if err != nil {
			return nil, err
		}
		if t.Random != nil {
			m.left = append(m.left, fmt.Sprintf("%s: superseded by %s, which Tiktok2Mc 1.0's $random reads", t.Random.From, f.randomHook))
		}
		t.Random = p
	}
	for i, p := range f.plugins {
		b, err := m.readFile(p)
		if err != nil {
			return nil, err
		}
		if err := t.ReadPlugin(p, f.pluginNames[i], b); err != nil {
			return nil, err
		}
	}

	var src []byte
	if f.actions != "" {
		if src, err = m.readFile(f.actions); err != nil {
			return nil, err
		}
	}
	converted := m.convertActions(f.actions, string(src))
	for _, p := range []string{f.http, f.shell} {
		if p == "" {
			continue
		}
		b, err := m.readFile(p)
		if err != nil {
			return nil, err
		}
		// 0.5's shell_actions.txt has //define lines, 0.x's
		// http_actions.txt has not.
		lines := m.convertShellFile(filepath.Base(p), string(b), p == f.shell)
		added, merged := []string(nil), []mergedLine(nil)
		converted, added, merged = m.mergeGiftLines(converted, lines, filepath.Base(p))
		// Tiktok2Mc ran these by themselves, never through $random.
		m.notRandom = append(m.notRandom, added...)
		m.addMade(added, filepath.Base(p))
		m.addMerged(merged, filepath.Base(p))
	}
	converted, added, merged := mergeRules(converted, m.convertEvents(), "event_commands.yaml")
	m.addMade(added, "event_commands.yaml")
	m.addMerged(merged, "event_commands.yaml")
	m.out, _ = actions.Parse("actions.mca", []byte(converted), actions.Options{HTTPAllow: m.httpAllow})
	m.pool = m.newRandomFilter()
	converted = m.addStandIns(converted)
	// The report starts with the settings, then the files' rules.
	nc, nl := len(m.carried), len(m.left)
	cfg := m.config()
	m.carried = append(m.carried[nc:], m.carried[:nc]...)
	m.left = append(m.left[nl:], m.left[:nl]...)
	return &Result{Config: cfg, Actions: converted, Read: m.read, Carried: m.carried, Left: m.left, Notes: m.notes}, nil
}

// WriteReport prints what was read and written, what was carried over,
// what was not and why, and the differences a Tiktok2Mc user must know.
func (r *Result) WriteReport(w io.Writer, outCfg, outActions string) {
	section := func(title string, items []string) {
		if len(items) == 0 {
			return
		}
		fmt.Fprintln(w, title)
		for _, it := range items {
			fmt.Fprintf(w, "  - %s\n", it)
		}
	}
	section("read:", r.Read)
	fmt.Fprintf(w, "wrote %s and %s\n", outCfg, outActions)
	section("carried over:", r.Carried)
	section("not carried over:", r.Left)
	section("differences to know:", r.Notes)
}

// find finds the files of a Tiktok2Mc folder: an installed one
// (config/config.yaml, data/..., hooks/, plugins/), its repository
// (defaults/, src/hooks, src/plugins), or a folder holding the files.
func find(from string) (*folder, error) {
	st, err := os.Stat(from)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s does not exist: give the Tiktok2Mc folder (the one with config/ and data/ in it)", from)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", from, unwrapPathError(err))
	}
	f := &folder{root: from}
	if !st.IsDir() {
		if filepath.Base(from) != "config.yaml" {
			return nil, fmt.Errorf("%s is a file: give the Tiktok2Mc folder, or its config.yaml", from)
		}
		f.config, f.root = from, filepath.Dir(from)
		if b := filepath.Base(f.root); b == "config" || b == "defaults" {
			f.root = filepath.Dir(f.root)
		}
	}
	at := func(parts ...string) string { return filepath.Join(append([]string{f.root}, parts...)...) }
	// first returns the first path that exists; what it is (a folder, a
	// pipe, a device, a link to nothing) is readFile's to refuse, with a
	// word, rather than skipping it as if there were no such file: a
	// broken link in place of actions.mca made an empty actions.mca.
	first := func(paths ...string) string {
		for _, p := range paths {
			if _, err := os.Lstat(p); err == nil {
				return p
			}
		}
		return ""
	}
	if f.config == "" {
		f.config = first(at("config", "config.yaml"), at("config.yaml"), at("defaults", "config.yaml"))
	}
	if f.config == "" {
		return nil, fmt.Errorf("%s has no Tiktok2Mc config.yaml (looked for config/config.yaml, config.yaml and defaults/config.yaml)", from)
	}
	inData := func(name string) string { return first(at("data", name), at(name), at("defaults", name)) }
	f.actions = inData("actions.mca")
	f.comments = inData("comment_commands.yaml")
	f.events = inData("event_commands.yaml")
	f.shell = inData("shell_actions.txt")
	f.http = inData("http_actions.txt")
	f.randomHook = first(at("hooks", "random", "config.yaml"), at("src", "hooks", "random", "config.yaml"))
	for _, dir := range []string{at("plugins"), at("src", "plugins")} {
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range entries {
			if p := first(filepath.Join(dir, e.Name(), "config.yaml")); p != "" && e.IsDir() {
				f.plugins = append(f.plugins, p)
				f.pluginNames = append(f.pluginNames, e.Name())
			}
		}
		if len(f.plugins) > maxPlugins {
			return nil, fmt.Errorf("%s has %d plugin folders: that is not a Tiktok2Mc folder", dir, len(f.plugins))
		}
		if len(f.plugins) > 0 {
			break
		}
	}
	return f, nil
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
	t2m        *Config
	cfgPath    string
	eventsRead bool     // data/event_commands.yaml was read
	httpAllow  []string // hosts the converted $http calls go to
	read       []string // files read
	carried    []string
	left       []string // "what: why"
	notes      []string // differences to know

	// What the event mappings said about the timer (nil: nothing).
	resetOnDeath, winOnEnd *bool
	// notRandom are rules made from http_actions.txt or shell_actions.txt:
	// Tiktok2Mc ran them by themselves, so $random must not pick them.
	notRandom []string
	pool      randomFilter // $random's, once the shell files are merged
	// merged are the rules of actions.mca those files and the event
	// mappings added commands to, as they were, with where the commands
	// came from; standIns are the rules $random picks in place of them.
	merged   []merged
	standIns []standIn

	// gifts is the gift list Tiktok2Mc's names are looked up in (nil: the
	// built-in one, Tiktok2Mc's own).
	gifts *tiktok.GiftList
	// t2mRules are actions.mca's triggers as Tiktok2Mc read them
	// (t2mRules); eventIDs maps those that tikcraft would fire for an
	// event to the id of the gift Tiktok2Mc ran them for, which their
	// lines are now written as.
	t2mRules map[string]bool
	eventIDs map[string]string
	// out is the new actions file once every file is merged into it (nil
	// before), made the rules migrate added (their trigger in tikcraft's
	// form → the file they come from).
	out  *actions.File
	made map[string]string
}

func (m *converter) addMade(triggers []string, file string) {
	for _, t := range triggers {
		if m.made == nil {
			m.made = map[string]string{}
		}
		m.made[actions.Normalize(t)] = file
	}
}

// giftList is the gift list names are looked up in.
func (m *converter) giftList() *tiktok.GiftList {
	if m.gifts != nil {
		return m.gifts
	}
	return builtinGifts()
}

type merged struct {
	mergedLine
	from []string
}

// standIn is a rule $random or the like rules run in place of rule:
// rule's Tiktok2Mc commands without those added from other files.
type standIn struct {
	rule, name   string
	like, random bool // which of them runs it
}

// addMerged notes the lines that commands from file were added to; a
// line's first notice keeps its commands from before any was.
func (m *converter) addMerged(lines []mergedLine, file string) {
	for _, l := range lines {
		i := slices.IndexFunc(m.merged, func(x merged) bool { return actions.Normalize(x.trigger) == actions.Normalize(l.trigger) })
		if i < 0 {
			m.merged = append(m.merged, merged{mergedLine: l})
			i = len(m.merged) - 1
		}
		if !slices.Contains(m.merged[i].from, file) {
			m.merged[i].from = append(m.merged[i].from, file)
		}
	}
}

// addStandIns keeps $random and the like rules running what Tiktok2Mc's
// ran. Tiktok2Mc ran the shell files' commands and the event mappings by
// themselves, while its $random and its like rules ran a rule's
// actions.mca commands only; a rule that got such commands added would run
// them when $random picks it or a like rule names it. So for such a rule
// that a like rule names, or that $random may pick when the file uses it,
// a stand-in with the rule's own commands (NAME_likes, or NAME_random) is
// added at the end: the like rules name it in place of the rule (likes),
// and randomLists puts it in the rule's place (never picks the rule, or
// lists the stand-in in random.only instead).
func (m *converter) addStandIns(src string) string {
	if len(m.merged) == 0 {
		return src
	}
	liked := m.likeFunctions()
	f, _ := actions.Parse("actions.mca", []byte(src), actions.Options{HTTPAllow: m.httpAllow})
	names := func(r *actions.Rule) bool {
		return slices.ContainsFunc(liked, func(fn string) bool { return f.Lookup(fn) == r })
	}
	// Once the like rules name the stand-ins, the rules themselves are no
	// like rules' functions to $random.
	var still []string
	for _, fn := range liked {
		if !slices.ContainsFunc(m.merged, func(mg merged) bool {
			return f.Lookup(fn) != nil && f.Lookup(fn) == f.Lookup(actions.Normalize(mg.trigger))
		}) {
			still = append(still, fn)
		}
	}
	only, never, _ := m.randomLists()
	f, _ = actions.Parse("actions.mca", []byte(src), actions.Options{LikeFunctions: still, HTTPAllow: m.httpAllow, RandomOnly: only, RandomNever: never})
	random := slices.ContainsFunc(f.Rules(), (*actions.Rule).UsesRandom)
	var lines []string
	for _, mg := range m.merged {
		// mg.trigger is as written ('Go for it!'), which Lookup takes in
		// tikcraft's form.
		r := f.Lookup(actions.Normalize(mg.trigger))
		if r == nil {
			continue
		}
		s := standIn{rule: r.Trigger, like: names(r), random: random && slices.Contains(f.RandomPicks(), r)}
		if !s.like && !s.random {
			continue
		}
		suffix := "_random"
		if s.like {
			suffix = "_likes"
		}
		s.name = TriggerName(s.rule) + suffix
		for n := 2; !m.freeName(f, s.name); n++ {
			s.name = fmt.Sprintf("%s%s_%d", TriggerName(s.rule), suffix, n)
		}
		l := s.name + ":" + mg.commands
		if mg.comment != "" {
			l += " " + mg.comment
		}
		lines = append(lines, l)
		m.standIns = append(m.standIns, s)
		what, whose := "$random picks", "$random"
		switch {
		case s.like && s.random:
			what, whose = "the like rules run and $random picks", "like rules and $random"
		case s.like:
			what, whose = "the like rules run", "like rules"
		}
		m.carried = append(m.carried, fmt.Sprintf("%s:%s: what %s in place of %s, whose line now also runs what %s added; Tiktok2Mc's %s ran only its actions.mca commands",
			s.name, clip.Line(mg.commands, shown), what, clip.Line(mg.trigger, shown), strings.Join(mg.from, " and "), whose))
	}
	if len(lines) == 0 {
		return src
	}
	eol := "\n"
	if strings.Contains(src, "\r\n") {
		eol = "\r\n"
	}
	if !strings.HasSuffix(src, "\n") {
		src += eol
	}
	return src + "# what $random or a like rule runs in place of the rules above that got commands from other files: their own commands (tikcraft migrate)" + eol + strings.Join(lines, eol) + eol
}

// freeName reports whether name names no rule of f, no gift, no event and
// no like rule's function.
func (m *converter) freeName(f *actions.File, name string) bool {
	liked := slices.ContainsFunc(m.t2m.LikeTriggers, func(lt LikeTrigger) bool { return actions.Normalize(lt.Function) == actions.Normalize(name) })
	return !liked && f.Lookup(name) == nil && !slices.ContainsFunc(m.standIns, func(s standIn) bool { return actions.Normalize(s.name) == actions.Normalize(name) }) &&
		matchables()[actions.Normalize(name)] == nil && !actions.IsEventTrigger(name) && !actions.IsOverlayTrigger(name)
}

func (m *converter) readFile(path string) ([]byte, error) {
	b, wasUTF16, err := readFile(path)
	if err != nil {
		return nil, err
	}
	m.read = append(m.read, path)
	if wasUTF16 {
		m.notes = append(m.notes, fmt.Sprintf("%s was saved as UTF-16 (Notepad's \"Unicode\"); it was read as such, and the new files are UTF-8", path))
	}
	return b, nil
}

// likes are the like rules carried over, and why the others are not:
// those that Tiktok2Mc ran. It skipped a rule without an id or with one
// seen before, and ran a rule's function only when it was, exactly, a
// trigger of actions.mca as it read them (t2mRules): "Likes" never ran the
// rule likes, nor "likes2" the rule likes_2, which tikcraft would run. A
// function whose line migrate left out (a name Tiktok2Mc ran for no gift,
// an event of tikcraft's) has no rule to run either, and one that named no
// rule in Tiktok2Mc but names one migrate made (6369: from
// http_actions.txt, follow: from event_commands.yaml) would run what
// Tiktok2Mc never ran for likes. A function that names no rule in either
// runs nothing in either, and stays. A function naming a rule that got
// commands from other files names its stand-in (addStandIns).
func (m *converter) likes() (out []LikeTrigger, left []string) {
	seen := map[string]bool{}
	for _, lt := range m.t2m.LikeTriggers {
		where := lt.From + " " + lt.ID
		if strings.TrimSpace(lt.ID) == "" {
			// A rule Tiktok2Mc skipped for a missing or blank id.
			where = fmt.Sprintf("%s[%d]", lt.From, lt.at)
		}
		fn, tn := lt.Function, TriggerName(lt.Function)
		why := ""
		switch {
		case lt.skipped != "":
			why = "Tiktok2Mc skipped it, as " + lt.skipped
		case seen[lt.ID]:
			why = "a like rule with this id came first, and Tiktok2Mc skipped this one"
		case tn == "":
			why = fmt.Sprintf("function %q is not a trigger name", fn)
		case fn != t2mName(fn):
			why = fmt.Sprintf("Tiktok2Mc never ran it, because it compared the function with the triggers of actions.mca as it read them (lower case, spaces as _, other signs dropped), and %q is not %q; write function: %s if you meant it", fn, t2mName(fn), tn)
		case !m.t2mRules[fn] && m.otherRule(fn) != "":
			why = fmt.Sprintf("Tiktok2Mc never ran it, because actions.mca has no rule %s as Tiktok2Mc read its triggers, and tikcraft would run %s for it; write function: %s if you meant that", fn, m.otherRule(fn), m.otherRule(fn))
		case m.t2mRules[fn] && (strayTrigger(fn) != "" || tikcraftEvent(fn) != "" && m.eventIDs[fn] == ""):
			why = fmt.Sprintf("the line of %s is left out of actions.mca (see below), so it has no rule to run", fn)
		case !m.t2mRules[fn] && m.out.Lookup(fn) != nil:
			made := fmt.Sprintf("the new actions.mca has %s:, which Tiktok2Mc did not read as a rule", fn)
			if from := m.made[actions.Normalize(fn)]; from != "" {
				made = fmt.Sprintf("migrate made %s: from %s", fn, from)
			}
			why = fmt.Sprintf("actions.mca had no rule %s as Tiktok2Mc read it, so Tiktok2Mc ran nothing for it; %s, which tikcraft would run every %d likes", fn, made, lt.Every)
		}
		if lt.skipped == "" {
			seen[lt.ID] = true
		}
		if why != "" {
			left = append(left, where+": "+why)
			continue
		}
		if eid := m.eventIDs[fn]; eid != "" {
			// Its line is now the id of the gift of that name.
			lt.Function = eid
		}
		if i := slices.IndexFunc(m.standIns, func(s standIn) bool {
			return s.like && actions.Normalize(s.rule) == actions.Normalize(lt.Function)
		}); i >= 0 {
			lt.Function = m.standIns[i].name
		}
		out = append(out, lt)
	}
	return out, left
}

// otherRule is a trigger of actions.mca, as Tiktok2Mc read it, that is
// not fn and yet tikcraft takes for fn ("likes_2" for "likes2"), or "".
func (m *converter) otherRule(fn string) string {
	var out []string
	for k := range m.t2mRules {
		if k != fn && actions.Normalize(k) == actions.Normalize(fn) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	if len(out) == 0 {
		return ""
	}
	return out[0]
}

func (m *converter) likeFunctions() []string {
	likes, _ := m.likes()
	var out []string
	for _, t := range likes {
		out = append(out, TriggerName(t.Function))
	}
	return out
}

// config writes tikcraft.yaml from the Tiktok2Mc settings.
func (m *converter) config() string {
	t := m.t2m
	var b strings.Builder
	fmt.Fprintf(&b, "# tikcraft configuration, converted by `tikcraft migrate` from\n# %s.\n# docs/CONFIG.md explains every key; docs/TIKTOK2MC.md what became of each Tiktok2Mc setting.\n\nactions: actions.mca\n\n", filepath.ToSlash(m.cfgPath))
	key := func(old, snake string) string {
		if t.Layout == Layout10 {
			return snake
		}
		return old
	}

	b.WriteString("tiktok:\n")
	userKey := key("TikTok.User", "tiktok.user")
	switch user := strings.TrimPrefix(t.User, "@"); {
	case user == "":
		fmt.Fprintf(&b, "  # user: \"@your_name\"   # Tiktok2Mc's %s was empty\n", userKey)
		m.left = append(m.left, userKey+": it is empty; set tiktok.user to your @handle")
	default:
		if _, err := tiktok.NormalizeUser(user); err != nil {
			fmt.Fprintf(&b, "  # user: %s   # not a TikTok handle; write your @handle here\n", strconv.Quote(t.User))
			m.left = append(m.left, fmt.Sprintf("%s %q: %v", userKey, t.User, err))
		} else {
			fmt.Fprintf(&b, "  user: %s\n", strconv.Quote("@"+user))
			m.carried = append(m.carried, fmt.Sprintf("tiktok.user: @%s (%s)", user, userKey))
			if user == "your_tiktok_username" {
				m.notes = append(m.notes, "tiktok.user is still Tiktok2Mc's placeholder your_tiktok_username: put your own @handle there")
			}
		}
	}
	if t.ReconnectDelay > 0 {
		k := key("TikTok.ReconnectDelaySeconds", "tiktok.reconnect_delay_seconds")
		fmt.Fprintf(&b, "  retry_offline: %ds   # %s\n", t.ReconnectDelay, k)
		m.carried = append(m.carried, fmt.Sprintf("tiktok.retry_offline: %ds (%s)", t.ReconnectDelay, k))
	}

	port := t.RCONPort
	if port == 0 {
		port = rcon.DefaultPort
	}
	pwKey, portKey := key("RCON.Password", "rcon.password"), key("RCON.Port", "rcon.port")
	var rconFrom []string
	if t.RCONPort != 0 {
		rconFrom = append(rconFrom, "port: "+portKey)
	}
	if t.RCONEnable != nil && *t.RCONEnable {
		rconFrom = append(rconFrom, key("RCON.Enable", "rcon.enabled")+": true, as tikcraft sends every command over RCON")
	}
	rconSuffix := ""
	if len(rconFrom) > 0 {
		rconSuffix = " (" + strings.Join(rconFrom, "; ") + ")"
	}
	fmt.Fprintf(&b, "\nrcon:\n  address: 127.0.0.1:%d   # Tiktok2Mc always used this computer (localhost)\n", port)
	if t.RCONPassword != "" {
		fmt.Fprintf(&b, "  password: %s   # %s; TIKCRAFT_RCON_PASSWORD overrides it\n", strconv.Quote(t.RCONPassword), pwKey)
		m.carried = append(m.carried, fmt.Sprintf("rcon: 127.0.0.1:%d with the password of %s%s", port, pwKey, rconSuffix))
		if t.RCONPassword == DefaultPassword {
			m.notes = append(m.notes, fmt.Sprintf("the RCON password is Tiktok2Mc's default %s, which anyone who can reach the port can use: put a long random one into server.properties and tikcraft.yaml", DefaultPassword))
		}
	} else {
		b.WriteString("  # password: set TIKCRAFT_RCON_PASSWORD to the rcon.password of server.properties\n")
		m.carried = append(m.carried, fmt.Sprintf("rcon: 127.0.0.1:%d; %s was empty%s", port, pwKey, rconSuffix))
	}
	if t.RCONEnable != nil && !*t.RCONEnable {
		m.notes = append(m.notes, key("RCON.Enable", "rcon.enabled")+" was false: tikcraft sends everything over RCON, so server.properties needs enable-rcon=true (tikcraft init --server DIR does it)")
	}

	m.follows(&b)
	likes, left := m.likes()
	m.left = append(m.left, left...)
	if len(likes) > 0 {
		fmt.Fprintf(&b, "\nlikes:\n  triggers:   # %s\n", likes[0].From)
		var names []string
		for _, lt := range likes {
			fn := TriggerName(lt.Function)
			fmt.Fprintf(&b, "    - {id: %s, every: %d, function: %s, payload: %s, enable: %t}\n", strconv.Quote(lt.ID), lt.Every, strconv.Quote(fn), strconv.Quote(lt.Payload), lt.Enable)
			state := ""
			if !lt.Enable {
				state = ", off"
			}
			names = append(names, fmt.Sprintf("%s (every %d likes runs %s%s)", lt.ID, lt.Every, fn, state))
		}
		m.carried = append(m.carried, "likes.triggers: "+strings.Join(names, ", ")+" ("+likes[0].From+")")
	}
	m.random(&b)
	m.chatCommands(&b)
	m.overlays(&b)
	if len(m.httpAllow) > 0 {
		b.WriteString("\nhttp:\n  allow:   # the addresses Tiktok2Mc's curl calls and chat commands called, now called by $http\n")
		for _, h := range m.httpAllow {
			fmt.Fprintf(&b, "    - %s\n", strconv.Quote(h))
		}
		m.carried = append(m.carried, "http.allow: "+strings.Join(m.httpAllow, ", ")+" (the hosts Tiktok2Mc called)")
	}
	for _, u := range t.Unused {
		m.left = append(m.left, u.Key+": "+u.Why)
	}
	return b.String()
}

// follows writes follows: from tiktok.follow_tracking.mode.
func (m *converter) follows(b *strings.Builder) {
	mode := m.t2m.FollowTracking
	def := ""
	if mode == "" && m.t2m.Layout == Layout10 {
		mode, def = "all_time", ", Tiktok2Mc's default"
	}
	switch mode {
	case "":
	case "all_time":
		fmt.Fprintf(b, "\nfollows:\n  remember: forever   # tiktok.follow_tracking.mode: all_time%s\n", def)
		m.carried = append(m.carried, "follows.remember: forever, a viewer's follow fires once ever (tiktok.follow_tracking.mode: all_time"+def+")")
	case "per_stream":
		b.WriteString("\nfollows:\n  once_per_user: true   # tiktok.follow_tracking.mode: per_stream\n  remember: live\n")
		m.carried = append(m.carried, "follows.once_per_user: a viewer's follow fires once per LIVE (tiktok.follow_tracking.mode: per_stream)")
	default:
		m.left = append(m.left, fmt.Sprintf("tiktok.follow_tracking.mode %q: not all_time or per_stream; tikcraft fires a viewer's follow once per LIVE", mode))
	}
}

// randomFilter is Tiktok2Mc's $random filter in tikcraft's names: only
// and never from its lists, never also the rules made from shell files
// (shell), which Tiktok2Mc never ran through $random; left says what of
// its lists is not carried over and why.
type randomFilter struct {
	only, never, shell, left []string
}

// newRandomFilter works out the filter once the shell files are merged.
func (m *converter) newRandomFilter() randomFilter {
	p := m.t2m.Random
	if p == nil {
		p = &RandomPool{}
	}
	var f randomFilter
	likes := m.likeFunctions()
	// tikcraft's $random never picks these anyway.
	neverPicked := func(tn string) bool {
		return actions.IsEventTrigger(tn) || tn == "likes" || tn == "like_2" || slices.Contains(likes, tn)
	}
	names := func(list []string, never bool) []string {
		var out []string
		for _, n := range list {
			tn := TriggerName(n)
			switch why := strayTrigger(n); {
			case tn == "":
				f.left = append(f.left, fmt.Sprintf("%s: %q is not a trigger name", p.From, n))
			case why != "":
				// Its line of actions.mca is left as a comment, and in
				// tikcraft's lists the name is another rule's: rose_ is rose.
				f.left = append(f.left, fmt.Sprintf("%s: %q: %s", p.From, n, why))
			case tikcraftEvent(n) != "":
				// Its line is now its gift's id, or a comment: in
				// tikcraft's lists the name is the event's rule.
				if id := m.eventIDs[t2mName(n)]; id != "" {
					out = append(out, id)
				} else if !never {
					f.left = append(f.left, fmt.Sprintf("%s: %q: its line of actions.mca is left as a comment, as tikcraft would run %s: for %s", p.From, n, tn, tikcraftEvent(n)))
				}
			case never && neverPicked(tn):
			default:
				out = append(out, tn)
			}
		}
		return out
	}
	f.only, f.never = names(p.Only, false), names(p.Never, true)
	if len(p.Only) > 0 && len(f.only) == 0 {
		f.left = append(f.left, fmt.Sprintf("%s: none of the rules it lists is carried over, so $random picks from every rule", p.From))
	}
	if len(f.only) == 0 {
		for _, t := range m.notRandom {
			if !neverPicked(t) && !slices.Contains(f.never, t) {
				f.never = append(f.never, t)
				f.shell = append(f.shell, t)
			}
		}
	}
	return f
}

// randomLists are $random's lists as tikcraft.yaml gets them: the filter's,
// with the rules whose stand-ins $random picks (swapped) in never, or, in
// only, replaced by their stand-ins.
func (m *converter) randomLists() (only, never, swapped []string) {
	only, never = slices.Clone(m.pool.only), slices.Clone(m.pool.never)
	for _, s := range m.standIns {
		if !s.random {
			continue
		}
		i := slices.IndexFunc(only, func(n string) bool { return actions.Normalize(n) == actions.Normalize(s.rule) })
		switch {
		case i >= 0:
			only[i] = s.name
		case len(only) == 0:
			never = append(never, TriggerName(s.rule))
		default:
			continue
		}
		swapped = append(swapped, TriggerName(s.rule))
	}
	return only, never, swapped
}

// random writes random: from Tiktok2Mc's $random filter, and keeps the
// rules made from shell files, and those that got commands from them, out
// of $random's pool.
func (m *converter) random(b *strings.Builder) {
	m.left = append(m.left, m.pool.left...)
	only, never, swapped := m.randomLists()
	shell := m.pool.shell
	if len(only) == 0 && len(never) == 0 {
		return
	}
	var from []string
	if p := m.t2m.Random; p != nil && p.From != "" {
		from = append(from, p.From)
	}
	if len(shell) > 0 {
		from = append(from, strings.Join(shell, ", ")+" come from a shell file, which Tiktok2Mc never ran through $random")
	}
	if len(swapped) > 0 {
		from = append(from, strings.Join(swapped, ", ")+" got commands from other files, which Tiktok2Mc's $random never ran: it picks their stand-ins")
	}
	why := strings.Join(from, "; ")
	fmt.Fprintf(b, "\nrandom:   # %s\n", why)
	if len(only) > 0 {
		fmt.Fprintf(b, "  only: [%s]   # $random picks only these\n", strings.Join(only, ", "))
		m.carried = append(m.carried, fmt.Sprintf("random.only: %s ($random picks only these; %s)", strings.Join(only, ", "), why))
	}
	if len(never) > 0 {
		fmt.Fprintf(b, "  never: [%s]   # $random never picks these\n", strings.Join(never, ", "))
		m.carried = append(m.carried, fmt.Sprintf("random.never: %s ($random never picks these; %s)", strings.Join(never, ", "), why))
	}
}

// overlays writes overlays: (alerts, like goal, timer).
func (m *converter) overlays(b *strings.Builder) {
	t := m.t2m
	var lines []string
	if o := t.OverlayText; o != nil {
		var parts []string
		switch o.DisplayMode {
		case "":
		case "overwrite", "queue":
			parts = append(parts, "display_mode: "+o.DisplayMode)
		default:
			m.left = append(m.left, fmt.Sprintf("%s %q: not overwrite or queue", o.From["display_mode"], o.DisplayMode))
		}
		for _, f := range []struct {
			name string
			v    *int64
		}{{"fade_in", o.FadeIn}, {"fade_out", o.FadeOut}} {
			if f.v != nil {
				parts = append(parts, fmt.Sprintf("%s: %d", f.name, min(max(*f.v, 0), 10000)))
			}
		}
		if len(parts) > 0 {
			from := o.sources("display_mode", "fade_in", "fade_out")
			lines = append(lines, fmt.Sprintf("  alerts: {%s}   # %s (milliseconds)", strings.Join(parts, ", "), from))
			m.carried = append(m.carried, fmt.Sprintf("overlays.alerts: %s (%s)", strings.Join(parts, ", "), from))
		}
		if len(o.OverlaysFrom) > 0 {
			var from, named []string
			for _, src := range o.OverlaysFrom {
				from = append(from, src.String())
			}
			for _, n := range o.Overlays {
				named = append(named, "/overlay/alerts?name="+n)
			}
			if len(named) > 0 {
				m.carried = append(m.carried, fmt.Sprintf("named overlays (%s): @NAME>> alerts show on %s; >> alerts on /overlay/alerts", strings.Join(from, "; "), strings.Join(named, ", ")))
			} else {
				m.carried = append(m.carried, fmt.Sprintf("overlays (%s): default only, whose >> alerts show on /overlay/alerts", strings.Join(from, "; ")))
			}
		}
	}
	if g := t.LikeGoal; g != nil {
		lines = append(lines, fmt.Sprintf("  likegoal:   # %s; shown at /overlay/likegoal (docs/OVERLAYS.md)\n    label: %s\n    initial_goal: %d\n    multiplier: %d", g.From, strconv.Quote(g.DisplayText), g.InitialGoal, g.GoalMultiplier))
		m.carried = append(m.carried, fmt.Sprintf("overlays.likegoal: %q, first goal %d likes, multiplier %d (%s)", g.DisplayText, g.InitialGoal, g.GoalMultiplier, strings.TrimSpace(g.From+" "+strings.Join(g.Keys, ", "))))
	}
	if timer := m.timer(); timer != "" {
		lines = append(lines, timer)
	}
	if len(lines) > 0 {
		b.WriteString("\noverlays:\n" + strings.Join(lines, "\n") + "\n")
	}
}

// timer is the overlays.timer block, or "": the start, and what a death
// and the end do, from Tiktok2Mc's timer settings and event mappings.
func (m *converter) timer() string {
	t := m.t2m
	var parts, why []string
	if t.TimerStart > 0 {
		s := min(max(t.TimerStart, 1), 24*3600)
		parts = append(parts, "start: "+durationText(s))
		why = append(why, t.TimerFrom)
	}
	reset, win := m.resetOnDeath, m.winOnEnd
	// Tiktok2Mc 1.0's timer has neither flag: event_commands.yaml says
	// what a death and the end do.
	superseded := "superseded by event_commands.yaml, which says what Tiktok2Mc 1.0 does then (its timer has no such setting)"
	switch p := t.TimerPauseOnDeath; {
	case p == nil:
	case reset != nil:
		m.left = append(m.left, t.timerPlugin+" pause_on_death: "+superseded)
	case *p:
		reset = new(bool)
		why = append(why, t.timerPlugin+" pause_on_death: true (tikcraft's timer runs on instead of pausing)")
	default:
		reset = new(bool)
		why = append(why, t.timerPlugin+" pause_on_death: false (a death did not stop Tiktok2Mc's timer)")
	}
	switch {
	case t.TimerAutoWin == nil:
	case win != nil:
		m.left = append(m.left, t.timerPlugin+" auto_win: "+superseded)
	default:
		win = t.TimerAutoWin
		why = append(why, t.timerPlugin+" auto_win")
	}
	if t.Layout == Layout0x && t.TimerStart > 0 && reset == nil {
		// Tiktok2Mc 0.x's timer paused while the player was dead.
		reset = new(bool)
		why = append(why, "Tiktok2Mc's timer paused while the player was dead; tikcraft's runs on")
	}
	if reset != nil {
		parts = append(parts, fmt.Sprintf("reset_on_death: %t", *reset))
	}
	if win != nil {
		parts = append(parts, fmt.Sprintf("win_on_end: %t", *win))
	}
	if len(parts) == 0 {
		return ""
	}
	m.carried = append(m.carried, fmt.Sprintf("overlays.timer: %s (%s)", strings.Join(parts, ", "), strings.Join(why, "; ")))
	return fmt.Sprintf("  timer: {%s}", strings.Join(parts, ", "))
}

// durationText writes seconds as tikcraft durations: 10m, 90s, 1h30m.
func durationText(s int64) string {
	h, mnt, sec := s/3600, s%3600/60, s%60
	var b strings.Builder
	if h > 0 {
		fmt.Fprintf(&b, "%dh", h)
	}
	if mnt > 0 {
		fmt.Fprintf(&b, "%dm", mnt)
	}
	if sec > 0 || b.Len() == 0 {
		fmt.Fprintf(&b, "%ds", sec)
	}
	return b.String()
}

func validTrigger(s string) bool {
	for _, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return s != ""
}

// shown is how much of a Tiktok2Mc line the report quotes: 40 characters
// of plain text and the ellipsis.
const shown = 40 + len(clip.Ellipsis)

package tiktok2mc

import (
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/tikcraft/tikcraft/actions"
	"github.com/tikcraft/tikcraft/clip"
	"github.com/tikcraft/tikcraft/redact"
)

// Tiktok2Mc ran commands on the streamer's computer: 0.x's
// http_actions.txt, 0.5's shell_actions.txt (both TRIGGER:COMMAND, the
// latter with //define name = value and {name}) and 1.0's & commands in
// actions.mca. tikcraft never runs programs; what those did is carried
// over where it was a web call: a curl call to the timer, win or death
// counter (by its port, a path naming it, or 1.0's plugin API
// /api/v1/plugins/NAME/command) becomes $timer, $wins or $deaths, any
// other http(s) call $http with its host added to http.allow.

// rule is what a line of those files, or an event mapping, becomes: its
// trigger and the actions-file commands to add to it.
type rule struct {
	trigger  string
	commands []string
}

// giftLine is a line of http_actions.txt or shell_actions.txt that
// Tiktok2Mc ran: the id of the gift it ran it for, and the commands it
// becomes.
type giftLine struct {
	rule
	where string // the line, for the report
}

// convertShellFile reads http_actions.txt (0.x) or shell_actions.txt (0.5,
// with //define name = value and {name}) as Tiktok2Mc did: each line cut
// at its first #, GIFT_ID:COMMAND, the last line of an id replacing the
// ones before it. Tiktok2Mc looked them up by the id of each gift sent
// (str(gift.id)), never by a name or an event, so a line keyed by anything
// but a gift id never ran and is left out, with the reason. name is used
// in the report.
func (m *converter) convertShellFile(name, src string, defines bool) []giftLine {
	type line struct {
		key, cmd, where string
		n               int
	}
	var lines []line
	at := map[string]int{}
	var vars [][2]string // in the order they were defined
	for i, l := range strings.Split(strings.TrimPrefix(src, "\ufeff"), "\n") {
		l, _, _ = strings.Cut(strings.TrimSuffix(l, "\r"), "#")
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		if rest, ok := strings.CutPrefix(l, "//define"); ok && defines {
			k, v, ok := strings.Cut(rest, "=")
			if k, v = strings.TrimSpace(k), strings.TrimSpace(v); ok && k != "" && v != "" {
				vars = append(vars, [2]string{k, v})
			}
			continue
		}
		// The report quotes the line: an address in it shows no key.
		where := fmt.Sprintf("%s line %d (%s)", name, i+1, clip.Line(redact.URLs(l), shown))
		key, cmd, ok := strings.Cut(l, ":")
		if !ok {
			m.left = append(m.left, where+": not GIFT_ID:curl ...; Tiktok2Mc skipped it too")
			continue
		}
		key, cmd = strings.TrimSpace(key), strings.TrimSpace(cmd)
		for _, v := range vars {
			cmd = strings.ReplaceAll(cmd, "{"+v[0]+"}", v[1])
		}
		if j, ok := at[key]; ok {
			// Tiktok2Mc kept them in a dict: the line keeps its place, and
			// the last one's command.
			m.left = append(m.left, fmt.Sprintf("%s: replaced by line %d, as Tiktok2Mc kept one line per gift id, the last", lines[j].where, i+1))
			lines[j].cmd, lines[j].where, lines[j].n = cmd, where, i+1
			continue
		}
		at[key] = len(lines)
		lines = append(lines, line{key, cmd, where, i + 1})
	}
	var out []giftLine
	for _, l := range lines {
		if !isGiftID(l.key) {
			m.left = append(m.left, l.where+": "+m.notGiftID(name, l.key)+"; left out")
			continue
		}
		r := giftLine{rule{trigger: l.key}, l.where}
		for _, call := range strings.Split(l.cmd, ";") {
			call = strings.TrimSpace(call)
			if call == "" {
				continue
			}
			cmd, why := m.convertShell(call)
			if why != "" {
				m.left = append(m.left, fmt.Sprintf("%s: %s; left out", l.where, why))
				continue
			}
			r.commands = append(r.commands, cmd)
		}
		if len(r.commands) > 0 {
			out = append(out, r)
		}
	}
	return out
}

// isGiftID reports whether key is a gift id as Tiktok2Mc wrote one to
// look it up: a positive number without leading zeros.
func isGiftID(key string) bool {
	n, err := strconv.ParseInt(key, 10, 64)
	return err == nil && n > 0 && strconv.FormatInt(n, 10) == key
}

// notGiftID says why a line of file keyed by key never ran in Tiktok2Mc,
// and what to write if the gift of that name was meant.
func (m *converter) notGiftID(file, key string) string {
	why := fmt.Sprintf("Tiktok2Mc looked up the lines of %s by the id of each gift sent, so a line keyed %q never ran", file, key)
	if g, ok := m.giftList().ByName(key); ok {
		why += fmt.Sprintf(" (write %d: if you meant the %s)", g.ID, g.Name)
	}
	return why
}

// mergeGiftLines adds the lines of a gift id file to the actions file
// (mergeRules), where tikcraft runs them exactly when Tiktok2Mc did: for
// every gift of that id, whichever rule it fires. Tiktok2Mc made the call
// besides the gift's rule, by name or by id, while tikcraft fires one rule
// per gift, the name rule before the id rule. So a line goes into the id's
// rule (made when there is none), and also into the rule named after that
// gift (the gift list says its name), unless tikcraft runs that rule for
// other gifts of the same name as well: then that case is left out, with
// the reason. It returns what mergeRules does.
func (m *converter) mergeGiftLines(src string, lines []giftLine, file string) (string, []string, []mergedLine) {
	// Which rule a gift fires is the engine's to say.
	f, _ := actions.Parse(file, []byte(src), actions.Options{HTTPAllow: m.httpAllow})
	srcLines := strings.Split(src, "\n")
	var rules []rule
	var ids []string
	streak := "" // the name of the first known gift, for the report
	for _, l := range lines {
		rules = append(rules, l.rule)
		ids = append(ids, l.trigger)
		cmds := strings.Join(l.commands, "; ")
		also := ""
		id, _ := strconv.ParseInt(l.trigger, 10, 64)
		g, ok := m.giftList().ByID(id)
		if ok && streak == "" {
			streak = g.Name
		}
		if !ok {
			m.left = append(m.left, fmt.Sprintf("%s: gift %d is not in tikcraft's gift list, so migrate cannot tell which rule of actions.mca is named after it; if one is, add %s to it too (tikcraft gifts lists TikTok's gifts)", l.where, id, redact.URLs(cmds)))
		}
		// The rule named after the gift: MatchGift without an id finds no
		// other (a coin range or the gift catch-all is no name rule).
		if r := f.MatchGift(g.Name, 0, 0); ok && r != nil && r.Kind == actions.Named {
			var others []string
			for _, o := range m.giftList().Gifts() {
				if o.ID != id && f.MatchGift(o.Name, o.ID, 0) == r {
					others = append(others, strconv.FormatInt(o.ID, 10))
				}
			}
			// The report names the rule as its line writes it ('Go for it!').
			written, _, _ := strings.Cut(srcLines[r.Line-1], ":")
			written, _, _ = strings.Cut(written, "[")
			written = strings.TrimSpace(written)
			if len(others) == 0 {
				rules = append(rules, rule{trigger: r.Trigger, commands: l.commands})
				also = fmt.Sprintf(", also added to %s:, the rule a %s (%d) fires", written, g.Name, id)
			} else {
				m.left = append(m.left, fmt.Sprintf("%s: not added to %s:, which tikcraft runs for every gift called %s (%d, %s), while Tiktok2Mc made this call for %d alone: a %s (%d) that fires %s: does not make it",
					l.where, written, g.Name, id, strings.Join(others, ", "), id, g.Name, id, written))
			}
		}
		m.carried = append(m.carried, fmt.Sprintf("%s: %s:%s%s", l.where, l.trigger, redact.URLs(cmds), also))
	}
	if len(lines) > 0 {
		m.notes = append(m.notes, fmt.Sprintf("%s (gift %s): Tiktok2Mc made these calls once per gift message, so a streak of 5 %s made one; tikcraft runs them with the gift's rule, once per gift sent (5 times)",
			file, strings.Join(ids, ", "), strings.TrimPrefix(streak+" gifts", " ")))
	}
	return mergeRules(src, rules, file)
}

// convertShell turns one shell command into an actions-file command, or
// says why it cannot be; the host of a $http is added to m.httpAllow.
func (m *converter) convertShell(call string) (cmd, why string) {
	cmd, host, why := m.convertCurl(call)
	if why != "" {
		return "", why
	}
	// What is carried over must pass check.
	allow := append(slices.Clone(m.httpAllow), host)
	if _, diags := actions.Parse("x", []byte("x:"+cmd+"\n"), actions.Options{HTTPAllow: allow}); len(diags) > 0 && diags[0].Severity == actions.Error {
		return "", fmt.Sprintf("tikcraft would refuse %s (%s)", clip.Line(redact.URLs(cmd), shown), diags[0].Message)
	}
	if host != "" && !slices.Contains(m.httpAllow, host) {
		m.httpAllow = append(m.httpAllow, host)
	}
	return cmd, ""
}

// convertCurl turns one curl call into an actions-file command; host is
// set for $http (to allow it), why when it cannot be converted.
func (m *converter) convertCurl(call string) (cmd, host, why string) {
	args, err := shellWords(call)
	if err != nil || len(args) == 0 || args[0] != "curl" {
		return "", "", "only curl calls can be converted (tikcraft never runs programs on your computer)"
	}
	method, body, raw := "", "", ""
	for i := 1; i < len(args); i++ {
		a := args[i]
		next := func() string {
			if i+1 < len(args) {
				i++
				return args[i]
			}
			return ""
		}
		switch {
		case a == "-X" || a == "--request":
			method = strings.ToUpper(next())
		case a == "-d" || a == "--data" || a == "--data-raw" || a == "--data-binary" || a == "--json":
			body = next()
		case a == "-H" || a == "--header" || a == "-m" || a == "--max-time" || a == "--connect-timeout":
			next() // headers and timeouts: tikcraft sets its own
		case strings.HasPrefix(a, "http://") || strings.HasPrefix(a, "https://"):
			raw = a
		case strings.HasPrefix(a, "-"):
			// -s, -k, -f and the like change nothing here.
		default:
			if raw == "" && !strings.Contains(a, "://") {
				raw = "http://" + a
			}
		}
	}
	u, err := url.Parse(raw)
	if raw == "" || err != nil || u.Hostname() == "" {
		return "", "", "no URL in the curl call"
	}
	if method == "" {
		method = "GET"
		if body != "" {
			method = "POST"
		}
	}
	if op, why := m.overlayOp(u, body); op != "" || why != "" {
		return op, "", why
	}
	if body != "" && !strings.HasPrefix(strings.TrimSpace(body), "{") && !strings.HasPrefix(strings.TrimSpace(body), "[") {
		return "", "", "its body is not JSON, and $http sends JSON"
	}
	if strings.ContainsAny(u.String()+body, "\n\r") {
		return "", "", "it spans lines"
	}
	hp := u.Host
	if u.Port() == "" {
		port := "80"
		if u.Scheme == "https" {
			port = "443"
		}
		hp = net.JoinHostPort(u.Hostname(), port)
	}
	cmd = "$http " + method + " " + u.String()
	if body != "" {
		cmd += " " + body
	}
	return cmd, strings.ToLower(hp), ""
}

var pluginPath = regexp.MustCompile(`^/api/v1/plugins/([A-Za-z0-9_.-]+)/command/?$`)

// overlayOp recognises a call to Tiktok2Mc's timer, win counter or death
// counter and returns the $ action that does the same on tikcraft's own
// overlays: 1.0's plugin API (/api/v1/plugins/win-counter/command?cmd=
// add_win, or a JSON body {"command":"add_win","args":{"amount":2}}),
// or the 0.x overlay programs by their port (or a path naming them) with
// /add?amount=N and the like. op is "" when the call is none of these (it
// may become $http); why is set for a call to them tikcraft cannot copy.
func (m *converter) overlayOp(u *url.URL, body string) (op, why string) {
	if p := pluginPath.FindStringSubmatch(u.Path); p != nil {
		q := u.Query()
		cmd := q.Get("cmd")
		if cmd == "" {
			cmd = q.Get("command")
		}
		args := map[string]any{}
		for k := range q {
			args[k] = q.Get(k)
		}
		var b struct {
			Command string         `json:"command"`
			Args    map[string]any `json:"args"`
		}
		if json.Unmarshal([]byte(body), &b) == nil {
			if b.Command != "" {
				cmd = b.Command
			}
			for k, v := range b.Args {
				args[k] = v
			}
		}
		return pluginOp(p[1], cmd, args)
	}
	target := ""
	if p, err := strconv.Atoi(u.Port()); err == nil && isLocal(u.Hostname()) {
		for name, t := range map[string]string{"Timer": "timer", "WinCounter": "wins", "DeathCounter": "deaths"} {
			if m.t2m.OverlayPorts[name] == p {
				target = t
			}
		}
	}
	path := strings.ToLower(strings.Trim(u.Path, "/"))
	if target == "" {
		switch {
		case strings.Contains(path, "timer"):
			target = "timer"
		case strings.Contains(path, "win"):
			target = "wins"
		case strings.Contains(path, "death"):
			target = "deaths"
		default:
			return "", ""
		}
	}
	verb := path[strings.LastIndex(path, "/")+1:]
	amount, err := strconv.ParseInt(u.Query().Get("amount"), 10, 64)
	if err != nil {
		amount = 1
	}
	switch verb {
	case "add", "plus", "increase", "increment", "up":
	case "subtract", "sub", "remove", "minus", "decrease", "decrement", "down":
		amount = -amount
	case "reset":
		return "$" + target + " reset", ""
	case "pause", "stop":
		if target == "timer" {
			return "$timer pause", ""
		}
		return "", ""
	case "resume", "start":
		if target == "timer" {
			return "$timer resume", ""
		}
		return "", ""
	default:
		return "", ""
	}
	if target == "timer" {
		return checkOp(fmt.Sprintf("$timer %+ds", amount))
	}
	return checkOp(fmt.Sprintf("$%s %+d", target, amount))
}

// pluginOp is what a command of Tiktok2Mc 1.0's timer, win-counter or
// death-counter plugin becomes ("" and "" for any other plugin).
func pluginOp(plugin, cmd string, args map[string]any) (op, why string) {
	number := func(key string, def int64) int64 {
		if n, err := intOf(args[key]); err == nil && args[key] != nil {
			return n
		}
		return def
	}
	cmd = strings.ToLower(strings.TrimSpace(cmd))
	switch strings.ToLower(strings.ReplaceAll(plugin, "_", "-")) {
	case "win-counter", "wincounter":
		switch cmd {
		case "add_win":
			return checkOp(fmt.Sprintf("$wins %+d", number("amount", 1)))
		case "remove_win":
			return checkOp(fmt.Sprintf("$wins %+d", -number("amount", 1)))
		case "reset":
			return "$wins reset", ""
		}
	case "death-counter", "deathcounter":
		switch cmd {
		case "add_death", "player_death":
			return checkOp(fmt.Sprintf("$deaths %+d", number("amount", 1)))
		case "reset":
			return "$deaths reset", ""
		}
	case "timer":
		switch cmd {
		case "start", "resume":
			return "$timer resume", ""
		case "pause":
			return "$timer pause", ""
		case "reset":
			return "$timer reset", ""
		case "add_time":
			return checkOp(fmt.Sprintf("$timer %+ds", number("seconds", 0)))
		case "set_time":
			return "", "tikcraft's timer cannot be set to a time; $timer reset starts it again from overlays.timer.start"
		}
	default:
		return "", ""
	}
	return "", fmt.Sprintf("the %s command %q has no tikcraft equivalent", plugin, cmd)
}

// checkOp returns op when tikcraft accepts it, else why not.
func checkOp(op string) (string, string) {
	if _, err := actions.ParseOverlay(strings.TrimPrefix(op, "$")); err != nil {
		return "", fmt.Sprintf("%s: %v", op, err)
	}
	return op, ""
}

func isLocal(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1" || host == "0.0.0.0"
}

// shellWords splits a command line the way a shell would for the simple
// cases curl lines use: blanks separate words, '...' and "..." group them,
// a backslash escapes the next character outside single quotes.
func shellWords(s string) ([]string, error) {
	var out []string
	var cur strings.Builder
	inWord := false
	var quote rune
	esc := false
	for _, r := range s {
		switch {
		case esc:
			cur.WriteRune(r)
			esc = false
		case quote == '\'':
			if r == '\'' {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case quote == '"':
			switch r {
			case '"':
				quote = 0
			case '\\':
				esc = true
			default:
				cur.WriteRune(r)
			}
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == '\\':
			esc, inWord = true, true
		case r == ' ' || r == '\t':
			if inWord {
				out = append(out, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("a quote is never closed")
	}
	if inWord {
		out = append(out, cur.String())
	}
	return out, nil
}

// mergedLine is a line of the actions file that mergeRules added commands
// to, as it was before: its trigger, commands and comment.
type mergedLine struct {
	trigger, commands, comment string
}

// mergeRules adds commands to the actions file: after the commands of the
// rule with the same trigger, or as new rules at the end, under a comment
// naming where they come from. It returns the file, the triggers of the
// new rules and the lines it added commands to.
func mergeRules(src string, rules []rule, from string) (string, []string, []mergedLine) {
	if len(rules) == 0 {
		return src, nil, nil
	}
	eol := "\n"
	if strings.Contains(src, "\r\n") {
		eol = "\r\n"
	}
	lines := strings.Split(src, "\n")
	var added []string
	var merged []mergedLine
	for _, r := range rules {
		cmds := strings.Join(r.commands, "; ")
		done := false
		for i, l := range lines {
			cr := strings.HasSuffix(l, "\r")
			l = strings.TrimSuffix(l, "\r")
			t := strings.TrimSpace(l)
			if t == "" || t[0] == '#' {
				continue
			}
			trig, _, ok := strings.Cut(l, ":")
			trig, _, _ = strings.Cut(trig, "[")
			if !ok || actions.Normalize(trig) != actions.Normalize(r.trigger) {
				continue
			}
			body := actions.StripComment(l)
			_, before, _ := strings.Cut(body, ":")
			merged = append(merged, mergedLine{strings.TrimSpace(trig), strings.TrimSpace(before), strings.TrimSpace(l[len(body):])})
			lines[i] = strings.TrimRight(body, " \t") + "; " + cmds
			if comment := l[len(body):]; comment != "" {
				lines[i] += " " + comment
			}
			if cr {
				lines[i] += "\r"
			}
			done = true
			break
		}
		if !done {
			// Two rules of the same trigger become one line.
			joined := false
			for j, a := range added {
				if t, rest, _ := strings.Cut(a, ":"); actions.Normalize(t) == actions.Normalize(r.trigger) {
					added[j] = t + ":" + rest + "; " + cmds
					joined = true
					break
				}
			}
			if !joined {
				added = append(added, r.trigger+":"+cmds)
			}
		}
	}
	out := strings.Join(lines, "\n")
	var triggers []string
	if len(added) > 0 {
		if !strings.HasSuffix(out, "\n") {
			out += eol
		}
		out += "# from " + from + " (tikcraft migrate)" + eol + strings.Join(added, eol) + eol
		for _, a := range added {
			t, _, _ := strings.Cut(a, ":")
			triggers = append(triggers, t)
		}
	}
	return out, triggers, merged
}

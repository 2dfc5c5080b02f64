package tiktok2mc

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/tikcraft/tikcraft/actions"
)

// httpRule is what one http_actions.txt line becomes: its trigger and the
// actions-file commands that replace its curl calls.
type httpRule struct {
	trigger  string
	commands []string
}

// convertHTTPActions reads Tiktok2Mc's http_actions.txt: lines
// TRIGGER:curl ...[; curl ...], which called its overlay programs (the
// timer's and win counter's /add?amount=N) or any other web address. A
// call to the timer, win or death counter becomes $timer, $wins or
// $deaths; any other http(s) call becomes $http, its host added to
// allow; what cannot be read is listed in m.left.
func (m *converter) convertHTTPActions(name, src string) (rules []httpRule, allow []string) {
	for i, l := range strings.Split(strings.TrimPrefix(src, "\ufeff"), "\n") {
		l = strings.TrimSpace(strings.TrimSuffix(l, "\r"))
		if l == "" || l[0] == '#' {
			continue
		}
		where := fmt.Sprintf("%s line %d (%s)", name, i+1, clipLine(l))
		trig, rest, ok := strings.Cut(l, ":")
		if !ok || strings.Contains(trig, "/") {
			m.left = append(m.left, where+": not TRIGGER:curl ...; left out")
			continue
		}
		trigger := TriggerName(strings.TrimSpace(trig))
		if trigger == "" {
			m.left = append(m.left, where+": no trigger before ':'; left out")
			continue
		}
		r := httpRule{trigger: trigger}
		for _, call := range strings.Split(rest, ";") {
			call = strings.TrimSpace(call)
			if call == "" {
				continue
			}
			cmd, host, why := m.convertCurl(call)
			if why != "" {
				m.left = append(m.left, fmt.Sprintf("%s: %s; left out", where, why))
				continue
			}
			r.commands = append(r.commands, cmd)
			if host != "" && !slices.Contains(allow, host) {
				allow = append(allow, host)
			}
		}
		if len(r.commands) > 0 {
			rules = append(rules, r)
			m.carried = append(m.carried, fmt.Sprintf("%s: %s:%s", where, trigger, strings.Join(r.commands, "; ")))
		}
	}
	return rules, allow
}

// convertCurl turns one curl call into an actions-file command; host is
// set for $http (to allow it), why when it cannot be converted.
func (m *converter) convertCurl(call string) (cmd, host, why string) {
	args, err := shellWords(call)
	if err != nil || len(args) == 0 || args[0] != "curl" {
		return "", "", "only curl calls can be converted"
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
	if op := m.overlayOp(u); op != "" {
		return op, "", ""
	}
	if body != "" && !strings.HasPrefix(strings.TrimSpace(body), "{") && !strings.HasPrefix(strings.TrimSpace(body), "[") {
		return "", "", "its body is not JSON, and $http sends JSON"
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

// overlayOp recognises a call to Tiktok2Mc's timer, win counter or death
// counter by its port (or a path naming it) and returns the $ action that
// does the same on tikcraft's own overlays, or "".
func (m *converter) overlayOp(u *url.URL) string {
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
			return ""
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
		return "$" + target + " reset"
	case "pause", "stop":
		if target == "timer" {
			return "$timer pause"
		}
		return ""
	case "resume", "start":
		if target == "timer" {
			return "$timer resume"
		}
		return ""
	default:
		return ""
	}
	if target == "timer" {
		return fmt.Sprintf("$timer %+ds", amount)
	}
	return fmt.Sprintf("$%s %+d", target, amount)
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

// findHTTPActions finds http_actions.txt next to the actions file or the
// config, as Tiktok2Mc keeps it (data/), or "".
func findHTTPActions(cfgPath, actionsPath string) string {
	var dirs []string
	if actionsPath != "" {
		dirs = append(dirs, filepath.Dir(actionsPath))
	}
	root := filepath.Dir(cfgPath)
	if b := filepath.Base(root); b == "config" || b == "defaults" {
		root = filepath.Dir(root)
	}
	dirs = append(dirs, filepath.Join(root, "data"), root)
	for _, d := range dirs {
		p := filepath.Join(d, "http_actions.txt")
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
	}
	return ""
}

// mergeHTTPRules adds the converted http_actions.txt commands to the
// actions file: after the commands of the rule with the same trigger, or
// as new rules at the end.
func mergeHTTPRules(src string, rules []httpRule) string {
	if len(rules) == 0 {
		return src
	}
	eol := "\n"
	if strings.Contains(src, "\r\n") {
		eol = "\r\n"
	}
	lines := strings.Split(src, "\n")
	var added []string
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
			if !ok || actions.Normalize(trig) != actions.Normalize(r.trigger) {
				continue
			}
			body := actions.StripComment(l)
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
			added = append(added, r.trigger+":"+cmds)
		}
	}
	out := strings.Join(lines, "\n")
	if len(added) > 0 {
		if !strings.HasSuffix(out, "\n") {
			out += eol
		}
		out += "# from http_actions.txt (tikcraft migrate)" + eol + strings.Join(added, eol) + eol
	}
	return out
}

package actions

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Chat commands with arguments (chat_commands in tikcraft.yaml, Tiktok2Mc's
// comment command groups): a viewer types "#give @p diamond 3" and
// Minecraft runs "give @p diamond 3", or a web address is called. The
// command name comes from the streamer's list; the arguments come from the
// viewer and are checked by ChatArgs before anything is sent.

// MaxChatArgs caps a chat command's arguments, in characters.
const MaxChatArgs = 100

// chatForbidden are the characters chat arguments may not hold: with them
// a viewer could leave a JSON string or an NBT value (" ' \ { }), give a
// selector arguments of its own ([ ]) or add formatting codes (§).
const chatForbidden = "\"'\\{}[]§`"

// ChatArgs checks the arguments a viewer typed after a chat command and
// returns them with each run of blanks made one space, or an error saying
// why they are refused. They must be one line of printable characters, at
// most MaxChatArgs of them, without " ' \ { } [ ] § or `: so they stay
// plain words and numbers of the one command the streamer listed — a bare
// selector such as @p included, since the command itself takes it, but
// never selector arguments (@e[...]), a second line, or text that leaves a
// JSON string.
func ChatArgs(s string) (string, error) {
	var b strings.Builder
	n := 0
	space := false
	for _, r := range s {
		switch {
		case r == utf8.RuneError:
			return "", errors.New("they are not valid text")
		case r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029' || r == '\u0085':
			return "", errors.New("they are more than one line")
		case r == '\t' || unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case strings.ContainsRune(chatForbidden, r):
			return "", fmt.Errorf("they hold %q, which a chat command may not use", r)
		case !unicode.IsGraphic(r) || unicode.In(r, unicode.Cf, unicode.Co, unicode.Cs):
			return "", fmt.Errorf("they hold the invisible or control character %U", r)
		}
		if space {
			b.WriteByte(' ')
			n++
			space = false
		}
		b.WriteRune(r)
		n++
		if n > MaxChatArgs {
			return "", fmt.Errorf("they are longer than %d characters", MaxChatArgs)
		}
	}
	return b.String(), nil
}

// ChatValues are the values of a chat command's web address: {user},
// {nickname}, {command} (the name from the list), {args} (checked by
// ChatArgs) and {text} (command and arguments, as Tiktok2Mc's {text}).
type ChatValues struct {
	User, Nickname, Command, Args string
}

// chatTokens are the placeholders of a chat command's URL.
var chatTokens = [...]string{"{user}", "{nickname}", "{command}", "{args}", "{text}"}

// ChatRequest is the Command of the KindHTTP action a chat command of a
// web group sends: method and URL, the values URL-escaped for where they
// stand (path escaping before the '?', query escaping after it), so that a
// viewer can never change the address, add a path segment or a query
// parameter.
func ChatRequest(method, tmpl string, v ChatValues) string {
	text := v.Command
	if v.Args != "" {
		text += " " + v.Args
	}
	vals := [len(chatTokens)]string{SanitizeUser(v.User), Sanitize(v.Nickname, "anonymous"), v.Command, v.Args, text}
	return method + " " + fillURL(tmpl, chatTokens[:], vals[:])
}

// CheckChatURL checks the web address of a chat command group: http(s),
// its host written out (placeholders only in the path and the query) and
// listed in allow (http.allow). It returns the host:port it calls.
func CheckChatURL(tmpl string, allow []string) (string, error) {
	if strings.ContainsAny(tmpl, " \t\r\n") {
		return "", errors.New("it may not contain spaces")
	}
	host, err := httpHost(tmpl)
	if err != nil {
		return "", err
	}
	if !HostAllowed(host, allow) {
		return host, fmt.Errorf("%s is not in http.allow: add %q there if you trust it", host, host)
	}
	return host, nil
}

// ChatMethodOK reports whether method may be a chat command's.
func ChatMethodOK(method string) bool {
	for _, m := range httpMethods {
		if m == method {
			return true
		}
	}
	return false
}

// ChatRunsOthers names the Minecraft commands that run other commands
// (execute ... run, function, schedule function, return run): a chat group
// listing one would let a viewer start any command, so tikcraft.yaml may
// not list them.
var ChatRunsOthers = []string{"execute", "function", "schedule", "return"}

// ChatOperator names the Minecraft commands that change who may do what on
// the server or stop it: listing them in a chat group warns.
var ChatOperator = []string{"op", "deop", "ban", "ban-ip", "pardon", "pardon-ip", "kick", "whitelist", "stop", "reload", "save-off", "save-on", "save-all", "debug", "jfr", "perf", "transfer", "setidletimeout", "publish", "datapack"}

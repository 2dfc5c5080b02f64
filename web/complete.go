package web

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/tikcraft/tikcraft/actions"
	"github.com/tikcraft/tikcraft/mcnames"
)

// Completion is what the editor and the console offer while typing.
type Completion struct {
	// Names are Minecraft's names for minecraft.version; nil: those of
	// every release tikcraft knows.
	Names *mcnames.Names
	// Gifts returns the gifts viewers can send, for triggers; nil: none.
	Gifts func() []Gift
}

// Gift is one gift a trigger can name.
type Gift struct {
	ID       int64
	Name     string
	Diamonds int64
}

// Suggestion is one completion.
type Suggestion struct {
	Text   string `json:"text"`             // what replaces Completions.Prefix
	Detail string `json:"detail,omitempty"` // what it is, for the list
}

// Completions are the suggestions for the text before the cursor.
type Completions struct {
	// Prefix is the end of the text that the chosen suggestion replaces.
	Prefix string `json:"prefix"`
	// Kind is what is being completed: trigger, condition, function,
	// placeholder, or a kind of Minecraft name (command, entity, item,
	// block, effect, particle, sound, enchantment); "" for nothing.
	Kind  string       `json:"kind"`
	Items []Suggestion `json:"items"`
}

// maxSuggestions bounds one answer: a list longer than that is not read,
// the streamer types one more letter.
const maxSuggestions = 100

func (c Completion) names() *mcnames.Names {
	if c.Names != nil {
		return c.Names
	}
	return mcnames.For("")
}

// Command completes a Minecraft command typed in the console (with or
// without its "/").
func (c Completion) Command(text string) Completions {
	return c.command(strings.TrimPrefix(strings.TrimLeft(text, " \t"), "/"))
}

func (c Completion) command(cmd string) Completions {
	if p, ok := placeholderPrefix(cmd); ok && len(placeholders(p).Items) > 0 {
		return placeholders(p)
	}
	names := c.names()
	k, start, ok := names.Expect(cmd)
	if !ok {
		return Completions{Items: []Suggestion{}}
	}
	word := cmd[start:]
	prefix := word
	if rest, ok := strings.CutPrefix(word, "minecraft:"); ok {
		prefix = rest
	} else if strings.Contains(word, ":") {
		return Completions{Items: []Suggestion{}} // a mod's or data pack's name: tikcraft does not know them
	}
	out := Completions{Prefix: prefix, Kind: k.String()}
	list := names.List(k)
	var later []Suggestion // names holding the prefix elsewhere: after those starting with it
	for _, n := range list {
		switch {
		case strings.HasPrefix(n, prefix):
			out.Items = append(out.Items, Suggestion{Text: n, Detail: k.String()})
		case len(prefix) >= 3 && strings.Contains(n, prefix):
			later = append(later, Suggestion{Text: n, Detail: k.String()})
		}
	}
	out.Items = clipSuggestions(append(out.Items, later...))
	return out
}

// Line completes an actions-file line: line is its text up to the cursor;
// likes are the like rules, whose functions are triggers too.
func (c Completion) Line(line string, likes []LikeInfo) Completions {
	none := Completions{Items: []Suggestion{}}
	trimmed := strings.TrimLeft(line, " \t")
	if strings.HasPrefix(trimmed, "#") {
		return none
	}
	colon := strings.IndexByte(trimmed, ':')
	if colon < 0 {
		if i := strings.LastIndexByte(trimmed, '['); i >= 0 {
			if strings.IndexByte(trimmed[i:], ']') >= 0 {
				return none
			}
			return conditions(trimmed[i+1:])
		}
		return c.triggers(trimmed, likes)
	}
	seg := strings.TrimLeft(lastCommand(trimmed[colon+1:]), " \t")
	switch {
	case seg == "" || seg[0] == '$' && !strings.ContainsAny(seg, " \t"):
		return functions(seg)
	case seg[0] == '$':
		if p, ok := placeholderPrefix(seg); ok && len(placeholders(p).Items) > 0 {
			return placeholders(p)
		}
		return overlayOps(seg)
	case seg[0] == '/':
		return c.command(seg[1:])
	}
	if p, ok := placeholderPrefix(seg); ok && len(placeholders(p).Items) > 0 { // ! plugin commands, >> alerts
		return placeholders(p)
	}
	return none
}

// lastCommand is the command being typed: the text after the last ';'
// that separates commands (not one inside quotes, brackets or braces).
func lastCommand(s string) string {
	start, depth := 0, 0
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"':
			quote = c
		case c == '[' || c == '{':
			depth++
		case c == ']' || c == '}':
			depth = max(depth-1, 0)
		case c == ';' && depth == 0:
			start = i + 1
		}
	}
	return s[start:]
}

// placeholderPrefix finds a placeholder being typed at the end of s: "{us".
func placeholderPrefix(s string) (string, bool) {
	i := strings.LastIndexByte(s, '{')
	if i < 0 {
		return "", false
	}
	p := s[i+1:]
	for j := 0; j < len(p); j++ {
		if p[j] < 'a' || p[j] > 'z' {
			return "", false
		}
	}
	return p, true
}

var placeholderList = []Suggestion{
	{"user}", "the viewer's @handle"},
	{"nickname}", "the viewer's display name"},
	{"gift}", "the gift's name"},
	{"count}", "how many gifts, like firings, the milestone"},
	{"coins}", "diamonds × count"},
	{"message}", "the chat message (chat rules)"},
}

func placeholders(prefix string) Completions {
	return Completions{Prefix: prefix, Kind: "placeholder", Items: matching(placeholderList, prefix)}
}

var conditionList = []Suggestion{
	{"cooldown=", "at most once per time, e.g. cooldown=30s"},
	{"user_cooldown=", "per viewer, e.g. user_cooldown=2m"},
	{"followers", "only for viewers who follow you"},
	{"subscribers", "only for your subscribers"},
	{"moderators", "only for your moderators"},
	{"top_gifter", "only for the top gifter of this LIVE"},
	{"min_coins=", "viewers who sent at least N diamonds this LIVE"},
}

func conditions(inside string) Completions {
	cur := inside[strings.LastIndexByte(inside, ',')+1:]
	cur = strings.TrimLeft(cur, " \t")
	if strings.Contains(cur, "=") {
		return Completions{Items: []Suggestion{}}
	}
	return Completions{Prefix: cur, Kind: "condition", Items: matching(conditionList, cur)}
}

var functionList = []Suggestion{
	{"/", "a Minecraft command"},
	{"!", "a server-plugin command"},
	{">>", "an on-screen alert: >>Title|Subtitle|Seconds"},
	{"$random", "runs another rule picked at random"},
	{"$wait ", "the commands after it wait, e.g. $wait 2s"},
	{"$http ", "a web request to a host in http.allow"},
	{"$timer ", "the challenge timer: +60s, -30s, reset, pause, resume"},
	{"$wins ", "the win counter: +1, -1, reset"},
	{"$deaths ", "the death counter: +1, -1, reset"},
}

func functions(prefix string) Completions {
	return Completions{Prefix: prefix, Kind: "function", Items: matching(functionList, prefix)}
}

var overlayOpList = map[string][]Suggestion{
	"$timer":  {{"+60s", "add a minute"}, {"-30s", "take 30 seconds"}, {"reset", "back to the start"}, {"pause", ""}, {"resume", ""}},
	"$wins":   {{"+1", ""}, {"-1", ""}, {"reset", "back to 0"}},
	"$deaths": {{"+1", ""}, {"-1", ""}, {"reset", "back to 0"}},
}

func overlayOps(seg string) Completions {
	fields := strings.Fields(seg)
	if len(fields) > 2 || len(fields) == 2 && strings.HasSuffix(seg, " ") {
		return Completions{Items: []Suggestion{}}
	}
	ops, ok := overlayOpList[strings.ToLower(fields[0])]
	if !ok {
		return Completions{Items: []Suggestion{}}
	}
	prefix := ""
	if len(fields) == 2 {
		prefix = fields[1]
	}
	return Completions{Prefix: prefix, Kind: "function", Items: matching(ops, prefix)}
}

var eventTriggerList = []Suggestion{
	{"follow", "a viewer follows"},
	{"share", "a viewer shares the LIVE"},
	{"join", "a viewer joins"},
	{"subscribe", "a viewer subscribes"},
	{"gift", "any gift no other rule matches"},
	{"first_gift", "a viewer's first gift of this LIVE"},
	{"follow_milestone", "the Nth follow (follows.milestones)"},
	{"viewers_milestone", "N viewers (viewers.milestones)"},
	{"timer_end", "the challenge timer reached zero"},
	{"likegoal_reached", "the like goal was reached"},
	{"coins 1-9", "gifts worth 1 to 9 diamonds without a rule"},
	{"coins 10-99", "gifts worth 10 to 99 diamonds without a rule"},
	{"coins 100+", "gifts worth 100 diamonds or more without a rule"},
	{"command ", "a chat command: command tnt fires for !tnt"},
	{"keyword ", "a word in chat: keyword creeper"},
}

// triggers completes a trigger: events, like-rule functions, the gifts by
// name (as a trigger writes them) and, for digits, by id.
func (c Completion) triggers(prefix string, likes []LikeInfo) Completions {
	out := Completions{Prefix: prefix, Kind: "trigger"}
	if f := strings.Fields(prefix); len(f) > 1 || len(f) == 1 && strings.HasSuffix(prefix, " ") {
		switch strings.ToLower(f[0]) {
		case "coins":
			out.Items = matching(eventTriggerList, prefix)
			return out
		case "command", "keyword":
			out.Items = []Suggestion{} // a chat command's or keyword's own word
			return out
		}
	}
	out.Items = matching(eventTriggerList, prefix)
	seen := map[string]bool{}
	for _, s := range out.Items {
		seen[actions.Normalize(s.Text)] = true
	}
	for _, l := range likes {
		if n := actions.Normalize(l.Function); !seen[n] && matches(l.Function, prefix) {
			seen[n] = true
			out.Items = append(out.Items, Suggestion{l.Function, "like rule " + l.ID + ": every " + strconv.FormatInt(l.Every, 10) + " likes"})
		}
	}
	if c.Gifts == nil {
		out.Items = clipSuggestions(out.Items)
		return out
	}
	gifts := c.Gifts()
	slices.SortStableFunc(gifts, func(a, b Gift) int { return cmp.Compare(a.Diamonds, b.Diamonds) })
	digits := prefix != "" && strings.Trim(prefix, "0123456789") == ""
	for _, g := range gifts {
		detail := "gift " + g.Name + " · " + strconv.FormatInt(g.ID, 10) + " · " + diamonds(g.Diamonds)
		if digits {
			if id := strconv.FormatInt(g.ID, 10); g.ID > 0 && strings.HasPrefix(id, prefix) {
				out.Items = append(out.Items, Suggestion{id, detail})
			}
			continue
		}
		t := GiftTrigger(g.Name)
		if n := actions.Normalize(t); t != "" && !seen[n] && matches(t, prefix) {
			seen[n] = true
			out.Items = append(out.Items, Suggestion{t, detail})
		}
	}
	out.Items = clipSuggestions(out.Items)
	return out
}

func diamonds(n int64) string {
	if n == 1 {
		return "1 diamond"
	}
	return strconv.FormatInt(n, 10) + " diamonds"
}

// GiftTrigger writes a gift's name as a trigger: lower case, _ for spaces
// and other signs ("Heart Me" → heart_me); "" when nothing is left.
func GiftTrigger(name string) string {
	var b strings.Builder
	gap := false
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if gap && b.Len() > 0 {
				b.WriteByte('_')
			}
			gap = false
			b.WriteRune(r)
		} else {
			gap = true
		}
	}
	return b.String()
}

// matches compares as the engine matches triggers (case, _ and spaces do
// not matter), and also letter by letter for what Normalize drops.
func matches(name, prefix string) bool {
	return strings.HasPrefix(strings.ToLower(name), strings.ToLower(prefix)) ||
		strings.HasPrefix(actions.Normalize(name), actions.Normalize(prefix))
}

func matching(list []Suggestion, prefix string) []Suggestion {
	out := []Suggestion{}
	for _, s := range list {
		if matches(s.Text, prefix) && s.Text != prefix {
			out = append(out, s)
		}
	}
	return out
}

func clipSuggestions(s []Suggestion) []Suggestion {
	if s == nil {
		return []Suggestion{}
	}
	return s[:min(len(s), maxSuggestions)]
}

// complete answers GET /api/complete?line=TEXT (an actions-file line up
// to the cursor) or ?command=TEXT (the console's input up to the cursor).
func (s *Server) complete(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	out := Completions{Items: []Suggestion{}}
	switch text := q.Get("line") + q.Get("command"); {
	case len(text) > maxCompleteText:
	case q.Has("line"):
		out = s.o.Completion.Line(text, s.o.Dashboard.Status().Rules.Likes)
	case q.Has("command"):
		out = s.o.Completion.Command(text)
	default:
		httpError(w, http.StatusBadRequest, "say what to complete: ?line=TEXT (a line of the actions file up to the cursor) or ?command=TEXT (a console command)")
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// maxCompleteText bounds the text completed; a command is at most 1446
// bytes anyway.
const maxCompleteText = 4096

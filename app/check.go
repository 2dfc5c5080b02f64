package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/actions"
	"github.com/tikcraft/tikcraft/clip"
	"github.com/tikcraft/tikcraft/connerr"
	"github.com/tikcraft/tikcraft/datapack"
	"github.com/tikcraft/tikcraft/rcon"
	"github.com/tikcraft/tikcraft/store"
	"github.com/tikcraft/tikcraft/tiktok"
)

// CheckOptions are check's flags.
type CheckOptions struct {
	Options
	// Verbose lists what $random can pick (check -v).
	Verbose bool
	// Connect also logs in to Minecraft's RCON and asks TikTok whether
	// tiktok.user is live (check --connect); with an obs section it logs
	// in to OBS and checks the names $obs actions use.
	Connect bool
	// ConnectTimeout bounds each of the two connection checks. Default 15s.
	ConnectTimeout time.Duration
}

// Check validates the configuration and actions file, prints compiler-style
// diagnostics and a summary, and returns the exit status (1 on errors).
func Check(ctx context.Context, co CheckOptions) int {
	co.defaults()
	o := co.Options
	s, err := Load(o, false)
	if s == nil {
		fmt.Fprintf(o.Stdout, "%s\n", err)
		return 1
	}
	if !s.Config.Foreign() {
		s.checkMore()
	}
	for _, d := range s.Diagnostics {
		fmt.Fprintln(o.Stdout, d)
	}
	if s.Config.Foreign() {
		return 1 // its one message says it all
	}
	if co.Verbose && s.Actions != nil {
		printRandomPicks(co, s)
	}
	failed := s.Errors > 0
	if co.Connect && s.Errors == 0 {
		if !checkConnections(ctx, co, s) {
			failed = true
		}
	}
	triggers, commands := 0, 0
	if s.Actions != nil {
		triggers, commands = s.Actions.Stats()
	}
	fmt.Fprintf(o.Stdout, "%d %s, %d %s, %d %s\n", triggers, plural(triggers, "trigger"), commands, plural(commands, "command"), s.Warnings, plural(s.Warnings, "warning"))
	if failed {
		return 1
	}
	return 0
}

// checkMore is what check adds to Load's diagnostics, looking beyond the
// two files (the gift list, the data pack); migrate's closing count runs
// it too, so that the two agree.
func (s *Setup) checkMore() {
	if s.checkDataDir() {
		s.checkGifts()
	} else {
		// The gift list kept there cannot be read either: said once.
		s.checkGiftNames(tiktok.BuiltinGifts())
	}
	s.checkDatapack()
}

// checkDataDir says what would keep run from making data_dir (a drive
// that is not connected, a file in the way), without making it; it
// reports whether data_dir can be used.
func (s *Setup) checkDataDir() bool {
	if err := store.CheckDir(s.Config.DataDir); err != nil {
		s.add("error", "error: "+err.Error())
		return false
	}
	return true
}

// checkGifts checks the rules' gift names against the gift list kept in
// data_dir (or the built-in one), saying when the kept one cannot be used.
func (s *Setup) checkGifts() {
	list, problem := knownGifts(s.Config.DataDir)
	if problem != nil {
		s.add("warning", fmt.Sprintf("warning: %v; tikcraft looks gift names up in its built-in list meanwhile: %s", problem, giftCacheAdvice))
	}
	s.checkGiftNames(list)
}

// checkDatapack says, with minecraft.datapack_dir set, what would keep run
// from writing the data pack (run then sends every command over RCON) and
// which rules would stay on RCON, without writing anything.
func (s *Setup) checkDatapack() {
	mc := s.Config.Minecraft
	if mc.DatapackDir == "" || s.Actions == nil || s.Errors > 0 {
		return
	}
	pk, err := datapack.Build(s.Actions, mc.Version)
	if err == nil {
		err = pk.Check(mc.DatapackDir)
	}
	if err != nil {
		s.add("warning", fmt.Sprintf("warning: datapack mode would be off, so every command would go over RCON one at a time: %v", err))
		return
	}
	for _, err := range pk.LeftOut() {
		s.add("warning", fmt.Sprintf("warning: datapack mode: %v", err))
	}
}

// checkGiftNames warns about a rule that can only ever run for a gift of
// its name when no gift of the list has that name (a typo such as
// "galaxi"): without $random, a rule that is no event, like rule or
// overlay trigger runs for nothing else. A file that uses $random has
// rules only $random picks, so there it stays quiet. Gift ids are not
// checked: TikTok adds gifts, and an id rule for a new one is right. The
// list is the one kept in data_dir or the built-in one: no network.
func (s *Setup) checkGiftNames(list *tiktok.GiftList) {
	if s.Actions == nil {
		return
	}
	likes := map[string]bool{"likes": true, "like2": true}
	for _, f := range s.Config.LikeFunctions() {
		likes[actions.Normalize(f)] = true
	}
	var named []*actions.Rule
	for _, r := range s.Actions.Rules() {
		if r.UsesRandom() {
			return
		}
		if r.Kind != actions.Named || actions.IsEventTrigger(r.Trigger) || actions.IsOverlayTrigger(r.Trigger) || likes[actions.Normalize(r.Trigger)] {
			continue
		}
		if strings.Trim(r.Trigger, "0123456789") == "" {
			continue // a gift id
		}
		named = append(named, r)
	}
	for _, r := range named {
		if _, ok := list.ByName(r.Trigger); ok {
			continue
		}
		hint := ""
		if close := list.CloseNames(r.Trigger, 3); len(close) > 0 {
			hint = fmt.Sprintf(" (did you mean %s?)", quoteAll(close))
		}
		s.add("warning", fmt.Sprintf("%s:%d:%d: warning: %q runs only for a gift called so, and no gift in tikcraft's gift list is%s; `tikcraft gifts` lists them (a rule by id, such as 11046:, works for any gift)",
			s.ActionsName, r.Line, r.Col, r.Trigger, hint))
	}
}

func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, " or ")
}

// printRandomPicks lists the rules $random can pick, with their first
// command, so a streamer sees what a random gift may do.
func printRandomPicks(co CheckOptions, s *Setup) {
	var users []string
	for _, r := range s.Actions.Rules() {
		if r.UsesRandom() {
			users = append(users, fmt.Sprintf("%s (line %d)", r.Trigger, r.Line))
		}
	}
	picks := s.Actions.RandomPicks()
	w := co.Stdout
	if len(users) == 0 {
		fmt.Fprintf(w, "%s: no rule uses $random; it could pick %d %s:\n", s.ActionsName, len(picks), plural(len(picks), "rule"))
	} else {
		fmt.Fprintf(w, "%s: $random in %s can pick %d %s:\n", s.ActionsName, strings.Join(users, ", "), len(picks), plural(len(picks), "rule"))
	}
	for _, r := range picks {
		first := ""
		if len(r.Commands) > 0 {
			first = r.Commands[0].String()
			if len(r.Commands) > 1 {
				first += fmt.Sprintf(" (+%d more)", len(r.Commands)-1)
			}
		}
		fmt.Fprintf(w, "  %s (line %d): %s\n", r.Trigger, r.Line, first)
	}
	switch r := s.Config.Random; {
	case len(r.Only) > 0:
		fmt.Fprintf(w, "  only what random.only lists (%s), never rules that use $random\n", strings.Join(r.Only, ", "))
	case len(r.Never) > 0:
		fmt.Fprintf(w, "  never picked: follow, share, join, subscribe, comment, likes, like_2, like rules, rules that use $random and random.never (%s)\n", strings.Join(r.Never, ", "))
	default:
		fmt.Fprintln(w, "  never picked: follow, share, join, subscribe, comment, likes, like_2, like rules and rules that use $random")
	}
}

// checkConnections logs in to Minecraft and asks TikTok about tiktok.user,
// printing one line per check. It reports whether both are fine (a
// streamer who is offline is fine: run waits).
func checkConnections(ctx context.Context, co CheckOptions, s *Setup) bool {
	timeout := co.ConnectTimeout
	if timeout <= 0 {
		timeout = 15 * time.Second
	}
	ok := true
	w := co.Stdout
	if msg, err := checkRCON(ctx, s, co.Options, timeout); err != nil {
		fmt.Fprintf(w, "minecraft: error: %v\n", err)
		ok = false
	} else {
		fmt.Fprintf(w, "minecraft: ok: %s\n", msg)
	}
	if msg, err := checkTikTok(ctx, s, co.Options, timeout); err != nil {
		fmt.Fprintf(w, "tiktok: error: %v\n", err)
		ok = false
	} else {
		fmt.Fprintf(w, "tiktok: ok: %s\n", msg)
	}
	if s.Config.OBSConfigured && !checkOBS(ctx, co, s, timeout) {
		ok = false
	}
	return ok
}

func checkRCON(ctx context.Context, s *Setup, o Options, timeout time.Duration) (string, error) {
	c := s.Config.RCON
	addr := c.Address
	if c.Password.Reveal() == "" {
		return "", fmt.Errorf("no RCON password is set, so Minecraft would refuse tikcraft: set rcon.password (or %s) to the rcon.password in server.properties", "TIKCRAFT_RCON_PASSWORD")
	}
	cl := rcon.New(rcon.Config{
		Address:     addr,
		Password:    c.Password.Reveal(),
		ReadTimeout: min(c.Timeout.D(), timeout),
		DialTimeout: min(5*time.Second, timeout),
		GiveUpAfter: time.Second,
		Backoff:     rcon.Backoff{Min: 200 * time.Millisecond, Max: 500 * time.Millisecond},
	}, nil)
	defer cl.Close()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	// "list" changes nothing and every server knows it.
	resp, err := cl.Exec(ctx, "list")
	if err == nil {
		return fmt.Sprintf("Minecraft answered at %s with this password (list: %s)", addr, clip.Line(resp, 80)), nil
	}
	return "", rconProblem(addr, err)
}

// rconProblem words an RCON failure as cause first, then the fix.
func rconProblem(addr string, err error) error {
	host, port, _ := net.SplitHostPort(addr)
	var dns *net.DNSError
	switch {
	case errors.Is(err, tikcraft.ErrPermanent):
		return fmt.Errorf("Minecraft at %s refused the RCON password: make rcon.password in tikcraft.yaml (or TIKCRAFT_RCON_PASSWORD) exactly the rcon.password in server.properties", addr)
	case connerr.Refused(err):
		return fmt.Errorf("nothing accepts RCON connections at %s (connection refused): start the Minecraft server, and check that server.properties has enable-rcon=true and rcon.port=%s (tikcraft init --server DIR sets both), then restart it", addr, port)
	case errors.As(err, &dns):
		return fmt.Errorf("cannot resolve %s, the host in rcon.address: check the spelling (127.0.0.1 when Minecraft runs on this computer)", host)
	case errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return fmt.Errorf("Minecraft at %s did not answer in time: check rcon.address and that no firewall blocks port %s", addr, port)
	}
	return fmt.Errorf("could not talk to Minecraft at %s: %v", addr, err)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func checkTikTok(ctx context.Context, s *Setup, o Options, timeout time.Duration) (string, error) {
	t := s.Config.TikTok
	if strings.TrimSpace(t.User) == "" {
		return "", errors.New("tiktok.user is not set, so run would not know whose LIVE to follow: set it to your handle, for example user: \"@your_name\"")
	}
	c, err := tiktok.New(tiktok.Config{User: t.User, SignServer: t.SignServer, APIKey: t.SignAPIKey.Reveal(), WebBase: t.WebBase})
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	st, err := c.LookupLive(ctx)
	switch {
	case errors.Is(err, tiktok.ErrUserNotFound):
		return "", fmt.Errorf("TikTok has no account @%s: check the spelling of tiktok.user (the name in your profile link tiktok.com/@name)", c.User())
	case err != nil:
		return "", fmt.Errorf("could not ask TikTok about @%s: %v", c.User(), err)
	case st.Live:
		return fmt.Sprintf("TikTok reports @%s live now (room %s)", c.User(), st.RoomID), nil
	}
	return fmt.Sprintf("TikTok knows @%s, who is not live right now; run waits until you go live", c.User()), nil
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

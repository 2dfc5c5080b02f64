// Package config loads tikcraft.yaml. Every key is optional; Load fills in
// defaults, resolves paths relative to the file, applies environment
// overrides and reports problems with file:line:col.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/tikcraft/tikcraft/cmdline"
	"github.com/tikcraft/tikcraft/rcon"
	"github.com/tikcraft/tikcraft/userfile"
	"github.com/tikcraft/tikcraft/yamldepth"
)

// Environment variables that override the file.
const (
	EnvRCONPassword = "TIKCRAFT_RCON_PASSWORD"
	EnvSignAPIKey   = "TIKCRAFT_SIGN_API_KEY"
)

// Defaults.
const (
	DefaultRCONAddress   = rcon.DefaultAddress
	DefaultActions       = "actions.mca"
	DefaultStreakTimeout = 10 * time.Second
	DefaultMaxRepeat     = 1000
	DefaultRetryOffline  = 30 * time.Second
	DefaultLogRetention  = 30 * 24 * time.Hour
	DefaultLogMaxSize    = Size(1 << 30) // 1 GiB
	DefaultSignServer    = "https://api.eulerstream.com"
	DefaultDataDirName   = "tikcraft-data"
	// DefaultCommandsPerSecond is 0: no fixed rate. Commands are paced by
	// Minecraft's answers instead: tikcraft sends the next one only once
	// Minecraft has answered the last, which it does after running it on
	// the server thread. A server that answers at once is never held back
	// (a fixed 20/s turned every busy minute into a backlog that never
	// drained), and a slow one gets commands exactly as fast as it runs
	// them, nothing dropped. A limit set in tikcraft.yaml still applies.
	DefaultCommandsPerSecond = 0
)

// Gift modes.
const (
	ModeFinal = "final"
	ModeLive  = "live"
)

// Config is the whole configuration. Zero values mean "not set" until
// Load applies the defaults.
type Config struct {
	Actions      string    `yaml:"actions"`
	DataDir      string    `yaml:"data_dir"`
	LogRetention Duration  `yaml:"log_retention"`
	LogMaxSize   Size      `yaml:"log_max_size"`
	RCON         RCON      `yaml:"rcon"`
	Gifts        Gifts     `yaml:"gifts"`
	Follows      Follows   `yaml:"follows"`
	Likes        Likes     `yaml:"likes"`
	Viewers      Viewers   `yaml:"viewers"`
	HTTP         HTTP      `yaml:"http"`
	TikTok       TikTok    `yaml:"tiktok"`
	Web          Web       `yaml:"web"`
	Minecraft    Minecraft `yaml:"minecraft"`
	Overlays     Overlays  `yaml:"overlays"`
	// ChatCommands and Random: config/chatcmd.go.
	ChatCommands ChatCommands `yaml:"chat_commands"`
	Random       Random       `yaml:"random"`
	OBS          OBS          `yaml:"obs"`

	// Files lists the files the configuration was read from, in order.
	Files []string `yaml:"-"`
	// RCONConfigured reports whether some file set rcon.address or
	// rcon.password: the demo uses a dry-run sink unless it is true.
	RCONConfigured bool `yaml:"-"`
	// ActionsConfigured reports whether some file set actions.
	ActionsConfigured bool `yaml:"-"`
	// DataDirConfigured reports whether some file set data_dir.
	DataDirConfigured bool `yaml:"-"`
	// OBSConfigured reports whether some file has an obs section (or
	// TIKCRAFT_OBS_PASSWORD is set): $obs actions need one.
	OBSConfigured bool `yaml:"-"`

	configDir  string     // folder of the last config file, for overlays.sounds
	passwordAt Diagnostic // where rcon.password was last set, for warnings
	foreign    bool       // a layer is another tool's file: say only that
	unread     bool       // a layer could not be read: what it sets is unknown
}

// RCON is how to reach Minecraft.
type RCON struct {
	Address              string   `yaml:"address"`
	Password             Secret   `yaml:"password"`
	MaxCommandsPerSecond *float64 `yaml:"max_commands_per_second"`
	Timeout              Duration `yaml:"timeout"`
}

// Gifts tunes streak handling.
type Gifts struct {
	Mode          string   `yaml:"mode"`
	StreakTimeout Duration `yaml:"streak_timeout"`
	MaxRepeat     int      `yaml:"max_repeat"`
}

// Follows tunes follow handling.
type Follows struct {
	OncePerUser *bool `yaml:"once_per_user"`
	// Milestones fire follow_milestone when the LIVE's Nth follow arrives.
	Milestones []int64 `yaml:"milestones"`
	// Remember is how long once_per_user remembers a follower: "live"
	// (default) or "forever".
	Remember string `yaml:"remember"`
}

// Likes holds the like rules.
type Likes struct {
	Triggers []LikeTrigger `yaml:"triggers"`
}

// LikeTrigger fires Function once for every Every likes of the session.
// The fields are those of Tiktok2Mc's like_triggers.
type LikeTrigger struct {
	ID       string `yaml:"id"`
	Every    int64  `yaml:"every"`
	Function string `yaml:"function"`
	Payload  string `yaml:"payload"` // stands in for {user}; empty: the liker who crossed the threshold
	Enable   *bool  `yaml:"enable"`  // default true
	// PerUser counts each viewer's likes on their own: the rule fires for
	// every Every likes of the same viewer this LIVE.
	PerUser bool `yaml:"per_user"`

	// Where the rule was written, for messages about it. Builtin: a rule
	// of tikcraft's own settings (Layer.Builtin), which File names in
	// words and no line points at.
	File      string `yaml:"-"`
	Line, Col int    `yaml:"-"`
	Builtin   bool   `yaml:"-"`
}

// Enabled reports whether the rule is on (the default).
func (l LikeTrigger) Enabled() bool { return l.Enable == nil || *l.Enable }

// TikTok is the live source.
type TikTok struct {
	User         string   `yaml:"user"`
	SignServer   string   `yaml:"sign_server"`
	RetryOffline Duration `yaml:"retry_offline"`
	// WebBase replaces https://www.tiktok.com and webcast.tiktok.com; only
	// the simulator and tests need it.
	WebBase string `yaml:"web_base"`
	// SignAPIKey comes only from TIKCRAFT_SIGN_API_KEY.
	SignAPIKey Secret `yaml:"-"`
	// UserAt is where user was set (File is "" when no file set it).
	UserAt Diagnostic `yaml:"-"`
}

// RememberForever reports follows.remember: forever.
func (f Follows) RememberForever() bool { return f.Remember == RememberForever }

// OncePerUserEnabled reports follows.once_per_user (default true).
func (f Follows) OncePerUserEnabled() bool { return f.OncePerUser == nil || *f.OncePerUser }

// Diagnostic is a problem found in a config file.
type Diagnostic struct {
	File     string
	Line     int
	Col      int
	Severity string // "error" or "warning"
	Message  string
}

func (d Diagnostic) String() string {
	if d.File == "" {
		return fmt.Sprintf("%s: %s", d.Severity, d.Message)
	}
	if d.Line == 0 {
		return fmt.Sprintf("%s: %s: %s", d.File, d.Severity, d.Message)
	}
	return fmt.Sprintf("%s:%d:%d: %s: %s", d.File, d.Line, d.Col, d.Severity, d.Message)
}

// Error carries the diagnostics of a configuration that cannot be used.
type Error struct{ Diagnostics []Diagnostic }

func (e *Error) Error() string {
	var b strings.Builder
	for i, d := range e.Diagnostics {
		if d.Severity != "error" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		b.WriteString(d.String())
		_ = i
	}
	return b.String()
}

// Layer is one YAML document to apply, with the name used in messages.
type Layer struct {
	Name string
	Data []byte
	// Dir resolves relative paths found in this layer; "" keeps them as they are.
	Dir string
	// Builtin: tikcraft's own settings (the demo's), not a file the
	// streamer can open. What it sets has no line and column (a like
	// rule is marked Builtin), so messages about it name Name in words
	// instead of pointing at NAME:LINE:COL.
	Builtin bool
}

// MaxFileSize caps the config file. tikcraft.yaml is a few KB, but
// migrate writes one from Tiktok2Mc files of up to 64 KB each, and a chat
// command group with per-command settings comes out about twice its size
// (a group of its own per command): 512 KB leaves room for that. The cap
// is for the wrong file (a video, a link to /dev/zero), not for memory: the
// YAML parser's cost grows faster than the file, and 500 KB of nothing but
// keys takes about 15 s and 350 MB to check; a migrated 125 KB config, 40 MB.
const MaxFileSize = 512 << 10

// fileKind is the config file for userfile.Read.
var fileKind = userfile.Kind{Name: "config file", Max: MaxFileSize,
	TooBig: "tikcraft.yaml is a few KB; keep the keys you use (docs/CONFIG.md lists them), or give the right file with -c"}

// File reads a layer from disk: an ordinary file of at most MaxFileSize,
// never waiting on a pipe.
func File(path string) (Layer, error) {
	b, err := userfile.Read(path, fileKind)
	if errors.Is(err, os.ErrNotExist) {
		if txt := userfile.TxtAdded(path); txt != "" {
			return Layer{}, fmt.Errorf("config file %s does not exist: %s", path, txt)
		}
		return Layer{}, fmt.Errorf("config file %s does not exist: create it (see docs/CONFIG.md) or leave out -c to use the defaults", path)
	}
	if err != nil {
		return Layer{}, err
	}
	return Layer{Name: path, Data: b, Dir: filepath.Dir(path)}, nil
}

// Load applies the layers in order (later ones override the keys they set),
// then the environment, then defaults, and validates the result. It returns
// the config with all diagnostics (warnings included); err is an *Error when
// any diagnostic is an error.
func Load(layers ...Layer) (*Config, []Diagnostic, error) {
	c := &Config{}
	var diags []Diagnostic
	for _, l := range layers {
		d := c.apply(l)
		diags = append(diags, d...)
	}
	c.applyEnv()
	c.obsEnv()
	diags = append(diags, envPasswordTypos(runtime.GOOS)...)
	diags = append(diags, c.webEnv()...)
	diags = append(diags, c.applyDefaults()...)
	c.webDefaults()
	c.triggerDefaults()
	c.overlayDefaults()
	diags = append(diags, c.checkChatURLs()...)
	// A file that could not be read may well set a password: saying
	// that none is set would send the streamer looking in the wrong place.
	if weakPassword(c.RCON.Password.Reveal()) && !c.foreign && !c.unread {
		// Point at the line that set it; never at a file that does not
		// exist (no config file, or the password from the environment).
		d := c.passwordAt
		where := "rcon.password"
		if os.Getenv(EnvRCONPassword) != "" {
			d, where = Diagnostic{}, EnvRCONPassword
		}
		d.Severity = "warning"
		if c.RCON.Password == "" {
			d.Message = fmt.Sprintf("no RCON password is set: Minecraft refuses an empty one; put the rcon.password of server.properties into %s or rcon.password (tikcraft init --server DIR sets up both)", EnvRCONPassword)
		} else {
			d.Message = fmt.Sprintf("the RCON password in %s is a well-known default: anyone who can reach the port could use it; set a long random rcon.password in server.properties and here (tikcraft init --server DIR generates one)", where)
		}
		diags = append(diags, d)
	}
	for _, d := range diags {
		if d.Severity == "error" {
			return c, diags, &Error{Diagnostics: diags}
		}
	}
	return c, diags, nil
}

func (c *Config) apply(l Layer) []Diagnostic {
	c.Files = append(c.Files, l.Name)
	if l.Dir != "" {
		c.configDir = l.Dir
	}
	if userfile.UTF16(l.Data) {
		c.unread = true
		return []Diagnostic{{File: l.Name, Line: 1, Col: 1, Severity: "error", Message: userfile.SavedAsUTF16}}
	}
	data := bytes.TrimPrefix(l.Data, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	// The parser's memory grows with the square of the nesting: refused
	// before it is parsed.
	var deep *yamldepth.TooDeep
	if errors.As(yamldepth.Check(data), &deep) {
		c.unread = true
		return []Diagnostic{{File: l.Name, Line: deep.Line, Col: deep.Col, Severity: "error", Message: deep.Error()}}
	}
	// A Windows path in double quotes: the parser's error, or the
	// garbled value it reads without one, would never say why.
	paths := quotedWindowsPaths(l.Name, data)
	var file *ast.File
	if err := safeYAML(func() (err error) { file, err = parser.ParseBytes(data, 0); return err }); err != nil {
		c.unread = true
		// Both: were the path message wrong, the parser's is the real one.
		return append(paths, decodeError(l.Name, data, err, nil))
	}
	if isTiktok2Mc(file) {
		c.foreign = true
		dir := filepath.Dir(l.Name)
		if b := filepath.Base(dir); b == "config" || b == "defaults" {
			dir = filepath.Dir(dir) // Tiktok2Mc keeps it in config/ (or defaults/)
		}
		return []Diagnostic{{File: l.Name, Line: 1, Col: 1, Severity: "error", Message: fmt.Sprintf(
			"this is a Tiktok2Mc config.yaml, not a tikcraft.yaml: convert the Tiktok2Mc folder with `tikcraft migrate %s`, which writes tikcraft.yaml and actions.mca from it", cmdline.Arg(dir))}}
	}
	// Every unknown key, in file order; decoding then ignores them so
	// that a wrong type is still found.
	diags := append(paths, unknownKeys(file, l.Name)...)
	var layer Config
	// Decode into a fresh struct first so we know which keys this layer set.
	if err := safeYAML(func() error { return yaml.UnmarshalWithOptions(data, &layer) }); err != nil {
		c.unread = true
		return append(diags, decodeError(l.Name, data, err, file))
	}
	pos := func(path string) (int, int) { return position(file, path) }
	errAt := func(path, format string, args ...any) {
		line, col := pos(path)
		diags = append(diags, Diagnostic{File: l.Name, Line: line, Col: col, Severity: "error", Message: fmt.Sprintf(format, args...)})
	}

	// Environment references: ${NAME}.
	for _, f := range []struct {
		path string
		s    *string
	}{
		{"$.actions", &layer.Actions}, {"$.data_dir", &layer.DataDir},
		{"$.rcon.address", &layer.RCON.Address}, {"$.rcon.password", (*string)(&layer.RCON.Password)},
		{"$.tiktok.user", &layer.TikTok.User}, {"$.tiktok.sign_server", &layer.TikTok.SignServer},
		{"$.tiktok.web_base", &layer.TikTok.WebBase},
	} {
		v, missing := expandEnv(*f.s)
		if missing != "" {
			errAt(f.path, "%s refers to environment variable %s, which is not set", strings.TrimPrefix(f.path, "$."), missing)
		}
		*f.s = v
	}

	// Validate what this layer set, where its position is known.
	if m := layer.Gifts.Mode; m != "" && m != ModeFinal && m != ModeLive {
		errAt("$.gifts.mode", "gifts.mode must be %q or %q, not %q", ModeFinal, ModeLive, m)
	}
	if layer.Gifts.MaxRepeat < 0 {
		errAt("$.gifts.max_repeat", "gifts.max_repeat must be at least 1")
	}
	for name, d := range map[string]Duration{"$.gifts.streak_timeout": layer.Gifts.StreakTimeout, "$.tiktok.retry_offline": layer.TikTok.RetryOffline, "$.rcon.timeout": layer.RCON.Timeout, "$.log_retention": layer.LogRetention} {
		if d < 0 {
			errAt(name, "%s must not be negative", strings.TrimPrefix(name, "$."))
		}
	}
	if m := layer.LogMaxSize; m != 0 && m < 1<<20 {
		errAt("$.log_max_size", "log_max_size must be at least 1MiB, not %s", m)
	}
	if r := layer.RCON.MaxCommandsPerSecond; r != nil && *r < 0 {
		errAt("$.rcon.max_commands_per_second", "rcon.max_commands_per_second must be 0 (no limit) or more")
	}
	if a := layer.RCON.Address; a != "" && !strings.Contains(a, ":") {
		errAt("$.rcon.address", "rcon.address %q needs a port, e.g. %q (Minecraft's rcon.port, 25575 by default)", a, a+":25575")
	}
	if hasPath(file, "$.rcon.password") {
		c.passwordAt = Diagnostic{File: l.Name}
		c.passwordAt.Line, c.passwordAt.Col = pos("$.rcon.password")
	}
	if hasPath(file, "$.random") {
		c.Random.At = Diagnostic{File: l.Name}
		c.Random.At.Line, c.Random.At.Col = pos("$.random")
	}
	if hasPath(file, "$.tiktok.user") {
		c.TikTok.UserAt = Diagnostic{File: l.Name}
		c.TikTok.UserAt.Line, c.TikTok.UserAt.Col = pos("$.tiktok.user")
		c.TikTok.User = layer.TikTok.User
	}
	seen := map[string]int{}
	for i, t := range layer.Likes.Triggers {
		p := fmt.Sprintf("$.likes.triggers[%d]", i)
		if t.Every <= 0 {
			errAt(p, "likes.triggers[%d]: every must be a positive number of likes", i)
		}
		if t.Function == "" {
			errAt(p, "likes.triggers[%d]: function (the trigger to run from the actions file) is missing", i)
		} else if !validTrigger(t.Function) {
			errAt(p+".function", "likes.triggers[%d]: function %q may only contain letters, digits and _", i, t.Function)
		}
		layer.Likes.Triggers[i].File, layer.Likes.Triggers[i].Builtin = l.Name, l.Builtin
		if !l.Builtin {
			layer.Likes.Triggers[i].Line, layer.Likes.Triggers[i].Col = pos(p)
		}
		if t.ID == "" {
			layer.Likes.Triggers[i].ID = fmt.Sprintf("likes_%d", i+1)
		}
		if j, dup := seen[layer.Likes.Triggers[i].ID]; dup {
			errAt(p, "likes.triggers[%d]: id %q is already used by likes.triggers[%d]", i, layer.Likes.Triggers[i].ID, j)
		}
		seen[layer.Likes.Triggers[i].ID] = i
	}

	// Resolve paths against the file that named them.
	if l.Dir != "" {
		for _, p := range []*string{&layer.Actions, &layer.DataDir, &layer.Minecraft.DatapackDir} {
			if *p != "" && !filepath.IsAbs(*p) {
				*p = filepath.Join(l.Dir, *p)
			}
		}
	}

	// Merge: keys this layer set win.
	if hasPath(file, "$.rcon.address") || hasPath(file, "$.rcon.password") {
		c.RCONConfigured = true
	}
	if hasPath(file, "$.actions") {
		c.ActionsConfigured = true
	}
	mergeString(&c.Actions, layer.Actions)
	if hasPath(file, "$.data_dir") {
		c.DataDirConfigured = true
	}
	mergeString(&c.DataDir, layer.DataDir)
	merge(&c.LogRetention, layer.LogRetention)
	merge(&c.LogMaxSize, layer.LogMaxSize)
	mergeString(&c.RCON.Address, layer.RCON.Address)
	if hasPath(file, "$.rcon.password") {
		c.RCON.Password = layer.RCON.Password
	}
	if layer.RCON.MaxCommandsPerSecond != nil {
		c.RCON.MaxCommandsPerSecond = layer.RCON.MaxCommandsPerSecond
	}
	merge(&c.RCON.Timeout, layer.RCON.Timeout)
	mergeString(&c.Gifts.Mode, layer.Gifts.Mode)
	merge(&c.Gifts.StreakTimeout, layer.Gifts.StreakTimeout)
	merge(&c.Gifts.MaxRepeat, layer.Gifts.MaxRepeat)
	if layer.Follows.OncePerUser != nil {
		c.Follows.OncePerUser = layer.Follows.OncePerUser
	}
	if hasPath(file, "$.likes.triggers") {
		c.Likes.Triggers = layer.Likes.Triggers
	}
	mergeString(&c.TikTok.SignServer, layer.TikTok.SignServer)
	merge(&c.TikTok.RetryOffline, layer.TikTok.RetryOffline)
	mergeString(&c.TikTok.WebBase, layer.TikTok.WebBase)
	c.mergeWeb(&layer, file, errAt)
	c.applyTriggers(&layer, file, errAt)
	c.mergeOverlays(l, &layer, file, errAt)
	warnAt := func(path, format string, args ...any) {
		line, col := pos(path)
		diags = append(diags, Diagnostic{File: l.Name, Line: line, Col: col, Severity: "warning", Message: fmt.Sprintf(format, args...)})
	}
	c.applyChat(l.Name, &layer, file, errAt, warnAt, pos)
	c.mergeOBS(&layer, file, errAt)
	return diags
}

// safeYAML runs the YAML library and turns a panic inside it (it has some
// on malformed input, found by fuzzing) into an error, never a crash.
func safeYAML(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = errors.New("this file is not valid YAML (check the indentation and the characters around tags such as '!')")
		}
	}()
	return f()
}

func mergeString(dst *string, v string) {
	if v != "" {
		*dst = v
	}
}

func merge[T comparable](dst *T, v T) {
	var zero T
	if v != zero {
		*dst = v
	}
}

func (c *Config) applyEnv() {
	// An empty variable counts as unset, so `TIKCRAFT_RCON_PASSWORD= tikcraft`
	// cannot silently blank a password from the file.
	if v := os.Getenv(EnvRCONPassword); v != "" {
		c.RCON.Password = Secret(v)
		c.RCONConfigured = true
	}
	if v := os.Getenv(EnvSignAPIKey); v != "" {
		c.TikTok.SignAPIKey = Secret(v)
	}
}

// envPasswordTypos warns of a password variable set with what cmd.exe's
// set keeps as part of the value: quotes (set X="pw" gives "pw" with its
// quotes) or spaces around it (set X=pw  with a space before Enter), or
// elsewhere Docker's --env-file (X="pw" keeps its quotes). The advice is
// for goos; the value is never shown.
func envPasswordTypos(goos string) []Diagnostic {
	var diags []Diagnostic
	for _, name := range []string{EnvRCONPassword, EnvOBSPassword} {
		v := os.Getenv(name)
		var what string
		switch {
		case len(v) >= 2 && (v[0] == '"' && v[len(v)-1] == '"' || v[0] == '\'' && v[len(v)-1] == '\''):
			what = "is wrapped in quote marks, which are then part of the password"
		case v != strings.TrimSpace(v):
			what = "starts or ends with a space, which is then part of the password"
		default:
			continue
		}
		how := fmt.Sprintf("in a Docker --env-file or .env file, write %s=yourpassword without quotes and with nothing after it (Docker keeps them); in a shell, export %s='yourpassword'", name, name)
		if goos == "windows" {
			how = fmt.Sprintf("in cmd, set it without quotes and with nothing after the password (set %s=yourpassword); in PowerShell, $env:%s=\"yourpassword\"", name, name)
		}
		diags = append(diags, Diagnostic{Severity: "warning", Message: fmt.Sprintf("%s %s: %s", name, what, how)})
	}
	return diags
}

func (c *Config) applyDefaults() []Diagnostic {
	dir := ""
	if n := len(c.Files); n > 0 && c.Files[n-1] != "" {
		dir = filepath.Dir(c.Files[n-1])
	}
	if c.Actions == "" {
		c.Actions = DefaultActions
		if dir != "" {
			c.Actions = filepath.Join(dir, DefaultActions)
		}
	}
	if c.DataDir == "" {
		c.DataDir = filepath.Join(dir, DefaultDataDirName)
	}
	if c.LogRetention == 0 {
		c.LogRetention = Duration(DefaultLogRetention)
	}
	if c.LogMaxSize == 0 {
		c.LogMaxSize = DefaultLogMaxSize
	}
	if c.RCON.Address == "" {
		c.RCON.Address = DefaultRCONAddress
	}
	if c.RCON.MaxCommandsPerSecond == nil {
		r := float64(DefaultCommandsPerSecond)
		c.RCON.MaxCommandsPerSecond = &r
	}
	if c.RCON.Timeout == 0 {
		c.RCON.Timeout = Duration(10 * time.Second)
	}
	if c.Gifts.Mode == "" {
		c.Gifts.Mode = ModeFinal
	}
	if c.Gifts.StreakTimeout == 0 {
		c.Gifts.StreakTimeout = Duration(DefaultStreakTimeout)
	}
	if c.Gifts.MaxRepeat == 0 {
		c.Gifts.MaxRepeat = DefaultMaxRepeat
	}
	if c.TikTok.SignServer == "" {
		c.TikTok.SignServer = DefaultSignServer
	}
	if c.TikTok.RetryOffline == 0 {
		c.TikTok.RetryOffline = Duration(DefaultRetryOffline)
	}
	return nil
}

// weakPassword reports an empty RCON password or a well-known default.
func weakPassword(p string) bool {
	switch strings.ToLower(p) {
	case "", "abc1234", "minecraft", "password", "changeme", "admin", "123456", "12345678", "rcon", "test":
		return true
	}
	return false
}

// Foreign reports that a file is another tool's configuration (Tiktok2Mc's
// config.yaml): its one diagnostic says so, and nothing else is worth
// checking.
func (c *Config) Foreign() bool { return c.foreign }

// LikeFunctions lists the triggers that like rules run (they are never
// picked by $random).
func (c *Config) LikeFunctions() []string {
	var out []string
	for _, t := range c.Likes.Triggers {
		out = append(out, t.Function)
	}
	return out
}

// LogValue keeps secrets out of structured logs.
func (c *Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("actions", c.Actions),
		slog.String("rcon", c.RCON.Address),
		slog.String("gifts.mode", c.Gifts.Mode),
		slog.String("tiktok.user", c.TikTok.User),
	)
}

var triggerRE = regexp.MustCompile(`^[A-Za-z0-9_]+$`)

func validTrigger(s string) bool { return triggerRE.MatchString(s) }

var envRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// expandEnv replaces ${NAME} with the environment variable NAME. A bare $ is
// left alone, so passwords containing $ need no escaping.
func expandEnv(s string) (out, missing string) {
	out = envRef.ReplaceAllStringFunc(s, func(m string) string {
		name := m[2 : len(m)-1]
		v, ok := os.LookupEnv(name)
		if !ok && missing == "" {
			missing = name
		}
		return v
	})
	return out, missing
}

func hasPath(f *ast.File, path string) (found bool) {
	defer func() {
		if recover() != nil {
			found = false
		}
	}()
	p, err := yaml.PathString(path)
	if err != nil {
		return false
	}
	n, err := p.FilterFile(f)
	return err == nil && n != nil
}

func position(f *ast.File, path string) (line, col int) {
	defer func() {
		if recover() != nil {
			line, col = 1, 1
		}
	}()
	for path != "" {
		if p, err := yaml.PathString(path); err == nil {
			if n, err := p.FilterFile(f); err == nil && n != nil {
				if t := n.GetToken(); t != nil && t.Position != nil {
					return t.Position.Line, t.Position.Column
				}
			}
		}
		// Fall back to the parent key.
		i := strings.LastIndexAny(path, ".[")
		if i <= 1 {
			break
		}
		path = path[:i]
	}
	return 1, 1
}

// decodeError turns a YAML error into a diagnostic with a position and
// words a streamer can act on. file, the parsed document (nil when it did
// not parse), gives the full name of the key at the error, such as
// gifts.max_repeat rather than max_repeat.
func decodeError(name string, src []byte, err error, file *ast.File) Diagnostic {
	d := Diagnostic{File: name, Line: 1, Col: 1, Severity: "error", Message: err.Error()}
	key := func() string {
		if k := keyPath(file, d.Line, d.Col); k != "" {
			return k
		}
		return keyAt(src, d.Line)
	}
	var pe *positionedError
	if errors.As(err, &pe) {
		d.Line, d.Col, d.Message = pe.line, pe.col, pe.msg
		if k := keyPath(file, d.Line, d.Col); k != "" {
			d.Message = k + ": " + d.Message
		}
		return d
	}
	var ye yaml.Error
	if errors.As(err, &ye) {
		if t := ye.GetToken(); t != nil && t.Position != nil {
			d.Line, d.Col = t.Position.Line, t.Position.Column
		}
		d.Message = ye.GetMessage()
		var ue *yaml.UnknownFieldError
		var te *yaml.TypeError
		var ne *yaml.UnexpectedNodeTypeError
		var oe *yaml.OverflowError
		switch {
		case errors.As(err, &ue):
			d.Message = strings.Replace(d.Message, "unknown field", "unknown key", 1) + " (see docs/CONFIG.md for the keys)"
		case errors.As(err, &te):
			d.Message = fmt.Sprintf("wrong type for %s: want %s", key(), friendly(te.DstType.String()))
		case errors.As(err, &ne):
			d.Message = fmt.Sprintf("wrong type for %s: want %s, not %s", key(), nodeKind(ne.Expected), nodeKind(ne.Actual))
		case errors.As(err, &oe):
			d.Message = fmt.Sprintf("%s: %s is too large a number", key(), oe.SrcNum)
		}
		if m := duplicateKey.FindStringSubmatch(d.Message); m != nil {
			d.Message = fmt.Sprintf("%q is set twice, here and at line %s: a key may appear once in its section; keep the one you want and delete the other", m[1], m[2])
			l, _ := lineAt(src, d.Line)
			if l = strings.TrimSpace(strings.SplitN(l, " #", 2)[0]); !strings.Contains(l, ":") || strings.TrimSpace(l[strings.Index(l, ":")+1:]) == "" {
				// A section: its keys go together under one.
				d.Message = fmt.Sprintf("%q is set twice, here and at line %s: a key may appear once in its section; put everything under one %s: and delete the other", m[1], m[2], m[1])
			}
		}
	}
	return d
}

// duplicateKey is the YAML library's message for a key given twice.
var duplicateKey = regexp.MustCompile(`^mapping key "(.*)" already defined at \[(\d+):\d+\]$`)

// lineAt is line n of src (from 1) without its line end; ok is false
// when src has no such line.
func lineAt(src []byte, n int) (line string, ok bool) {
	lines := bytes.Split(src, []byte("\n"))
	if n < 1 || n > len(lines) {
		return "", false
	}
	return string(bytes.TrimRight(lines[n-1], "\r")), true
}

// keyPath names the key whose value starts at line:col, such as
// "likes.triggers[0].every", or "" when no value starts there. Of the
// nodes starting there, the outermost is the value the decoder refused.
func keyPath(f *ast.File, line, col int) string {
	if f == nil {
		return ""
	}
	best := ""
	var visit visitFunc = func(n ast.Node) {
		t := n.GetToken()
		if t == nil || t.Position == nil || t.Position.Line != line || t.Position.Column != col {
			return
		}
		if p := strings.TrimPrefix(n.GetPath(), "$."); p != "$" && p != "" && (best == "" || len(p) < len(best)) {
			best = p
		}
	}
	for _, d := range f.Docs {
		// A document with no body ("0\r---") has no token: its GetToken
		// would call a nil Body.
		if d != nil && d.Body != nil {
			ast.Walk(visit, d.Body)
		}
	}
	return best
}

type visitFunc func(ast.Node)

func (f visitFunc) Visit(n ast.Node) ast.Visitor { f(n); return f }

// nodeKind names a kind of YAML value as a streamer would write it.
func nodeKind(t ast.NodeType) string {
	switch t {
	case ast.MappingType, ast.MappingValueType:
		return "keys indented below it (key: value lines)"
	case ast.SequenceType:
		return "a list (lines starting with - , or [a, b])"
	case ast.StringType, ast.LiteralType:
		return "text"
	case ast.IntegerType, ast.FloatType, ast.InfinityType, ast.NanType:
		return "a number"
	case ast.BoolType:
		return "true or false"
	case ast.NullType:
		return "nothing"
	}
	return t.YAMLName()
}

// keyAt names the YAML key on a line, for messages.
func keyAt(src []byte, line int) string {
	l, ok := lineAt(src, line)
	if !ok {
		return "this value"
	}
	l = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(l), "-"))
	if i := strings.Index(l, ":"); i > 0 {
		return strings.TrimSpace(strings.TrimLeft(l[:i], "{ "))
	}
	return "this value"
}

func friendly(t string) string {
	switch {
	case strings.Contains(t, "int"):
		return "a whole number"
	case strings.Contains(t, "float"):
		return "a number"
	case strings.Contains(t, "bool"):
		return "true or false"
	case strings.Contains(t, "string"), strings.Contains(t, "Secret"):
		return "text"
	case strings.HasPrefix(t, "[]"):
		return "a list"
	case strings.Contains(t, "config."):
		return "a mapping of keys"
	}
	return t
}

package config

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"
	"github.com/tikcraft/tikcraft/mcnames"
)

// EnvWebListen overrides web.listen (tests run many instances at once with
// TIKCRAFT_WEB_LISTEN=127.0.0.1:0).
const EnvWebListen = "TIKCRAFT_WEB_LISTEN"

// Web and Minecraft defaults.
const (
	DefaultWebListen    = "127.0.0.1:8765"
	DefaultPauseTimeout = 30 * time.Second
	// WebOff is the web.listen value that turns the dashboard off.
	WebOff = "off"
)

// Death sources (minecraft.deaths).
const (
	DeathsWebhook    = "webhook"    // POST /webhook from a server plugin
	DeathsScoreboard = "scoreboard" // a deathCount objective polled over RCON
	DeathsOff        = "off"
)

// What a Minecraft webhook event means (minecraft.webhook.events).
const (
	MeansDeath   = "death"
	MeansRespawn = "respawn"
	MeansIgnore  = "ignore"
)

// Web is the dashboard's HTTP server (docs/WEB.md).
type Web struct {
	// Listen is host:port, or "off". Default 127.0.0.1:8765.
	Listen string `yaml:"listen"`
}

// Enabled reports whether the dashboard server runs.
func (w Web) Enabled() bool { return !strings.EqualFold(strings.TrimSpace(w.Listen), WebOff) }

// Loopback reports whether Listen only accepts connections from this
// computer.
func (w Web) Loopback() bool {
	host, _, err := net.SplitHostPort(w.Listen)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Minecraft is what tikcraft learns from the game itself: deaths and
// respawns, to pause delivery and count deaths.
type Minecraft struct {
	// PauseOnDeath holds delivery from a death until the respawn.
	PauseOnDeath *bool `yaml:"pause_on_death"`
	// PauseTimeout resumes delivery when no respawn came this long after
	// a death. Default 30s.
	PauseTimeout Duration `yaml:"pause_timeout"`
	// Deaths is where deaths come from: webhook (default), scoreboard or off.
	Deaths  string  `yaml:"deaths"`
	Webhook Webhook `yaml:"webhook"`
	// DatapackDir, when set, is the world's datapacks folder: the rules
	// with only "/" commands become functions of a tikcraft data pack
	// there, and each firing is one "function" command (docs/ACTIONS.md).
	DatapackDir string `yaml:"datapack_dir"`
	// Version is the server's Minecraft version ("1.21.4"): the names
	// check knows (Names) and the data pack's pack.mcmeta. Empty: check
	// knows the names of every release from 1.20 on, and the pack is
	// written for every version from 1.20.2.
	Version string `yaml:"version"`
	// CheckNames turns the check of Minecraft names in the actions
	// file's "/" commands on or off (default on).
	CheckNames *bool `yaml:"check_names"`
}

// Names returns what the actions file's "/" commands are checked against
// (actions.Options.Minecraft): the names of minecraft.version, or of every
// release tikcraft knows without it; nil when check_names is false.
func (m Minecraft) Names() *mcnames.Names {
	if m.CheckNames != nil && !*m.CheckNames {
		return nil
	}
	return mcnames.For(m.Version)
}

// PauseOnDeathEnabled reports minecraft.pause_on_death (default false).
func (m Minecraft) PauseOnDeathEnabled() bool { return m.PauseOnDeath != nil && *m.PauseOnDeath }

// Webhook maps what a server plugin posts to what it means.
type Webhook struct {
	// Events maps an event name ("player_death") to death, respawn or
	// ignore. A file's entries are added to the defaults.
	Events map[string]string `yaml:"events"`
	// Messages is for plugins that post only a message text (the
	// MinecraftServerAPI plugin's onlyMessage: true): the first rule whose
	// text the message contains (ignoring case) says what it means.
	Messages []MessageRule `yaml:"messages"`
}

// MessageRule says what a plain-text webhook message means.
type MessageRule struct {
	Contains string `yaml:"contains"`
	Means    string `yaml:"means"`
}

// DefaultWebhookEvents are the MinecraftServerAPI plugin's event names.
func DefaultWebhookEvents() map[string]string {
	return map[string]string{"player_death": MeansDeath, "player_respawn": MeansRespawn}
}

// DefaultWebhookMessages recognise plain-text messages. Respawn comes first
// because a respawn message may mention the death.
func DefaultWebhookMessages() []MessageRule {
	return []MessageRule{
		{Contains: "player_respawn", Means: MeansRespawn},
		{Contains: "player_death", Means: MeansDeath},
		{Contains: "respawn", Means: MeansRespawn},
		{Contains: "died", Means: MeansDeath},
		{Contains: "death", Means: MeansDeath},
	}
}

func validMeans(s string) bool { return s == MeansDeath || s == MeansRespawn || s == MeansIgnore }

// mergeWeb validates and merges the web and minecraft keys of one layer.
func (c *Config) mergeWeb(layer *Config, file *ast.File, errAt func(path, format string, args ...any)) {
	if l := strings.TrimSpace(layer.Web.Listen); l != "" {
		if err := checkListen(l); err != nil {
			errAt("$.web.listen", "%v", err)
		}
		c.Web.Listen = l
	}
	m := layer.Minecraft
	if m.PauseOnDeath != nil {
		c.Minecraft.PauseOnDeath = m.PauseOnDeath
	}
	if m.CheckNames != nil {
		c.Minecraft.CheckNames = m.CheckNames
	}
	if m.PauseTimeout < 0 {
		errAt("$.minecraft.pause_timeout", "minecraft.pause_timeout must not be negative")
	}
	merge(&c.Minecraft.PauseTimeout, m.PauseTimeout)
	if d := m.Deaths; d != "" {
		if d != DeathsWebhook && d != DeathsScoreboard && d != DeathsOff {
			errAt("$.minecraft.deaths", "minecraft.deaths must be %q, %q or %q, not %q", DeathsWebhook, DeathsScoreboard, DeathsOff, d)
		}
		c.Minecraft.Deaths = d
	}
	for name, means := range m.Webhook.Events {
		if !validMeans(means) {
			errAt("$.minecraft.webhook.events."+name, "minecraft.webhook.events.%s must be %q, %q or %q, not %q", name, MeansDeath, MeansRespawn, MeansIgnore, means)
		}
		if c.Minecraft.Webhook.Events == nil {
			c.Minecraft.Webhook.Events = DefaultWebhookEvents()
		}
		c.Minecraft.Webhook.Events[name] = means
	}
	for i, r := range m.Webhook.Messages {
		p := fmt.Sprintf("$.minecraft.webhook.messages[%d]", i)
		if strings.TrimSpace(r.Contains) == "" {
			errAt(p, "minecraft.webhook.messages[%d]: contains (the text to look for) is missing", i)
		}
		if !validMeans(r.Means) {
			errAt(p, "minecraft.webhook.messages[%d]: means must be %q, %q or %q, not %q", i, MeansDeath, MeansRespawn, MeansIgnore, r.Means)
		}
	}
	if hasPath(file, "$.minecraft.webhook.messages") {
		c.Minecraft.Webhook.Messages = m.Webhook.Messages
	}
}

// checkListen accepts host:port with a port number, or "off".
func checkListen(l string) error {
	if strings.EqualFold(l, WebOff) {
		return nil
	}
	_, port, err := net.SplitHostPort(l)
	if err != nil {
		return fmt.Errorf("web.listen %q must be host:port, e.g. %q, or %q to turn the dashboard off", l, DefaultWebListen, WebOff)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("web.listen %q: the port must be a number from 0 to 65535", l)
	}
	return nil
}

func (c *Config) webEnv() []Diagnostic {
	v := strings.TrimSpace(os.Getenv(EnvWebListen))
	if v == "" {
		return nil
	}
	if err := checkListen(v); err != nil {
		return []Diagnostic{{File: EnvWebListen, Severity: "error", Message: err.Error()}}
	}
	c.Web.Listen = v
	return nil
}

func (c *Config) webDefaults() {
	if c.Web.Listen == "" {
		c.Web.Listen = DefaultWebListen
	}
	if c.Minecraft.PauseTimeout == 0 {
		c.Minecraft.PauseTimeout = Duration(DefaultPauseTimeout)
	}
	if c.Minecraft.Deaths == "" {
		c.Minecraft.Deaths = DeathsWebhook
	}
	if c.Minecraft.Webhook.Events == nil {
		c.Minecraft.Webhook.Events = DefaultWebhookEvents()
	}
	if c.Minecraft.Webhook.Messages == nil {
		c.Minecraft.Webhook.Messages = DefaultWebhookMessages()
	}
}

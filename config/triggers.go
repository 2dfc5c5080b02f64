package config

import (
	"errors"
	"fmt"
	"net"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"
	"github.com/tikcraft/tikcraft/datapack"
)

// DefaultHTTPTimeout is how long one $http request may take.
const DefaultHTTPTimeout = 5 * time.Second

// Viewers tunes what the viewer count fires.
type Viewers struct {
	// Milestones fire viewers_milestone the first time this LIVE the
	// viewer count reaches each number.
	Milestones []int64 `yaml:"milestones"`
}

// HTTP tunes the actions file's outgoing requests ($http).
type HTTP struct {
	// Allow lists the hosts $http may call: "host:port", or "host" for
	// any port. Empty: $http is refused everywhere.
	Allow   []string `yaml:"allow"`
	Timeout Duration `yaml:"timeout"`
}

// applyTriggers validates and merges the keys of the richer triggers and
// of datapack mode: follows.milestones, viewers.milestones, http.*,
// minecraft.datapack_dir and minecraft.version.
func (c *Config) applyTriggers(layer *Config, file *ast.File, errAt func(path, format string, args ...any)) {
	milestones := func(path string, ms []int64) []int64 {
		for i, m := range ms {
			if m <= 0 {
				errAt(fmt.Sprintf("%s[%d]", path, i), "%s: %d is not a positive number", strings.TrimPrefix(path, "$."), m)
			}
		}
		out := slices.Clone(ms)
		slices.Sort(out)
		return slices.Compact(out)
	}
	if hasPath(file, "$.follows.milestones") {
		c.Follows.Milestones = milestones("$.follows.milestones", layer.Follows.Milestones)
	}
	if hasPath(file, "$.viewers.milestones") {
		c.Viewers.Milestones = milestones("$.viewers.milestones", layer.Viewers.Milestones)
	}
	if hasPath(file, "$.http.allow") {
		for i, a := range layer.HTTP.Allow {
			if !validAllow(a) {
				errAt(fmt.Sprintf("$.http.allow[%d]", i), "http.allow[%d]: %q is not a host or host:port, e.g. localhost:8080", i, a)
			}
		}
		c.HTTP.Allow = layer.HTTP.Allow
	}
	if t := layer.HTTP.Timeout; t < 0 {
		errAt("$.http.timeout", "http.timeout must not be negative")
	}
	merge(&c.HTTP.Timeout, layer.HTTP.Timeout)
	if d := layer.Minecraft.DatapackDir; d != "" {
		if st, err := os.Stat(d); err != nil || !st.IsDir() {
			errAt("$.minecraft.datapack_dir", "minecraft.datapack_dir %s is not a folder: point it at your world's datapacks folder (for example world/datapacks), or leave it out to send every command over RCON", d)
		}
		c.Minecraft.DatapackDir = d
	}
	if v := layer.Minecraft.Version; v != "" {
		// A release too old for datapack mode (1.20.1, the modded
		// servers' favourite) still tells check which names it has.
		if _, err := datapack.Format(v); err != nil && (c.Minecraft.DatapackDir != "" || !errors.Is(err, datapack.ErrTooOld)) {
			errAt("$.minecraft.version", "%v", err)
		}
		c.Minecraft.Version = v
	}
}

func (c *Config) triggerDefaults() {
	if c.HTTP.Timeout == 0 {
		c.HTTP.Timeout = Duration(DefaultHTTPTimeout)
	}
}

// validAllow reports whether a is "host" or "host:port".
func validAllow(a string) bool {
	a = strings.TrimSpace(a)
	if a == "" || strings.ContainsAny(a, "/ @?#") {
		return false
	}
	if host, port, err := net.SplitHostPort(a); err == nil {
		return host != "" && port != ""
	}
	return !strings.Contains(strings.Trim(a, "[]"), ":") || strings.HasPrefix(a, "[")
}

package config

import (
	"net"
	"os"
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// EnvOBSPassword overrides obs.password.
const EnvOBSPassword = "TIKCRAFT_OBS_PASSWORD"

// DefaultOBSAddress is where OBS's WebSocket server listens unless told
// otherwise (OBS → Tools → WebSocket Server Settings).
const DefaultOBSAddress = "127.0.0.1:4455"

// OBS is how to reach OBS Studio's WebSocket server, for $obs actions
// (docs/OBS.md).
type OBS struct {
	Address  string `yaml:"address"`  // host:port, default 127.0.0.1:4455
	Password Secret `yaml:"password"` // or TIKCRAFT_OBS_PASSWORD
}

// mergeOBS validates and merges the obs keys of one layer.
func (c *Config) mergeOBS(layer *Config, file *ast.File, errAt func(path, format string, args ...any)) {
	if !hasPath(file, "$.obs") {
		return
	}
	c.OBSConfigured = true
	o := layer.OBS
	for _, f := range []struct {
		path string
		s    *string
	}{{"$.obs.address", &o.Address}, {"$.obs.password", (*string)(&o.Password)}} {
		v, missing := expandEnv(*f.s)
		if missing != "" {
			errAt(f.path, "%s refers to environment variable %s, which is not set", strings.TrimPrefix(f.path, "$."), missing)
		}
		*f.s = v
	}
	if a := strings.TrimSpace(o.Address); a != "" {
		if strings.Contains(a, "://") {
			errAt("$.obs.address", "obs.address is host:port, without ws://, e.g. %q", DefaultOBSAddress)
		} else if _, port, err := net.SplitHostPort(a); err != nil || port == "" {
			errAt("$.obs.address", "obs.address %q needs a port, e.g. %q (the Server Port in OBS → Tools → WebSocket Server Settings)", a, DefaultOBSAddress)
		}
		c.OBS.Address = a
	}
	if hasPath(file, "$.obs.password") {
		c.OBS.Password = o.Password
	}
}

// obsEnv applies TIKCRAFT_OBS_PASSWORD (an empty one counts as unset) and
// the default address.
func (c *Config) obsEnv() {
	if v := os.Getenv(EnvOBSPassword); v != "" {
		c.OBS.Password = Secret(v)
		c.OBSConfigured = true
	}
	if c.OBS.Address == "" {
		c.OBS.Address = DefaultOBSAddress
	}
}

package app

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/tikcraft/tikcraft/atomicfile"
	"github.com/tikcraft/tikcraft/cmdline"
	"github.com/tikcraft/tikcraft/config"
	"github.com/tikcraft/tikcraft/examples"
	"github.com/tikcraft/tikcraft/rcon"
	"github.com/tikcraft/tikcraft/serverprops"
	"github.com/tikcraft/tikcraft/userfile"
)

// InitOptions are init's arguments.
type InitOptions struct {
	Options
	Dir string // where tikcraft.yaml and actions.mca go; "" means "."
	// ServerDir is a Minecraft server folder whose server.properties gets
	// RCON turned on (init --server).
	ServerDir string
	// Now names the backup; default time.Now.
	Now func() time.Time
}

// The lines of examples/tikcraft.yaml that init replaces with the
// server's address and password, and the example user it asks to set.
// TestInitServerTurnsOnRCONAndKeepsTheRest fails without them.
const (
	templateAddress  = "  address: " + rcon.DefaultAddress + "\n"
	templatePassword = "  # password: set TIKCRAFT_RCON_PASSWORD instead of writing it here\n"
	templateUser     = "  user: \"@your_tiktok_name\"\n"
)

// hasRCONPassword reports whether the YAML data sets rcon.password (or
// cannot be read as YAML): init then leaves it as it is, so a password the
// streamer typed under the template's comment is never doubled.
func hasRCONPassword(data []byte) bool {
	var c struct {
		RCON struct {
			Password *string `yaml:"password"`
		} `yaml:"rcon"`
	}
	return yaml.Unmarshal(data, &c) != nil || c.RCON.Password != nil
}

// withServer is cfg with the server's address and password in place of
// the template's lines, if it still has the password's; ok reports it.
func withServer(cfg string, rs *serverprops.RCONSetup) (string, bool) {
	if strings.Count(cfg, templatePassword) != 1 {
		return cfg, false
	}
	if strings.Count(cfg, templateAddress) == 1 {
		cfg = strings.Replace(cfg, templateAddress, fmt.Sprintf("  address: %s\n", rs.Address), 1)
	}
	return strings.Replace(cfg, templatePassword, fmt.Sprintf("  password: %q   # the rcon.password of %s\n", rs.Password, rs.Path), 1), true
}

// Init writes a commented tikcraft.yaml and actions.mca into Dir, never
// overwriting a file that exists. With ServerDir it first turns on RCON in
// that server's server.properties (keeping every other line and comment
// byte for byte, and a backup of the old file) and puts the same address
// and password into the new tikcraft.yaml; a bad or missing
// server.properties is an error before anything is written.
func Init(in InitOptions) error {
	in.defaults()
	if in.Dir == "" {
		in.Dir = "."
	}
	if in.Now == nil {
		in.Now = time.Now
	}
	out := in.Stdout
	// A file Notepad saved with .txt added would be left beside a new
	// one that tikcraft reads instead, the streamer's edits unseen.
	for _, name := range []string{DefaultConfigFile, config.DefaultActions} {
		p := filepath.Join(in.Dir, name)
		if _, err := os.Lstat(p); err != nil {
			if txt := userfile.TxtAdded(p); txt != "" {
				return fmt.Errorf("%s is not there, so init would write a new one, which tikcraft would read instead of yours: %s, then run this again; nothing was changed", p, txt)
			}
		}
	}
	var rs *serverprops.RCONSetup
	if in.ServerDir != "" {
		var err error
		if rs, err = serverprops.EnableRCON(in.ServerDir, in.Now()); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(in.Dir, 0o755); err != nil {
		return fmt.Errorf("cannot create %s: %w", in.Dir, unwrapPathError(err))
	}
	cfgPath := filepath.Join(in.Dir, DefaultConfigFile)
	cfg := examples.Config
	mode := os.FileMode(0o644)
	if rs != nil {
		cfg, _ = withServer(cfg, rs)
		mode = 0o600 // it holds the password
	}
	wroteCfg, err := writeNew(cfgPath, cfg, mode)
	if err != nil {
		return err
	}
	needUser := wroteCfg
	filled := false // the tikcraft.yaml that was there got the password
	if !wroteCfg {
		// Most often the one `tikcraft init` wrote a minute ago, whose
		// next step is this: its template lines take the password, as a
		// new one's do, rather than leaving a streamer to copy it by hand.
		// One it cannot read is left as it is, as before, and so said.
		l, err := config.File(cfgPath)
		old := string(l.Data)
		needUser = err == nil && strings.Contains(old, templateUser)
		if rs != nil && err == nil && !hasRCONPassword(l.Data) {
			if cfg, ok := withServer(old, rs); ok {
				// It is to hold the password: the owner's only, before
				// (atomicfile keeps the mode the file has).
				if err := os.Chmod(cfgPath, 0o600); err != nil {
					return fmt.Errorf("cannot make %s readable by you only: %w", cfgPath, unwrapPathError(err))
				}
				if err := atomicfile.Write(cfgPath, []byte(cfg), 0o600); err != nil {
					return err
				}
				filled = true
			}
		}
	}
	actionsPath := filepath.Join(in.Dir, config.DefaultActions)
	wroteActions, err := writeNew(actionsPath, examples.Actions, 0o644)
	if err != nil {
		return err
	}
	if rs != nil {
		if rs.Changed {
			fmt.Fprintf(out, "%s: turned on RCON (%s); the old file is kept as %s\n", rs.Path, strings.Join(rs.What, ", "), rs.Backup)
			fmt.Fprintln(out, "  restart the Minecraft server so that it opens RCON")
		} else {
			fmt.Fprintf(out, "%s: RCON was already on (rcon.port=%d, and a strong rcon.password); nothing changed\n", rs.Path, rs.Port)
		}
	}
	report := func(path string, wrote bool) {
		if wrote {
			fmt.Fprintf(out, "wrote %s\n", path)
		} else {
			fmt.Fprintf(out, "%s already exists; left as it is\n", path)
		}
	}
	if filled {
		only := " (and only you can read it)"
		if runtime.GOOS == "windows" {
			only = "" // no Unix permission bits: it stays as readable as it was
		}
		fmt.Fprintf(out, "%s already exists; it now has rcon.address and the same rcon.password as the server%s\n", cfgPath, only)
	} else {
		report(cfgPath, wroteCfg)
	}
	report(actionsPath, wroteActions)
	if rs != nil && !filled {
		if wroteCfg {
			fmt.Fprintf(out, "  %s has rcon.address %s and the same rcon.password as the server\n", cfgPath, rs.Address)
		} else {
			fmt.Fprintf(out, "  so the password is not in it: set rcon.password there (and rcon.address: %s), or the environment variable %s, to the rcon.password in %s\n",
				rs.Address, config.EnvRCONPassword, rs.Path)
		}
	}
	// The steps left, numbered as printed: which ones apply depends on
	// what init did.
	var steps []string
	if needUser {
		steps = append(steps, fmt.Sprintf("set tiktok.user in %s to your TikTok @handle", cfgPath))
	}
	if rs == nil {
		steps = append(steps, "turn on RCON: tikcraft init --server YOUR_MINECRAFT_SERVER_FOLDER (or see docs/CONFIG.md)")
	}
	steps = append(steps,
		fmt.Sprintf("tikcraft check --connect -c %s     tests the files, Minecraft and TikTok", cmdline.Arg(cfgPath)),
		fmt.Sprintf("tikcraft demo -c %s                sends a simulated stream to your server", cmdline.Arg(cfgPath)),
		fmt.Sprintf("tikcraft run -c %s                 goes live", cmdline.Arg(cfgPath)))
	fmt.Fprintln(out, "next:")
	for i, s := range steps {
		fmt.Fprintf(out, "  %d. %s\n", i+1, s)
	}
	return nil
}

// writeNew creates path with s unless it exists; it reports whether it
// wrote.
func writeNew(path, s string, mode os.FileMode) (bool, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if errors.Is(err, os.ErrExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("cannot create %s: %w", path, unwrapPathError(err))
	}
	if _, err := f.WriteString(s); err != nil {
		f.Close()
		return false, fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return false, fmt.Errorf("writing %s: %w", path, err)
	}
	return true, nil
}

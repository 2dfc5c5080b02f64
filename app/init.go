package app

import (
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/tikcraft/tikcraft/atomicfile"
	"github.com/tikcraft/tikcraft/config"
	"github.com/tikcraft/tikcraft/examples"
	"github.com/tikcraft/tikcraft/rcon"
	"github.com/tikcraft/tikcraft/serverprops"
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
// server's address and password. TestInitTemplateHasItsLines keeps them.
const (
	templateAddress  = "  address: " + rcon.DefaultAddress + "\n"
	templatePassword = "  # password: set TIKCRAFT_RCON_PASSWORD instead of writing it here\n"
)

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
	var rcon *rconSetup
	if in.ServerDir != "" {
		var err error
		if rcon, err = enableRCON(in.ServerDir, in.Now()); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(in.Dir, 0o755); err != nil {
		return fmt.Errorf("cannot create %s: %w", in.Dir, unwrapPathError(err))
	}
	cfgPath := filepath.Join(in.Dir, DefaultConfigFile)
	cfg := examples.Config
	mode := os.FileMode(0o644)
	if rcon != nil {
		cfg = strings.Replace(cfg, templateAddress, fmt.Sprintf("  address: %s\n", rcon.address), 1)
		cfg = strings.Replace(cfg, templatePassword, fmt.Sprintf("  password: %q   # the rcon.password of %s\n", rcon.password, rcon.propsPath), 1)
		mode = 0o600 // it holds the password
	}
	wroteCfg, err := writeNew(cfgPath, cfg, mode)
	if err != nil {
		return err
	}
	actionsPath := filepath.Join(in.Dir, config.DefaultActions)
	wroteActions, err := writeNew(actionsPath, examples.Actions, 0o644)
	if err != nil {
		return err
	}
	if rcon != nil {
		if rcon.changed {
			fmt.Fprintf(out, "%s: turned on RCON (%s); the old file is kept as %s\n", rcon.propsPath, strings.Join(rcon.what, ", "), rcon.backup)
			fmt.Fprintln(out, "  restart the Minecraft server so that it opens RCON")
		} else {
			fmt.Fprintf(out, "%s: RCON was already on (rcon.port=%d, and a strong rcon.password); nothing changed\n", rcon.propsPath, rcon.port)
		}
	}
	report := func(path string, wrote bool) {
		if wrote {
			fmt.Fprintf(out, "wrote %s\n", path)
		} else {
			fmt.Fprintf(out, "%s already exists; left as it is\n", path)
		}
	}
	report(cfgPath, wroteCfg)
	report(actionsPath, wroteActions)
	if rcon != nil {
		if wroteCfg {
			fmt.Fprintf(out, "  %s has rcon.address %s and the same rcon.password as the server\n", cfgPath, rcon.address)
		} else {
			fmt.Fprintf(out, "  so the password is not in it: set rcon.password there (and rcon.address: %s), or the environment variable %s, to the rcon.password in %s\n",
				rcon.address, config.EnvRCONPassword, rcon.propsPath)
		}
	}
	// The steps left, numbered as printed: which ones apply depends on
	// what init did.
	var steps []string
	if wroteCfg {
		steps = append(steps, fmt.Sprintf("set tiktok.user in %s to your TikTok @handle", cfgPath))
	}
	if rcon == nil {
		steps = append(steps, "turn on RCON: tikcraft init --server YOUR_MINECRAFT_SERVER_FOLDER (or see docs/CONFIG.md)")
	}
	steps = append(steps,
		fmt.Sprintf("tikcraft check --connect -c %s     tests the files, Minecraft and TikTok", cfgPath),
		fmt.Sprintf("tikcraft demo -c %s                sends a simulated stream to your server", cfgPath),
		fmt.Sprintf("tikcraft run -c %s                 goes live", cfgPath))
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

// rconSetup is what enableRCON did.
type rconSetup struct {
	propsPath string
	backup    string
	address   string
	password  string
	port      int
	changed   bool
	what      []string // what changed, for the message
}

// enableRCON sets enable-rcon=true, a valid rcon.port and a strong
// rcon.password in dir/server.properties. An existing valid port and an
// existing strong password are kept (another tool may use them); every
// other byte stays. The old file is copied to a timestamped backup first.
func enableRCON(dir string, now time.Time) (*rconSetup, error) {
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("the Minecraft server folder %s does not exist: give the folder that holds server.properties and the server .jar", dir)
	case err != nil:
		return nil, fmt.Errorf("cannot read %s: %w", dir, unwrapPathError(err))
	case !st.IsDir():
		return nil, fmt.Errorf("%s is a file, not a folder: give the Minecraft server folder that holds server.properties (for example --server %s)", dir, filepath.Dir(dir))
	}
	path := filepath.Join(dir, "server.properties")
	pst, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s has no server.properties: is it the Minecraft server folder? Start the server once so that it writes the file, then run this again", dir)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", path, unwrapPathError(err))
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", path, unwrapPathError(err))
	}
	props, err := serverprops.Parse(b)
	if err != nil {
		var pe *serverprops.Error
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%s:%d: %s; nothing was changed: fix or delete that line (the server writes a fresh file when it is missing)", path, pe.Line, pe.Msg)
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	r := &rconSetup{propsPath: path}
	if v, _ := props.Get("enable-rcon"); v != "true" {
		props.Set("enable-rcon", "true")
		r.what = append(r.what, "enable-rcon=true")
	}
	r.port = rcon.DefaultPort
	if v, ok := props.Get("rcon.port"); ok {
		if p, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && p > 0 && p < 65536 {
			r.port = p
		}
	}
	if v, _ := props.Get("rcon.port"); strings.TrimSpace(v) != strconv.Itoa(r.port) {
		props.Set("rcon.port", strconv.Itoa(r.port))
		r.what = append(r.what, fmt.Sprintf("rcon.port=%d", r.port))
	}
	r.password, _ = props.Get("rcon.password")
	if !strongPassword(r.password) {
		r.password = newPassword()
		props.Set("rcon.password", r.password)
		r.what = append(r.what, fmt.Sprintf("a new %d-character rcon.password", len(r.password)))
	}
	host := "127.0.0.1"
	if ip, _ := props.Get("server-ip"); strings.TrimSpace(ip) != "" && strings.TrimSpace(ip) != "0.0.0.0" {
		host = strings.TrimSpace(ip)
	}
	r.address = net2Addr(host, r.port)
	if len(r.what) == 0 {
		return r, nil
	}
	r.changed = true
	// The file keeps its own permission bits (the new password must not
	// become readable by more people than the old one was); the backup
	// holds the old password, so it is at most readable by its owner and
	// never looser than the file.
	perm := pst.Mode().Perm()
	r.backup = backupName(path, now)
	if err := writeBackup(r.backup, b, perm&0o600); err != nil {
		return nil, fmt.Errorf("cannot back up %s, so it was not changed: %w", path, unwrapPathError(err))
	}
	if err := atomicfile.Write(path, props.Bytes(), perm); err != nil {
		return nil, fmt.Errorf("%w (is the Minecraft server holding it open?)", err)
	}
	return r, nil
}

func net2Addr(host string, port int) string {
	if strings.Contains(host, ":") {
		return "[" + host + "]:" + strconv.Itoa(port)
	}
	return host + ":" + strconv.Itoa(port)
}

// backupName is server.properties.tikcraft-backup-YYYYMMDD-HHMMSS, with a
// number added if that exists: a backup is never overwritten.
func backupName(path string, now time.Time) string {
	base := path + ".tikcraft-backup-" + now.Format("20060102-150405")
	name := base
	for i := 2; ; i++ {
		if _, err := os.Lstat(name); errors.Is(err, os.ErrNotExist) {
			return name
		}
		name = fmt.Sprintf("%s-%d", base, i)
	}
}

// writeBackup creates path with b and exactly perm, whatever the umask;
// it never replaces a file.
func writeBackup(path string, b []byte, perm os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600&perm)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Chmod(path, perm)
}

// strongPassword: at least 16 characters and not a well-known one.
func strongPassword(p string) bool {
	if len(p) < 16 {
		return false
	}
	switch strings.ToLower(p) {
	case "abc1234", "minecraft", "password", "changeme":
		return false
	}
	return true
}

// newPassword returns 26 random letters and digits (130 bits), nothing
// that needs escaping in server.properties, YAML or a shell.
func newPassword() string { return rand.Text() }

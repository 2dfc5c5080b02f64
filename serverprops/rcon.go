package serverprops

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
	"github.com/tikcraft/tikcraft/rcon"
	"github.com/tikcraft/tikcraft/userfile"
)

// fileKind is server.properties for userfile.Read. The server's own is
// about 2 KB; 256 KB leaves room for any comments and keeps a wrong file
// (a link to /dev/zero, a log) from filling the memory.
var fileKind = userfile.Kind{Name: "server.properties file", Max: 256 << 10,
	TooBig: "a Minecraft server.properties is a few KB; give the folder of the Minecraft server (--server DIR)"}

// RCONSetup is what EnableRCON did.
type RCONSetup struct {
	Path     string // server.properties
	Backup   string // the old file, when it changed
	Address  string // where tikcraft reaches RCON: server-ip or 127.0.0.1, and the port
	Password string
	Port     int
	Changed  bool
	What     []string // what changed, for the message
}

// EnableRCON sets enable-rcon=true, a valid rcon.port and a strong
// rcon.password in dir/server.properties. An existing valid port and an
// existing strong password are kept (another tool may use them); every
// other byte stays. The old file is copied to a timestamped backup first.
func EnableRCON(dir string, now time.Time) (*RCONSetup, error) {
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("the Minecraft server folder %s does not exist: give the folder that holds server.properties and the server .jar", dir)
	case err != nil:
		return nil, fmt.Errorf("cannot read %s: %w", dir, pathErr(err))
	case !st.IsDir():
		return nil, fmt.Errorf("%s is a file, not a folder: give the Minecraft server folder that holds server.properties (for example --server %s)", dir, filepath.Dir(dir))
	}
	path := filepath.Join(dir, "server.properties")
	pst, err := fileKind.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s has no server.properties: is it the Minecraft server folder? Start the server once so that it writes the file, then run this again", dir)
	}
	var b []byte
	if err == nil {
		b, err = userfile.Read(path, fileKind)
	}
	if err != nil {
		return nil, fmt.Errorf("%w; nothing was changed", err)
	}
	props, err := Parse(b)
	if err != nil {
		var pe *Error
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%s:%d: %s; nothing was changed: fix or delete that line (the server writes a fresh file when it is missing)", path, pe.Line, pe.Msg)
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	r := &RCONSetup{Path: path}
	if v, _ := props.Get("enable-rcon"); v != "true" {
		props.Set("enable-rcon", "true")
		r.What = append(r.What, "enable-rcon=true")
	}
	r.Port = rcon.DefaultPort
	if v, ok := props.Get("rcon.port"); ok {
		if p, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && p > 0 && p < 65536 {
			r.Port = p
		}
	}
	if v, _ := props.Get("rcon.port"); strings.TrimSpace(v) != strconv.Itoa(r.Port) {
		props.Set("rcon.port", strconv.Itoa(r.Port))
		r.What = append(r.What, fmt.Sprintf("rcon.port=%d", r.Port))
	}
	r.Password, _ = props.Get("rcon.password")
	if !strongPassword(r.Password) {
		r.Password = newPassword()
		props.Set("rcon.password", r.Password)
		r.What = append(r.What, fmt.Sprintf("a new %d-character rcon.password", len(r.Password)))
	}
	host := "127.0.0.1"
	if ip, _ := props.Get("server-ip"); strings.TrimSpace(ip) != "" && strings.TrimSpace(ip) != "0.0.0.0" {
		host = strings.TrimSpace(ip)
	}
	r.Address = net2Addr(host, r.Port)
	if len(r.What) == 0 {
		return r, nil
	}
	r.Changed = true
	// The file keeps its own permission bits (the new password must not
	// become readable by more people than the old one was); the backup
	// holds the old password, so it is at most readable by its owner and
	// never looser than the file.
	perm := pst.Mode().Perm()
	r.Backup = backupName(path, now)
	if err := writeBackup(r.Backup, b, perm&0o600); err != nil {
		return nil, fmt.Errorf("cannot back up %s, so it was not changed: %w", path, pathErr(err))
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

func pathErr(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

package web

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/tikcraft/tikcraft/userfile"
)

// TokenFile is the token's file name in data_dir.
const TokenFile = "web-token"

var tokenRE = regexp.MustCompile(`^[A-Za-z0-9_-]{16,200}$`)

// NewToken returns a fresh random token: 32 bytes, URL-safe base64.
func NewToken() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand panics on broken systems)
	return base64.RawURLEncoding.EncodeToString(b)
}

// tokenKind is the token file for userfile.Read: a pipe or a device in its
// place is refused instead of holding the start or filling the memory.
var tokenKind = userfile.Kind{Name: "dashboard token file", Max: 4 << 10,
	TooBig: "the token is one line; delete the file and tikcraft makes a new one"}

// LoadToken reads the token from dataDir, creating it (0600) on first use.
// created reports a new one.
func LoadToken(dataDir string) (token string, created bool, err error) {
	path := filepath.Join(dataDir, TokenFile)
	b, err := userfile.Read(path, tokenKind)
	switch {
	case err == nil:
		t := strings.TrimSpace(string(b))
		if !tokenRE.MatchString(t) {
			return "", false, fmt.Errorf("the dashboard token in %s is damaged (it must be at least 16 letters, digits, - or _): delete the file and tikcraft makes a new one", path)
		}
		// Tighten permissions a copy or an editor may have loosened.
		if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
			os.Chmod(path, 0o600)
		}
		return t, false, nil
	case !errors.Is(err, os.ErrNotExist):
		return "", false, err
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return "", false, fmt.Errorf("creating the data directory for the dashboard token: %w", err)
	}
	t := NewToken()
	// O_EXCL: if another tikcraft wrote one meanwhile, use that.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return LoadToken(dataDir)
	}
	if err != nil {
		return "", false, fmt.Errorf("saving the dashboard token: %w", err)
	}
	if _, err := f.WriteString(t + "\n"); err != nil {
		f.Close()
		os.Remove(path)
		return "", false, fmt.Errorf("saving the dashboard token: %w", err)
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return "", false, fmt.Errorf("saving the dashboard token: %w", err)
	}
	return t, true, nil
}

// ReadToken reads the token from dataDir without creating one.
func ReadToken(dataDir string) (string, error) {
	path := filepath.Join(dataDir, TokenFile)
	b, err := userfile.Read(path, tokenKind)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("there is no dashboard token in %s yet: it is made when `tikcraft run` (or `tikcraft web-token`) first starts with this config", dataDir)
		}
		return "", err
	}
	t := strings.TrimSpace(string(b))
	if !tokenRE.MatchString(t) {
		return "", fmt.Errorf("the dashboard token in %s is damaged: delete the file and tikcraft makes a new one", path)
	}
	return t, nil
}

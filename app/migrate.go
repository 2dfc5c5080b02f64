package app

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/tikcraft/tikcraft/cmdline"
	"github.com/tikcraft/tikcraft/config"
	"github.com/tikcraft/tikcraft/tiktok2mc"
	"github.com/tikcraft/tikcraft/userfile"
)

// MigrateOptions are migrate's arguments.
type MigrateOptions struct {
	Options
	From string // the Tiktok2Mc folder (or its config.yaml)
	Out  string // where tikcraft.yaml and actions.mca go; "" means "."
}

// Migrate converts a Tiktok2Mc setup (tiktok2mc.Convert) and writes
// tikcraft.yaml and actions.mca into Out. It prints what it read, what it
// carried over, what it could not and why, and the differences a
// Tiktok2Mc user must know. It never overwrites: if either file exists in
// Out, nothing is written.
func Migrate(mo MigrateOptions) error {
	mo.defaults()
	if mo.Out == "" {
		mo.Out = "."
	}
	if err := outFolder(mo.Out); err != nil {
		return err
	}
	res, err := tiktok2mc.Convert(mo.From)
	if err != nil {
		return err
	}
	outCfg := filepath.Join(mo.Out, DefaultConfigFile)
	outActions := filepath.Join(mo.Out, config.DefaultActions)
	for _, p := range []string{outCfg, outActions} {
		if _, err := os.Lstat(p); err == nil {
			return fmt.Errorf("%s already exists, so nothing was written: choose another folder with --out, or move it away first", p)
		}
	}
	if err := os.MkdirAll(mo.Out, 0o755); err != nil {
		return fmt.Errorf("cannot create %s: %w", mo.Out, unwrapPathError(err))
	}
	// The config holds the RCON password: readable by its owner only.
	if _, err := writeNew(outCfg, res.Config, 0o600); err != nil {
		return err
	}
	if _, err := writeNew(outActions, res.Actions, 0o644); err != nil {
		os.Remove(outCfg)
		return err
	}
	res.WriteReport(mo.Stdout, outCfg, outActions)

	// The result must pass check.
	s, err := Load(Options{ConfigPath: outCfg, Stdout: io.Discard, Stderr: io.Discard, Log: mo.Log}, false)
	if err != nil {
		return fmt.Errorf("the migrated files still have errors (please report this): %w", err)
	}
	s.checkMore() // as check does, so that the counts agree
	if s.Warnings == 0 {
		fmt.Fprintln(mo.Stdout, "check: no errors, 0 warnings")
		return nil
	}
	fmt.Fprintf(mo.Stdout, "check: no errors, %d %s: see them with `tikcraft check -c %s`\n", s.Warnings, plural(s.Warnings, "warning"), cmdline.Arg(outCfg))
	return nil
}

// outFolder checks --out before anything is done: the nearest part of its
// path that exists must be a folder (migrate makes the rest). A streamer
// who gave the file to write (--out tikcraft.yaml) read "not a directory".
func outFolder(out string) error {
	const what = "--out names the folder that migrate writes tikcraft.yaml and actions.mca into, and makes it if it does not exist"
	for p := filepath.Clean(out); ; {
		st, err := os.Stat(p)
		switch {
		case err == nil && st.IsDir():
			return nil
		case err == nil && p == filepath.Clean(out):
			return fmt.Errorf("--out %s is a file, not a folder: %s. Give a folder instead, such as --out %s, or leave --out out to write into the folder you are in", out, what, cmdline.Arg(newFolderName(filepath.Dir(p))))
		case err == nil:
			return fmt.Errorf("--out %s cannot be made: %s is a file, not a folder. %s: give a folder whose path holds no file", out, p, what)
		}
		if fi, lerr := os.Lstat(p); lerr == nil {
			// p is there, yet cannot be followed: a link to nothing, or
			// one that loops or leads where tikcraft may not look.
			if errors.Is(err, fs.ErrNotExist) && fi.Mode()&fs.ModeSymlink != 0 {
				target, _ := os.Readlink(p)
				return fmt.Errorf("--out %s cannot be made: %s is %s. %s: give another folder, or make the one it leads to first", out, p, userfile.BrokenLink(p, target), what)
			}
			return fmt.Errorf("--out %s cannot be used: %s: %w", out, p, unwrapPathError(err))
		}
		// Not there (or not readable: making the folder will say so).
		parent := filepath.Dir(p)
		if parent == p {
			return nil
		}
		p = parent
	}
}

// newFolderName is a folder in dir to suggest for --out: one that does not
// exist (a file named tikcraft is the program itself on Linux and macOS).
func newFolderName(dir string) string {
	name := filepath.Join(dir, "tikcraft")
	for n := 2; n < 100; n++ {
		if _, err := os.Lstat(name); errors.Is(err, fs.ErrNotExist) {
			break
		}
		name = filepath.Join(dir, fmt.Sprintf("tikcraft-%d", n))
	}
	return name
}

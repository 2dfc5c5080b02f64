// Package datapack turns the rules of an actions file into a Minecraft data
// pack, so that one firing costs one RCON command however many commands the
// rule runs: `function tikcraft:rose {user:"anna_123"}` instead of 500
// separate commands for an x500 rule. Viewer values travel as function
// macro arguments, so {user} still works and stays injection-safe.
package datapack

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"math"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/actions"
	"github.com/tikcraft/tikcraft/atomicfile"
	"github.com/tikcraft/tikcraft/userfile"
)

// Namespace is the data pack's namespace and folder name.
const Namespace = "tikcraft"

// MaxFunctionCommands is the most commands a generated function may hold:
// Minecraft's default maxCommandChainLength (65536). A rule that could run
// more stays on RCON.
const MaxFunctionCommands = 65536

// Pack is the data pack built from one actions file.
type Pack struct {
	files map[string][]byte // path inside the pack folder → content
	calls map[*actions.Rule]*function
	left  []error // rules Write left on RCON (see LeftOut)
}

type function struct {
	name string
	args []string // the placeholders its macro lines use, e.g. "user"
	text string   // all the rule's command text, to find which are used
}

// Build makes the pack for f. version is minecraft.version ("" for a pack
// that loads on every version from 1.20.2 on). Rules with anything but "/"
// commands ("!" plugin commands, alerts, $random, $wait, $http, "over"),
// and rules larger than MaxFunctionCommands, are left out: they keep going
// over RCON, one command at a time.
func Build(f *actions.File, version string) (*Pack, error) {
	meta, folder, err := packMeta(version)
	if err != nil {
		return nil, err
	}
	p := &Pack{files: map[string][]byte{"pack.mcmeta": meta}, calls: map[*actions.Rule]*function{}}
	used := map[string]bool{}
	for _, r := range f.Rules() {
		body, args, ok := compile(r)
		if !ok {
			continue
		}
		name := functionName(r.Trigger, r.Line, used)
		fn := &function{name: name, args: args}
		for _, c := range r.Commands {
			fn.text += c.Text + "\n"
		}
		p.calls[r] = fn
		for _, dir := range folder {
			p.files[filepath.ToSlash(filepath.Join("data", Namespace, dir, name+".mcfunction"))] = body
		}
	}
	return p, nil
}

// Functions is how many rules became functions.
func (p *Pack) Functions() int { return len(p.calls) }

// Has reports whether r runs as a function.
func (p *Pack) Has(r *actions.Rule) bool { return p != nil && p.calls[r] != nil }

// Call returns the one command that runs r for v: "function tikcraft:NAME"
// with the macro arguments it uses, as SNBT strings or numbers. ok is false
// when r is not in the pack.
func (p *Pack) Call(r *actions.Rule, v actions.Vars) (tikcraft.Action, bool) {
	if p == nil || p.calls[r] == nil {
		return tikcraft.Action{}, false
	}
	fn := p.calls[r]
	var b strings.Builder
	b.WriteString("function " + Namespace + ":" + fn.name)
	user := actions.SanitizeUser(v.User)
	if len(fn.args) > 0 {
		b.WriteString(" {")
		for i, ph := range actions.Placeholders(fn.text, v) {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(ph.Name + ":")
			if ph.Number {
				b.WriteString(ph.Value)
			} else {
				b.WriteString(snbtString(ph.Value))
			}
		}
		b.WriteByte('}')
	}
	return tikcraft.Action{Kind: tikcraft.KindCommand, Command: b.String(), Trigger: r.Trigger, User: user}, true
}

// snbtString quotes s as an SNBT string. Sanitized values hold no quote or
// backslash, but escaping them keeps that true whatever the input.
func snbtString(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"`
}

// compile writes r's function: each "/" command once per repeat, the
// lines that use a placeholder as macro lines ("$say hi $(user)").
func compile(r *actions.Rule) (body []byte, args []string, ok bool) {
	total := 0
	for _, c := range r.Commands {
		if c.Kind != actions.Minecraft || c.Over > 0 || !functionSafe(c.Text) {
			return nil, nil, false
		}
		total += max(c.Repeat, 1)
	}
	// A rule of one command gains nothing as a function, and would wait
	// for a /reload.
	if total < 2 || total > MaxFunctionCommands {
		return nil, nil, false
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "# tikcraft: rule %q (line %d of the actions file); written by tikcraft, do not edit\n", r.Trigger, r.Line)
	seen := map[string]bool{}
	for _, c := range r.Commands {
		line := c.Text
		if phs := actions.Placeholders(c.Text, actions.Vars{}); len(phs) > 0 {
			for _, ph := range phs {
				line = strings.ReplaceAll(line, "{"+ph.Name+"}", "$("+ph.Name+")")
				if !seen[ph.Name] {
					seen[ph.Name] = true
					args = append(args, ph.Name)
				}
			}
			line = "$" + line
		}
		for range max(c.Repeat, 1) {
			b.WriteString(line)
			b.WriteByte('\n')
		}
	}
	return b.Bytes(), args, true
}

// operatorOnly are the commands functions may not run: they need a
// higher permission level than function-permission-level (2 by default),
// so in a function they would fail silently; over RCON they work.
var operatorOnly = map[string]bool{
	"op": true, "deop": true, "ban": true, "ban-ip": true, "pardon": true, "pardon-ip": true,
	"kick": true, "whitelist": true, "stop": true, "save-all": true, "save-on": true,
	"save-off": true, "transfer": true, "reload": true, "debug": true, "perf": true,
	"jfr": true, "setidletimeout": true,
}

// functionSafe reports whether a command means the same in a function
// file: not an operator-only command (also behind execute ... run), no
// "$(" (a macro argument nobody passes) and no "\" at the end (which joins
// the next line since 1.20.2).
func functionSafe(text string) bool {
	if strings.Contains(text, "$(") || strings.HasSuffix(strings.TrimSpace(text), `\`) {
		return false
	}
	cmd := text
	if i := strings.LastIndex(cmd, " run "); i >= 0 && strings.HasPrefix(strings.TrimSpace(cmd), "execute") {
		cmd = cmd[i+len(" run "):]
	}
	f := strings.Fields(cmd)
	return len(f) == 0 || !operatorOnly[strings.TrimPrefix(strings.ToLower(f[0]), "minecraft:")]
}

// functionName makes a function name from a trigger: lower case, letters,
// digits and _ (Minecraft also allows - and ., which triggers never
// need), unique in the pack.
func functionName(trigger string, line int, used map[string]bool) string {
	var b strings.Builder
	for _, r := range strings.ToLower(trigger) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_':
			b.WriteRune(r)
		case r == '+':
			b.WriteString("plus")
		default:
			b.WriteByte('_')
		}
	}
	name := b.String()
	if name == "" || used[name] {
		name += "_line" + strconv.Itoa(line)
	}
	used[name] = true
	return name
}

// marker is the pack's description; Write only replaces a tikcraft
// folder whose pack.mcmeta carries it, never a pack someone else wrote.
const marker = "tikcraft: the rules of actions.mca, written by tikcraft"

// Write puts the pack into datapacksDir/tikcraft, writing only files whose
// content changed and removing functions no longer in it. changed reports
// whether anything was written or removed, which is when Minecraft needs a
// /reload.
//
// Files are written 0644 and folders 0755 (less what the process umask
// takes away), so a Minecraft server running as another user can read
// them; files and folders of the pack with another mode (an earlier run
// under a tighter umask) get it too. The datapacks folder is the world's
// and keeps its mode. Write never follows a link inside the pack: a link
// where it would write or look is refused with an error naming it, so
// nothing outside the pack is written or removed. It reads only regular
// files, and overwrites or removes only .mcfunction files it wrote itself
// (they start with its header line): a rule whose function file is someone
// else's is left out of p, goes over RCON and is listed by LeftOut.
func (p *Pack) Write(datapacksDir string) (changed bool, err error) {
	return p.write(datapacksDir, false)
}

// Check says what Write would refuse in datapacksDir (a link inside the
// pack, a folder that is not tikcraft's pack, a datapack_dir that is no
// folder), without writing, creating or removing anything: for `tikcraft
// check`, which would otherwise say nothing until run turns datapack
// mode off. Like Write, it leaves out of p the rules whose function file
// is someone else's (LeftOut).
func (p *Pack) Check(datapacksDir string) error {
	_, err := p.write(datapacksDir, true)
	return err
}

// write is Write, or with readOnly Check.
func (p *Pack) write(datapacksDir string, readOnly bool) (changed bool, err error) {
	if st, err := os.Stat(datapacksDir); err != nil || !st.IsDir() {
		return false, fmt.Errorf("minecraft.datapack_dir %s is not a folder: point it at your world's datapacks folder (for example world/datapacks)", datapacksDir)
	}
	rootPath := filepath.Join(datapacksDir, Namespace)
	fi, err := os.Lstat(rootPath)
	existed := err == nil
	switch {
	case errors.Is(err, fs.ErrNotExist) && readOnly:
		return false, nil // made anew by Write: nothing in the way
	case errors.Is(err, fs.ErrNotExist):
		if err := os.Mkdir(rootPath, dirPerm); err != nil {
			return false, fmt.Errorf("writing the tikcraft data pack: %w", err)
		}
	case err != nil:
		return false, fmt.Errorf("writing the tikcraft data pack: %w", err)
	case fi.Mode()&fs.ModeSymlink != 0:
		return false, linkError(rootPath, true)
	case !fi.IsDir():
		return false, fmt.Errorf("%s exists but is not a tikcraft data pack; move it away, tikcraft needs that folder for its own pack", rootPath)
	}
	root, err := os.OpenRoot(rootPath)
	if err != nil {
		return false, fmt.Errorf("writing the tikcraft data pack: %w", err)
	}
	defer root.Close()
	if existed {
		if err := checkOwnPack(root, rootPath); err != nil {
			return false, err
		}
	}
	w := &packWriter{root: root, path: rootPath, readOnly: readOnly}
	defer func() { changed = changed || w.changed }()
	// A function file tikcraft did not write keeps its content, and its
	// rule stays on RCON: a call would run someone else's function.
	for _, rel := range slices.Sorted(maps.Keys(p.files)) {
		if _, ok := p.files[rel]; ok && rel != "pack.mcmeta" && w.foreign(filepath.FromSlash(rel)) {
			p.leaveOut(rel, filepath.Join(rootPath, filepath.FromSlash(rel)))
		}
	}
	for _, rel := range slices.Sorted(maps.Keys(p.files)) {
		wrote, err := w.put(filepath.FromSlash(rel), p.files[rel])
		if err != nil {
			return changed, err
		}
		changed = changed || wrote
	}
	for _, dir := range []string{"function", "functions"} {
		removed, err := w.prune(filepath.Join("data", Namespace, dir), p.files)
		if err != nil {
			return changed, err
		}
		changed = changed || removed
	}
	return changed, nil
}

// leaveOut takes the function at rel, a file someone else wrote, out of
// the pack: all its files and its calls, so the rule goes over RCON.
func (p *Pack) leaveOut(rel, full string) {
	name := strings.TrimSuffix(path.Base(rel), ".mcfunction")
	for r, fn := range p.calls {
		if fn.name != name {
			continue
		}
		delete(p.calls, r)
		p.left = append(p.left, fmt.Errorf("%s is not tikcraft's (it does not start with tikcraft's line %q), so tikcraft leaves it as it is and rule %q goes over RCON, one command at a time; rename or move that file to have the rule run as a function again", full, strings.TrimSpace(header), r.Trigger))
	}
	for f := range p.files {
		if path.Base(f) == name+".mcfunction" {
			delete(p.files, f)
		}
	}
}

// LeftOut says which rules Write kept on RCON because a file it did not
// write has their function's name, one error naming the file each. Write
// still writes the rest of the pack.
func (p *Pack) LeftOut() []error { return p.left }

// The modes of what Write creates; the process umask applies.
const (
	filePerm fs.FileMode = 0o644
	dirPerm  fs.FileMode = 0o755
)

// header starts every function file Write writes (see compile): only
// files that start with it are ever removed.
const header = "# tikcraft: rule "

// maxMeta is the most of a pack.mcmeta tikcraft reads: its own is a few
// hundred bytes, and a larger one is not its own.
const maxMeta = 64 << 10

// packFile is a file of the pack for userfile, of at most max bytes: only
// a regular file, opened without waiting (a FIFO would hold Write, and
// with it the start of `tikcraft run`, for ever), and never through a
// link, even one put in its place after a look.
func packFile(max int64) userfile.Kind {
	return userfile.Kind{Name: "file of the tikcraft data pack", Max: max, NoLinks: true}
}

// checkOwnPack refuses a pack folder whose pack.mcmeta is not tikcraft's
// (or is a link, or not a file at all).
func checkOwnPack(root *os.Root, rootPath string) error {
	meta := filepath.Join(rootPath, "pack.mcmeta")
	old, err := userfile.ReadIn(root, "pack.mcmeta", packFile(maxMeta))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s exists but is not a tikcraft data pack; move it away, tikcraft needs that folder for its own pack", rootPath)
	case errors.Is(err, userfile.ErrLink):
		return metaLinkError(meta)
	case errors.Is(err, userfile.ErrNotFile):
		return fmt.Errorf("%s exists but is not a tikcraft data pack (%s is not a file); move it away, tikcraft needs that folder for its own pack", rootPath, meta)
	case errors.Is(err, userfile.ErrTooBig), err == nil && !bytes.Contains(old, []byte(marker)):
		return fmt.Errorf("%s holds a data pack tikcraft did not write; move it away or rename it, tikcraft needs that folder for its own pack", rootPath)
	case err != nil:
		return fmt.Errorf("writing the tikcraft data pack: %w", err)
	}
	return nil
}

// linkError refuses the link at at, where tikcraft keeps a folder or, if
// folder is false, a file. Deleting the link (never what it points to) is
// enough: tikcraft then makes the real one (a folder only if the pack
// still needs it: functions/ is gone from packs for 1.21 on).
func linkError(at string, folder bool) error {
	made := "writes a real file in its place"
	if folder {
		made = "makes a real folder in its place if it needs one"
	}
	return fmt.Errorf("%s is a link: tikcraft does not follow links inside its data pack, so that it never writes or removes files elsewhere; delete the link (what it points to stays), and tikcraft %s", at, made)
}

// metaLinkError refuses a link as pack.mcmeta. Deleting it is not enough:
// without a pack.mcmeta of its own tikcraft cannot tell its pack from
// someone else's folder, so the advice is to move the folder away.
func metaLinkError(meta string) error {
	return fmt.Errorf("%s is a link: tikcraft does not follow links inside its data pack, so that it never writes or removes files elsewhere; move the folder %s out of the datapacks folder, and tikcraft writes its whole pack anew", meta, filepath.Dir(meta))
}

// packWriter writes inside the pack folder through an os.Root, so no name
// reaches outside it, and checks every part of a path with Lstat first, so
// no link inside it is followed either.
type packWriter struct {
	root    *os.Root
	path    string // the pack folder, for messages
	probed  bool
	perm    fs.FileMode     // what a new file gets here (see modes)
	dirMode fs.FileMode     // what a new folder gets here
	ready   map[string]bool // folders already checked
	changed bool            // a folder's mode was fixed
	// readOnly only looks (Check): what is missing would be made, and
	// modes and contents would be set, so neither is a problem.
	readOnly bool
}

// dir makes sure rel (or the pack folder itself, ".") is a real folder with
// the mode a new one gets, creating it and its parents; folders from a run
// under a tighter umask are opened up like files are (see put).
func (w *packWriter) dir(rel string) error {
	if w.ready[rel] {
		return nil
	}
	if rel != "." {
		if err := w.dir(filepath.Dir(rel)); err != nil {
			return err
		}
	}
	fi, err := w.root.Lstat(rel)
	switch {
	case errors.Is(err, fs.ErrNotExist) && w.readOnly:
	case errors.Is(err, fs.ErrNotExist):
		if err := w.root.Mkdir(rel, dirPerm); err != nil {
			return fmt.Errorf("writing the tikcraft data pack: %w", err)
		}
	case err != nil:
		return fmt.Errorf("writing the tikcraft data pack: %w", err)
	case fi.Mode()&fs.ModeSymlink != 0:
		return linkError(filepath.Join(w.path, rel), true)
	case !fi.IsDir():
		return fmt.Errorf("writing the tikcraft data pack: %s is a file where tikcraft needs a folder; move it away", filepath.Join(w.path, rel))
	case w.readOnly:
	default:
		_, want, err := w.modes()
		if err != nil {
			return err
		}
		if fi.Mode().Perm() != want {
			// Lstat said a real folder, so Chmod (which stays inside the
			// root) changes this folder; setgid and the like stay.
			special := fi.Mode() & (fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)
			if err := w.root.Chmod(rel, want|special); err != nil {
				return fmt.Errorf("writing the tikcraft data pack: %w", err)
			}
			w.changed = true
		}
	}
	if w.ready == nil {
		w.ready = map[string]bool{}
	}
	w.ready[rel] = true
	return nil
}

// put writes data at rel unless it is there already, with the mode a new
// file gets; it reports whether it wrote.
func (w *packWriter) put(rel string, data []byte) (bool, error) {
	if err := w.dir(filepath.Dir(rel)); err != nil {
		return false, err
	}
	fi, err := w.root.Lstat(rel)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return false, fmt.Errorf("writing the tikcraft data pack: %w", err)
	case fi.Mode()&fs.ModeSymlink != 0:
		return false, linkError(filepath.Join(w.path, rel), false)
	case !fi.Mode().IsRegular():
		return false, fmt.Errorf("writing the tikcraft data pack: %s is not a file; move it away", filepath.Join(w.path, rel))
	case w.readOnly:
		return false, nil
	default:
		// Same content and the mode a new file gets (files from older
		// versions were 0600, unreadable for a server running as another
		// user): nothing to do.
		if old, err := userfile.ReadIn(w.root, rel, packFile(int64(len(data)))); err == nil && bytes.Equal(old, data) {
			perm, _, err := w.modes()
			if err != nil {
				return false, err
			}
			if fi.Mode().Perm() == perm {
				return false, nil
			}
		}
	}
	if w.readOnly {
		return false, nil
	}
	// Through a temporary file and a rename, so Minecraft never reads half a
	// function.
	if err := atomicfile.WriteIn(w.root, rel, data, filePerm); err != nil {
		return false, fmt.Errorf("writing the tikcraft data pack: %w", err)
	}
	return true, nil
}

// modes are the modes a file and a folder Write creates get here
// (filePerm and dirPerm less the umask), found once by creating one of
// each: the umask cannot be read without changing it, for the whole
// process.
func (w *packWriter) modes() (file, dir fs.FileMode, err error) {
	if w.probed {
		return w.perm, w.dirMode, nil
	}
	probe := func(mkdir bool) (fs.FileMode, error) {
		for {
			name := ".tikcraft-" + rand.Text()[:8]
			var err error
			if mkdir {
				err = w.root.Mkdir(name, dirPerm)
			} else {
				var f *os.File
				if f, err = w.root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, filePerm); err == nil {
					f.Close()
				}
			}
			if errors.Is(err, fs.ErrExist) {
				continue
			}
			if err != nil {
				return 0, fmt.Errorf("writing the tikcraft data pack: %w", err)
			}
			fi, err := w.root.Lstat(name)
			w.root.Remove(name)
			if err != nil {
				return 0, fmt.Errorf("writing the tikcraft data pack: %w", err)
			}
			return fi.Mode().Perm(), nil
		}
	}
	if w.perm, err = probe(false); err != nil {
		return 0, 0, err
	}
	if w.dirMode, err = probe(true); err != nil {
		return 0, 0, err
	}
	w.probed = true
	return w.perm, w.dirMode, nil
}

// prune removes the function files in dir that keep does not hold and
// that tikcraft wrote; it reports whether it removed any.
func (w *packWriter) prune(dir string, keep map[string][]byte) (bool, error) {
	for d := dir; d != "."; d = filepath.Dir(d) {
		fi, err := w.root.Lstat(d)
		if errors.Is(err, fs.ErrNotExist) {
			return false, nil
		} else if err != nil {
			return false, fmt.Errorf("reading the tikcraft data pack: %w", err)
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			return false, linkError(filepath.Join(w.path, d), true)
		}
		if !fi.IsDir() {
			// Holds no function of tikcraft's; and opening a FIFO would
			// block.
			return false, nil
		}
	}
	if w.readOnly {
		return false, nil
	}
	f, err := w.root.Open(dir)
	if err != nil {
		return false, fmt.Errorf("reading the tikcraft data pack: %w", err)
	}
	entries, err := f.ReadDir(-1)
	f.Close()
	if err != nil {
		return false, fmt.Errorf("reading the tikcraft data pack: %w", err)
	}
	removed := false
	for _, e := range entries {
		rel := filepath.Join(dir, e.Name())
		if _, ok := keep[filepath.ToSlash(rel)]; ok || !strings.HasSuffix(e.Name(), ".mcfunction") || !e.Type().IsRegular() {
			continue // a link or anything but a plain file is not tikcraft's
		}
		if !w.wroteIt(rel) {
			continue
		}
		if err := w.root.Remove(rel); err != nil {
			return removed, fmt.Errorf("removing an old function from the tikcraft data pack: %w", err)
		}
		removed = true
	}
	return removed, nil
}

// foreign reports whether rel is a file that tikcraft did not write. A link
// on the way or a missing folder is for put to handle, not foreign.
func (w *packWriter) foreign(rel string) bool {
	parts := strings.Split(rel, string(filepath.Separator))
	for i := 1; i < len(parts); i++ {
		fi, err := w.root.Lstat(filepath.Join(parts[:i]...))
		if err != nil || !fi.IsDir() {
			return false
		}
	}
	fi, err := w.root.Lstat(rel)
	return err == nil && fi.Mode().IsRegular() && !w.wroteIt(rel)
}

// wroteIt reports whether rel is a file that starts with tikcraft's
// header; only the header is read.
func (w *packWriter) wroteIt(rel string) bool {
	f, _, err := userfile.OpenIn(w.root, rel, packFile(math.MaxInt64))
	if err != nil {
		return false
	}
	defer f.Close()
	b := make([]byte, len(header))
	_, err = io.ReadFull(f, b)
	return err == nil && string(b) == header
}

// Files returns the pack's files (path inside the pack folder → content),
// for tests and `check -v`.
func (p *Pack) Files() map[string][]byte { return p.files }

// packMeta writes pack.mcmeta for version and says which function
// folders to write ("function" from 1.21 on, "functions" before).
func packMeta(version string) ([]byte, []string, error) {
	type pack struct {
		Description      string  `json:"description"`
		PackFormat       int     `json:"pack_format"`
		SupportedFormats *[2]int `json:"supported_formats,omitempty"`
		MinFormat        int     `json:"min_format,omitempty"`
		MaxFormat        int     `json:"max_format,omitempty"`
	}
	p := pack{Description: marker}
	var folders []string
	f, err := 0, error(nil)
	if version != "" {
		if f, err = Format(version); err != nil {
			return nil, nil, err
		}
	}
	if f == 0 {
		// Any version with function macros (1.20.2 on): each reads the
		// fields and the folder it knows and ignores the others.
		p.PackFormat = formatMacros
		p.SupportedFormats = &[2]int{formatMacros, maxFormat}
		p.MinFormat, p.MaxFormat = formatMacros, maxFormat
		folders = []string{"function", "functions"}
	} else {
		p.PackFormat = f
		if f >= formatMinMax {
			p.MinFormat, p.MaxFormat = f, f
		}
		folders = []string{"functions"}
		if f >= formatSingular {
			folders = []string{"function"}
		}
	}
	b, err := json.MarshalIndent(map[string]pack{"pack": p}, "", "  ")
	return append(b, '\n'), folders, err
}

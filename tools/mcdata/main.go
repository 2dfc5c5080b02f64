// Command mcdata writes mcnames/names.txt, the Minecraft names tikcraft's
// check knows (package mcnames): root command names, entity types, items,
// blocks, effects, particles, sounds and enchantments of every Java Edition
// release from 1.20 to 26.1.
//
// The names come from the npm package minecraft-data (MIT licence), pinned
// to one version and verified against its registry integrity hash, so the
// same input always gives the same file. To regenerate, with npm on PATH:
//
//	go generate ./mcnames
//
// which runs "go run ../tools/mcdata -o names.txt" there. The tool runs
// "npm pack minecraft-data@VERSION" into a temporary folder (about 27 MB;
// nothing is installed) and reads the few files it needs straight from
// the tarball. Offline, pass a tarball fetched elsewhere with -tgz.
//
// To move to a newer minecraft-data (a new Minecraft release): change
// packageVersion and packageIntegrity below ("npm view
// minecraft-data@X dist.integrity" prints the hash), add the release to
// versions, add any root command it introduced to laterCommands (the
// package's command tree is not updated for every release), regenerate,
// and run go test ./mcnames.
package main

import (
	"archive/tar"
	"bytes"
	"cmp"
	"compress/gzip"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
)

// The pinned package. The integrity is npm's (dist.integrity): the sha512
// of the tarball, base64, which is checked on every run.
const (
	packageName      = "minecraft-data"
	packageVersion   = "3.119.0"
	packageIntegrity = "sha512-RElo0o2RooEzpeQO+QEHzTmHVTgOdbbomGQYBmWIaU1pupEmAItQb+LpJyL2EDXmpKicOU4swtBVzwIWae5l5g=="
)

// versions are the releases the table covers, oldest first.
var versions = []string{
	"1.20", "1.20.1", "1.20.2", "1.20.3", "1.20.4", "1.20.5", "1.20.6",
	"1.21", "1.21.1", "1.21.2", "1.21.3", "1.21.4", "1.21.5", "1.21.6", "1.21.7", "1.21.8",
	"1.21.9", "1.21.10", "1.21.11",
	"26.1",
}

// sameAs names the release whose data stands for one minecraft-data has
// no entry for: 1.21.3 and 1.21.8 were hotfixes with the content of
// 1.21.2 and 1.21.7.
var sameAs = map[string]string{"1.21.2": "1.21.3", "1.21.7": "1.21.8"}

// laterCommands are root commands with the release that introduced them
// (from the Minecraft Wiki's history of each command). minecraft-data's
// command tree is not extracted for every release (1.21.2 to 1.21.4 use
// 1.20.5's tree, 1.21.8 to 1.21.11 use 1.21.6's), so these are added from
// their release on, and removed from the releases before it.
var laterCommands = []struct{ name, since string }{
	{"random", "1.20.2"},
	{"tick", "1.20.3"},
	{"transfer", "1.20.5"},
	{"rotate", "1.21.2"},
	{"test", "1.21.5"},
	{"dialog", "1.21.6"},
	{"version", "1.21.6"},
	{"waypoint", "1.21.6"},
	{"fetchprofile", "1.21.9"},
	{"stopwatch", "1.21.11"},
	{"swing", "26.1"},
}

// kinds are the sections of the output, with the minecraft-data file each
// comes from.
var kinds = []struct{ section, file string }{
	{"command", "commands"},
	{"entity", "entities"},
	{"item", "items"},
	{"block", "blocks"},
	{"effect", "effects"},
	{"particle", "particles"},
	{"sound", "sounds"},
	{"enchantment", "enchantments"},
}

// effectIDs are the effects whose command id is not their minecraft-data
// name in snake case.
var effectIDs = map[string]string{"BadLuck": "unluck"}

func main() {
	out := flag.String("o", "names.txt", "file to write")
	tgz := flag.String("tgz", "", "use this "+packageName+"-"+packageVersion+".tgz instead of running npm pack")
	flag.Parse()
	if err := run(*out, *tgz); err != nil {
		fmt.Fprintln(os.Stderr, "mcdata:", err)
		os.Exit(1)
	}
}

func run(out, tgz string) error {
	if tgz == "" {
		dir, err := os.MkdirTemp("", "mcdata")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		if tgz, err = npmPack(dir); err != nil {
			return err
		}
	}
	blob, err := os.ReadFile(tgz)
	if err != nil {
		return err
	}
	if got := integrity(blob); got != packageIntegrity {
		return fmt.Errorf("%s is not %s@%s: its integrity is %s, want %s", tgz, packageName, packageVersion, got, packageIntegrity)
	}
	src, err := readPackage(blob)
	if err != nil {
		return err
	}
	t, err := build(src)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	t.write(&b)
	return os.WriteFile(out, b.Bytes(), 0o644)
}

// npmPack downloads the pinned tarball into dir and returns its path.
func npmPack(dir string) (string, error) {
	cmd := exec.Command("npm", "pack", packageName+"@"+packageVersion, "--pack-destination", dir, "--json", "--silent")
	cmd.Stderr = os.Stderr
	outb, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("npm pack %s@%s (is npm installed and the npm registry reachable? else pass -tgz): %w", packageName, packageVersion, err)
	}
	var res []struct{ Filename string }
	if err := json.Unmarshal(outb, &res); err != nil || len(res) != 1 {
		return "", fmt.Errorf("npm pack printed no file name: %s", outb)
	}
	return filepath.Join(dir, res[0].Filename), nil
}

func integrity(b []byte) string {
	sum := sha512.Sum512(b)
	return "sha512-" + base64.StdEncoding.EncodeToString(sum[:])
}

// source is what the generator reads from the package.
type source struct {
	// paths maps a release and a file ("entities") to the folder holding
	// it ("pc/1.20.5"), from data/dataPaths.json.
	paths map[string]map[string]string
	// files maps "pc/1.20.5/entities" to its JSON.
	files map[string][]byte
}

const dataDir = "package/minecraft-data/data/"

// readPackage reads dataPaths.json and the files the releases use.
func readPackage(tgz []byte) (*source, error) {
	var paths struct {
		PC map[string]map[string]string `json:"pc"`
	}
	err := eachFile(tgz, func(name string, r io.Reader) error {
		if name != dataDir+"dataPaths.json" {
			return nil
		}
		return json.NewDecoder(r).Decode(&paths)
	})
	if err != nil {
		return nil, err
	}
	if paths.PC == nil {
		return nil, errors.New("the package has no data/dataPaths.json")
	}
	want := map[string]bool{}
	for _, m := range paths.PC {
		for _, k := range kinds {
			if p := m[k.file]; p != "" {
				want[p+"/"+k.file] = true
			}
		}
	}
	src := &source{paths: paths.PC, files: map[string][]byte{}}
	err = eachFile(tgz, func(name string, r io.Reader) error {
		key, ok := strings.CutPrefix(name, dataDir)
		key = strings.TrimSuffix(key, ".json")
		if !ok || !want[key] || !isRelease(key) {
			return nil
		}
		b, err := io.ReadAll(r)
		src.files[key] = b
		return err
	})
	return src, err
}

// isRelease reports whether a "pc/VERSION/file" key is of a release this
// table can use (1.20 or later), so that older ones are never held in
// memory.
func isRelease(key string) bool {
	v := strings.Split(key, "/")
	if len(v) != 3 {
		return false
	}
	return strings.HasPrefix(v[1], "1.20") || strings.HasPrefix(v[1], "1.21") || len(v[1]) > 0 && v[1][0] >= '2' && v[1][0] <= '9'
}

func eachFile(tgz []byte, fn func(name string, r io.Reader) error) error {
	zr, err := gzip.NewReader(bytes.NewReader(tgz))
	if err != nil {
		return err
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if h.Typeflag == tar.TypeReg {
			if err := fn(h.Name, tr); err != nil {
				return fmt.Errorf("%s: %w", h.Name, err)
			}
		}
	}
}

// table is the output: for each kind, each name with the releases
// (indexes into versions) that know it.
type table struct {
	names [][]entry // by kind
}

type entry struct {
	name string
	in   []bool // by release
}

func build(src *source) (*table, error) {
	t := &table{names: make([][]entry, len(kinds))}
	for ki, k := range kinds {
		seen := map[string][]bool{}
		for vi, v := range versions {
			names, err := src.names(v, k.file)
			if err != nil {
				return nil, err
			}
			if k.section == "command" {
				names = fixCommands(names, vi)
			}
			for _, n := range names {
				if seen[n] == nil {
					seen[n] = make([]bool, len(versions))
				}
				seen[n][vi] = true
			}
		}
		for n, in := range seen {
			t.names[ki] = append(t.names[ki], entry{n, in})
		}
		slices.SortFunc(t.names[ki], func(a, b entry) int { return cmp.Compare(a.name, b.name) })
	}
	return t, nil
}

// names returns the ids of one kind in one release. minecraft-data leaves
// out a file that it did not extract for a release (1.20.3 has no
// sounds.json); such a release gets the names of the nearest older and the
// nearest newer release that have one together, so that no name it has is
// missing.
func (s *source) names(v, file string) ([]string, error) {
	if alias, ok := sameAs[v]; ok {
		v = alias
	}
	i := slices.Index(versions, v)
	if p := s.path(v, file); p != "" {
		return s.read(p, file)
	}
	var out []string
	for _, step := range []int{-1, 1} {
		for j := i + step; j >= 0 && j < len(versions); j += step {
			if p := s.path(versions[j], file); p != "" {
				names, err := s.read(p, file)
				if err != nil {
					return nil, err
				}
				out = append(out, names...)
				break
			}
		}
	}
	if out == nil {
		return nil, fmt.Errorf("minecraft-data has no %s for %s or any release near it", file, v)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// read returns the ids in the file of a kind in a data folder ("pc/1.20.5").
func (s *source) read(path, file string) ([]string, error) {
	b := s.files[path+"/"+file]
	if b == nil {
		return nil, fmt.Errorf("minecraft-data's dataPaths.json names %s/%s.json, which the package does not hold", path, file)
	}
	if file == "commands" {
		return rootCommands(b)
	}
	var list []struct{ Name string }
	if err := json.Unmarshal(b, &list); err != nil {
		return nil, fmt.Errorf("%s/%s.json: %w", path, file, err)
	}
	out := make([]string, 0, len(list))
	for _, e := range list {
		n := e.Name
		if file == "effects" {
			n = effectID(n)
		}
		if !validID(n) {
			return nil, fmt.Errorf("%s/%s.json: %q is not a Minecraft id", path, file, n)
		}
		out = append(out, n)
	}
	return out, nil
}

func (s *source) path(v, file string) string {
	if alias, ok := sameAs[v]; ok {
		v = alias
	}
	return s.paths[v][file]
}

func rootCommands(b []byte) ([]string, error) {
	var tree struct {
		Root struct {
			Children []struct {
				Type string
				Name string
			}
		}
	}
	if err := json.Unmarshal(b, &tree); err != nil {
		return nil, fmt.Errorf("commands.json: %w", err)
	}
	var out []string
	for _, c := range tree.Root.Children {
		if c.Type == "literal" && validID(c.Name) {
			out = append(out, c.Name)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("commands.json has no root commands")
	}
	return out, nil
}

// fixCommands makes a release's root commands right whatever tree
// minecraft-data used for it: laterCommands are present from their release
// on and absent before.
func fixCommands(names []string, vi int) []string {
	out := slices.Clone(names)
	for _, c := range laterCommands {
		since := slices.Index(versions, c.since)
		if vi >= since {
			if !slices.Contains(out, c.name) {
				out = append(out, c.name)
			}
		} else {
			out = slices.DeleteFunc(out, func(n string) bool { return n == c.name })
		}
	}
	return out
}

// effectID turns minecraft-data's effect name (MiningFatigue) into the id
// commands use (mining_fatigue).
func effectID(name string) string {
	if id, ok := effectIDs[name]; ok {
		return id
	}
	var b strings.Builder
	for i, r := range name {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('_')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// validID reports whether s is a resource location path as the table
// stores it: lower-case letters, digits and _ - . /.
func validID(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.' || c == '/') {
			return false
		}
	}
	return true
}

// write prints the table in the format mcnames reads (see its package
// documentation): a header, the releases, then one section per kind with
// one sorted name a line, followed by the releases that know it when not
// all of them do.
func (t *table) write(w io.Writer) {
	fmt.Fprintf(w, "# Minecraft Java Edition names for tikcraft check (package mcnames).\n")
	fmt.Fprintf(w, "# Generated by tools/mcdata from the npm package %s %s (MIT licence); do not edit.\n", packageName, packageVersion)
	fmt.Fprintf(w, "# Regenerate with: go generate ./mcnames\n")
	fmt.Fprintf(w, "versions %s\n", strings.Join(versions, " "))
	for ki, k := range kinds {
		fmt.Fprintf(w, "\n[%s]\n", k.section)
		for _, e := range t.names[ki] {
			if s := spans(e.in); s != "" {
				fmt.Fprintf(w, "%s %s\n", e.name, s)
			} else {
				fmt.Fprintln(w, e.name)
			}
		}
	}
}

// spans writes the releases marked in in as ranges: "1.20.5-" (from 1.20.5
// on), "-1.21.1" (up to 1.21.1), "1.20.3-1.21.1", "1.21.4" (that one),
// comma-separated; "" when every release is marked.
func spans(in []bool) string {
	var parts []string
	for i := 0; i < len(in); {
		if !in[i] {
			i++
			continue
		}
		j := i
		for j+1 < len(in) && in[j+1] {
			j++
		}
		switch {
		case i == 0 && j == len(in)-1:
			return ""
		case i == j:
			parts = append(parts, versions[i])
		case i == 0:
			parts = append(parts, "-"+versions[j])
		case j == len(in)-1:
			parts = append(parts, versions[i]+"-")
		default:
			parts = append(parts, versions[i]+"-"+versions[j])
		}
		i = j + 1
	}
	return strings.Join(parts, ",")
}

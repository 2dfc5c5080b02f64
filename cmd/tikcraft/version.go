package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// versionString says which build this is, from the build information Go
// embeds: the module version ("v1.2.0" for `go install ...@v1.2.0`, a
// pseudo-version or "(devel)" for a local build) and, when the binary was
// built from a git checkout, the commit, its time and whether the tree had
// uncommitted changes.
func versionString() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "tikcraft (version unknown: built without module information) " + runtime.Version()
	}
	return formatVersion(bi)
}

func formatVersion(bi *debug.BuildInfo) string {
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, when string
	modified := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			when = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	var extra []string
	if rev != "" {
		c := "commit " + rev[:min(len(rev), 12)]
		if when != "" {
			c += " of " + when
		}
		if modified {
			c += ", with uncommitted changes"
		}
		extra = append(extra, c)
	}
	goVer := bi.GoVersion
	if goVer == "" {
		goVer = runtime.Version()
	}
	extra = append(extra, goVer+" "+runtime.GOOS+"/"+runtime.GOARCH)
	return fmt.Sprintf("tikcraft %s (%s)", v, strings.Join(extra, ", "))
}

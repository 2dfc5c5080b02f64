// Command vulncheck reads govulncheck's JSON on stdin and fails on any
// vulnerability the project's code reaches in a module it requires. The
// ones in Go's standard library are fixed by building with a newer Go: they
// are listed, with the release that fixes them, and fail only with -strict.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

type message struct {
	OSV *struct {
		ID      string `json:"id"`
		Summary string `json:"summary"`
	} `json:"osv"`
	Finding *struct {
		OSV          string `json:"osv"`
		FixedVersion string `json:"fixed_version"`
		Trace        []struct {
			Module   string `json:"module"`
			Function string `json:"function"`
		} `json:"trace"`
	} `json:"finding"`
}

func main() {
	strict := flag.Bool("strict", false, "fail on standard-library findings too")
	flag.Parse()
	summary := map[string]string{}
	type hit struct{ module, fixed string }
	reached := map[string]hit{} // OSV id → where; only findings that reach a function
	dec := json.NewDecoder(os.Stdin)
	for {
		var m message
		if err := dec.Decode(&m); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			fmt.Fprintln(os.Stderr, "vulncheck: reading govulncheck's output:", err)
			os.Exit(2)
		}
		if m.OSV != nil {
			summary[m.OSV.ID] = m.OSV.Summary
		}
		if f := m.Finding; f != nil && len(f.Trace) > 0 && f.Trace[0].Function != "" {
			reached[f.OSV] = hit{f.Trace[0].Module, f.FixedVersion}
		}
	}
	ids := make([]string, 0, len(reached))
	for id := range reached {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	failed, std := false, 0
	for _, id := range ids {
		h := reached[id]
		if h.module == "stdlib" {
			std++
			fmt.Printf("standard library: %s %s (fixed in Go %s: build releases with that Go or newer)\n", id, summary[id], strings.TrimPrefix(h.fixed, "v"))
			failed = failed || *strict
			continue
		}
		fmt.Printf("VULNERABLE: %s in %s: %s (fixed in %s)\n", id, h.module, summary[id], h.fixed)
		failed = true
	}
	if failed {
		os.Exit(1)
	}
	fmt.Printf("govulncheck: no vulnerable code reached in the required modules (%d in the standard library, listed above)\n", std)
}

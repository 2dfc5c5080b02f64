package app

import (
	"testing"

	"github.com/tikcraft/tikcraft/rules"
)

// mustRules is the live rules of an actions file.
func mustRules(t testing.TB, src string) *rules.Set {
	t.Helper()
	r, err := rules.FromText("actions.mca", src, 1)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

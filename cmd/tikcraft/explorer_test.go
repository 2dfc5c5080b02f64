package main

import (
	"slices"
	"strings"
	"testing"
)

func TestDoubleClick(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args             []string
		explorer, config bool
		want             []string
		pause            bool
	}{
		{nil, false, true, nil, false},
		{[]string{"check"}, false, false, []string{"check"}, false},
		{nil, true, true, []string{"run"}, true},
		{nil, true, false, []string{"init"}, true},
		{[]string{"demo"}, true, true, []string{"demo"}, true},
	} {
		got, pause := doubleClicked(tt.args, tt.explorer, tt.config)
		if !slices.Equal(got, tt.want) || pause != tt.pause {
			t.Errorf("%v explorer=%t config=%t: %v %t", tt.args, tt.explorer, tt.config, got, pause)
		}
	}
}

func TestWaitForEnter(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	waitForEnter(strings.NewReader("x\nrest"), &out)
	waitForEnter(strings.NewReader(""), &out) // closed stdin does not hang
	if !strings.Contains(out.String(), "Press Enter") {
		t.Fatal(out.String())
	}
}

package webcast

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/tikcraft/tikcraft/jsonl"
)

// TestDecodeGolden: the JSONL lines `tikcraft decode` prints for the
// conformance frames, byte for byte. The frames made before the audience
// flags existed must keep printing what they printed then; only the follow,
// whose user is now a follower by definition, gained "follower":true.
// To accept a deliberate change:
//
//	go run ./cmd/tikcraft decode webcast/testdata/conformance/frames.capture > webcast/testdata/conformance/events.jsonl
func TestDecodeGolden(t *testing.T) {
	want, err := os.ReadFile("testdata/conformance/events.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	d := NewDecoder(Limits{})
	for i, f := range fixtureFrames(t) {
		_, evs, err := d.DecodeFrame(f)
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		for _, ev := range evs {
			b, err := jsonl.Marshal(ev)
			if err != nil {
				t.Fatal(err)
			}
			got.Write(append(b, '\n'))
		}
	}
	if got.String() != string(want) {
		g, w := strings.Split(got.String(), "\n"), strings.Split(string(want), "\n")
		for i := range min(len(g), len(w)) {
			if g[i] != w[i] {
				t.Fatalf("line %d differs:\n got %s\nwant %s", i+1, g[i], w[i])
			}
		}
		t.Fatalf("%d lines, want %d", len(g), len(w))
	}
}

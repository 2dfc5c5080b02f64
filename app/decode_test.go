package app

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/jsonl"
	"github.com/tikcraft/tikcraft/source"
	"github.com/tikcraft/tikcraft/webcast"
	"github.com/tikcraft/tikcraft/webcast/webcasttest"
)

// TestDecodeMatchesReplayFrames: decode (several goroutines, buffered
// output) prints exactly the events `replay --frames` reads from the same
// capture, one line each, and logs and counts bad lines and frames the same
// way.
func TestDecodeMatchesReplayFrames(t *testing.T) {
	t.Parallel()
	fixtures, err := os.ReadFile(filepath.Join("..", "webcast", "testdata", "conformance", "frames.capture"))
	if err != nil {
		t.Fatal(err)
	}
	var capture bytes.Buffer
	capture.Write(fixtures)
	w := webcast.NewCaptureWriter(&capture)
	for i, f := range webcasttest.Frames(120, 4, true) {
		if i == 50 {
			capture.WriteString("not base64!\n")
			_ = w.WriteFrame(f[:len(f)/2]) // a frame cut short
		}
		if err := w.WriteFrame(f); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "live.capture")
	if err := os.WriteFile(path, capture.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}

	var want bytes.Buffer
	var wantLog bytes.Buffer
	src := &source.Frames{Path: path, Log: slog.New(slog.NewTextHandler(&wantLog, nil)), Decoder: webcast.NewDecoder(webcast.Limits{})}
	if err := src.Run(context.Background(), func(ev tikcraft.Event) {
		b, err := jsonl.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		want.Write(append(b, '\n'))
	}); err != nil {
		t.Fatal(err)
	}

	var got, gotLog bytes.Buffer
	opts := DecodeOptions{Options: Options{Stdout: &got, Log: slog.New(slog.NewTextHandler(&gotLog, nil))}, File: path}
	if err := Decode(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	if got.String() != want.String() {
		t.Errorf("decode printed %d bytes, replay --frames read %d bytes of events; they differ", got.Len(), want.Len())
	}
	if n := strings.Count(got.String(), "\n"); n < 500 {
		t.Errorf("only %d events", n)
	}
	if strip(gotLog.String()) != strip(wantLog.String()) || !strings.Contains(gotLog.String(), "live.capture:") {
		t.Errorf("logs differ:\ndecode\n%s\nreplay --frames\n%s", gotLog.String(), wantLog.String())
	}

	var stats bytes.Buffer
	opts.Stdout, opts.Stats = &stats, true
	if err := Decode(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	st := src.Decoder.Stats()
	if line := "139 frames (1 unreadable, 2 bad lines)"; !strings.Contains(stats.String(), line) || st.Frames != 139 || src.Skipped != 2 {
		t.Errorf("decode --stats:\n%s\nwant %q (replay --frames: %+v, %d skipped)", stats.String(), line, st, src.Skipped)
	}
}

// strip drops the time= field of log lines.
func strip(log string) string {
	var b strings.Builder
	for _, line := range strings.Split(log, "\n") {
		if i := strings.Index(line, " level="); i >= 0 {
			line = line[i:]
		}
		b.WriteString(line + "\n")
	}
	return b.String()
}

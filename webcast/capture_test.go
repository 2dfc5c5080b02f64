package webcast

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tikcraft/tikcraft"
)

// readAll collects every frame and every line error of a capture.
func readAll(t testing.TB, r *CaptureReader) (frames [][]byte, lineErrs []*tikcraft.LineError) {
	t.Helper()
	for {
		f, err := r.Next()
		if errors.Is(err, io.EOF) {
			return frames, lineErrs
		}
		var le *tikcraft.LineError
		switch {
		case errors.As(err, &le):
			lineErrs = append(lineErrs, le)
		case err != nil:
			t.Fatalf("Next: %v", err)
		default:
			frames = append(frames, f)
		}
	}
}

func TestCaptureFileRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "live.capture")
	frames := [][]byte{{0x08, 0x01}, nil, bytes.Repeat([]byte{0xfe}, 100_000), []byte("\n\r\x00 not text")}
	for i, batch := range [][][]byte{frames[:2], frames[2:]} {
		// Two sessions: the second must append, not truncate.
		w, err := AppendCapture(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range batch {
			if err := w.WriteFrame(f); err != nil {
				t.Fatalf("session %d: %v", i, err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 {
		t.Errorf("capture file mode %v: others can read viewers' data", perm)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, lineErrs := readAll(t, NewCaptureReader(f, path))
	want := [][]byte{frames[0], frames[2], frames[3]} // the empty frame is not recorded
	if len(lineErrs) != 0 || len(got) != len(want) {
		t.Fatalf("read %d frames and errors %v, want %d frames", len(got), lineErrs, len(want))
	}
	for i := range want {
		if !bytes.Equal(got[i], want[i]) {
			t.Errorf("frame %d differs", i)
		}
	}
}

func TestCaptureReaderBadLines(t *testing.T) {
	good := base64.StdEncoding.EncodeToString([]byte("frame"))
	long := strings.Repeat("A", maxCaptureLine+4)
	tests := []struct {
		name      string
		in        string
		frames    int
		errLines  []int
		errSubstr string
	}{
		{name: "empty", in: ""},
		{name: "blank lines and CRLF", in: "\n" + good + "\r\n\n  " + good + "  \n", frames: 2},
		{name: "no final newline", in: good + "\n" + good, frames: 2},
		{name: "not base64", in: good + "\nhello world!\n" + good + "\n", frames: 2, errLines: []int{2}, errSubstr: "stream.capture:2: not a base64 frame"},
		{name: "bad padding", in: "QUJD=\n" + good + "\n", frames: 1, errLines: []int{1}},
		{name: "url alphabet is not standard", in: "-_-_\n", errLines: []int{1}},
		{name: "line too long, then more", in: good + "\n" + long + "\n" + good + "\n", frames: 2, errLines: []int{2}, errSubstr: "longer than"},
		{name: "line too long at the end", in: long, errLines: []int{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewCaptureReader(strings.NewReader(tt.in), "stream.capture")
			frames, lineErrs := readAll(t, r)
			if len(frames) != tt.frames {
				t.Errorf("read %d frames, want %d", len(frames), tt.frames)
			}
			for _, f := range frames {
				if string(f) != "frame" {
					t.Errorf("frame %q, want %q", f, "frame")
				}
			}
			var lines []int
			for _, le := range lineErrs {
				lines = append(lines, le.Line)
				if le.File != "stream.capture" || !strings.HasPrefix(le.Error(), "stream.capture:") {
					t.Errorf("error %q does not name the file", le)
				}
				if tt.errSubstr != "" && !strings.Contains(le.Error(), tt.errSubstr) {
					t.Errorf("error %q, want it to contain %q", le, tt.errSubstr)
				}
			}
			if !slices.Equal(lines, tt.errLines) {
				t.Errorf("errors on lines %v, want %v", lines, tt.errLines)
			}
		})
	}
}

type failingReader struct{ err error }

func (r failingReader) Read([]byte) (int, error) { return 0, r.err }

func TestCaptureReaderIOError(t *testing.T) {
	boom := errors.New("disk on fire")
	_, err := NewCaptureReader(failingReader{boom}, "x").Next()
	var le *tikcraft.LineError
	if !errors.Is(err, boom) || errors.As(err, &le) {
		t.Fatalf("err = %v, want the read error, not a line error", err)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestCaptureWriterError(t *testing.T) {
	w := NewCaptureWriter(failingWriter{})
	if err := w.WriteFrame([]byte{1}); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("err = %v", err)
	}
	if err := w.Close(); err != nil {
		t.Errorf("Close of a writer it did not open: %v", err)
	}
}

// The committed capture of the conformance frames reads back as exactly
// the frames in fixtures.json.
func TestConformanceCapture(t *testing.T) {
	f, err := os.Open("testdata/conformance/frames.capture")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	frames, lineErrs := readAll(t, NewCaptureReader(f, f.Name()))
	fixtures := loadFixtures(t)
	if len(lineErrs) != 0 || len(frames) != len(fixtures) {
		t.Fatalf("read %d frames (errors %v), want %d", len(frames), lineErrs, len(fixtures))
	}
	for i, fx := range fixtures {
		if base64.StdEncoding.EncodeToString(frames[i]) != fx.Frame {
			t.Errorf("frame %d (%s) differs from the fixture", i, fx.Name)
		}
	}
}

func TestCaptureWriterConcurrentLinesStayWhole(t *testing.T) {
	var buf bytes.Buffer
	w := NewCaptureWriter(&buf)
	frame := bytes.Repeat([]byte{0xab}, 3000)
	done := make(chan struct{})
	for range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			for range 25 {
				if err := w.WriteFrame(frame); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	for range 4 {
		<-done
	}
	frames, lineErrs := readAll(t, NewCaptureReader(&buf, "buf"))
	if len(frames) != 100 || len(lineErrs) != 0 {
		t.Fatalf("read %d frames, %d bad lines; want 100 whole frames", len(frames), len(lineErrs))
	}
}

package webcast

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"os"
	"runtime"
	"testing"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/webcast/pb"
)

// fuzzLimits keep each input cheap so the allocation bound below is
// meaningful.
var fuzzLimits = Limits{MaxBytes: 64 << 10, MaxMessages: 64}

// addFixtureFrames seeds a fuzz target with every conformance frame.
func addFixtureFrames(f *testing.F) {
	for _, fx := range loadFixtures(f) {
		b, err := base64.StdEncoding.DecodeString(fx.Frame)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// FuzzDecodeFrame: no input panics, memory stays a small multiple of the
// limit, and events come only with a readable frame.
func FuzzDecodeFrame(f *testing.F) {
	addFixtureFrames(f)
	hb, _ := HeartbeatFrame(1, 1)
	f.Add(hb)
	f.Add([]byte{})
	f.Add(marshal(f, &pb.WebcastPushFrame{PayloadType: PayloadMsg, Payload: gz(f, make([]byte, 100<<10))}))
	f.Fuzz(func(t *testing.T, b []byte) {
		d := NewDecoder(fuzzLimits)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		fr, evs, err := d.DecodeFrame(b)
		runtime.ReadMemStats(&after)
		if got, limit := after.TotalAlloc-before.TotalAlloc, uint64(64*fuzzLimits.MaxBytes+1<<20); got > limit {
			t.Errorf("decoding %d bytes allocated %d, want at most %d", len(b), got, limit)
		}
		var me *MessageError
		if len(evs) > 0 && err != nil && !errors.As(err, &me) {
			t.Errorf("events returned with a frame error: %v", err)
		}
		if len(evs) > 0 && fr.Result == nil {
			t.Error("events without a decoded result")
		}
		for _, ev := range evs {
			if ev == nil || ev.EventMeta() == nil {
				t.Fatal("nil event")
			}
		}
		st := d.Stats()
		if st.Frames != 1 || st.Events != int64(len(evs)) {
			t.Errorf("stats %+v for one frame with %d events", st, len(evs))
		}
	})
}

// FuzzCaptureReader: no input panics or loops, every frame read survives
// being written and read again, and line numbers only grow.
func FuzzCaptureReader(f *testing.F) {
	if b, err := os.ReadFile("testdata/conformance/frames.capture"); err == nil {
		f.Add(b)
	} else {
		f.Fatal(err)
	}
	f.Add([]byte("AAAA\n\n!!!!\r\nQUJD=\nAAAA"))
	f.Add([]byte("\n\n\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		r := NewCaptureReader(bytes.NewReader(in), "fuzz")
		var frames [][]byte
		last := 0
		// Each call consumes at least one byte or returns EOF, so the loop
		// is bounded by the input length.
		for range len(in) + 1 {
			fr, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if r.Line() <= last {
				t.Fatalf("line number went from %d to %d", last, r.Line())
			}
			last = r.Line()
			var le *tikcraft.LineError
			if err != nil && !errors.As(err, &le) {
				t.Fatalf("Next: %v", err)
			}
			if err == nil {
				frames = append(frames, fr)
			}
		}
		if _, err := r.Next(); !errors.Is(err, io.EOF) {
			t.Fatalf("reader did not end after %d bytes: %v", len(in), err)
		}
		var buf bytes.Buffer
		w := NewCaptureWriter(&buf)
		for _, fr := range frames {
			if err := w.WriteFrame(fr); err != nil {
				t.Fatal(err)
			}
		}
		again, lineErrs := readAll(t, NewCaptureReader(&buf, "again"))
		var nonEmpty [][]byte
		for _, fr := range frames {
			if len(fr) > 0 {
				nonEmpty = append(nonEmpty, fr)
			}
		}
		if len(lineErrs) != 0 || len(again) != len(nonEmpty) {
			t.Fatalf("rewritten capture: %d frames, errors %v; want %d frames", len(again), lineErrs, len(nonEmpty))
		}
		for i := range again {
			if !bytes.Equal(again[i], nonEmpty[i]) {
				t.Fatalf("frame %d changed on rewrite", i)
			}
		}
	})
}

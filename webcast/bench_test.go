package webcast

import (
	"bytes"
	"context"
	"testing"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/webcast/webcasttest"
)

// The decode benchmarks run on realistic traffic (webcasttest): 8 messages
// per frame on average, about 20 KB unpacked and 3 KB gzipped. frames/s is
// per core for DecodeFrame. See docs/PERFORMANCE.md for the numbers.

func benchFrames(b *testing.B, compress bool) [][]byte {
	b.Helper()
	return webcasttest.Frames(500, 1, compress)
}

func reportFrames(b *testing.B, frames [][]byte) {
	var size int
	for _, f := range frames {
		size += len(f)
	}
	b.SetBytes(int64(size / len(frames)))
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "frames/s")
}

func BenchmarkDecodeTraffic(b *testing.B) {
	for _, bc := range []struct {
		name     string
		compress bool
		decode   func(*Decoder, []byte) (Frame, []tikcraft.Event, error)
	}{
		{"gzip", true, (*Decoder).DecodeFrame},
		{"plain", false, (*Decoder).DecodeFrame},
		{"gzip/reference", true, (*Decoder).decodeFrameRef},
		{"plain/reference", false, (*Decoder).decodeFrameRef},
	} {
		b.Run(bc.name, func(b *testing.B) {
			frames := benchFrames(b, bc.compress)
			d := NewDecoder(Limits{})
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				if _, _, err := bc.decode(d, frames[i%len(frames)]); err != nil {
					b.Fatal(err)
				}
			}
			reportFrames(b, frames)
		})
	}
}

// BenchmarkDecodeCapture is decode's own loop, on all cores: capture lines
// in, events out in order.
func BenchmarkDecodeCapture(b *testing.B) {
	frames := benchFrames(b, true)
	var buf bytes.Buffer
	w := NewCaptureWriter(&buf)
	for _, f := range frames {
		if err := w.WriteFrame(f); err != nil {
			b.Fatal(err)
		}
	}
	capture := buf.Bytes()
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for b.Loop() {
		err := NewDecoder(Limits{}).DecodeCapture(context.Background(), NewCaptureReader(bytes.NewReader(capture), "bench"), 0, func(Decoded) error {
			n++
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "frames/s")
}

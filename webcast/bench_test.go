package webcast

import (
	"bytes"
	"context"
	"testing"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/webcast/pb"
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

// BenchmarkEncodeFrame is the simulator's cost per frame: one gift message,
// gzipped, with a new gzip writer per frame (EncodeFrame) or one kept
// across frames (FrameEncoder).
func BenchmarkEncodeFrame(b *testing.B) {
	msg, err := EncodeEvent(&tikcraft.GiftEvent{Meta: tikcraft.Meta{MsgID: "7301"}, User: tikcraft.User{ID: "6811", UniqueID: "anna_123", Nickname: "Anna"},
		Gift: tikcraft.Gift{ID: 5655, Name: "Rose", Combo: true, Diamonds: 1}, RepeatCount: 3, GroupID: "1700000000001"})
	if err != nil {
		b.Fatal(err)
	}
	res := &pb.ProtoMessageFetchResult{Messages: []*pb.BaseProtoMessage{msg}, Cursor: "1", FetchInterval: 1000}
	b.Run("new-writer", func(b *testing.B) {
		for b.Loop() {
			if _, err := EncodeFrame(res, 1, true); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "frames/s")
	})
	b.Run("reused", func(b *testing.B) {
		var e FrameEncoder
		for b.Loop() {
			if _, err := e.Encode(res, 1, true); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "frames/s")
	})
}

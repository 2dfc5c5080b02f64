package jsonl

import (
	"io"
	"testing"

	"github.com/tikcraft/tikcraft"
)

// benchEvents is a typical mix: chat, likes, joins and gifts of viewers with
// ordinary names, one with HTML in it.
func benchEvents() []tikcraft.Event {
	return append([]tikcraft.Event(nil), allEvents()[:11*4]...)
}

func BenchmarkWriter(b *testing.B) {
	evs := benchEvents()
	for _, bc := range []struct {
		name string
		w    *Writer
	}{
		{"buffered", NewBufferedWriter(io.Discard, 0)},
		{"unbuffered", NewWriter(io.Discard)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if err := bc.w.Write(evs[i%len(evs)]); err != nil {
					b.Fatal(err)
				}
			}
			if err := bc.w.Flush(); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

func BenchmarkMarshal(b *testing.B) {
	evs := benchEvents()
	for _, bc := range []struct {
		name    string
		marshal func(tikcraft.Event) ([]byte, error)
	}{
		{"hand-written", Marshal},
		{"encoding-json", marshalReference},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if _, err := bc.marshal(evs[i%len(evs)]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

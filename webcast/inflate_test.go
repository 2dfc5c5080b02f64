package webcast

import (
	"bytes"
	"compress/gzip"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/tikcraft/tikcraft/webcast/pb"
	"github.com/tikcraft/tikcraft/webcast/webcasttest"
)

// stdGunzip is what the reference does: compress/gzip, all of it.
func stdGunzip(p []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(p))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}

// sameAsGzip fails if gunzipWhole accepts p and compress/gzip does not
// give the same bytes; it reports whether gunzipWhole accepted it.
func sameAsGzip(t testing.TB, tables *flateTables, p []byte) bool {
	t.Helper()
	got, ok := tables.gunzipWhole(p, DefaultMaxBytes, nil)
	if !ok {
		return false
	}
	want, err := stdGunzip(p)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("gunzipWhole accepted a stream compress/gzip reads as %d bytes, %v (got %d bytes)\n%x", len(want), err, len(got), p)
	}
	return true
}

func gzipLevel(t testing.TB, b []byte, level int) []byte {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, level)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// gzipCorpus: streams from compress/gzip at every level and from zlib with
// every strategy (testdata/zlib), on text, random bytes, runs and real
// message batches.
func gzipCorpus(t testing.TB) [][]byte {
	rng := rand.New(rand.NewPCG(3, 4))
	random := make([]byte, 40<<10)
	for i := range random {
		random[i] = byte(rng.Uint32())
	}
	var pf pb.WebcastPushFrame
	if err := proto.Unmarshal(webcasttest.Frames(1, 2, false)[0], &pf); err != nil {
		t.Fatal(err)
	}
	inputs := [][]byte{nil, {0}, []byte("hello"), bytes.Repeat([]byte("ab"), 40000), random, pf.Payload,
		append(bytes.Repeat(pf.Payload, 8), random[:5000]...)}
	var corpus [][]byte
	for _, in := range inputs {
		for _, level := range []int{gzip.NoCompression, gzip.BestSpeed, 4, gzip.DefaultCompression, gzip.BestCompression, gzip.HuffmanOnly} {
			corpus = append(corpus, gzipLevel(t, in, level))
		}
	}
	files, err := filepath.Glob("testdata/zlib/*.gz")
	if err != nil || len(files) == 0 {
		t.Fatalf("zlib samples: %v", err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		corpus = append(corpus, b)
	}
	for _, fr := range fixtureFrames(t) {
		var pf pb.WebcastPushFrame
		if err := proto.Unmarshal(fr, &pf); err == nil && isGzip(pf.GetPayload()) {
			corpus = append(corpus, pf.GetPayload()) // made by Node's zlib
		}
	}
	return corpus
}

func TestGunzipWholeDecodesEveryEncoder(t *testing.T) {
	var tables flateTables
	for i, p := range gzipCorpus(t) {
		if !sameAsGzip(t, &tables, p) {
			t.Errorf("stream %d (%d bytes) was left to compress/gzip", i, len(p))
		}
	}
}

// TestGunzipWholeRefusesWhatGzipRefuses: damaged streams are either
// decoded exactly as compress/gzip decodes them or left to it.
func TestGunzipWholeRefusesWhatGzipRefuses(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	var tables flateTables
	corpus := gzipCorpus(t)
	accepted := 0
	for range 4000 {
		p := mutate(rng, corpus[rng.IntN(len(corpus))])
		if sameAsGzip(t, &tables, p) {
			accepted++
		}
	}
	two := append(gzipLevel(t, []byte("one"), 6), gzipLevel(t, []byte("two"), 6)...)
	withName := gzipLevel(t, []byte("x"), 6)
	withName[3] = 8 // FNAME set, the name missing: compress/gzip decides
	// Empty fixed blocks, none of them final, then nothing: must end.
	endless := append([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff, 0x02, 0x08, 0x20}, make([]byte, 8)...)
	for _, p := range [][]byte{two, withName, endless, append(gzipLevel(t, []byte("x"), 6), 0)} {
		if _, ok := tables.gunzipWhole(p, DefaultMaxBytes, nil); ok {
			t.Errorf("accepted %x, which is compress/gzip's to decide", p)
		}
	}
	if _, ok := tables.gunzipWhole(gzipLevel(t, make([]byte, 2000), 6), 1000, nil); ok {
		t.Error("accepted a stream over the limit")
	}
	t.Logf("%d of 4000 damaged streams were still valid", accepted)
}

func FuzzGunzipWhole(f *testing.F) {
	for i, p := range gzipCorpus(f) {
		if len(p) < 4<<10 || i%5 == 0 {
			f.Add(p)
		}
	}
	var tables flateTables
	f.Fuzz(func(t *testing.T, p []byte) {
		sameAsGzip(t, &tables, p)
	})
}

// BenchmarkGunzip: the two ways decode unpacks a realistic payload.
func BenchmarkGunzip(b *testing.B) {
	var payloads [][]byte
	for _, fr := range webcasttest.Frames(200, 1, true) {
		var pf pb.WebcastPushFrame
		if err := proto.Unmarshal(fr, &pf); err != nil {
			b.Fatal(err)
		}
		payloads = append(payloads, pf.Payload)
	}
	b.Run("whole", func(b *testing.B) {
		var tables flateTables
		buf := make([]byte, 0, 1<<20)
		for i := 0; b.Loop(); i++ {
			if _, ok := tables.gunzipWhole(payloads[i%len(payloads)], DefaultMaxBytes, buf); !ok {
				b.Fatal("refused")
			}
		}
	})
	b.Run("compress-gzip", func(b *testing.B) {
		var z inflater
		buf := make([]byte, 1<<20)
		for i := 0; b.Loop(); i++ {
			z.src.Reset(payloads[i%len(payloads)])
			if z.zr == nil {
				z.zr, _ = gzip.NewReader(&z.src)
			} else if err := z.zr.Reset(&z.src); err != nil {
				b.Fatal(err)
			}
			if _, err := io.ReadFull(z.zr, buf[:cap(buf)]); err != io.ErrUnexpectedEOF {
				b.Fatal(err)
			}
		}
	})
}

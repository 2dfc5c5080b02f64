package webcast

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/webcast/pb"
	"github.com/tikcraft/tikcraft/webcast/webcasttest"
)

// captureOf writes frames as a capture, with a line that is not base64
// after every tenth frame.
func captureOf(t testing.TB, frames [][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := NewCaptureWriter(&buf)
	for i, f := range frames {
		if err := w.WriteFrame(f); err != nil {
			t.Fatal(err)
		}
		if i%10 == 9 {
			buf.WriteString("not a frame!\n")
		}
	}
	return buf.Bytes()
}

// TestDecodeCaptureMatchesDecodeFrame: on several goroutines, the same
// results in the same order and the same counts as DecodeFrame frame after
// frame, including when more than 256 methods make the order of counting
// matter.
func TestDecodeCaptureMatchesDecodeFrame(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	frames := fixtureFrames(t)
	frames = append(frames, webcasttest.Frames(60, 9, true)...)
	for _, b := range webcasttest.Frames(60, 10, false) {
		frames = append(frames, mutate(rng, b))
	}
	for i := range 300 { // 300 made-up methods, two per frame
		res := &pb.ProtoMessageFetchResult{Messages: []*pb.BaseProtoMessage{
			{Method: fmt.Sprintf("WebcastMadeUp%dMessage", i)}, {Method: MethodChat, Payload: []byte{0xff}},
		}}
		frames = append(frames, frameOf(t, res, i%2 == 0))
	}
	capture := captureOf(t, frames)
	for _, workers := range []int{1, 3} {
		seq := NewDecoder(Limits{})
		r := NewCaptureReader(bytes.NewReader(capture), "x.capture")
		type result struct {
			line  int
			f     Frame
			evs   string
			err   string
			isBad bool
		}
		var want []result
		for {
			b, err := r.Next()
			var le *tikcraft.LineError
			if errors.As(err, &le) {
				want = append(want, result{line: r.Line(), err: err.Error(), isBad: true})
				continue
			}
			if err != nil {
				break
			}
			f, evs, err := seq.DecodeFrame(b)
			want = append(want, result{line: r.Line(), f: f, evs: describeEvents(evs), err: fmt.Sprint(err)})
		}

		par := NewDecoder(Limits{})
		i := 0
		var kept [][]tikcraft.Event // checked at the end: payload buffers are reused meanwhile
		err := par.DecodeCapture(context.Background(), NewCaptureReader(bytes.NewReader(capture), "x.capture"), workers, func(d Decoded) error {
			if i >= len(want) {
				t.Fatalf("more results than lines")
			}
			w := want[i]
			i++
			kept = append(kept, d.Events)
			var le *tikcraft.LineError
			got := result{line: d.Line, f: d.Frame, evs: describeEvents(d.Events), err: fmt.Sprint(d.Err), isBad: errors.As(d.Err, &le)}
			if got.line != w.line || got.isBad != w.isBad || got.evs != w.evs || got.err != w.err || frameDiff(got.f, w.f) != "" {
				t.Fatalf("workers=%d, line %d: got %+v\nwant %+v", workers, w.line, got, w)
			}
			return nil
		})
		if err != nil || i != len(want) {
			t.Fatalf("workers=%d: DecodeCapture = %v after %d of %d lines", workers, err, i, len(want))
		}
		for i, evs := range kept {
			if got := describeEvents(evs); got != want[i].evs {
				t.Fatalf("workers=%d, line %d: events changed after emit returned:\n got %s\nwant %s", workers, want[i].line, got, want[i].evs)
			}
		}
		if ps, ss := par.Stats(), seq.Stats(); !reflect.DeepEqual(ps, ss) {
			t.Fatalf("workers=%d: stats differ\nparallel   %+v\nsequential %+v", workers, ps, ss)
		}
	}
}

func TestDecodeCaptureStops(t *testing.T) {
	capture := captureOf(t, webcasttest.Frames(200, 1, false))
	stop := errors.New("enough")
	n := 0
	err := NewDecoder(Limits{}).DecodeCapture(context.Background(), NewCaptureReader(bytes.NewReader(capture), "x"), 2, func(Decoded) error {
		if n++; n == 40 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 40 {
		t.Errorf("after emit failed: %v, %d calls", err, n)
	}

	ctx, cancel := context.WithCancel(context.Background())
	n = 0
	err = NewDecoder(Limits{}).DecodeCapture(ctx, NewCaptureReader(bytes.NewReader(capture), "x"), 2, func(Decoded) error {
		if n++; n == 10 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("after cancel: %v", err)
	}

	broken := errors.New("disk gone")
	err = NewDecoder(Limits{}).DecodeCapture(context.Background(), NewCaptureReader(&failAfter{r: bytes.NewReader(capture), n: 100 << 10, err: broken}, "x"), 2, func(Decoded) error { return nil })
	if !errors.Is(err, broken) || !strings.Contains(err.Error(), "read x") {
		t.Errorf("after a read error: %v", err)
	}
}

type failAfter struct {
	r   *bytes.Reader
	n   int
	err error
}

func (f *failAfter) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, f.err
	}
	if len(p) > f.n {
		p = p[:f.n]
	}
	n, err := f.r.Read(p)
	f.n -= n
	return n, err
}

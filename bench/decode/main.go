// Command decode compares `tikcraft decode` with the Node peer,
// TikTok-Live-Connector 2.5.0, on the same capture:
//
//	go run ./bench/decode [-frames 20000] [-rounds 3] [-capture FILE] [-tikcraft BINARY]
//
// from the repository root. It builds tikcraft, writes a capture of
// realistic gzipped frames (webcasttest; or takes -capture), installs the
// peer's pinned packages into bench/decode/peer with `npm ci` the first time
// (this is the only thing in the repository that needs npm or the network),
// then runs both, alternating, for the given rounds: `tikcraft decode FILE`
// writing JSONL to a pipe, and the peer decoding the same frames to the same
// events as compact JSON on a pipe (bench/decode/peer/decode.mjs). It prints
// frames/s of each round, the medians and their ratio.
//
// tikcraft is timed from exec to exit, start-up included. The peer is timed
// by itself, from after its modules are loaded to its last write, so the
// ratio is, if anything, in the peer's favour. docs/PERFORMANCE.md has the
// results and what limits them.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/webcast"
	"github.com/tikcraft/tikcraft/webcast/webcasttest"
)

func main() {
	frames := flag.Int("frames", 20000, "frames in the generated capture")
	rounds := flag.Int("rounds", 3, "rounds of each")
	seed := flag.Uint64("seed", 1, "seed of the generated capture")
	capture := flag.String("capture", "", "decode this capture instead of generating one")
	binary := flag.String("tikcraft", "", "time this tikcraft binary instead of building one")
	keep := flag.Bool("keep", false, "keep the work folder (capture, binary, outputs)")
	flag.Parse()
	if err := run(*frames, *rounds, *seed, *capture, *binary, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "bench/decode:", err)
		os.Exit(1)
	}
}

func run(frames, rounds int, seed uint64, capture, binary string, keep bool) error {
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	work, err := os.MkdirTemp("", "tikcraft-bench-decode-")
	if err != nil {
		return err
	}
	if keep {
		fmt.Println("work folder:", work)
	} else {
		defer os.RemoveAll(work)
	}

	if binary == "" {
		binary = filepath.Join(work, "tikcraft")
		if runtime.GOOS == "windows" {
			binary += ".exe"
		}
		fmt.Println("building tikcraft ...")
		if err := command(root, "go", "build", "-o", binary, "./cmd/tikcraft"); err != nil {
			return err
		}
	}
	peer := filepath.Join(root, "bench", "decode", "peer")
	if err := installPeer(peer); err != nil {
		return err
	}
	generated := capture == ""
	if !generated {
		if capture, err = filepath.Abs(capture); err != nil { // the peer runs in its own folder
			return err
		}
	}
	if generated {
		capture = filepath.Join(work, "bench.capture")
		fmt.Printf("writing %d realistic gzipped frames to %s ...\n", frames, capture)
		if err := writeCapture(capture, frames, seed); err != nil {
			return err
		}
	}
	n, err := countFrames(capture)
	if err != nil {
		return err
	}

	fmt.Println()
	fmt.Println("machine:   ", machine())
	fmt.Println("tikcraft:  ", strings.TrimSpace(output(root, "go", "version")))
	fmt.Println("peer:      ", "TikTok-Live-Connector 2.5.0 on Node", strings.TrimSpace(output(peer, "node", "--version")))
	fmt.Printf("capture:    %s, %d frames\n", capture, n)
	fmt.Println("load before:", loadAverage())
	fmt.Println()
	fmt.Printf("%-6s %-9s %10s %9s %9s %9s %11s\n", "round", "who", "frames/s", "seconds", "cpu s", "events", "JSON bytes")

	var ours, theirs []float64
	var events int
	for r := 1; r <= rounds; r++ {
		t, err := timeRun(root, work, binary, "decode", capture)
		if err != nil {
			return fmt.Errorf("tikcraft decode: %w", err)
		}
		fmt.Printf("%-6d %-9s %10.0f %9.3f %9.3f %9d %11d\n", r, "tikcraft", float64(n)/t.seconds, t.seconds, t.cpu, t.lines, t.bytes)
		ours = append(ours, float64(n)/t.seconds)

		p, err := timeRun(peer, work, "node", "decode.mjs", capture)
		if err != nil {
			return fmt.Errorf("node peer: %w", err)
		}
		var self struct {
			Frames  int     `json:"frames"`
			Events  int     `json:"events"`
			Seconds float64 `json:"seconds"`
		}
		if err := json.Unmarshal(p.stderr, &self); err != nil || self.Seconds <= 0 {
			return fmt.Errorf("node peer: cannot read its timing %q: %v", p.stderr, err)
		}
		fmt.Printf("%-6d %-9s %10.0f %9.3f %9.3f %9d %11d\n", r, "node", float64(n)/self.Seconds, self.Seconds, p.cpu, p.lines, p.bytes)
		theirs = append(theirs, float64(n)/self.Seconds)

		if t.lines != p.lines || self.Frames != n {
			// On the generated capture they must agree. A real one may hold
			// messages only one side can read (tikcraft refuses a message
			// whose declared strings are not UTF-8, the peer replaces them).
			msg := fmt.Sprintf("the two disagree: tikcraft printed %d events, the peer %d from %d frames", t.lines, p.lines, self.Frames)
			if generated {
				return errors.New(msg)
			}
			fmt.Println("note:", msg)
		}
		events = t.lines
	}
	fmt.Println()
	fmt.Println("load after: ", loadAverage())
	fmt.Printf("median of %d: tikcraft %.0f frames/s, node %.0f frames/s, ratio %.1fx (%d frames, %d events)\n",
		rounds, median(ours), median(theirs), median(ours)/median(theirs), n, events)
	return nil
}

type timing struct {
	seconds, cpu float64
	lines, bytes int
	stderr       []byte
}

// timeRun runs name args in dir with stdout on a pipe that is read and
// counted, like a shell pipe into another program.
func timeRun(dir, work, name string, args ...string) (timing, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return timing{}, err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return timing{}, err
	}
	var t timing
	br := bufio.NewReaderSize(out, 64<<10)
	for {
		line, err := br.ReadSlice('\n')
		t.bytes += len(line)
		if len(line) > 0 && line[len(line)-1] == '\n' {
			t.lines++
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil {
			break
		}
	}
	err = cmd.Wait()
	t.seconds = time.Since(start).Seconds()
	if err != nil {
		return t, fmt.Errorf("%w: %s", err, bytes.TrimSpace(stderr.Bytes()))
	}
	t.cpu = (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds()
	t.stderr = bytes.TrimSpace(stderr.Bytes())
	return t, nil
}

// installPeer runs `npm ci` when the pinned packages are not installed yet.
func installPeer(dir string) error {
	if _, err := exec.LookPath("node"); err != nil {
		return errors.New("node is not installed; the comparison needs Node 20 or later")
	}
	lock, err := os.Stat(filepath.Join(dir, "package-lock.json"))
	if err != nil {
		return err
	}
	installed, err := os.Stat(filepath.Join(dir, "node_modules", ".package-lock.json"))
	if err == nil && !installed.ModTime().Before(lock.ModTime()) {
		return nil
	}
	fmt.Println("installing the Node peer (npm ci in bench/decode/peer) ...")
	return command(dir, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
}

func writeCapture(path string, n int, seed uint64) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	w := webcast.NewCaptureWriter(bw)
	t := webcasttest.NewTraffic(seed)
	for range n {
		if err := w.WriteFrame(t.Frame(true)); err != nil {
			f.Close()
			return err
		}
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func countFrames(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	r := webcast.NewCaptureReader(f, path)
	n := 0
	for {
		_, err := r.Next()
		var le *tikcraft.LineError
		switch {
		case errors.Is(err, io.EOF):
			return n, nil
		case errors.As(err, &le):
		case err != nil:
			return n, err
		default:
			n++
		}
	}
}

func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && bytes.Contains(b, []byte("module github.com/tikcraft/tikcraft\n")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("run it inside the tikcraft repository: go run ./bench/decode")
		}
		dir = parent
	}
}

func command(dir, name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %w", name, strings.Join(args, " "), err)
	}
	return nil
}

func output(dir, name string, args ...string) string {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	b, err := cmd.Output()
	if err != nil {
		return "?"
	}
	return string(b)
}

func machine() string {
	model := runtime.GOARCH
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	return fmt.Sprintf("%s, %d cores, %s/%s", model, runtime.NumCPU(), runtime.GOOS, runtime.GOARCH)
}

// loadAverage says how busy the machine was: other work on the same cores
// slows both sides, the parallel one more.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

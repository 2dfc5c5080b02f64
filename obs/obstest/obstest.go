// Package obstest starts a real OBS Studio for tests: headless on a
// virtual X display (Xvfb), with a scratch home folder whose global.ini
// turns on obs-websocket with a password, on a free port. Debian's
// obs-studio package (OBS 29, obs-websocket 5.1) works; install it with
//
//	apt-get install -y obs-studio xvfb xauth
//
// Tests that need OBS fail when it cannot start, unless TIKCRAFT_NO_OBS is
// set (then they skip): they must never pass without checking anything.
package obstest

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/andreykaipov/goobs"
	"github.com/gorilla/websocket"
)

// EnvNoOBS, when set to anything, lets tests that need OBS skip where
// obs-studio is not installed.
const EnvNoOBS = "TIKCRAFT_NO_OBS"

// StartTimeout bounds how long Start waits for OBS's WebSocket server. It
// listens after 1 to 15 seconds; a loaded CI machine gets room.
const StartTimeout = 90 * time.Second

// globalINI is OBS's global.ini for tests: no first-run wizard, the
// WebSocket server on with a password. PORT and PASSWORD are filled in.
const globalINI = `[General]
Pre19Defaults=false
Pre21Defaults=false
Pre23Defaults=false
Pre24.1Defaults=false
FirstRun=false

[Basic]
Profile=Untitled
ProfileDir=Untitled
SceneCollection=Untitled
SceneCollectionFile=Untitled

[BasicWindow]
gridMode=false

[OBSWebSocket]
FirstLoad=false
ServerEnabled=true
ServerPort=PORT
AlertsEnabled=false
AuthRequired=true
ServerPassword=PASSWORD
`

// Server is a running OBS Studio.
type Server struct {
	Addr     string // 127.0.0.1:PORT of its WebSocket server
	Password string
	// Home is its scratch home folder; Home/obs.log has its output.
	Home string

	xvfb, obs *exec.Cmd
	exited    chan struct{} // closed when OBS exits
}

// Missing reports why OBS cannot run here ("" when it can): obs or Xvfb
// is not installed.
func Missing() string {
	for _, bin := range []string{"obs", "Xvfb"} {
		if _, err := exec.LookPath(bin); err != nil {
			return fmt.Sprintf("%s is not installed (Debian: apt-get install -y obs-studio xvfb xauth)", bin)
		}
	}
	return ""
}

// Start starts OBS and waits until its WebSocket server takes logins.
func Start(ctx context.Context) (s *Server, err error) {
	if m := Missing(); m != "" {
		return nil, errors.New(m)
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	pw := make([]byte, 12)
	rand.Read(pw)
	s = &Server{Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), Password: hex.EncodeToString(pw), exited: make(chan struct{})}
	if s.Home, err = os.MkdirTemp("", "tikcraft-obs"); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			err = fmt.Errorf("%w%s", err, s.logTail())
			s.Close()
			s = nil
		}
	}()
	cfgDir := filepath.Join(s.Home, ".config", "obs-studio")
	if err := os.MkdirAll(cfgDir, 0o755); err != nil {
		return s, err
	}
	ini := strings.NewReplacer("PORT", strconv.Itoa(port), "PASSWORD", s.Password).Replace(globalINI)
	if err := os.WriteFile(filepath.Join(cfgDir, "global.ini"), []byte(ini), 0o600); err != nil {
		return s, err
	}
	display, err := s.startXvfb()
	if err != nil {
		return s, err
	}
	logFile, err := os.Create(filepath.Join(s.Home, "obs.log"))
	if err != nil {
		return s, err
	}
	defer logFile.Close()
	s.obs = exec.Command("obs", "--multi", "--disable-missing-files-check")
	s.obs.Dir = s.Home
	// A proxy that refuses keeps OBS's service and ingest updates off
	// the network: tests touch nothing beyond loopback.
	noNet := "http://127.0.0.1:9"
	s.obs.Env = append(os.Environ(), "HOME="+s.Home, "DISPLAY="+display, "LIBGL_ALWAYS_SOFTWARE=1",
		"http_proxy="+noNet, "https_proxy="+noNet, "HTTP_PROXY="+noNet, "HTTPS_PROXY="+noNet, "ALL_PROXY="+noNet, "no_proxy=", "NO_PROXY=")
	s.obs.Stdout, s.obs.Stderr = logFile, logFile
	if err := s.obs.Start(); err != nil {
		return s, fmt.Errorf("starting obs: %w", err)
	}
	go func() { s.obs.Wait(); close(s.exited) }()
	return s, s.waitReady(ctx)
}

// startXvfb starts a virtual display; Xvfb picks a free display number
// itself (-displayfd), so test binaries running at once never collide.
func (s *Server) startXvfb() (string, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return "", err
	}
	defer r.Close()
	s.xvfb = exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1280x720x24", "-nolisten", "tcp")
	s.xvfb.ExtraFiles = []*os.File{w}
	err = s.xvfb.Start()
	w.Close()
	if err != nil {
		return "", fmt.Errorf("starting Xvfb: %w", err)
	}
	type result struct {
		line string
		err  error
	}
	got := make(chan result, 1)
	go func() {
		line, err := bufio.NewReader(r).ReadString('\n')
		got <- result{strings.TrimSpace(line), err}
	}()
	select {
	case res := <-got:
		if _, err := strconv.Atoi(res.line); err != nil {
			return "", fmt.Errorf("Xvfb did not start (it said %q, %v)", res.line, res.err)
		}
		return ":" + res.line, nil
	case <-time.After(30 * time.Second):
		return "", errors.New("Xvfb did not start within 30s")
	}
}

func (s *Server) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, StartTimeout)
	defer cancel()
	var last error
	for {
		c, err := s.Client()
		if err == nil {
			c.Disconnect()
			return nil
		}
		last = err
		select {
		case <-s.exited:
			return fmt.Errorf("OBS exited before its WebSocket server answered: %v", s.obs.ProcessState)
		case <-ctx.Done():
			return fmt.Errorf("OBS's WebSocket server did not answer within %s: %v", StartTimeout, last)
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// Client logs in to the server; tests use it to set OBS up and read its
// state back. Close it with Disconnect.
func (s *Server) Client() (*goobs.Client, error) {
	d := &websocket.Dialer{HandshakeTimeout: 5 * time.Second}
	return goobs.New(s.Addr, goobs.WithPassword(s.Password), goobs.WithDialer(d), goobs.WithEventSubscriptions(0),
		goobs.WithResponseTimeoutDuration(10*time.Second), goobs.WithLogger(quiet{}))
}

// Alive reports whether OBS is still running.
func (s *Server) Alive() bool {
	select {
	case <-s.exited:
		return false
	default:
		return s.obs != nil
	}
}

// Close stops OBS and Xvfb and removes the home folder.
func (s *Server) Close() error {
	if s.obs != nil && s.obs.Process != nil {
		s.obs.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.exited:
		case <-time.After(10 * time.Second):
			s.obs.Process.Kill()
			<-s.exited
		}
	}
	if s.xvfb != nil && s.xvfb.Process != nil {
		s.xvfb.Process.Kill()
		s.xvfb.Wait()
	}
	if s.Home != "" {
		return os.RemoveAll(s.Home)
	}
	return nil
}

// logTail is the end of OBS's output, for a failure message.
func (s *Server) logTail() string {
	b, err := os.ReadFile(filepath.Join(s.Home, "obs.log"))
	if err != nil || len(b) == 0 {
		return ""
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return "\nOBS said:\n  " + strings.Join(lines[max(0, len(lines)-20):], "\n  ")
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// quiet drops goobs's own log lines.
type quiet struct{}

func (quiet) Printf(string, ...any) {}

// Need is Start for one test: it fails the test when OBS cannot start
// (or skips it when OBS is not installed and TIKCRAFT_NO_OBS is set) and
// stops OBS when the test ends. Packages with several OBS tests share one
// server from TestMain instead.
func Need(t testing.TB) *Server {
	t.Helper()
	if why := Missing(); why != "" && os.Getenv(EnvNoOBS) != "" {
		t.Skipf("no OBS here (%s) and %s is set", why, EnvNoOBS)
	}
	s, err := Start(context.Background())
	if err != nil {
		t.Fatalf("a real OBS Studio is needed for this test and did not start: %v\n(set %s=1 to skip where obs-studio is not installed)", err, EnvNoOBS)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Tone is a WAV file (for OBS media sources and the overlays' sound tests): a quiet 440 Hz sine of length d, 8 kHz mono 16 bit.
func Tone(d time.Duration) []byte {
	const rate = 8000
	n := int(d.Seconds() * rate)
	b := make([]byte, 44+2*n)
	copy(b, "RIFF")
	binary.LittleEndian.PutUint32(b[4:], uint32(36+2*n))
	copy(b[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(b[16:], 16)
	binary.LittleEndian.PutUint16(b[20:], 1) // PCM
	binary.LittleEndian.PutUint16(b[22:], 1) // mono
	binary.LittleEndian.PutUint32(b[24:], rate)
	binary.LittleEndian.PutUint32(b[28:], rate*2)
	binary.LittleEndian.PutUint16(b[32:], 2)
	binary.LittleEndian.PutUint16(b[34:], 16)
	copy(b[36:], "data")
	binary.LittleEndian.PutUint32(b[40:], uint32(2*n))
	for i := range n {
		v := int16(3000 * math.Sin(2*math.Pi*440*float64(i)/rate))
		binary.LittleEndian.PutUint16(b[44+2*i:], uint16(v))
	}
	return b
}

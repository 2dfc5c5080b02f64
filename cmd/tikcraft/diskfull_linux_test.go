package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	tc "github.com/tikcraft/tikcraft"
)

// The full-disk tests give data_dir a real small filesystem (a tmpfs) in
// a mount namespace of its own: CI runs as root and mounts it directly;
// anyone else gets the namespace through a user namespace
// (unshare --user --map-root-user). tikcraft runs inside it via nsenter.

// smallDisk is a tmpfs mounted at dir, seen only by processes that enter
// its mount namespace.
type smallDisk struct {
	t     *testing.T
	dir   string
	enter []string // runs a command in the namespace: nsenter ... --
}

// newSmallDisk mounts a tmpfs of size (as mount's size= option) at a new
// folder named tikcraft-data, kept until the test ends.
func newSmallDisk(t *testing.T, size string) *smallDisk {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "tikcraft-data")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	unshare := []string{"--mount", "--propagation", "private"}
	enter := []string{"-m"}
	if os.Geteuid() != 0 {
		unshare = append([]string{"--user", "--map-root-user"}, unshare...)
		// Keep the uid: the user namespace maps it to root, and it may not
		// set its groups.
		enter = []string{"-U", "-m", "--preserve-credentials"}
	}
	// The holder keeps the namespace alive until its stdin closes: at the
	// end of the test, or when the test binary dies.
	holder := exec.Command("unshare", append(unshare, "sh", "-c", `mount -t tmpfs -o size="$1" tmpfs "$2" && echo mounted && read _`, "sh", size, dir)...)
	var stderr bytes.Buffer
	holder.Stderr = &stderr
	stdin, err := holder.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := holder.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := holder.Start(); err != nil {
		t.Fatalf("the full-disk tests need unshare (util-linux): %v", err)
	}
	t.Cleanup(func() {
		stdin.Close()
		holder.Wait()
	})
	if line, err := bufio.NewReader(stdout).ReadString('\n'); line != "mounted\n" {
		t.Fatalf("mounting a %s tmpfs for data_dir: %v %s", size, err, stderr.String())
	}
	enter = append([]string{"nsenter", "-t", strconv.Itoa(holder.Process.Pid)}, enter...)
	return &smallDisk{t: t, dir: dir, enter: append(enter, "--")}
}

// in runs argv inside the namespace and returns its output.
func (d *smallDisk) in(argv ...string) ([]byte, error) {
	all := append(slices.Clone(d.enter), argv...)
	return exec.Command(all[0], all[1:]...).CombinedOutput()
}

// fill takes every free byte of the disk.
func (d *smallDisk) fill() {
	d.t.Helper()
	out, err := d.in("sh", "-c", `cat /dev/zero > "$1"`, "sh", filepath.Join(d.dir, "filler"))
	if err == nil || !strings.Contains(string(out), "No space left") {
		d.t.Fatalf("filling %s: %v %s", d.dir, err, out)
	}
}

// free gives the space back.
func (d *smallDisk) free() {
	d.t.Helper()
	if out, err := d.in("rm", filepath.Join(d.dir, "filler")); err != nil {
		d.t.Fatalf("freeing %s: %v %s", d.dir, err, out)
	}
}

// leave gives back part of the space taken by fill: room bytes become
// free.
func (d *smallDisk) leave(room int) {
	d.t.Helper()
	if out, err := d.in("truncate", "-s", fmt.Sprint("-", room), filepath.Join(d.dir, "filler")); err != nil {
		d.t.Fatalf("freeing %d bytes of %s: %v %s", room, d.dir, err, out)
	}
}

var galaxy = tc.Gift{ID: 11046, Name: "Galaxy", Diamonds: 1000}

// gifts sends a Galaxy (no streak) from each of n new viewers named
// prefix0... and returns their commands in order.
func (s *stream) gifts(prefix string, n int) []string {
	s.t.Helper()
	var want []string
	for i := range n {
		u := s.viewer(fmt.Sprint(prefix, i))
		s.push(&tc.GiftEvent{User: u, Gift: galaxy, RepeatCount: 1})
		want = append(want, "say g "+u.UniqueID)
	}
	return want
}

// diskStream is a stream whose data_dir is on a small disk.
func diskStream(t *testing.T) (*stream, *smallDisk) {
	t.Helper()
	disk := newSmallDisk(t, "8m")
	s := newStream(t, streamSetup{yaml: "data_dir: " + disk.dir + "\n", actions: "galaxy:/say g {user}\nrose:/say r {user}\n"})
	s.wrap = disk.enter
	return s, disk
}

// fillUp fills the disk while `run` p is receiving gifts, and sends gifts
// (returning their commands) until tikcraft says it holds actions in
// memory because the queue cannot be written: SQLite first uses up the
// room its files already have.
func fillUp(t *testing.T, s *stream, disk *smallDisk, p *proc) []string {
	t.Helper()
	disk.fill()
	var sent []string
	for i := 0; ; i++ {
		batch := s.gifts(fmt.Sprint("b", i, "_"), 50)
		sent = append(sent, batch...)
		last := batch[len(batch)-1]
		if p.waitLineOr("actions waiting in memory", func(ctx context.Context) error {
			_, err := s.arrived(ctx, last)
			return err
		}) {
			if !p.has("the disk holding tikcraft-data is full: ") {
				t.Fatalf("tikcraft did not say the disk is full:\n%s", p.logText())
			}
			return sent
		}
		if i == 100 {
			t.Fatalf("5,000 gifts went through although the disk is full:\n%s", p.logText())
		}
	}
}

// TestRunFullDisk: the disk holding data_dir fills up during a LIVE while
// gifts keep coming and a streak is open. tikcraft says so in plain words
// and keeps the actions in memory; once there is room again it says so,
// and every gift is delivered once, in order.
func TestRunFullDisk(t *testing.T) {
	t.Parallel()
	s, disk := diskStream(t)
	p := s.start()
	anna := s.viewer("anna")
	s.push(roses(anna, "9001", 1, false), roses(anna, "9001", 2, false))
	want := s.gifts("a", 5)
	want = append(want, s.mark())
	want = append(want, fillUp(t, s, disk, p)...)
	s.push(roses(anna, "9001", 3, false))
	want = append(want, s.gifts("c", 100)...)
	disk.free()
	p.waitLine("the action queue can be written again: queued the ")
	s.push(roses(anna, "9001", 4, true))
	want = append(want, s.mark())
	p.interrupt()

	checkInOrder(t, s.mc.Commands(), want, map[string]int{"say r anna": 4}, 0)
}

// TestRunFullDiskFreedALittle: the disk fills up during a LIVE and the
// streamer frees only a little room (3 MB) while over a thousand gifts wait
// in memory. tikcraft writes them and delivers them at once, and the
// database's write-ahead log, which each delivery's record grows, does
// not take the room back: delivery never pauses a second time, and every
// gift is delivered once, in order.
func TestRunFullDiskFreedALittle(t *testing.T) {
	t.Parallel()
	s, disk := diskStream(t)
	p := s.start()
	want := s.gifts("a", 5)
	want = append(want, s.mark())
	want = append(want, fillUp(t, s, disk, p)...)
	want = append(want, s.gifts("c", 1500)...)
	disk.leave(3 << 20)
	p.waitLine("the action queue can be written again: queued the ")
	more := s.gifts("d", 300)
	want = append(want, more...)
	if p.waitLineOr(" is full", func(ctx context.Context) error {
		_, err := s.arrived(ctx, more[len(more)-1])
		return err
	}) {
		t.Fatalf("once there was room again, delivery paused a second time:\n%s", p.logText())
	}
	want = append(want, s.mark())
	p.interrupt()

	log := p.logText()
	if after := log[strings.Index(log, "the action queue can be written again"):]; strings.Contains(after, " is full") {
		t.Fatalf("once there was room again, delivery paused a second time:\n%s", after)
	}
	checkInOrder(t, s.mc.Commands(), want, nil, 0)
}

// TestRunKill9WhileDiskFull: `run` is killed while the disk is full, with
// a streak open (its count saved before the disk filled) and gifts held in
// memory. What was saved is not lost: after space is freed, `drain`
// delivers the streak's roses exactly once and the saved gifts once, in
// order. The gifts held in memory are lost (docs/DELIVERY.md), so of the
// gifts sent while the disk was full Minecraft gets a first part, in order.
func TestRunKill9WhileDiskFull(t *testing.T) {
	t.Parallel()
	s, disk := diskStream(t)
	p := s.start()
	anna := s.viewer("anna")
	for c := 1; c <= 5; c++ {
		s.push(roses(anna, "9001", c, false))
	}
	before := s.gifts("a", 5)
	before = append(before, s.mark())
	during := fillUp(t, s, disk, p)
	p.kill()
	disk.free()
	s.command("drain")
	p = s.start()
	after := s.gifts("c", 5)
	after = append(after, s.mark())
	p.interrupt()

	got := s.mc.Commands()
	if n := tally(got)["say r anna"]; n != 5 {
		t.Errorf("anna's 5 roses fired %d times", n)
	}
	var gifts []string
	repeats := 0
	for i, c := range got {
		switch {
		case c == "say r anna":
		case i > 0 && c == got[i-1]:
			repeats++
		default:
			gifts = append(gifts, c)
		}
	}
	if repeats > 1 {
		t.Errorf("%d commands repeated after one kill", repeats)
	}
	n := len(gifts) - len(before) - len(after)
	if n < 0 || !slices.Equal(gifts[:len(before)], before) || !slices.Equal(gifts[len(before):len(before)+n], during[:n]) || !slices.Equal(gifts[len(before)+n:], after) {
		t.Fatalf("Minecraft got %q;\nwant %q,\nthen a first part of %q,\nthen %q", gifts, before, during, after)
	}
	t.Logf("of %d gifts sent while the disk was full, %d were saved before the kill", len(during), n)
}

// TestReplayStartsOnFullDisk is TestRunFullDisk for `replay`, which here
// starts when the disk is already full. Whether it waits for room or stops
// at once, it says in plain words that the disk is full and what to do
// (not that the drive is faulty), and in the end every gift is delivered
// once, in order.
func TestReplayStartsOnFullDisk(t *testing.T) {
	t.Parallel()
	s, disk := diskStream(t)
	s.command("drain") // makes the database
	var ev strings.Builder
	var want []string
	for i := range 300 {
		fmt.Fprintf(&ev, `{"type":"gift","msg_id":"%d","user":{"id":"%d","unique_id":"u%d"},"gift":{"id":11046,"name":"Galaxy","diamonds":1000},"repeat_count":1}`+"\n", i+1, i+1, i)
		want = append(want, fmt.Sprint("say g u", i))
	}
	events := filepath.Join(s.dir, "events.jsonl")
	s.write("events.jsonl", ev.String())
	disk.fill()
	p := s.background("replay", events)
	if p.waitLineOrExit("the disk holding tikcraft-data is full: ") {
		disk.free()
		p.finish()
	} else {
		disk.free()
		s.command("replay", events)
	}
	if log := p.logText(); !strings.Contains(log, "free some disk space") || strings.Contains(log, "check the drive") {
		t.Errorf("on a full disk replay said:\n%s", log)
	}
	checkDelivered(t, s.mc.Commands(), want, 0)
}

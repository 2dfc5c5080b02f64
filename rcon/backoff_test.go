package rcon

import (
	"math"
	"net"
	"strconv"
	"testing"
	"time"
)

// TestBackoffDelay: the n-th wait doubles from Min, stops at Max, and its
// jitter stays within ±20% (never above Max, never zero).
func TestBackoffDelay(t *testing.T) {
	tests := []Backoff{
		{Min: time.Second, Max: 15 * time.Second},
		{Min: time.Millisecond, Max: 5 * time.Millisecond},
		{Min: 3 * time.Second, Max: 3 * time.Second},
		{Min: 1, Max: 2},
		{Min: time.Hour, Max: 24 * time.Hour},
	}
	for _, b := range tests {
		c := New(Config{Backoff: b}, nil)
		for n := 1; n <= 70; n++ {
			base := min(float64(b.Min)*math.Pow(2, float64(n-1)), float64(b.Max))
			lo := time.Duration(max(1, math.Floor(base*0.8)))
			hi := time.Duration(min(math.Ceil(base*1.2), float64(b.Max)))
			for range 50 {
				if d := c.delay(n); d < lo || d > hi {
					t.Fatalf("%+v: delay(%d) = %s, want within [%s, %s]", b, n, d, lo, hi)
				}
			}
		}
	}
}

func TestConfigDefaults(t *testing.T) {
	c := New(Config{MaxCommandsPerSecond: -3, GiveUpAfter: -time.Second, Backoff: Backoff{Min: 10 * time.Second, Max: time.Second}}, nil)
	want := Config{
		Address:     DefaultAddress,
		DialTimeout: DefaultDialTimeout,
		ReadTimeout: DefaultReadTimeout,
		Backoff:     Backoff{Min: 10 * time.Second, Max: 10 * time.Second},

		MaxCommandsPerSecond: -3,
	}
	if c.cfg != want {
		t.Errorf("config %+v, want %+v", c.cfg, want)
	}
	if c.limiter != nil {
		t.Error("a negative rate must mean no limit")
	}
}

func TestBurstFor(t *testing.T) {
	tests := []struct {
		perSecond float64
		want      int
	}{
		{0.1, 1}, {0.5, 1}, {1, 1}, {1.5, 2}, {5, 5}, {20, 20}, {1e9, maxBurst}, {math.MaxFloat64, maxBurst},
	}
	for _, tt := range tests {
		if got := burstFor(tt.perSecond); got != tt.want {
			t.Errorf("burstFor(%v) = %d, want %d", tt.perSecond, got, tt.want)
		}
	}
}

func TestDefaultAddressIsTheDefaultPort(t *testing.T) {
	if want := net.JoinHostPort("127.0.0.1", strconv.Itoa(DefaultPort)); DefaultAddress != want {
		t.Fatalf("DefaultAddress %q, want %q", DefaultAddress, want)
	}
}

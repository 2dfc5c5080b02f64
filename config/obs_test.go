package config

import (
	"fmt"
	"strings"
	"testing"
)

func TestOBS(t *testing.T) {
	t.Setenv(EnvOBSPassword, "")
	for _, tc := range []struct {
		yaml       string
		configured bool
		addr, pw   string
		err        string
	}{
		{"", false, DefaultOBSAddress, "", ""},
		{"obs:\n", true, DefaultOBSAddress, "", ""},
		{"obs: {}\n", true, DefaultOBSAddress, "", ""},
		{"obs:\n  password: s3cret-pw\n", true, DefaultOBSAddress, "s3cret-pw", ""},
		{"obs:\n  address: 192.168.1.20:4455\n", true, "192.168.1.20:4455", "", ""},
		{"obs:\n  address: localhost\n", true, "", "", `tikcraft.yaml:2:12: error: obs.address "localhost" needs a port, e.g. "127.0.0.1:4455"`},
		{"obs:\n  address: ws://127.0.0.1:4455\n", true, "", "", "tikcraft.yaml:2:12: error: obs.address is host:port, without ws://"},
		{"obs:\n  adress: x\n", true, "", "", "unknown key"},
	} {
		c, diags, err := load(t, tc.yaml)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: got %v, want %s", tc.yaml, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v %v", tc.yaml, err, diags)
			continue
		}
		if c.OBSConfigured != tc.configured || c.OBS.Address != tc.addr || c.OBS.Password.Reveal() != tc.pw {
			t.Errorf("%q: got %t %s %q", tc.yaml, c.OBSConfigured, c.OBS.Address, c.OBS.Password.Reveal())
		}
	}
}

// TestOBSPasswordFromEnv: TIKCRAFT_OBS_PASSWORD wins over the file, counts
// as configuring OBS, and is never printed.
func TestOBSPasswordFromEnv(t *testing.T) {
	t.Setenv(EnvOBSPassword, "env-obs-secret")
	c, _, err := load(t, "obs:\n  password: file-pw\n")
	if err != nil || c.OBS.Password.Reveal() != "env-obs-secret" {
		t.Fatalf("%v %q", err, c.OBS.Password.Reveal())
	}
	c, _, _ = load(t, "")
	if !c.OBSConfigured {
		t.Error("the environment's password does not configure OBS")
	}
	if s := fmt.Sprintf("%v %+v %#v", c.OBS, c.OBS, c.OBS); strings.Contains(s, "env-obs-secret") {
		t.Errorf("password printed: %s", s)
	}
}

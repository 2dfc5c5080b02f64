package cmdline

import "testing"

func TestArg(t *testing.T) {
	for _, tt := range []struct {
		in, windows, unix string
	}{
		{"tikcraft.yaml", "tikcraft.yaml", "tikcraft.yaml"},
		{`C:\mc\tikcraft.yaml`, `C:\mc\tikcraft.yaml`, `'C:\mc\tikcraft.yaml'`},
		{`C:\Users\Jürgen Müller\Desktop\tik craft\tikcraft.yaml`, `"C:\Users\Jürgen Müller\Desktop\tik craft\tikcraft.yaml"`, `'C:\Users\Jürgen Müller\Desktop\tik craft\tikcraft.yaml'`},
		{"/home/anna/tik craft/tikcraft.yaml", `"/home/anna/tik craft/tikcraft.yaml"`, `'/home/anna/tik craft/tikcraft.yaml'`},
		{"/home/anna/Jürgen/x.yaml", "/home/anna/Jürgen/x.yaml", "/home/anna/Jürgen/x.yaml"},
		{"Streams (1)/t.yaml", `"Streams (1)/t.yaml"`, `'Streams (1)/t.yaml'`},
		{"Tom & Jerry", `"Tom & Jerry"`, `'Tom & Jerry'`},
		{"it's", `"it's"`, `'it'\''s'`},
		{`C:\tik craft\`, `"C:\tik craft\\"`, `'C:\tik craft\'`},
		{`C:\`, `C:\`, `'C:\'`},
		{"", `""`, `''`},
	} {
		if got := arg(tt.in, true); got != tt.windows {
			t.Errorf("windows: arg(%q) = %s, want %s", tt.in, got, tt.windows)
		}
		if got := arg(tt.in, false); got != tt.unix {
			t.Errorf("unix: arg(%q) = %s, want %s", tt.in, got, tt.unix)
		}
	}
}

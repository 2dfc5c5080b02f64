package config

import (
	"path/filepath"
	"strings"
	"testing"
)

// A Windows path in double quotes is read by YAML with its backslashes as
// escapes: "C:\new\tik" became a line break and a tab (and check said
// nothing), "D:\Dokumente" was "found unknown escape character 'D'", and
// "C:\Users\..." swallowed the rest of the line as \U and a garbled
// character. Each is reported at the quote with what to write instead;
// the same path unquoted, in single quotes, with / or with \\ is read as
// written.
func TestWindowsPathsInDoubleQuotes(t *testing.T) {
	t.Setenv(EnvRCONPassword, "")
	const hint = `is in double quotes, where a backslash starts an escape (\n is a new line, \t a tab), so it is not the path you wrote: leave the quotes out, or use single quotes`
	for _, tt := range []struct{ yaml, want string }{
		{`data_dir: "C:\new\tik"` + "\n", `tikcraft.yaml:1:11: error: data_dir: "C:\new\tik" ` + hint + ` ('C:\new\tik'), or write it with / (C:/new/tik)`},
		{`data_dir: "D:\Dokumente\tik"` + "\n", `tikcraft.yaml:1:11: error: data_dir: "D:\Dokumente\tik" ` + hint},
		{"data_dir: \"C:\\Users\\Jürgen Müller\\tik data\"\r\n", `tikcraft.yaml:1:11: error: data_dir: "C:\Users\Jürgen Müller\tik data" ` + hint + ` ('C:\Users\Jürgen Müller\tik data'), or write it with / (C:/Users/Jürgen Müller/tik data)`},
		{`actions: "..\rules\actions.mca"` + "\n", `tikcraft.yaml:1:10: error: actions: "..\rules\actions.mca" ` + hint},
		{`actions: "rules\tnt.mca"` + "\n", `tikcraft.yaml:1:10: error: actions: "rules\tnt.mca" ` + hint},
		{"minecraft:\n  datapack_dir: \"C:\\mc\\world\\datapacks\"\n", `tikcraft.yaml:2:17: error: datapack_dir: "C:\mc\world\datapacks" ` + hint},
		{`overlays: {sounds: "\\pc\Sounds"}` + "\n", `tikcraft.yaml:1:20: error: sounds: "\\pc\Sounds" ` + hint + ` ('\\pc\Sounds'), or write it with / (//pc/Sounds)`},
	} {
		_, diags, err := load(t, tt.yaml+"rcon: {password: a-long-random-password}\n")
		if err == nil || len(diags) == 0 || diags[0].String() != tt.want && !strings.HasPrefix(diags[0].String(), tt.want) {
			t.Errorf("%q:\ngot  %v\nwant %s", tt.yaml, diags, tt.want)
			continue
		}
		for _, d := range diags[1:] {
			// Nothing else but the parser's own word on the same line.
			if d.Line != diags[0].Line || !strings.Contains(d.Message, "escape") {
				t.Errorf("%q: also %s", tt.yaml, d)
			}
		}
	}
	for _, tt := range []struct{ yaml, want string }{
		{`data_dir: C:\new\tik`, `C:\new\tik`},
		{`data_dir: 'C:\new\tik'`, `C:\new\tik`},
		{`data_dir: "C:\\new\\tik"`, `C:\new\tik`},
		{`data_dir: "C:/new/tik"`, `C:/new/tik`},
		{`data_dir: C:\Users\Jürgen Müller\tik data   # "C:\Users"`, `C:\Users\Jürgen Müller\tik data`},
	} {
		c, diags, err := load(t, tt.yaml+"\nrcon: {password: a-long-random-password}\n")
		if err != nil || len(diags) > 0 {
			t.Errorf("%q: %v %v", tt.yaml, err, diags)
			continue
		}
		// On Linux C:\... is relative: joined to the file's folder.
		if want := filepath.Join("/cfg", tt.want); c.DataDir != want {
			t.Errorf("%q: data_dir %q, want %q", tt.yaml, c.DataDir, want)
		}
	}
	// Escapes elsewhere are YAML's to read: a label may hold a tab.
	if _, diags, err := load(t, "overlays: {likegoal: {label: \"Likes\\tgoal\"}}\nrcon: {password: a-long-random-password}\n"); err != nil || len(diags) > 0 {
		t.Errorf("label with \\t: %v %v", err, diags)
	}
}

// A file that cannot be read as YAML may set a password: "no RCON
// password is set" sent the streamer looking in the wrong place.
func TestUnreadableFileSaysNothingOfThePassword(t *testing.T) {
	t.Setenv(EnvRCONPassword, "")
	_, diags, _ := load(t, "rcon:\n  password: a-long-random-password\n address: x\n")
	for _, d := range diags {
		if strings.Contains(d.Message, "password") {
			t.Errorf("got %s", d)
		}
	}
	if len(diags) != 1 {
		t.Errorf("want the YAML error alone: %v", diags)
	}
}

// cmd's set keeps quotes and trailing spaces in the value: the password
// Minecraft then refuses is not the one the streamer typed.
func TestEnvPasswordSetWithQuotesOrSpaces(t *testing.T) {
	for _, tt := range []struct{ value, want string }{
		{`"hunter2-long-password"`, "TIKCRAFT_RCON_PASSWORD is wrapped in quote marks, which are then part of the password: "},
		{"hunter2-long-password ", "TIKCRAFT_RCON_PASSWORD starts or ends with a space"},
		{"hunter2-long-password", ""},
	} {
		t.Setenv(EnvRCONPassword, tt.value)
		_, diags, _ := load(t, "tiktok: {user: anna}\n")
		got := ""
		for _, d := range diags {
			got += d.String() + "\n"
		}
		if tt.want == "" && got != "" || tt.want != "" && !strings.Contains(got, "warning: "+tt.want) {
			t.Errorf("%q: got %q, want %q", tt.value, got, tt.want)
		}
		if strings.Contains(got, "hunter2") {
			t.Errorf("the password is shown: %s", got)
		}
	}
}

// A password is never a path: however it starts, its value is in no
// error or warning, whatever else is wrong with the file.
func TestPasswordNeverInDiagnostics(t *testing.T) {
	t.Setenv(EnvRCONPassword, "")
	t.Setenv("TIKCRAFT_OBS_PASSWORD", "")
	for _, secret := range []string{`Z:\9xq!secret`, `.\nsecret`, `..\xsecret`, `\\psecret`, `C:\Users\secret`, `a\tsecret`} {
		for _, tmpl := range []string{
			"rcon: {password: \"%s\"}\n",
			"obs: {password: \"%s\"}\n",
			"rcon:\n  password: \"%s\"\n",
			"rcon: {password: \"%s\"}\ndata_dir: \"C:\\new\"\n",
			"rcon: {password: \"%s\"}\n bad: [\n",
		} {
			yaml := strings.Replace(tmpl, "%s", secret, 1)
			_, diags, _ := load(t, yaml)
			word := strings.TrimLeft(secret[strings.LastIndex(secret, `\`)+2:], "")
			for _, d := range diags {
				if strings.Contains(d.String(), secret) || strings.Contains(d.String(), word) {
					t.Errorf("%q: the password is shown: %s", yaml, d)
				}
			}
		}
	}
}

// Only a Windows path is flagged: a path that holds a YAML escape it
// means (ü as \u00fc) is valid on every system.
func TestPathEscapesFlaggedOnlyWhenWindows(t *testing.T) {
	t.Setenv(EnvRCONPassword, "")
	for _, tt := range []struct {
		yaml    string
		flagged bool
	}{
		{`data_dir: "/srv/M\u00fcller"`, false},
		{`actions: "r\u00e9gles.mca"`, false},
		{`data_dir: "/srv/tik\x41"`, false},
		{`data_dir: "/srv/tik\U0001F600"`, false},
		{`data_dir: "/srv/my\ data"`, false},
		{`data_dir: "C:\new"`, true},
		{`data_dir: "C:/mc\new"`, true},
		{`actions: "rules\tnt.mca"`, true},
		{`actions: "rules\Dokumente.mca"`, true},
		{`sounds: "Sounds\Alerts"`, true},
	} {
		_, diags, _ := load(t, tt.yaml+"\nrcon: {password: a-long-random-password}\n")
		got := false
		for _, d := range diags {
			got = got || strings.Contains(d.Message, "is in double quotes")
		}
		if got != tt.flagged {
			t.Errorf("%s: flagged %v, want %v: %v", tt.yaml, got, tt.flagged, diags)
		}
	}
}

// A final \" closes the path as the streamer meant it; a tab after the
// colon is still a path in double quotes.
func TestWindowsPathTrailingBackslashAndTab(t *testing.T) {
	t.Setenv(EnvRCONPassword, "")
	for _, tt := range []struct{ yaml, want string }{
		{`data_dir: "C:\mc server\"` + "\n", `tikcraft.yaml:1:11: error: data_dir: "C:\mc server\" is in double quotes`},
		{`data_dir: "C:\mc server\"`, `('C:\mc server\'), or write it with / (C:/mc server/)`},
		{"data_dir:\t\"C:\\new\"\n", `tikcraft.yaml:1:11: error: data_dir: "C:\new" is in double quotes`},
	} {
		_, diags, _ := load(t, tt.yaml+"\nrcon: {password: a-long-random-password}\n")
		if len(diags) == 0 || !strings.Contains(diags[0].String(), tt.want) {
			t.Errorf("%q:\ngot  %v\nwant %s", tt.yaml, diags, tt.want)
		}
	}
}

// The path message never hides the parser's own: if it is wrong, the
// real error is still there.
func TestWindowsPathKeepsParserError(t *testing.T) {
	t.Setenv(EnvRCONPassword, "")
	_, diags, err := load(t, "data_dir: \"C:\\new\"\nrcon: {password: a-long-random-password\n")
	if err == nil || len(diags) != 2 || !strings.Contains(diags[0].Message, "in double quotes") || diags[1].Line < 2 {
		t.Errorf("want the path and the parser's error: %v", diags)
	}
	_, diags, err = load(t, "data_dir: \"C:\\new\"\ngifts: {max_repeat: [1]}\nrcon: {password: a-long-random-password}\n")
	if err == nil || len(diags) != 2 || !strings.Contains(diags[1].Message, "max_repeat") {
		t.Errorf("want the path and the decoder's error: %v", diags)
	}
}

// The advice is for the system tikcraft runs on: cmd and PowerShell on
// Windows, a shell or Docker's --env-file (which keeps quotes) elsewhere.
func TestEnvPasswordAdvicePerSystem(t *testing.T) {
	t.Setenv(EnvRCONPassword, `"hunter2-long-password"`)
	t.Setenv(EnvOBSPassword, "")
	for _, tt := range []struct{ goos, want, not string }{
		{"windows", "in cmd, set it without quotes and with nothing after the password (set TIKCRAFT_RCON_PASSWORD=yourpassword); in PowerShell, $env:TIKCRAFT_RCON_PASSWORD=\"yourpassword\"", "env-file"},
		{"linux", "in a Docker --env-file or .env file, write TIKCRAFT_RCON_PASSWORD=yourpassword without quotes and with nothing after it (Docker keeps them); in a shell, export TIKCRAFT_RCON_PASSWORD='yourpassword'", "cmd"},
		{"darwin", "export TIKCRAFT_RCON_PASSWORD='yourpassword'", "PowerShell"},
	} {
		d := envPasswordTypos(tt.goos)
		if len(d) != 1 || !strings.Contains(d[0].Message, tt.want) || strings.Contains(d[0].Message, tt.not) {
			t.Errorf("%s: got %v\nwant %s", tt.goos, d, tt.want)
		}
	}
}

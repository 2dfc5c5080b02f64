package obs

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/tikcraft/tikcraft/actions"
)

// TestInspect checks an actions file's names against a real OBS, as
// check --connect does.
func TestInspect(t *testing.T) {
	srv, c := need(t)
	o := newSetup(t, c)
	game := o.scene("Game")
	cam := o.input(game, "Webcam", "color_source_v3", nil, true)
	last := o.input(game, "Last Gift", "text_ft2_source_v2", nil, true)
	tint := o.filter(cam, "Tint")
	src := fmt.Sprintf(`ok:$obs scene %[1]s; $obs show %[2]s in %[1]s; $obs hide %[2]s; $obs text %[3]s hi; $obs filter %[2]s %[4]s on
bad:$obs scene "Nope"; $obs show "Ghost" in %[1]s; $obs hide "Ghost"; $obs text %[2]s hi; $obs media %[3]s restart; $obs filter %[2]s "Blur" off; $obs show x in "Nope"
`, q(game), q(cam), q(last), q(tint))
	f, diags := actions.Parse("actions.mca", []byte(src), actions.Options{OBS: true})
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	var refs []Ref
	for _, r := range f.Rules() {
		for _, cmd := range r.Commands {
			refs = append(refs, Ref{Where: fmt.Sprintf("actions.mca:%d:%d", cmd.Line, cmd.Col), Op: cmd.OBS})
		}
	}
	rep, err := Inspect(context.Background(), Config{Address: srv.Addr, Password: srv.Password}, refs)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Version == "" || rep.WebSocket == "" {
		t.Errorf("no versions: %+v", rep)
	}
	want := []string{
		`actions.mca:2:5: warning: OBS has no scene "Nope" (its scenes: `,
		`actions.mca:2:24: warning: scene ` + q(game) + ` in OBS has no source "Ghost" (it has ` + q(cam) + `, ` + q(last) + `)`,
		`warning: no scene in OBS has a source "Ghost" to hide`,
		`warning: OBS source ` + q(cam) + ` is a color_source_v3, not a text source`,
		`warning: OBS source ` + q(last) + ` is a text_ft2_source_v2, not a media source`,
		`warning: OBS source ` + q(cam) + ` has no filter "Blur" (it has ` + q(tint) + `)`,
		`warning: OBS has no scene "Nope"`,
	}
	if len(rep.Problems) != len(want) {
		t.Fatalf("problems:\n%s", strings.Join(rep.Problems, "\n"))
	}
	for i, w := range want {
		if !strings.Contains(rep.Problems[i], w) {
			t.Errorf("problem %d:\n got %s\nwant %s", i, rep.Problems[i], w)
		}
	}
	_, err = Inspect(context.Background(), Config{Address: srv.Addr, Password: "not-the-password"}, refs)
	if err == nil || !strings.Contains(err.Error(), "refused the password") || strings.Contains(err.Error(), "not-the-password") {
		t.Errorf("wrong password: %v", err)
	}
}

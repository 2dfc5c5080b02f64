package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/deliver"
	"github.com/tikcraft/tikcraft/queue"
	"github.com/tikcraft/tikcraft/redact"
)

type fakeRecorder struct {
	events  []tikcraft.Event
	items   []queue.Item
	errs    []error
	replies []string
}

func (f *fakeRecorder) LogEvent(_ context.Context, ev tikcraft.Event) {
	f.events = append(f.events, ev)
}
func (f *fakeRecorder) LogDelivery(_ context.Context, d deliver.Delivery) {
	f.items, f.errs, f.replies = append(f.items, d.Item), append(f.errs, d.Err), append(f.replies, d.Reply.Text)
}

// Load teaches the secrets to the set, and the event log never gets them,
// whether a viewer typed one or a server echoed it.
func TestSecretsNeverReachTheEventLog(t *testing.T) {
	const pw = "pw-Rcon-Secret-9"
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "tikcraft.yaml")
	os.WriteFile(cfgPath, []byte("actions: "+filepath.Join(dir, "a.mca")+"\nrcon:\n  password: "+pw+"\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "a.mca"), []byte("follow:/say hi\n"), 0o600)
	secrets := redact.New()
	if _, err := Load(Options{ConfigPath: cfgPath, Secrets: secrets}, false); err != nil {
		t.Fatal(err)
	}
	if got := secrets.String("x " + pw); strings.Contains(got, pw) {
		t.Fatalf("Load did not register the RCON password: %q", got)
	}
	var f fakeRecorder
	rec := maskRecorder(&f, secrets)
	chat := &tikcraft.ChatEvent{User: tikcraft.User{Nickname: pw}, Text: "the password is " + pw}
	rec.LogEvent(context.Background(), chat)
	rec.LogDelivery(context.Background(), deliver.Delivery{Item: queue.Item{Action: tikcraft.Action{Command: "say " + pw}}, Err: errors.New("server said " + pw), Reply: tikcraft.Reply{Text: "echo " + pw}})
	got := f.events[0].(*tikcraft.ChatEvent)
	if strings.Contains(got.Text+got.User.Nickname+f.items[0].Action.Command+f.errs[0].Error()+f.replies[0], pw) {
		t.Fatalf("a secret reached the event log: %+v %+v %v", got, f.items[0], f.errs[0])
	}
	if chat.Text != "the password is "+pw {
		t.Fatal("the event the engine sees must not change")
	}
	if maskRecorder(nil, secrets) != nil {
		t.Fatal("no recorder must stay no recorder")
	}
}

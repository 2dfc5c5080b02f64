package app

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tikcraft/tikcraft/rcon/rcontest"
	"github.com/tikcraft/tikcraft/redact"
	"github.com/tikcraft/tikcraft/store"
)

// TestSecretsNeverReachTheEventLog: Load teaches the secrets to the set,
// and the event log in data_dir never holds them, whether a viewer typed
// one, a rule put one in a command or Minecraft echoed it.
func TestSecretsNeverReachTheEventLog(t *testing.T) {
	t.Parallel()
	srv := rcontest.Start(t, testPassword, rcontest.Reply(func(cmd string) string { return "echo " + cmd }))
	p := newProject(t, srv.Addr(), "data_dir: data\n", "follow:/say {nickname}\n",
		`{"type":"chat","msg_id":"1","user":{"unique_id":"anna"},"text":"the password is `+testPassword+`"}`,
		`{"type":"follow","msg_id":"2","user":{"unique_id":"bob","nickname":"`+testPassword+`"}}`)
	p.opts.Secrets = redact.New()
	if err := Replay(context.Background(), p.opts); err != nil {
		t.Fatalf("%v\n%s", err, p.stderr)
	}
	if got := srv.Commands(); len(got) != 1 || !strings.Contains(got[0], testPassword) {
		t.Fatalf("Minecraft got %q; the rule's command itself is not masked", got)
	}
	// Every row of the event log, as text.
	db, err := sql.Open("sqlite", filepath.Join(p.dir, "data", store.FileName)+"?_pragma=query_only(1)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows := 0
	for _, table := range []string{"events", "deliveries"} {
		r, err := db.Query("SELECT * FROM " + table)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := r.Columns()
		for r.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := r.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			rows++
			for i, v := range vals {
				if b, ok := v.([]byte); ok {
					vals[i] = string(b)
				}
			}
			if row := fmt.Sprint(vals...); strings.Contains(row, testPassword) {
				t.Errorf("%s row holds the RCON password: %s", table, row)
			}
		}
		r.Close()
	}
	if rows < 3 { // two events and a delivery at least
		t.Fatalf("the event log has %d rows", rows)
	}
}

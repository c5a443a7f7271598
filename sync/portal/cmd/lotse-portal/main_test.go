package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lotse/sync/client"
	"lotse/sync/identity"
	"lotse/sync/outbox"
	"lotse/sync/portal"
	"lotse/sync/portal/instance"
	"lotse/sync/portal/store"
	"lotse/sync/portal/store/postgres/pgtest"
	"lotse/sync/sqlitedb"
	"lotse/sync/wire"
)

func TestStaffCommands(t *testing.T) {
	data := t.TempDir()
	var out, errb bytes.Buffer
	if code := run([]string{"enroll-code", "--data", data}, &out, &errb); code != 0 {
		t.Fatalf("enroll-code: %d %s", code, errb.String())
	}
	enrollCode := strings.TrimSpace(out.String())

	// A kiosk enrols with that code and submits through a portal on the
	// same data folder.
	p, err := instance.Open(data, instance.Config{KeyBits: 2048})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(p.Handler())
	db, _ := sqlitedb.Open(filepath.Join(t.TempDir(), "kiosk.db"))
	defer db.Close()
	ctx := context.Background()
	if _, err := client.Enroll(ctx, db, srv.URL, enrollCode, "Kiosk 1", client.Options{}); err != nil {
		t.Fatal(err)
	}
	ob, _ := outbox.Open(ctx, db)
	c, _ := client.New(ctx, db, ob, client.Options{})
	code, err := ob.Submit(ctx, c.Identity(), "sperrmuell", map[string]string{"name": "Erika Mustermann"}, false)
	if err != nil {
		t.Fatal(err)
	}
	ob.Submit(ctx, c.Identity(), "selftest", map[string]string{"probe": "1"}, true)
	if _, err := c.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	srv.Close()
	p.Close()

	out.Reset()
	dir := filepath.Join(t.TempDir(), "export")
	if code := run([]string{"export", "--data", data, "--since", time.Now().Add(-time.Hour).Format(time.RFC3339), "--out", dir}, &out, &errb); code != 0 {
		t.Fatalf("export: %s", errb.String())
	}
	if !strings.HasPrefix(out.String(), "1 submissions") {
		t.Errorf("export: %q (the test submission must not be exported)", out.String())
	}
	b, err := os.ReadFile(filepath.Join(dir, code+".json"))
	if err != nil || !strings.Contains(string(b), "Erika Mustermann") {
		t.Fatalf("exported file: %v %s", err, b)
	}
	if fi, _ := os.Stat(filepath.Join(dir, code+".json")); fi.Mode().Perm() != 0o600 {
		t.Errorf("export readable by others: %v", fi.Mode())
	}

	if code := run([]string{"decide", code, "reject", "--reason", "Bitte persönlich vorsprechen", "--data", data}, &out, &errb); code != 0 {
		t.Fatalf("decide: %s", errb.String())
	}
	out.Reset()
	run([]string{"stats", "--data", data}, &out, &errb)
	var st map[string]int
	json.Unmarshal(out.Bytes(), &st)
	if st["envelopes"] != 2 || st["rejected"] != 1 || st["kiosks"] != 1 {
		t.Errorf("stats %s", out.String())
	}
	if code := run([]string{"revoke", "1", "--data", data}, &out, &errb); code != 0 {
		t.Fatalf("revoke: %s", errb.String())
	}
	out.Reset()
	run([]string{"stats", "--data", data}, &out, &errb)
	json.Unmarshal(out.Bytes(), &st)
	if st["kiosks"] != 0 {
		t.Errorf("revoked kiosk still counted: %s", out.String())
	}
	if code := run([]string{"decide", "LT-2222-2222", "maybe", "--data", data}, &out, &errb); code != 2 {
		t.Errorf("decide maybe: exit %d", code)
	}
}

// TestCodesForASite: staff setting up a library's kiosks print their
// codes at once; each kiosk that enrols with one joins the library's site
// (and so gets the library's profile), the others stay out of it.
func TestCodesForASite(t *testing.T) {
	data := t.TempDir()
	var out, errb bytes.Buffer
	if code := run([]string{"enroll-code", "--count", "3", "--site", "Stadtbücherei", "--data", data}, &out, &errb); code != 0 {
		t.Fatalf("enroll-code: %d %s", code, errb.String())
	}
	codes := strings.Fields(out.String())
	if len(codes) != 3 || codes[0] == codes[1] || codes[1] == codes[2] {
		t.Fatalf("codes %q", codes)
	}
	out.Reset()
	run([]string{"enroll-code", "--data", data}, &out, &errb)
	plain := strings.TrimSpace(out.String())
	if code := run([]string{"enroll-code", "--count", "0", "--data", data}, &out, &errb); code == 0 {
		t.Error("--count 0 accepted")
	}

	p, err := instance.Open(data, instance.Config{KeyBits: 2048})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	srv := httptest.NewServer(p.Handler())
	defer srv.Close()
	ctx := context.Background()
	for i, c := range []string{codes[2], plain} {
		db, _ := sqlitedb.Open(filepath.Join(t.TempDir(), "kiosk.db"))
		defer db.Close()
		if _, err := client.Enroll(ctx, db, srv.URL, c, fmt.Sprintf("Kiosk %d", i+1), client.Options{}); err != nil {
			t.Fatal(err)
		}
	}
	list, err := p.Fleet().Kiosks(ctx, time.Now())
	if err != nil || len(list) != 2 {
		t.Fatalf("kiosks %v %v", list, err)
	}
	if list[0].Site != "Stadtbücherei" || list[1].Site != "" {
		t.Errorf("sites: %q and %q", list[0].Site, list[1].Site)
	}
}

// Attack: a kiosk reports a version with terminal escapes and a newline,
// to forge a row in `lotse-portal kiosks`. The table shows them escaped.
func TestKiosksTableEscapesWhatKiosksReport(t *testing.T) {
	var out bytes.Buffer
	printKiosks(&out, []portal.KioskInfo{{ID: 1, Name: "Rathaus", Status: wire.Heartbeat{Version: "1.0\x1b[2J\n2  Fake  -  ok"},
		Alarms: []string{"profile refused: bad\rline"}}})
	text := out.String()
	if strings.ContainsAny(text, "\x1b\r") || strings.Count(text, "\n") != 2 || !strings.Contains(text, `1.0\x1b[2J\n2  Fake`) {
		t.Errorf("table:\n%q", text)
	}
}

func TestEnrollCodeValidity(t *testing.T) {
	for _, v := range []string{"87600h", "-1h", "0s"} {
		var out, errb bytes.Buffer
		if code := run([]string{"enroll-code", "--valid", v, "--data", t.TempDir()}, &out, &errb); code == 0 || !strings.Contains(errb.String(), "7 days") {
			t.Errorf("--valid %s: exit %d, %s", v, code, errb.String())
		}
	}
}

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// A town outgrows SQLite: migrate-store copies the whole portal into an
// empty PostgreSQL database; the portal then runs there and the kiosk,
// not enrolled again, sends and learns decisions as before.
func TestMigrateStoreMovesAPortalWithoutReEnrolling(t *testing.T) {
	data := t.TempDir()
	ctx := context.Background()
	p, err := instance.Open(data, instance.Config{KeyBits: 2048})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(p.Handler())
	db, _ := sqlitedb.Open(filepath.Join(t.TempDir(), "kiosk.db"))
	defer db.Close()
	code, _ := p.Enrolment().EnrollCode(ctx, time.Hour)
	if _, err := client.Enroll(ctx, db, srv.URL, code, "Kiosk 1", client.Options{}); err != nil {
		t.Fatal(err)
	}
	ob, _ := outbox.Open(ctx, db)
	c, _ := client.New(ctx, db, ob, client.Options{})
	first, _ := ob.Submit(ctx, c.Identity(), "sperrmuell", map[string]string{"name": "Erika Mustermann"}, false)
	if _, err := c.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	srv.Close()
	p.Close()

	dsn := pgtest.DSN(t)
	var out, errb bytes.Buffer
	if code := run([]string{"migrate-store", "--data", data, "--to", dsn}, &out, &errb); code != 0 {
		t.Fatalf("migrate-store: %d %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "counts match") || !strings.Contains(out.String(), "envelopes      1 rows") {
		t.Errorf("migrate-store said:\n%s", out.String())
	}
	// Into a database that is not empty any more: refused.
	if code := run([]string{"migrate-store", "--data", data, "--to", dsn}, &out, &errb); code == 0 || !strings.Contains(errb.String(), "not empty") {
		t.Errorf("a second copy: %d %s", code, errb.String())
	}

	pg, err := instance.Open(data, instance.Config{KeyBits: 2048, Database: dsn})
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	srv = httptest.NewServer(pg.Handler())
	defer srv.Close()
	if err := identity.MovePortal(ctx, db, srv.URL); err != nil {
		t.Fatal(err)
	}
	c, _ = client.New(ctx, db, ob, client.Options{})
	second, _ := ob.Submit(ctx, c.Identity(), "mangel", map[string]string{"wo": "Markt 3"}, false)
	if _, err := c.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if pg.Cases().CountCode(ctx, first) != 1 || pg.Cases().CountCode(ctx, second) != 1 {
		t.Errorf("on PostgreSQL: first %d, second %d", pg.Cases().CountCode(ctx, first), pg.Cases().CountCode(ctx, second))
	}
	if err := pg.Cases().Decide(ctx, first, "accepted", ""); err != nil {
		t.Fatal(err)
	}
	if n, err := c.PullChanges(ctx); err != nil || n != 1 {
		t.Errorf("changes after the move: %d %v", n, err)
	}
}

func TestEveryCommandHasHelp(t *testing.T) {
	for name := range commands {
		var out, errb bytes.Buffer
		if code := run([]string{name, "--help"}, &out, &errb); code != 0 || !strings.Contains(errb.String(), "usage: lotse-portal "+name) {
			t.Errorf("%s --help: %d %q", name, code, errb.String())
		}
	}
}

// The clerk's page on the command line: call prints the number, exit 3
// when nobody waits; an unknown counter of a site with counters is
// refused; status as JSON.
func TestQueueCommands(t *testing.T) {
	data := t.TempDir()
	p, err := instance.Open(data, instance.Config{KeyBits: 2048})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	p.Queue().Draw(ctx, "Rathaus", "A", "de", 1, "k1")
	p.Close()
	var out, errb bytes.Buffer
	cmd := func(args ...string) int {
		out.Reset()
		errb.Reset()
		return run(append(args, "--data", data), &out, &errb)
	}
	if code := cmd("queue", "counters", "--site", "Rathaus", "Schalter 1=A,B", "--block-size", "300"); code != 0 ||
		!strings.Contains(out.String(), "Schalter 1=A,B") || !strings.Contains(out.String(), "300 numbers a day") {
		t.Fatalf("counters: %d %s %s", code, out.String(), errb.String())
	}
	if code := cmd("queue", "call", "--site", "Rathaus", "--counter", "Schalter 9"); code != 1 || !strings.Contains(errb.String(), "no such counter at this site") {
		t.Errorf("an unknown counter: %d %s", code, errb.String())
	}
	if code := cmd("queue", "call", "--site", "Rathaus", "--counter", "Schalter 1"); code != 0 || strings.TrimSpace(out.String()) != "A001" {
		t.Errorf("call: %d %q", code, out.String())
	}
	if code := cmd("queue", "done", "--site", "Rathaus", "--counter", "Schalter 1"); code != 0 || !strings.Contains(out.String(), "A001 done") {
		t.Errorf("done: %d %q", code, out.String())
	}
	if code := cmd("queue", "call", "--site", "Rathaus", "--counter", "Schalter 1"); code != 3 {
		t.Errorf("nobody waits: exit %d", code)
	}
	if code := cmd("queue", "status", "--site", "Rathaus", "--json"); code != 0 || !strings.Contains(out.String(), `"site":"Rathaus"`) {
		t.Errorf("status: %d %s", code, out.String())
	}
	// What the command line did to the queue and the fleet is in the audit
	// log, as what staff do on the pages.
	cmd("enroll-code", "--site", "Rathaus", "--count", "2")
	if code := cmd("audit", "--json"); code != 0 {
		t.Fatalf("audit: %s", errb.String())
	}
	for _, want := range []string{`"Action":"queue_call","Subject":"A001 site=Rathaus counter=Schalter 1"`, `"Action":"queue_done"`,
		`"Action":"enrolment_codes_made","Subject":"2 site=Rathaus"`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the audit log lacks %s:\n%s", want, out.String())
		}
	}
}

// A 10 MB sign-in name stored before names were checked made `audit` run
// 555 s and print 1.73 GB for 192 rows. Its columns are bounded now.
func TestAuditShowsBoundedColumns(t *testing.T) {
	data := t.TempDir()
	p, err := instance.Open(data, instance.Config{KeyBits: 2048})
	if err != nil {
		t.Fatal(err)
	}
	huge := strings.Repeat("x\u202e", 2<<20)
	for range 5 {
		p.Store().Audit(context.Background(), store.AuditEntry{At: time.Now(), User: huge, Action: "signin_failed", Subject: huge, Addr: "192.0.2.1"})
	}
	p.Close()
	for _, args := range [][]string{{"audit"}, {"audit", "--json"}} {
		var out, errb bytes.Buffer
		if code := run(append(args, "--data", data), &out, &errb); code != 0 {
			t.Fatalf("%v: %s", args, errb.String())
		}
		if out.Len() > 5*1024 || strings.Contains(out.String(), "\u202e") {
			t.Errorf("%v printed %d bytes for 5 rows", args, out.Len())
		}
	}
}

// The booking file on the command line: set (checked, with the key named
// when wrong), show, and a day's appointments without names.
func TestBookingCommands(t *testing.T) {
	data := t.TempDir()
	var out, errb bytes.Buffer
	cmd := func(args ...string) int {
		out.Reset()
		errb.Reset()
		return run(append(args, "--data", data), &out, &errb)
	}
	example := filepath.Join("..", "..", "..", "..", "assets", "booking", "buergerbuero.toml")
	if code := cmd("booking", "set", "--site", "Rathaus", example); code != 0 || !strings.Contains(out.String(), "offers 2 bookable services") {
		t.Fatalf("set: %d %s %s", code, out.String(), errb.String())
	}
	bad := filepath.Join(t.TempDir(), "bad.toml")
	os.WriteFile(bad, []byte("[[service]]\nid = \"pass\"\ntitle = \"Pass\"\nminutes = 0\ncounters = 1\nprefix = \"P\"\nhours = [\"Mo 8:00-9:00\"]\n"), 0o600)
	if code := cmd("booking", "set", "--site", "Rathaus", bad); code != 1 || !strings.Contains(errb.String(), "service[1].minutes") {
		t.Errorf("a bad file: %d %s", code, errb.String())
	}
	if code := cmd("booking", "show", "--site", "Rathaus"); code != 0 || !strings.Contains(out.String(), `id = "ausweis"`) {
		t.Errorf("show (the good file stays): %d %s", code, out.String())
	}
	if code := cmd("booking", "day", "--site", "Rathaus", "--date", "2026-12-08"); code != 0 || out.Len() != 0 {
		t.Errorf("an empty day: %d %q %s", code, out.String(), errb.String())
	}
}

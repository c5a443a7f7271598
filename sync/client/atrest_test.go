package client_test

import (
	"bytes"
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"lotse/sync/client"
	"lotse/sync/identity"
	"lotse/sync/portal/instance"
	"lotse/sync/sqlitedb"
)

// Attack: a copy of kiosk.db (0644 before) carried the kiosk's bearer
// token in clear. Now the token sits in its own 0600 file, the database
// is 0600 too, and a database from an older release gives its token up
// at the first start.
func TestTheTokenIsNotInTheDatabase(t *testing.T) {
	p, err := instance.Open(t.TempDir(), instance.Config{KeyBits: 2048})
	if err != nil {
		t.Fatal(err)
	}
	srv := newLoopback(t, p)
	dir := t.TempDir()
	path := filepath.Join(dir, "kiosk.db")
	db, err := sqlitedb.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	code, _ := p.Enrolment().EnrollCode(ctx, time.Hour)
	id, err := client.Enroll(ctx, db, srv, code, "k", client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
	for _, f := range []string{path, path + "-wal"} {
		if b, _ := os.ReadFile(f); bytes.Contains(b, []byte(id.Token)) {
			t.Errorf("%s holds the token", f)
		}
	}
	for _, f := range []string{path, filepath.Join(dir, "kiosk.token")} {
		if fi, err := os.Stat(f); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v %v", f, fi, err)
		}
	}
	if again, err := identity.Load(ctx, db); err != nil || again.Token != id.Token {
		t.Fatalf("loaded %v %v", again.Token != "", err)
	}
	// An older release's database: the token in its column, no file.
	db.Exec(`UPDATE kiosk_identity SET token = ?`, id.Token)
	os.Remove(filepath.Join(dir, "kiosk.token"))
	db.Close()
	os.Chmod(path, 0o644)
	db, _ = sqlitedb.Open(path)
	defer db.Close()
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("reopened database mode %v", fi.Mode().Perm())
	}
	if again, err := identity.Load(ctx, db); err != nil || again.Token != id.Token {
		t.Fatalf("after the upgrade: %v", err)
	}
	var left string
	db.QueryRow(`SELECT token FROM kiosk_identity`).Scan(&left)
	if left != "" {
		t.Error("the token stayed in the database")
	}
	if b, err := os.ReadFile(filepath.Join(dir, "kiosk.token")); err != nil || !bytes.Contains(b, []byte(id.Token)) {
		t.Errorf("token file: %v", err)
	}
}

func newLoopback(t *testing.T, p *instance.Instance) string {
	t.Helper()
	srv := httptest.NewServer(p.Handler())
	t.Cleanup(func() { srv.Close(); p.Close() })
	return srv.URL
}

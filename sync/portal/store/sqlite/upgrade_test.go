package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"lotse/sync/portal/store/sqlite"
	"lotse/sync/portal/store/sqlstore"
	"lotse/sync/sqlitedb"
)

// A portal.db of the first release (schema versions per package:
// "portal" 1, "portal-fleet" 2) upgrades in place: its kiosks, envelopes
// and profiles are there afterwards, and new columns work.
func TestAFirstReleaseDatabaseUpgradesInPlace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "portal.db")
	db, err := sqlitedb.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"0001_kiosks_envelopes.sql", "0002_fleet.sql", "0003_enroll_code_site.sql"} {
		b, err := os.ReadFile(filepath.Join("migrations", f))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(string(b)); err != nil {
			t.Fatal(err)
		}
	}
	for _, stmt := range []string{
		`INSERT INTO schema_versions (owner, version) VALUES ('portal', 1), ('portal-fleet', 2)`,
		`INSERT INTO kiosks (id, name, token_hash, enrolled_at) VALUES (1, 'Rathaus', 'tokenhash', '2026-11-01T08:00:00Z')`,
		`INSERT INTO envelopes (kiosk_id, id, code, service, created_at, received_at, test, size, jwe, state)
			VALUES (1, 'e1', 'LT-2222-2222', 'mangel', '2026-11-01T08:00:00Z', '2026-11-01T08:00:01Z', 0, 3, 'abcdef', 'received')`,
		`INSERT INTO profiles (site, published_at, sha256, bundle) VALUES ('', '2026-11-01T08:00:00Z', 'x', x'00')`,
	} {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	ctx := context.Background()
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("upgrade: %v", err)
	}
	defer s.Close()
	if id, err := s.Authenticate(ctx, "tokenhash"); err != nil || id != 1 {
		t.Errorf("the old kiosk: %d %v", id, err)
	}
	if st, _ := s.CaseState(ctx, "LT-2222-2222"); st != "received" {
		t.Errorf("the old case: %q", st)
	}
	if v, _, _ := s.ProfileFor(ctx, 1); v != 1 {
		t.Errorf("the old profile: %d", v)
	}
	if k, err := s.SiteKey(ctx, "", make([]byte, 32)); err != nil || len(k) != 32 {
		t.Errorf("a table of this release: %v", err)
	}
	// stored_bytes was filled from what is stored.
	if err := s.Decide(ctx, "LT-2222-2222", "accepted", ""); err != nil {
		t.Fatal(err)
	}
}

// A migration that fails half-way leaves the schema at the version
// before it: its first statement is undone with it.
func TestAFailedMigrationLeavesThePreviousVersion(t *testing.T) {
	ctx := context.Background()
	db, err := sqlitedb.Open(filepath.Join(t.TempDir(), "portal.db"))
	if err != nil {
		t.Fatal(err)
	}
	c := sqlite.Conn{DB: db}
	defer c.Close()
	migs := fstest.MapFS{
		"0001_a.sql": {Data: []byte(`CREATE TABLE a (x INTEGER);`)},
		"0002_b.sql": {Data: []byte(`CREATE TABLE b (x INTEGER); INSERT INTO nowhere VALUES (1);`)},
	}
	if err := sqlstore.Migrate(ctx, c, sqlite.Dialect, migs); err == nil {
		t.Fatal("a broken migration passed")
	}
	if v, _ := sqlstore.Version(ctx, c, sqlite.Dialect); v != 1 {
		t.Errorf("version %d, want 1", v)
	}
	var n int
	db.QueryRow(`SELECT COUNT(*) FROM sqlite_master WHERE name = 'b'`).Scan(&n)
	if n != 0 {
		t.Error("half of migration 2 stayed")
	}
}

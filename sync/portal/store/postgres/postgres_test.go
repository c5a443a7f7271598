package postgres_test

import (
	"context"
	"net/url"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"lotse/sync/portal/store"
	"lotse/sync/portal/store/postgres"
	"lotse/sync/portal/store/postgres/pgtest"
	"lotse/sync/portal/store/sqlstore"
	"lotse/sync/portal/store/storetest"

	"github.com/jackc/pgx/v5/pgxpool"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := postgres.Open(context.Background(), pgtest.DSN(t), 10)
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

// A migration that fails half-way leaves the schema at the version
// before it.
func TestAFailedMigrationLeavesThePreviousVersion(t *testing.T) {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, pgtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	c := postgres.Conn{Pool: pool}
	defer c.Close()
	migs := fstest.MapFS{
		"0001_a.sql": {Data: []byte(`CREATE TABLE a (x INTEGER);`)},
		"0002_b.sql": {Data: []byte(`CREATE TABLE b (x INTEGER); INSERT INTO nowhere VALUES (1);`)},
	}
	if err := sqlstore.Migrate(ctx, c, postgres.Dialect, migs); err == nil {
		t.Fatal("a broken migration passed")
	}
	if v, _ := sqlstore.Version(ctx, c, postgres.Dialect); v != 1 {
		t.Errorf("version %d, want 1", v)
	}
	var n int
	pool.QueryRow(ctx, `SELECT COUNT(*) FROM pg_tables WHERE tablename = 'b'`).Scan(&n)
	if n != 0 {
		t.Error("half of migration 2 stayed")
	}
}

// A wrong database URL: one line naming host and what failed, never the
// password.
func TestAWrongDatabaseSaysWhat(t *testing.T) {
	ctx := context.Background()
	good := pgtest.DSN(t)
	u, _ := url.Parse(good)
	for name, dsn := range map[string]string{
		"no database": strings.Replace(good, u.Path, "/nosuchdb", 1),
		"refused":     "postgres://lotse:Geheim123@127.0.0.1:1/x?sslmode=disable",
	} {
		_, err := postgres.Open(ctx, dsn, 2)
		if err == nil || !strings.Contains(err.Error(), "127.0.0.1") || strings.Contains(err.Error(), "Geheim123") ||
			!strings.Contains(err.Error(), map[string]string{"no database": "no such database", "refused": "refused"}[name]) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// Package instance opens a portal the way lotse-portal runs it: its store
// (SQLite in the data folder, or PostgreSQL), its keys from the data
// folder, the residents' pages behind the QR codes, and its background
// loops running until Close. Tests open theirs
// the same way. The demo, which has no use for PostgreSQL, wires SQLite
// by hand (app/demo) and so links no PostgreSQL driver.
package instance

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"lotse/sync/portal"
	"lotse/sync/portal/store"
	"lotse/sync/portal/store/postgres"
	"lotse/sync/portal/store/sqlite"
	"lotse/sync/portal/web/public"
)

// Config is where a portal keeps its state, and how it behaves.
type Config struct {
	portal.Options
	// Database is "" for SQLite in the data folder, or a postgres:// URL;
	// PoolSize bounds its connections (0: the driver's default).
	Database string
	PoolSize int
	// KeyBits is the size of the RSA key made on first start (3072 when
	// 0; tests use 2048 for speed).
	KeyBits int
}

// Instance is a running portal over its store.
type Instance struct {
	*portal.Server
	stop context.CancelFunc
	done chan error
	st   store.Store
}

// Open opens the store and keys of the portal in dataDir and runs it.
func Open(dataDir string, cfg Config) (*Instance, error) {
	keys, err := portal.LoadKeys(dataDir, cfg.KeyBits)
	if err != nil {
		return nil, err
	}
	st, err := OpenStore(context.Background(), dataDir, cfg.Database, cfg.PoolSize)
	if err != nil {
		return nil, err
	}
	s, err := portal.New(st, keys, dataDir, cfg.Options)
	if err != nil {
		st.Close()
		return nil, err
	}
	pub, err := public.New(s)
	if err != nil {
		st.Close()
		return nil, err
	}
	s.Public = pub.Handler()
	ctx, stop := context.WithCancel(context.Background())
	i := &Instance{Server: s, stop: stop, done: make(chan error, 1), st: st}
	go func() { i.done <- s.Run(ctx) }()
	return i, nil
}

// Close stops the portal's loops and closes its store. A request still
// running gets a 503 and the kiosk sends its batch again later.
func (i *Instance) Close() error {
	i.stop()
	err := <-i.done
	if cerr := i.st.Close(); err == nil {
		err = cerr
	}
	return err
}

// OpenStore opens a portal's database: database "" is SQLite in
// dataDir/portal.db, a postgres:// URL is PostgreSQL (poolSize
// connections at most; 0 for pgx's default).
func OpenStore(ctx context.Context, dataDir, database string, poolSize int) (store.Store, error) {
	switch {
	case database == "":
		return sqlite.Open(ctx, filepath.Join(dataDir, "portal.db"))
	case strings.HasPrefix(database, "postgres://"), strings.HasPrefix(database, "postgresql://"):
		return postgres.Open(ctx, database, poolSize)
	}
	return nil, fmt.Errorf("database %q: want empty (SQLite in the data folder) or a postgres:// URL", postgres.Redact(database))
}

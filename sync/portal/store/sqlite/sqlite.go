// Package sqlite is the portal's store in one SQLite file: the embedded
// default for a town with a few kiosks. It opens the file with WAL,
// synchronous=FULL and BEGIN IMMEDIATE (sync/sqlitedb) and applies the
// migrations in migrations/. A portal.db from the first release, which
// kept its schema versions per package, upgrades in place.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"

	"lotse/sync/portal/store/sqlstore"
	"lotse/sync/sqlitedb"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Dialect is SQLite's: ? placeholders; one writer at a time, so an
// idempotency key in flight elsewhere is simply finished before.
var Dialect = sqlstore.Dialect{Name: "sqlite", OneWriter: true}

// Open opens (creating if needed) the portal's SQLite file at path.
func Open(ctx context.Context, path string) (*sqlstore.Store, error) {
	db, err := sqlitedb.Open(path)
	if err != nil {
		return nil, err
	}
	c := Conn{db}
	if err := upgradeLegacy(ctx, db, c); err != nil {
		db.Close()
		return nil, err
	}
	if err := Migrate(ctx, c); err != nil {
		db.Close()
		return nil, err
	}
	return sqlstore.New(c, Dialect), nil
}

// Migrate applies this package's migrations to c.
func Migrate(ctx context.Context, c sqlstore.Conn) error {
	sub, _ := fs.Sub(migrations, "migrations")
	return sqlstore.Migrate(ctx, c, Dialect, sub)
}

// upgradeLegacy maps the first release's schema versions (per package in
// schema_versions: "portal" 1, "portal-fleet" 2) onto this package's
// migrations, which begin with the same statements.
func upgradeLegacy(ctx context.Context, db *sql.DB, c sqlstore.Conn) error {
	var have int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE name = 'portal_schema'`).Scan(&have); err != nil {
		return err
	}
	if have > 0 {
		return nil
	}
	versions := map[string]int{}
	rows, err := db.QueryContext(ctx, `SELECT owner, version FROM schema_versions WHERE owner IN ('portal', 'portal-fleet')`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var owner string
		var v int
		if err := rows.Scan(&owner, &v); err != nil {
			rows.Close()
			return err
		}
		versions[owner] = v
	}
	rows.Close()
	if len(versions) == 0 {
		return nil // a new file
	}
	if versions["portal"] != 1 || versions["portal-fleet"] != 2 {
		return fmt.Errorf("portal database: unknown schema (portal %d, fleet %d): cannot upgrade", versions["portal"], versions["portal-fleet"])
	}
	if _, err := db.ExecContext(ctx, `CREATE TABLE portal_schema (version INTEGER NOT NULL)`); err != nil {
		return err
	}
	return sqlstore.SetVersion(ctx, c, Dialect, 3)
}

// Conn adapts database/sql to sqlstore.
type Conn struct{ DB *sql.DB }

func (c Conn) Exec(ctx context.Context, q string, args ...any) (int64, error) {
	return querier{c.DB}.Exec(ctx, q, args...)
}

func (c Conn) QueryRow(ctx context.Context, q string, args ...any) sqlstore.Row {
	return querier{c.DB}.QueryRow(ctx, q, args...)
}

func (c Conn) Query(ctx context.Context, q string, args ...any) (sqlstore.Rows, error) {
	return querier{c.DB}.Query(ctx, q, args...)
}

func (c Conn) Begin(ctx context.Context) (sqlstore.Tx, error) {
	tx, err := c.DB.BeginTx(ctx, nil)
	return txn{querier{tx}, tx}, err
}

func (c Conn) Close() { c.DB.Close() }

// sqlQuerier is what *sql.DB and *sql.Tx have alike.
type sqlQuerier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// querier adapts a database or a transaction to sqlstore.Querier.
type querier struct{ q sqlQuerier }

func (x querier) Exec(ctx context.Context, q string, args ...any) (int64, error) {
	res, err := x.q.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (x querier) QueryRow(ctx context.Context, q string, args ...any) sqlstore.Row {
	return row{x.q.QueryRowContext(ctx, q, args...)}
}

func (x querier) Query(ctx context.Context, q string, args ...any) (sqlstore.Rows, error) {
	r, err := x.q.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return rows{r}, nil
}

type txn struct {
	querier
	tx *sql.Tx
}

func (t txn) Commit(context.Context) error   { return t.tx.Commit() }
func (t txn) Rollback(context.Context) error { return t.tx.Rollback() }

type row struct{ r *sql.Row }

func (r row) Scan(dest ...any) error {
	err := r.r.Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return sqlstore.ErrNoRows
	}
	return err
}

type rows struct{ *sql.Rows }

func (r rows) Close() { r.Rows.Close() }

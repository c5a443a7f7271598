package sqlstore

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// Migrate applies the .sql files in migrations (NNNN_what.sql, in order)
// that the database has not seen yet, each in its own transaction with
// the version bump, so a migration failing half-way leaves the schema at
// the version before it.
func Migrate(ctx context.Context, c Conn, d Dialect, migrations fs.FS) error {
	files, err := fs.Glob(migrations, "*.sql")
	if err != nil {
		return err
	}
	sort.Strings(files)
	for i, f := range files {
		if n, err := strconv.Atoi(strings.SplitN(path.Base(f), "_", 2)[0]); err != nil || n != i+1 {
			return fmt.Errorf("migration %s: want number %04d", f, i+1)
		}
	}
	x := q{c, d}
	if _, err := x.Exec(ctx, `CREATE TABLE IF NOT EXISTS portal_schema (version INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for {
		done, err := migrateOne(ctx, c, d, migrations, files)
		if err != nil || done {
			return err
		}
	}
}

// migrateOne applies the next migration; done when there is none.
func migrateOne(ctx context.Context, c Conn, d Dialect, migrations fs.FS, files []string) (bool, error) {
	tx, err := c.Begin(ctx)
	if err != nil {
		return false, fmt.Errorf("migrate: %w", err)
	}
	defer tx.Rollback(ctx)
	x := q{tx, d}
	if d.LockMigrations != "" {
		if _, err := x.Exec(ctx, d.LockMigrations); err != nil {
			return false, fmt.Errorf("migrate: %w", err)
		}
	}
	v, err := version(ctx, x)
	if err != nil {
		return false, err
	}
	if v > len(files) {
		return false, fmt.Errorf("migrate: the database is at schema version %d, newer than this program (%d): upgrade lotse-portal", v, len(files))
	}
	if v == len(files) {
		return true, nil
	}
	body, err := fs.ReadFile(migrations, files[v])
	if err != nil {
		return false, err
	}
	if _, err := tx.Exec(ctx, string(body)); err != nil {
		return false, fmt.Errorf("migration %s: %w", files[v], err)
	}
	if err := setVersion(ctx, x, v+1); err != nil {
		return false, err
	}
	if err := tx.Commit(ctx); err != nil {
		return false, fmt.Errorf("migration %s: %w", files[v], err)
	}
	return false, nil
}

func version(ctx context.Context, x Querier) (int, error) {
	var v int
	err := x.QueryRow(ctx, `SELECT version FROM portal_schema`).Scan(&v)
	if err == ErrNoRows {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("migrate: schema version: %w", err)
	}
	return v, nil
}

// SetVersion records the schema version (for an upgrade from a layout
// that kept it elsewhere).
func SetVersion(ctx context.Context, c Conn, d Dialect, v int) error {
	return setVersion(ctx, q{c, d}, v)
}

func setVersion(ctx context.Context, x Querier, v int) error {
	if _, err := x.Exec(ctx, `DELETE FROM portal_schema`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if _, err := x.Exec(ctx, `INSERT INTO portal_schema (version) VALUES (?)`, v); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// Version is the schema version the database is at.
func Version(ctx context.Context, c Conn, d Dialect) (int, error) {
	return version(ctx, q{c, d})
}

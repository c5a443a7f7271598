// Package sqlitedb opens the SQLite files of kiosk and portal with the
// settings durability needs, and migrates each owner's tables. One file
// holds the tables of several packages; each owns and migrates its own.
package sqlitedb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	_ "github.com/mattn/go-sqlite3"
)

// Open opens (creating if needed) the SQLite file at path with the
// settings the outbox and counters rely on: WAL so readers never block the
// writer, synchronous=FULL so a committed row survives a power cut, a busy
// timeout instead of instant "database is locked", and BEGIN IMMEDIATE for
// every transaction so two writers serialise up front instead of failing at
// commit.
func Open(path string) (*sql.DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("open database: create folder: %w", err)
	}
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_synchronous", "FULL")
	q.Set("_busy_timeout", "5000")
	q.Set("_txlock", "immediate")
	q.Set("_foreign_keys", "1")
	db, err := sql.Open("sqlite3", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	// Touch the file now, so an unwritable folder or a locked file shows
	// here and not at the first write.
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if _, err := db.Exec(`CREATE TABLE IF NOT EXISTS schema_versions (owner TEXT PRIMARY KEY, version INTEGER NOT NULL)`); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	// Readable by the program's user only, also a file made by an older
	// release or under a loose umask (it holds ciphertext, hashes, state).
	for _, f := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(f, 0o600); err != nil && !errors.Is(err, os.ErrNotExist) {
			db.Close()
			return nil, fmt.Errorf("open database %s: %w", path, err)
		}
	}
	return db, nil
}

// Path is the file db was opened on ("" for an in-memory database).
func Path(ctx context.Context, db *sql.DB) (string, error) {
	var seq int
	var name, file string
	if err := db.QueryRowContext(ctx, `PRAGMA database_list`).Scan(&seq, &name, &file); err != nil {
		return "", fmt.Errorf("database path: %w", err)
	}
	return file, nil
}

// Migrate brings owner's tables up to date. migrations[i] takes the schema
// from version i to i+1; each runs in its own transaction with the version
// bump, so a crash never leaves a half-applied step.
func Migrate(ctx context.Context, db *sql.DB, owner string, migrations []string) error {
	for {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("migrate %s: %w", owner, err)
		}
		var v int
		err = tx.QueryRowContext(ctx, `SELECT version FROM schema_versions WHERE owner = ?`, owner).Scan(&v)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			tx.Rollback()
			return fmt.Errorf("migrate %s: read version: %w", owner, err)
		}
		if v >= len(migrations) {
			return tx.Rollback()
		}
		if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
			tx.Rollback()
			return fmt.Errorf("migrate %s to version %d: %w", owner, v+1, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_versions (owner, version) VALUES (?, ?)
			ON CONFLICT(owner) DO UPDATE SET version = excluded.version`, owner, v+1); err != nil {
			tx.Rollback()
			return fmt.Errorf("migrate %s: write version: %w", owner, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migrate %s: commit: %w", owner, err)
		}
	}
}

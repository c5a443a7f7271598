package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Locks keeps the PIN lockout on disk: a restart (or pulling the plug)
// does not give a PIN guesser five fresh tries.
type Locks struct{ db *sql.DB }

// NewLocks returns the lockout state in db.
func NewLocks(db *sql.DB) *Locks { return &Locks{db: db} }

// Load returns the wrong tries in a row and the lock of kind.
func (l *Locks) Load(kind string) (int, time.Time, error) {
	var tries int
	var until string
	err := l.db.QueryRowContext(context.Background(), `SELECT tries, locked_until FROM access_locks WHERE kind = ?`, kind).Scan(&tries, &until)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, time.Time{}, nil
	}
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("PIN lockout: %w", err)
	}
	t, _ := time.Parse(time.RFC3339, until)
	return tries, t, nil
}

// Save stores the wrong tries in a row and the lock of kind.
func (l *Locks) Save(kind string, tries int, until time.Time) error {
	u := ""
	if !until.IsZero() {
		u = until.UTC().Format(time.RFC3339)
	}
	_, err := l.db.ExecContext(context.Background(), `INSERT INTO access_locks (kind, tries, locked_until) VALUES (?, ?, ?)
		ON CONFLICT (kind) DO UPDATE SET tries = excluded.tries, locked_until = excluded.locked_until`, kind, tries, u)
	if err != nil {
		return fmt.Errorf("PIN lockout: %w", err)
	}
	return nil
}

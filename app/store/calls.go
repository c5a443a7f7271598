package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Calls records residents' "Lotse rufen", so staff see them and the
// portal can be told.
type Calls struct {
	db  *sql.DB
	now func() time.Time
}

// NewCalls returns the guide-call log in db.
func NewCalls(db *sql.DB) *Calls { return &Calls{db: db, now: time.Now} }

// Call is one recorded call; Withdrawn is when the resident took it
// back (zero while open).
type Call struct {
	ID        int64
	At        time.Time
	Screen    string
	Sent      bool
	Withdrawn time.Time
}

// CallGuide records a call from the screen named where.
func (c *Calls) CallGuide(ctx context.Context, where string) error {
	_, err := c.db.ExecContext(ctx, `INSERT INTO guide_calls (called_at, screen) VALUES (?, ?)`,
		c.now().UTC().Format(time.RFC3339), where)
	if err != nil {
		return fmt.Errorf("record guide call: %w", err)
	}
	return nil
}

// WithdrawCall marks the last open call as taken back: the resident said
// "Doch nicht nötig".
func (c *Calls) WithdrawCall(ctx context.Context) error {
	_, err := c.db.ExecContext(ctx, `UPDATE guide_calls SET withdrawn_at = ?
		WHERE id = (SELECT MAX(id) FROM guide_calls) AND withdrawn_at = ''`, c.now().UTC().Format(time.RFC3339))
	if err != nil {
		return fmt.Errorf("withdraw guide call: %w", err)
	}
	return nil
}

// Since lists the calls made or withdrawn since t, oldest first.
func (c *Calls) Since(ctx context.Context, t time.Time) ([]Call, error) {
	since := t.UTC().Format(time.RFC3339)
	rows, err := c.db.QueryContext(ctx, `SELECT id, called_at, screen, sent, withdrawn_at FROM guide_calls
		WHERE called_at >= ? OR withdrawn_at >= ? ORDER BY id`, since, since)
	if err != nil {
		return nil, fmt.Errorf("guide calls: %w", err)
	}
	defer rows.Close()
	var calls []Call
	for rows.Next() {
		var x Call
		var at, withdrawn string
		if err := rows.Scan(&x.ID, &at, &x.Screen, &x.Sent, &withdrawn); err != nil {
			return nil, fmt.Errorf("guide calls: %w", err)
		}
		x.At, _ = time.Parse(time.RFC3339, at)
		x.Withdrawn, _ = time.Parse(time.RFC3339, withdrawn) // zero while open
		calls = append(calls, x)
	}
	return calls, rows.Err()
}

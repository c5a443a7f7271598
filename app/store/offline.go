package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// OfflineTickets are the waiting numbers the kiosk drew from its own
// block while the portal was out of reach, until the portal has them.
type OfflineTickets struct{ db *sql.DB }

// NewOfflineTickets uses the offline_tickets table of db.
func NewOfflineTickets(db *sql.DB) *OfflineTickets { return &OfflineTickets{db: db} }

// OfflineTicket is one such number.
type OfflineTicket struct {
	Key, Prefix, Label, Lang string
	DrawnAt                  time.Time
}

// Record keeps a number drawn offline.
func (o *OfflineTickets) Record(ctx context.Context, key, prefix, label, lang string, at time.Time) error {
	_, err := o.db.ExecContext(ctx, `INSERT INTO offline_tickets (key, prefix, label, lang, drawn_at) VALUES (?, ?, ?, ?, ?)`,
		key, prefix, label, lang, at.UTC().Format(time.RFC3339Nano))
	if err != nil {
		return fmt.Errorf("offline ticket: %w", err)
	}
	return nil
}

// Unreported lists the numbers the portal does not have yet, in the
// order drawn.
func (o *OfflineTickets) Unreported(ctx context.Context) ([]OfflineTicket, error) {
	rows, err := o.db.QueryContext(ctx, `SELECT key, prefix, label, lang, drawn_at FROM offline_tickets WHERE reported = 0 ORDER BY drawn_at`)
	if err != nil {
		return nil, fmt.Errorf("offline tickets: %w", err)
	}
	defer rows.Close()
	var out []OfflineTicket
	for rows.Next() {
		var t OfflineTicket
		var at string
		if err := rows.Scan(&t.Key, &t.Prefix, &t.Label, &t.Lang, &at); err != nil {
			return nil, err
		}
		t.DrawnAt, _ = time.Parse(time.RFC3339Nano, at)
		out = append(out, t)
	}
	return out, rows.Err()
}

// Reported marks a number as at the portal.
func (o *OfflineTickets) Reported(ctx context.Context, key string) error {
	_, err := o.db.ExecContext(ctx, `UPDATE offline_tickets SET reported = 1 WHERE key = ?`, key)
	return err
}

// Block is the block of waiting numbers the portal gave this kiosk and
// how many numbers it holds a day (0, 0: none yet).
func (o *OfflineTickets) Block(ctx context.Context) (block, size int, err error) {
	err = o.db.QueryRowContext(ctx, `SELECT block, size FROM queue_block WHERE id = 1`).Scan(&block, &size)
	if err == sql.ErrNoRows {
		return 0, 0, nil
	}
	return block, size, err
}

// SetBlock keeps the block the portal gave this kiosk.
func (o *OfflineTickets) SetBlock(ctx context.Context, block, size int) error {
	_, err := o.db.ExecContext(ctx, `INSERT INTO queue_block (id, block, size) VALUES (1, ?, ?)
		ON CONFLICT (id) DO UPDATE SET block = excluded.block, size = excluded.size`, block, size)
	return err
}

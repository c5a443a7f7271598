package store

import (
	"context"
	"database/sql"
	"fmt"
)

// Counters hands out waiting numbers: one counter per (day, series).
type Counters struct {
	db *sql.DB
}

// NewCounters uses the ticket_counters table of db (see Open).
func NewCounters(db *sql.DB) *Counters { return &Counters{db: db} }

// maxCASRetries bounds the compare-and-set loop; with immediate transactions
// a lost race is already impossible, so reaching it means something else
// writes the table.
const maxCASRetries = 10

// Next advances the counter for (day, series) and returns the new number,
// starting at 1 on a day the series has not been used. The advance is a
// compare-and-set inside one immediate transaction: two taps, two
// processes, never the same number, and the number is on disk before it is
// shown.
func (c *Counters) Next(ctx context.Context, day, series string) (int, error) {
	for range maxCASRetries {
		n, ok, err := c.tryNext(ctx, day, series)
		if err != nil {
			return 0, fmt.Errorf("next waiting number %s on %s: %w", series, day, err)
		}
		if ok {
			return n, nil
		}
	}
	return 0, fmt.Errorf("next waiting number %s on %s: counter keeps changing under us", series, day)
}

func (c *Counters) tryNext(ctx context.Context, day, series string) (int, bool, error) {
	tx, err := c.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, false, err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx,
		`INSERT OR IGNORE INTO ticket_counters (day, series, last) VALUES (?, ?, 0)`, day, series); err != nil {
		return 0, false, err
	}
	var last int
	if err := tx.QueryRowContext(ctx,
		`SELECT last FROM ticket_counters WHERE day = ? AND series = ?`, day, series).Scan(&last); err != nil {
		return 0, false, err
	}
	res, err := tx.ExecContext(ctx,
		`UPDATE ticket_counters SET last = ? WHERE day = ? AND series = ? AND last = ?`, last+1, day, series, last)
	if err != nil {
		return 0, false, err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return 0, false, err
	}
	if err := tx.Commit(); err != nil {
		return 0, false, err
	}
	return last + 1, true, nil
}

// Day is every series' last number on day.
func (c *Counters) Day(ctx context.Context, day string) (map[string]int, error) {
	rows, err := c.db.QueryContext(ctx, `SELECT series, last FROM ticket_counters WHERE day = ?`, day)
	if err != nil {
		return nil, fmt.Errorf("waiting numbers on %s: %w", day, err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[s] = n
	}
	return out, rows.Err()
}

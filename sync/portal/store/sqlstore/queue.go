package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"lotse/sync/portal/store"
	"lotse/sync/wire"
)

const ticketCols = `id, site, day, prefix, label, state, lang, kiosk_id, drawn_at, called_at, calls, counter, done_at, due_at`

func scanTicket(r interface{ Scan(...any) error }) (store.Ticket, error) {
	var t store.Ticket
	var drawn, called, done, due string
	err := r.Scan(&t.ID, &t.Site, &t.Day, &t.Prefix, &t.Label, &t.State, &t.Lang, &t.Kiosk, &drawn, &called, &t.Calls, &t.Counter, &done, &due)
	t.DueAt, _ = time.Parse(time.RFC3339Nano, due)
	t.DrawnAt, _ = time.Parse(time.RFC3339Nano, drawn)
	t.CalledAt, _ = time.Parse(time.RFC3339Nano, called)
	t.DoneAt, _ = time.Parse(time.RFC3339Nano, done)
	return t, err
}

// pgQueueLabel is wire.QueueLabel in PostgreSQL's SQL, of n.last and two
// prefix arguments (A001 … A999, then A10000 …); the conformance suite
// holds the two to the same labels on both stores.
const pgQueueLabel = `CASE WHEN n.last <= 999 THEN ?::text || lpad(n.last::text, 3, '0') ELSE ?::text || (n.last + 9000)::text END`

func (s *Store) Draw(ctx context.Context, d store.Draw) (store.Ticket, error) {
	if d.Label == "" && s.d.Name == "postgres" {
		// One statement: the sequence's row is locked for it alone, not for
		// a transaction's three round trips (50 kiosks drawing at once had a
		// p99 of 204 ms). A statement is atomic: when its ticket cannot be
		// stored (a retry with this key came first), its number is not
		// taken either, and the transaction below answers with the ticket.
		t, err := scanTicket(s.x.QueryRow(ctx, `WITH n AS (
				INSERT INTO queue_counters (site, day, prefix, last) VALUES (?, ?, ?, 1)
				ON CONFLICT (site, day, prefix) DO UPDATE SET last = queue_counters.last + 1 RETURNING last)
			INSERT INTO tickets (site, day, prefix, label, state, lang, kiosk_id, draw_key, drawn_at, due_at)
			SELECT ?, ?, ?, `+pgQueueLabel+`, 'waiting', ?, ?, ?, ?, ? FROM n RETURNING `+ticketCols,
			d.Site, d.Day, d.Prefix, d.Site, d.Day, d.Prefix, d.Prefix, d.Prefix, d.Lang, d.Kiosk, d.Key, tsNano(d.At), tsOrEmpty(d.DueAt)))
		if err == nil {
			return t, s.ahead(ctx, s.x, &t)
		}
	}
	var t store.Ticket
	err := s.tx(ctx, func(x q, _ Tx) error {
		var err error
		t, err = scanTicket(x.QueryRow(ctx, `SELECT `+ticketCols+` FROM tickets WHERE kiosk_id = ? AND draw_key = ?`, d.Kiosk, d.Key))
		if err == nil {
			return nil // a retried draw: the same ticket
		}
		if err != ErrNoRows {
			return err
		}
		label := d.Label
		if label == "" {
			// One sequence per site, day and prefix, advanced in the
			// transaction that stores the ticket.
			var n int
			if err := x.QueryRow(ctx, `INSERT INTO queue_counters (site, day, prefix, last) VALUES (?, ?, ?, 1)
				ON CONFLICT (site, day, prefix) DO UPDATE SET last = queue_counters.last + 1 RETURNING last`,
				d.Site, d.Day, d.Prefix).Scan(&n); err != nil {
				return err
			}
			label = wire.QueueLabel(d.Prefix, n) // never an offline block's label

		} else {
			// Reported twice under another key: the ticket is there.
			t, err = scanTicket(x.QueryRow(ctx, `SELECT `+ticketCols+` FROM tickets WHERE site = ? AND day = ? AND label = ?`, d.Site, d.Day, label))
			if err == nil {
				return nil
			}
			if err != ErrNoRows {
				return err
			}
		}
		t, err = scanTicket(x.QueryRow(ctx, `INSERT INTO tickets (site, day, prefix, label, state, lang, kiosk_id, draw_key, drawn_at, due_at)
			VALUES (?, ?, ?, ?, 'waiting', ?, ?, ?, ?, ?) RETURNING `+ticketCols,
			d.Site, d.Day, d.Prefix, label, d.Lang, d.Kiosk, d.Key, tsNano(d.At), tsOrEmpty(d.DueAt)))
		return err
	})
	if err != nil {
		return t, err
	}
	// Counted after the commit: the transaction holds the sequence's row
	// (every draw of the queue waits for it) as briefly as it can.
	return t, s.ahead(ctx, s.x, &t)
}

// ahead counts the tickets of t's queue that wait before it.
func (s *Store) ahead(ctx context.Context, x q, t *store.Ticket) error {
	return x.QueryRow(ctx, `SELECT COUNT(*) FROM tickets WHERE site = ? AND day = ? AND prefix = ? AND state = 'waiting'
		AND (drawn_at < ? OR (drawn_at = ? AND id < ?))`, t.Site, t.Day, t.Prefix, tsNano(t.DrawnAt), tsNano(t.DrawnAt), t.ID).Scan(&t.Ahead)
}

func in(n int) string { return "(?" + strings.Repeat(", ?", n-1) + ")" }

func (s *Store) CallNext(ctx context.Context, site, day, counter string, prefixes []string, now, notBefore time.Time) (store.Ticket, error) {
	if len(prefixes) == 0 {
		return store.Ticket{}, store.ErrQueueEmpty
	}
	args := []any{tsNano(now), counter, site, day}
	for _, p := range prefixes {
		args = append(args, p)
	}
	args = append(args, tsNano(notBefore), tsNano(now))
	// One conditional update: the row chosen and claimed at once; a
	// concurrent clerk's update finds it no longer waiting and takes none
	// (then this loop chooses again). Appointments checked in come first
	// once due, in the order of their times; until then they wait.
	for range 20 {
		t, err := scanTicket(s.x.QueryRow(ctx, `UPDATE tickets SET state = 'called', called_at = ?, calls = calls + 1, counter = ?
			WHERE id = (SELECT id FROM tickets WHERE site = ? AND day = ? AND state = 'waiting' AND prefix IN `+in(len(prefixes))+`
				AND (called_at = '' OR called_at < ?) AND (due_at = '' OR due_at <= ?)
				ORDER BY CASE WHEN due_at = '' THEN 1 ELSE 0 END, due_at, drawn_at, id LIMIT 1)
			AND state = 'waiting' RETURNING `+ticketCols, args...))
		if err == nil {
			return t, nil
		}
		if err != ErrNoRows {
			return t, err
		}
		var waiting int
		if err := s.x.QueryRow(ctx, `SELECT COUNT(*) FROM tickets WHERE site = ? AND day = ? AND state = 'waiting' AND prefix IN `+
			in(len(prefixes))+` AND (called_at = '' OR called_at < ?) AND (due_at = '' OR due_at <= ?)`, args[2:]...).Scan(&waiting); err != nil {
			return t, err
		}
		if waiting == 0 {
			return t, store.ErrQueueEmpty
		}
	}
	return store.Ticket{}, fmt.Errorf("call next at %s: the queue keeps changing", counter)
}

func (s *Store) AtCounter(ctx context.Context, site, day, counter string) (store.Ticket, error) {
	t, err := scanTicket(s.x.QueryRow(ctx, `SELECT `+ticketCols+` FROM tickets WHERE site = ? AND day = ? AND counter = ?
		AND state IN ('called', 'serving') ORDER BY called_at DESC LIMIT 1`, site, day, counter))
	if err == ErrNoRows {
		return t, store.ErrNoTicket
	}
	return t, err
}

func (s *Store) Update(ctx context.Context, id int64, from []string, t store.Ticket, call bool) (bool, error) {
	calls := 0
	if call {
		calls = 1
	}
	args := []any{t.State, t.Prefix, t.Counter, tsOrEmpty(t.CalledAt), calls, tsOrEmpty(t.DoneAt), id}
	for _, f := range from {
		args = append(args, f)
	}
	n, err := s.x.Exec(ctx, `UPDATE tickets SET state = ?, prefix = ?, counter = ?, called_at = ?, calls = calls + ?, done_at = ?
		WHERE id = ? AND state IN `+in(len(from)), args...)
	return n == 1, err
}

func (s *Store) Tickets(ctx context.Context, site, day string, states ...string) ([]store.Ticket, error) {
	query := `SELECT ` + ticketCols + ` FROM tickets WHERE site = ? AND day = ?`
	args := []any{site, day}
	if len(states) > 0 {
		query += ` AND state IN ` + in(len(states))
		for _, st := range states {
			args = append(args, st)
		}
	}
	return s.tickets(ctx, query+` ORDER BY drawn_at, id`, args...)
}

func (s *Store) Calls(ctx context.Context, site, day string, limit int) ([]store.Ticket, error) {
	return s.tickets(ctx, `SELECT `+ticketCols+` FROM tickets WHERE site = ? AND day = ? AND called_at <> ''
		ORDER BY called_at DESC LIMIT ?`, site, day, limit)
}

func (s *Store) tickets(ctx context.Context, query string, args ...any) ([]store.Ticket, error) {
	rows, err := s.x.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Ticket
	for rows.Next() {
		t, err := scanTicket(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// tsOrEmpty is t as text, "" for the zero time (never called, not done).
func tsOrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return tsNano(t)
}

func (s *Store) AddDisplay(ctx context.Context, tokenHash, site string, at time.Time) error {
	_, err := s.x.Exec(ctx, `INSERT INTO displays (token_hash, site, created_at) VALUES (?, ?, ?)`, tokenHash, site, ts(at))
	return err
}

func (s *Store) DisplaySite(ctx context.Context, tokenHash string) (string, error) {
	var site, revoked string
	err := s.x.QueryRow(ctx, `SELECT site, revoked_at FROM displays WHERE token_hash = ?`, tokenHash).Scan(&site, &revoked)
	if err == ErrNoRows {
		return "", store.ErrNotFound
	}
	if err == nil && revoked != "" {
		return site, store.ErrRevoked
	}
	return site, err
}

func (s *Store) RevokeDisplays(ctx context.Context, site string, at time.Time) (int, error) {
	n, err := s.x.Exec(ctx, `UPDATE displays SET revoked_at = ? WHERE site = ? AND revoked_at = ''`, ts(at), site)
	return int(n), err
}

func (s *Store) DisplayTokens(ctx context.Context, site string) ([]string, error) {
	rows, err := s.x.Query(ctx, `SELECT token_hash FROM displays WHERE site = ? AND revoked_at = '' ORDER BY token_hash`, site)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

func (s *Store) Notify(ctx context.Context, topic string) error {
	if s.d.Notify == nil {
		return nil
	}
	return s.d.Notify(ctx, s.c, topic)
}

func (s *Store) Listen(ctx context.Context) <-chan string {
	if s.d.Listen == nil {
		return nil
	}
	return s.d.Listen(ctx, s.c)
}

// MaxBlocks is how many kiosks of a site have a block of their own.
const MaxBlocks = 9

func (s *Store) Block(ctx context.Context, site string, kiosk int64) (int, error) {
	var b int
	var have string
	// Read first: every draw and heartbeat asks, and a transaction would
	// take SQLite's write lock each time.
	if err := s.x.QueryRow(ctx, `SELECT site, block FROM queue_blocks WHERE kiosk_id = ?`, kiosk).Scan(&have, &b); err == nil && have == site {
		return b, nil
	}
	err := s.tx(ctx, func(x q, _ Tx) error {
		var have string
		err := x.QueryRow(ctx, `SELECT site, block FROM queue_blocks WHERE kiosk_id = ?`, kiosk).Scan(&have, &b)
		if err == nil && have == site {
			return nil
		}
		if err != nil && err != ErrNoRows {
			return err
		}
		if err == nil { // moved to another site: its old block is free again
			if _, err := x.Exec(ctx, `DELETE FROM queue_blocks WHERE kiosk_id = ?`, kiosk); err != nil {
				return err
			}
		}
		b = 0
		for n := 1; n <= MaxBlocks; n++ {
			added, err := x.Exec(ctx, `INSERT INTO queue_blocks (site, block, kiosk_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, site, n, kiosk)
			if err != nil {
				return err
			}
			if added == 1 {
				b = n
				return nil
			}
		}
		return nil
	})
	return b, err
}

func (s *Store) SetCounters(ctx context.Context, site string, counters []store.Counter) error {
	return s.tx(ctx, func(x q, _ Tx) error {
		if _, err := x.Exec(ctx, `DELETE FROM queue_counters_config WHERE site = ?`, site); err != nil {
			return err
		}
		for _, c := range counters {
			if _, err := x.Exec(ctx, `INSERT INTO queue_counters_config (site, counter, prefixes) VALUES (?, ?, ?)`,
				site, c.Name, strings.Join(c.Prefixes, ",")); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *Store) Counters(ctx context.Context, site string) ([]store.Counter, error) {
	rows, err := s.x.Query(ctx, `SELECT counter, prefixes FROM queue_counters_config WHERE site = ? ORDER BY counter`, site)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Counter
	for rows.Next() {
		var c store.Counter
		var p string
		if err := rows.Scan(&c.Name, &p); err != nil {
			return nil, err
		}
		c.Prefixes = strings.Split(p, ",")
		out = append(out, c)
	}
	return out, rows.Err()
}

func (s *Store) SetBlockSize(ctx context.Context, site string, size int) error {
	_, err := s.x.Exec(ctx, `INSERT INTO queue_sites (site, block_size) VALUES (?, ?)
		ON CONFLICT (site) DO UPDATE SET block_size = excluded.block_size`, site, size)
	return err
}

func (s *Store) BlockSize(ctx context.Context, site string) (int, error) {
	var n int
	err := s.x.QueryRow(ctx, `SELECT block_size FROM queue_sites WHERE site = ?`, site).Scan(&n)
	if err == ErrNoRows {
		return 0, nil
	}
	return n, err
}

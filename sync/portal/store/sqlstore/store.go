package sqlstore

import (
	"context"
	"fmt"
	"sync"
	"time"

	"lotse/sync/portal/store"
	"lotse/sync/seal"
)

// Times are kept as RFC 3339 text in UTC in both databases: they sort
// as text, and a dump moves between the two unchanged.
func ts(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func tsNano(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// Store is the portal's store over one database.
type Store struct {
	c Conn
	d Dialect
	x q

	writer sync.Mutex // with Dialect.OneWriter: one transaction at a time
}

// New wraps an open, migrated database.
func New(c Conn, d Dialect) *Store { return &Store{c: c, d: d, x: q{c, d}} }

var _ store.Store = (*Store)(nil)

// Close releases the database.
func (s *Store) Close() error {
	s.c.Close()
	return nil
}

// tx runs fn in a transaction.
func (s *Store) tx(ctx context.Context, fn func(x q, tx Tx) error) error {
	if s.d.OneWriter {
		s.writer.Lock()
		defer s.writer.Unlock()
	}
	tx, err := s.c.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	if err := fn(q{tx, s.d}, tx); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

func (s *Store) AddEnrollCode(ctx context.Context, codeHash string, expires time.Time, site string) error {
	_, err := s.x.Exec(ctx, `INSERT INTO enroll_codes (code_hash, expires_at, site) VALUES (?, ?, ?)`, codeHash, ts(expires), site)
	return err
}

func (s *Store) Enroll(ctx context.Context, codeHash, name, tokenHash string, now time.Time, maxKiosks int64) (int64, error) {
	var id int64
	err := s.tx(ctx, func(x q, _ Tx) error {
		n, err := x.Exec(ctx, `UPDATE enroll_codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL AND expires_at > ?`,
			ts(now), codeHash, ts(now))
		if err != nil {
			return err
		}
		if n != 1 {
			return store.ErrBadEnrollCode
		}
		var site string
		if err := x.QueryRow(ctx, `SELECT site FROM enroll_codes WHERE code_hash = ?`, codeHash).Scan(&site); err != nil {
			return err
		}
		if err := x.QueryRow(ctx, `INSERT INTO kiosks (name, token_hash, enrolled_at) VALUES (?, ?, ?) RETURNING id`,
			name, tokenHash, ts(now)).Scan(&id); err != nil {
			return err
		}
		if id > maxKiosks {
			return fmt.Errorf("%w: %d kiosks", store.ErrFull, maxKiosks)
		}
		if site != "" {
			if _, err := x.Exec(ctx, `INSERT INTO kiosk_sites (kiosk_id, site) VALUES (?, ?)`, id, site); err != nil {
				return err
			}
		}
		return nil
	})
	return id, err
}

func (s *Store) Authenticate(ctx context.Context, tokenHash string) (int64, error) {
	var id int64
	var revoked *string
	err := s.x.QueryRow(ctx, `SELECT id, revoked_at FROM kiosks WHERE token_hash = ?`, tokenHash).Scan(&id, &revoked)
	if err == ErrNoRows {
		return 0, store.ErrUnauthenticated
	}
	if err != nil {
		return 0, err
	}
	if revoked != nil {
		return id, store.ErrRevoked
	}
	return id, nil
}

func (s *Store) Revoke(ctx context.Context, kiosk int64, now time.Time) error {
	n, err := s.x.Exec(ctx, `UPDATE kiosks SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`, ts(now), kiosk)
	if err != nil {
		return fmt.Errorf("revoke kiosk %d: %w", kiosk, err)
	}
	if n != 1 {
		return fmt.Errorf("revoke kiosk %d: no such kiosk, or revoked already", kiosk)
	}
	return nil
}

func (s *Store) Decide(ctx context.Context, code, state, reason string) error {
	return s.tx(ctx, func(x q, _ Tx) error {
		var kiosk int64
		var prev string
		var size int64
		err := x.QueryRow(ctx, `SELECT kiosk_id, state, LENGTH(jwe) FROM envelopes WHERE code = ?`, code).Scan(&kiosk, &prev, &size)
		if err == ErrNoRows {
			return fmt.Errorf("decide %s: no such case", code)
		}
		if err != nil {
			return err
		}
		if prev == "received" {
			if _, err := x.Exec(ctx, `UPDATE kiosks SET stored_bytes = CASE WHEN stored_bytes > ? THEN stored_bytes - ? ELSE 0 END
				WHERE id = ?`, size, size, kiosk); err != nil {
				return err
			}
		}
		if _, err := x.Exec(ctx, `UPDATE envelopes SET state = ?, reason = ? WHERE code = ?`, state, reason, code); err != nil {
			return err
		}
		_, err = x.Exec(ctx, `INSERT INTO changes (kiosk_id, code, state, reason) VALUES (?, ?, ?, ?)`, kiosk, code, state, reason)
		return err
	})
}

func (s *Store) Changes(ctx context.Context, kiosk, since int64, limit int) ([]store.Change, error) {
	rows, err := s.x.Query(ctx, `SELECT seq, code, state, reason FROM changes WHERE kiosk_id = ? AND seq > ? ORDER BY seq LIMIT ?`,
		kiosk, since, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Change
	for rows.Next() {
		var c store.Change
		if err := rows.Scan(&c.Seq, &c.Code, &c.State, &c.Reason); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func (s *Store) CaseState(ctx context.Context, code string) (string, error) {
	var state string
	err := s.x.QueryRow(ctx, `SELECT state FROM envelopes WHERE code = ? AND test = FALSE`, code).Scan(&state)
	if err == ErrNoRows {
		return "", store.ErrNotFound
	}
	return state, err
}

func (s *Store) CountCode(ctx context.Context, code string) (int, error) {
	var n int
	err := s.x.QueryRow(ctx, `SELECT COUNT(*) FROM envelopes WHERE code = ?`, code).Scan(&n)
	return n, err
}

func (s *Store) Stats(ctx context.Context) (map[string]int, error) {
	out := map[string]int{"envelopes": 0, "received": 0, "accepted": 0, "rejected": 0, "duplicates_refused": 0, "replays": 0, "kiosks": 0}
	for _, c := range []struct {
		query string
		total bool // the rows add up to "envelopes"
	}{{`SELECT state, COUNT(*) FROM envelopes GROUP BY state`, true}, {`SELECT name, value FROM counters`, false}} {
		rows, err := s.x.Query(ctx, c.query)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var name string
			var n int
			if err := rows.Scan(&name, &n); err != nil {
				rows.Close()
				return nil, err
			}
			out[name] = n
			if c.total {
				out["envelopes"] += n
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	var kiosks int
	if err := s.x.QueryRow(ctx, `SELECT COUNT(*) FROM kiosks WHERE revoked_at IS NULL`).Scan(&kiosks); err != nil {
		return nil, err
	}
	out["kiosks"] = kiosks
	return out, nil
}

func (s *Store) Envelopes(ctx context.Context, since time.Time, fn func(store.StoredEnvelope) error) error {
	rows, err := s.x.Query(ctx, `SELECT kiosk_id, id, code, service, created_at, received_at, test, size, jwe, state
		FROM envelopes WHERE received_at >= ? AND test = FALSE ORDER BY received_at`, tsNano(since))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var e store.StoredEnvelope
		var created, received string
		if err := rows.Scan(&e.Kiosk, &e.Envelope.ID, &e.Envelope.Code, &e.Envelope.Service, &created, &received,
			&e.Envelope.Test, &e.Envelope.Size, &e.Envelope.JWE, &e.State); err != nil {
			return err
		}
		e.Envelope.Created, _ = time.Parse(time.RFC3339Nano, created)
		e.Received, _ = time.Parse(time.RFC3339Nano, received)
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (s *Store) ExpireIdempotency(ctx context.Context, before time.Time) error {
	_, err := s.x.Exec(ctx, `DELETE FROM idempotency WHERE created_at < ?`, ts(before))
	return err
}

func (s *Store) PurgeDecided(ctx context.Context, before time.Time) (int, error) {
	n, err := s.x.Exec(ctx, `DELETE FROM envelopes WHERE state <> 'received' AND received_at < ?`, tsNano(before))
	return int(n), err
}

// envelope columns for an insert, in the table's order.
func envelopeArgs(kiosk int64, e seal.Envelope, now time.Time) []any {
	return []any{kiosk, e.ID, e.Code, e.Service, tsNano(e.Created), tsNano(now), e.Test, e.Size, e.JWE}
}

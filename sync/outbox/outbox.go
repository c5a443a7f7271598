// Package outbox is the kiosk's durable queue of sealed submissions. An
// envelope is on disk (one fsync'ed transaction) before the resident sees
// "gespeichert", and it leaves the queue only when the portal has
// acknowledged it. Network trouble only delays an envelope; only the
// portal's explicit, final refusal sets it aside as dead.
//
// States: queued → sending → acknowledged → accepted | rejected, and
// dead for a non-retryable refusal. Nothing personal is stored in clear:
// the JWE is ciphertext, the other columns are routing data, and
// last_error holds the portal's reason, never form content.
package outbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"lotse/sync/seal"
	"lotse/sync/sqlitedb"
)

// States of an envelope.
const (
	Queued       = "queued"
	Sending      = "sending"
	Acknowledged = "acknowledged"
	Accepted     = "accepted"
	Rejected     = "rejected"
	Dead         = "dead"
)

// States lists them in order, for counts.
var States = []string{Queued, Sending, Acknowledged, Accepted, Rejected, Dead}

var migrations = []string{
	// The ciphertext lives in its own table: state changes then rewrite a
	// small row, not a page of JWE, twice per envelope.
	`CREATE TABLE outbox (
		id          TEXT PRIMARY KEY, -- UUID, also the idempotency key
		service     TEXT NOT NULL,
		code        TEXT NOT NULL UNIQUE,
		created_at  TEXT NOT NULL,    -- UTC RFC 3339
		test        INTEGER NOT NULL,
		size        INTEGER NOT NULL,
		state       TEXT NOT NULL,
		attempts    INTEGER NOT NULL DEFAULT 0,
		next_at     INTEGER NOT NULL DEFAULT 0, -- unix ms of the next attempt
		last_error  TEXT NOT NULL DEFAULT '',
		updated_at  TEXT NOT NULL
	);
	-- Claim reads the queue oldest first.
	CREATE INDEX outbox_queue ON outbox (state, created_at, id);
	CREATE TABLE outbox_jwe (
		id  TEXT PRIMARY KEY REFERENCES outbox (id),
		jwe TEXT NOT NULL -- deleted once the case is decided and retention passed
	);
	CREATE TABLE outbox_cursor (id INTEGER PRIMARY KEY CHECK (id = 1), cursor TEXT NOT NULL)`,
}

// Outbox is the queue in the kiosk's SQLite file.
type Outbox struct {
	db  *sql.DB
	now func() time.Time
	// Retention is how long ciphertext is kept after the portal decided
	// the case (0: deleted at once).
	Retention time.Duration
}

// Open migrates the outbox tables in db and returns envelopes a crash left
// in "sending" to the queue: they may or may not have reached the portal,
// and the idempotency key makes sending them again safe.
func Open(ctx context.Context, db *sql.DB) (*Outbox, error) {
	if err := sqlitedb.Migrate(ctx, db, "outbox", migrations); err != nil {
		return nil, err
	}
	o := &Outbox{db: db, now: time.Now}
	if _, err := db.ExecContext(ctx, `UPDATE outbox SET state = ? WHERE state = ?`, Queued, Sending); err != nil {
		return nil, fmt.Errorf("outbox recover: %w", err)
	}
	return o, nil
}

// ErrDuplicateCode means the reference code is taken; make a new one.
var ErrDuplicateCode = errors.New("reference code already in the outbox")

// Enqueue stores e. It returns only once the row is committed to disk.
func (o *Outbox) Enqueue(ctx context.Context, e seal.Envelope) error {
	now := o.now().UTC().Format(time.RFC3339Nano)
	tx, err := o.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("outbox enqueue: %w", err)
	}
	defer tx.Rollback()
	_, err = tx.ExecContext(ctx, `INSERT INTO outbox (id, service, code, created_at, test, size, state, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, e.Service, e.Code, e.Created.UTC().Format(time.RFC3339Nano), e.Test, e.Size, Queued, now)
	if isUnique(err, "outbox.code") {
		return ErrDuplicateCode
	}
	if err == nil {
		_, err = tx.ExecContext(ctx, `INSERT INTO outbox_jwe (id, jwe) VALUES (?, ?)`, e.ID, e.JWE)
	}
	if err == nil {
		err = tx.Commit()
	}
	if err != nil {
		return fmt.Errorf("outbox enqueue: %w", err)
	}
	return nil
}

// Claim marks up to max due envelopes (at most maxBytes of JWE in all) as
// sending and returns them, oldest first.
func (o *Outbox) Claim(ctx context.Context, max, maxBytes int) ([]seal.Envelope, error) {
	tx, err := o.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("outbox claim: %w", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT o.id, o.service, o.code, o.created_at, o.test, o.size, j.jwe
		FROM outbox o JOIN outbox_jwe j ON j.id = o.id
		WHERE o.state = ? AND o.next_at <= ? ORDER BY o.created_at, o.id LIMIT ?`, Queued, o.now().UnixMilli(), max)
	if err != nil {
		return nil, fmt.Errorf("outbox claim: %w", err)
	}
	var out []seal.Envelope
	total := 0
	for rows.Next() {
		var e seal.Envelope
		var created string
		if err := rows.Scan(&e.ID, &e.Service, &e.Code, &created, &e.Test, &e.Size, &e.JWE); err != nil {
			rows.Close()
			return nil, fmt.Errorf("outbox claim: %w", err)
		}
		if len(out) > 0 && total+len(e.JWE) > maxBytes {
			break
		}
		total += len(e.JWE)
		e.Created, _ = time.Parse(time.RFC3339Nano, created)
		out = append(out, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("outbox claim: %w", err)
	}
	if len(out) == 0 {
		return nil, nil
	}
	ids := make([]any, len(out))
	for i, e := range out {
		ids[i] = e.ID
	}
	args := append([]any{Sending, o.now().UTC().Format(time.RFC3339Nano)}, ids...)
	if _, err := tx.ExecContext(ctx, `UPDATE outbox SET state = ?, attempts = attempts + 1, updated_at = ? WHERE id IN (`+
		placeholders(len(ids))+`)`, args...); err != nil {
		return nil, fmt.Errorf("outbox claim: %w", err)
	}
	return out, tx.Commit()
}

// Result is the portal's answer for one envelope.
type Result struct {
	ID string
	// Outcome: Acknowledged (stored, or stored before), Dead (refused for
	// good), or "" to retry later.
	Outcome string
	Reason  string
}

// Settle records the outcome of a send. Envelopes to retry go back to the
// queue, due at retryAt.
func (o *Outbox) Settle(ctx context.Context, results []Result, retryAt time.Time) error {
	tx, err := o.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("outbox settle: %w", err)
	}
	defer tx.Rollback()
	now := o.now().UTC().Format(time.RFC3339Nano)
	// The common case, a batch acknowledged, is one statement.
	var acked []any
	upd, err := tx.PrepareContext(ctx, `UPDATE outbox SET state = ?, last_error = ?, next_at = COALESCE(?, next_at), updated_at = ?
		WHERE id = ? AND state = ?`)
	if err != nil {
		return fmt.Errorf("outbox settle: %w", err)
	}
	defer upd.Close()
	for _, r := range results {
		state, next := r.Outcome, any(nil)
		switch state {
		case Acknowledged:
			acked = append(acked, r.ID)
			continue
		case Dead:
		default:
			state, next = Queued, retryAt.UnixMilli()
		}
		if _, err := upd.ExecContext(ctx, state, r.Reason, next, now, r.ID, Sending); err != nil {
			return fmt.Errorf("outbox settle %s: %w", r.ID, err)
		}
	}
	if len(acked) > 0 {
		args := append([]any{Acknowledged, now, Sending}, acked...)
		if _, err := tx.ExecContext(ctx, `UPDATE outbox SET state = ?, last_error = '', updated_at = ? WHERE state = ? AND id IN (`+
			placeholders(len(acked))+`)`, args...); err != nil {
			return fmt.Errorf("outbox settle: %w", err)
		}
	}
	return tx.Commit()
}

// Change is a decision about a case, from the portal's changes feed.
type Change struct {
	Code   string `json:"code"`
	State  string `json:"state"` // accepted, rejected
	Reason string `json:"reason,omitempty"`
}

// ApplyChanges records decisions and the feed's new cursor in one
// transaction: a crash can repeat a change, never skip one.
func (o *Outbox) ApplyChanges(ctx context.Context, changes []Change, cursor string) error {
	tx, err := o.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("outbox changes: %w", err)
	}
	defer tx.Rollback()
	now := o.now().UTC().Format(time.RFC3339Nano)
	for _, c := range changes {
		if c.State != Accepted && c.State != Rejected {
			continue
		}
		if _, err := tx.ExecContext(ctx, `UPDATE outbox SET state = ?, last_error = ?, updated_at = ? WHERE code = ?`,
			c.State, c.Reason, now, c.Code); err != nil {
			return fmt.Errorf("outbox changes: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO outbox_cursor (id, cursor) VALUES (1, ?)
		ON CONFLICT(id) DO UPDATE SET cursor = excluded.cursor`, cursor); err != nil {
		return fmt.Errorf("outbox cursor: %w", err)
	}
	// Decided cases keep their ciphertext only as long as retention says.
	cutoff := o.now().Add(-o.Retention).UTC().Format(time.RFC3339Nano)
	if _, err := tx.ExecContext(ctx, `DELETE FROM outbox_jwe WHERE id IN
		(SELECT id FROM outbox WHERE state IN (?, ?) AND updated_at <= ?)`, Accepted, Rejected, cutoff); err != nil {
		return fmt.Errorf("outbox retention: %w", err)
	}
	return tx.Commit()
}

// Cursor is the last saved position in the changes feed.
func (o *Outbox) Cursor(ctx context.Context) (string, error) {
	var c string
	err := o.db.QueryRowContext(ctx, `SELECT cursor FROM outbox_cursor WHERE id = 1`).Scan(&c)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return c, err
}

// Counts returns how many envelopes are in each state.
func (o *Outbox) Counts(ctx context.Context) (map[string]int, error) {
	out := map[string]int{}
	for _, s := range States {
		out[s] = 0
	}
	rows, err := o.db.QueryContext(ctx, `SELECT state, COUNT(*) FROM outbox GROUP BY state`)
	if err != nil {
		return nil, fmt.Errorf("outbox counts: %w", err)
	}
	defer rows.Close()
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

// Entry is one envelope as staff see it: no ciphertext.
type Entry struct {
	ID, Service, Code, State, LastError string
	Attempts                            int
}

// GetByCode returns the envelope with a reference code.
func (o *Outbox) GetByCode(ctx context.Context, code string) (Entry, error) {
	var e Entry
	err := o.db.QueryRowContext(ctx, `SELECT id, service, code, state, last_error, attempts FROM outbox WHERE code = ?`, code).
		Scan(&e.ID, &e.Service, &e.Code, &e.State, &e.LastError, &e.Attempts)
	if err != nil {
		return e, fmt.Errorf("outbox %s: %w", code, err)
	}
	return e, nil
}

// NextDue is when the earliest queued envelope may be sent (zero if none).
func (o *Outbox) NextDue(ctx context.Context) (time.Time, error) {
	var ms sql.NullInt64
	if err := o.db.QueryRowContext(ctx, `SELECT MIN(next_at) FROM outbox WHERE state = ?`, Queued).Scan(&ms); err != nil {
		return time.Time{}, err
	}
	if !ms.Valid {
		return time.Time{}, nil
	}
	return time.UnixMilli(ms.Int64), nil
}

// RetryNow makes every queued envelope due at once: the network is back,
// and the backoff it caused no longer applies.
func (o *Outbox) RetryNow(ctx context.Context) error {
	if _, err := o.db.ExecContext(ctx, `UPDATE outbox SET next_at = 0 WHERE state = ?`, Queued); err != nil {
		return fmt.Errorf("outbox retry: %w", err)
	}
	return nil
}

// placeholders is "?, ?, …" for n values.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

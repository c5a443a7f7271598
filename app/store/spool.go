package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"lotse/devices/escpos"
)

// Spool keeps every print job, so staff and guides can reprint a ticket or
// receipt and see which ones did not come out. Jobs hold no personal data:
// tickets carry a waiting number, receipts a reference code.
type Spool struct {
	db  *sql.DB
	now func() time.Time
}

// NewSpool uses the print_jobs table of db (see Open).
func NewSpool(db *sql.DB) *Spool { return &Spool{db: db, now: time.Now} }

// SpoolEntry is one job as staff see it.
type SpoolEntry struct {
	ID        int64
	Kind      string // "ticket", "receipt", "test"
	Label     string // the waiting number or reference code
	Service   string // the service's title ("" for a test page)
	Created   time.Time
	State     string // "queued", "printed", "sent" (not confirmed), "failed"
	Attempts  int
	LastError string
	Bytes     []byte
}

// Add records a job before it is sent.
func (s *Spool) Add(ctx context.Context, kind, label, service string, job []byte) (int64, error) {
	res, err := s.db.ExecContext(ctx, `INSERT INTO print_jobs (kind, label, service, job, created_at, state, attempts, last_error)
		VALUES (?, ?, ?, ?, ?, 'queued', 0, '')`, kind, label, service, job, s.now().UTC().Format(time.RFC3339Nano))
	if err != nil {
		return 0, fmt.Errorf("spool %s %s: %w", kind, label, err)
	}
	return res.LastInsertId()
}

// Mark records the outcome of one attempt to print job id: a job sent to
// a printer that does not report status is "sent", not "printed".
func (s *Spool) Mark(ctx context.Context, id int64, printErr error) error {
	state, msg := "printed", ""
	switch {
	case errors.Is(printErr, escpos.ErrUnconfirmed):
		state = "sent"
	case printErr != nil:
		state, msg = "failed", printErr.Error()
	}
	_, err := s.db.ExecContext(ctx, `UPDATE print_jobs SET state = ?, attempts = attempts + 1, last_error = ? WHERE id = ?`,
		state, msg, id)
	if err != nil {
		return fmt.Errorf("spool mark job %d: %w", id, err)
	}
	return nil
}

// Get returns job id.
func (s *Spool) Get(ctx context.Context, id int64) (SpoolEntry, error) {
	rows, err := s.query(ctx, `WHERE id = ?`, id)
	if err != nil {
		return SpoolEntry{}, err
	}
	if len(rows) == 0 {
		return SpoolEntry{}, fmt.Errorf("spool: no job %d", id)
	}
	return rows[0], nil
}

// Since lists the jobs created at or after t, newest first.
func (s *Spool) Since(ctx context.Context, t time.Time) ([]SpoolEntry, error) {
	return s.query(ctx, `WHERE created_at >= ? ORDER BY id DESC`, t.UTC().Format(time.RFC3339Nano))
}

func (s *Spool) query(ctx context.Context, where string, args ...any) ([]SpoolEntry, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, kind, label, service, job, created_at, state, attempts, last_error FROM print_jobs `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("spool: %w", err)
	}
	defer rows.Close()
	var out []SpoolEntry
	for rows.Next() {
		var e SpoolEntry
		var created string
		if err := rows.Scan(&e.ID, &e.Kind, &e.Label, &e.Service, &e.Bytes, &created, &e.State, &e.Attempts, &e.LastError); err != nil {
			return nil, fmt.Errorf("spool: %w", err)
		}
		e.Created, _ = time.Parse(time.RFC3339Nano, created)
		out = append(out, e)
	}
	return out, rows.Err()
}

// Job returns the bytes of job id, for a reprint.
func (s *Spool) Job(ctx context.Context, id int64) ([]byte, error) {
	e, err := s.Get(ctx, id)
	return e.Bytes, err
}

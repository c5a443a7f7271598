package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"lotse/sync/wire"
)

// HeldTimes are the appointment times the portal holds for this kiosk,
// to book while it cannot reach the portal, and those booked so until
// the portal has them. A resident's name and contact exist here only
// sealed to the portal's key, and only until the portal took them.
type HeldTimes struct{ db *sql.DB }

// NewHeldTimes uses the held_times table of db.
func NewHeldTimes(db *sql.DB) *HeldTimes { return &HeldTimes{db: db} }

// ErrHeldTaken: the held time was booked meanwhile (or given back).
var ErrHeldTaken = errors.New("this held time is no longer free")

// HeldBooking is a held time booked offline, to report.
type HeldBooking struct {
	Code, Sealed, Lang string
	BookedAt           time.Time
}

// Keep makes list the kiosk's free held times: free ones not in it are
// forgotten, booked ones stay until reported, and reported ones of days
// gone by are dropped.
func (h *HeldTimes) Keep(ctx context.Context, list []wire.HeldTime, now time.Time) error {
	tx, err := h.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("held times: %w", err)
	}
	defer tx.Rollback()
	keep := map[string]bool{}
	for _, t := range list {
		keep[t.Code] = true
		j, err := json.Marshal(t)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO held_times (code, held, service, start) VALUES (?, ?, ?, ?)
			ON CONFLICT (code) DO NOTHING`, t.Code, j, t.Service, t.Start.UTC().Format(time.RFC3339)); err != nil {
			return fmt.Errorf("held times: %w", err)
		}
	}
	rows, err := tx.QueryContext(ctx, `SELECT code FROM held_times WHERE booked_at = ''`)
	if err != nil {
		return fmt.Errorf("held times: %w", err)
	}
	var drop []string
	for rows.Next() {
		var code string
		if err := rows.Scan(&code); err != nil {
			rows.Close()
			return err
		}
		if !keep[code] {
			drop = append(drop, code)
		}
	}
	rows.Close()
	for _, code := range drop {
		if _, err := tx.ExecContext(ctx, `DELETE FROM held_times WHERE code = ? AND booked_at = ''`, code); err != nil {
			return fmt.Errorf("held times: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM held_times WHERE reported = 1 AND start < ?`,
		now.Add(-24*time.Hour).UTC().Format(time.RFC3339)); err != nil {
		return fmt.Errorf("held times: %w", err)
	}
	return tx.Commit()
}

// Free lists the held times not booked yet that start after after, by time.
func (h *HeldTimes) Free(ctx context.Context, after time.Time) ([]wire.HeldTime, error) {
	rows, err := h.db.QueryContext(ctx, `SELECT held FROM held_times WHERE booked_at = '' AND start > ? ORDER BY start, code`,
		after.UTC().Format(time.RFC3339))
	if err != nil {
		return nil, fmt.Errorf("held times: %w", err)
	}
	defer rows.Close()
	var out []wire.HeldTime
	for rows.Next() {
		var j []byte
		var t wire.HeldTime
		if err := rows.Scan(&j); err != nil {
			return nil, err
		}
		if err := json.Unmarshal(j, &t); err != nil {
			return nil, fmt.Errorf("held times: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// Use books the free held time code for a resident, with their name and
// contact sealed; ErrHeldTaken when it is not free any more.
func (h *HeldTimes) Use(ctx context.Context, code, sealed, lang string, at time.Time) error {
	res, err := h.db.ExecContext(ctx, `UPDATE held_times SET sealed = ?, lang = ?, booked_at = ? WHERE code = ? AND booked_at = ''`,
		sealed, lang, at.UTC().Format(time.RFC3339Nano), code)
	if err != nil {
		return fmt.Errorf("held times: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return ErrHeldTaken
	}
	return nil
}

// Unreported lists the held times booked offline that the portal does
// not have yet, oldest first.
func (h *HeldTimes) Unreported(ctx context.Context) ([]HeldBooking, error) {
	rows, err := h.db.QueryContext(ctx, `SELECT code, sealed, lang, booked_at FROM held_times
		WHERE booked_at <> '' AND reported = 0 ORDER BY booked_at`)
	if err != nil {
		return nil, fmt.Errorf("held times: %w", err)
	}
	defer rows.Close()
	var out []HeldBooking
	for rows.Next() {
		var b HeldBooking
		var at string
		if err := rows.Scan(&b.Code, &b.Sealed, &b.Lang, &at); err != nil {
			return nil, err
		}
		b.BookedAt, _ = time.Parse(time.RFC3339Nano, at)
		out = append(out, b)
	}
	return out, rows.Err()
}

// Reported marks a held time's booking as at the portal and drops the
// sealed name: the kiosk keeps nothing of the resident.
func (h *HeldTimes) Reported(ctx context.Context, code string) error {
	_, err := h.db.ExecContext(ctx, `UPDATE held_times SET reported = 1, sealed = '' WHERE code = ?`, code)
	return err
}

// Forget drops the held time code if it is not booked, so it can be given
// back: true when the kiosk does not (or no longer) hold it free.
func (h *HeldTimes) Forget(ctx context.Context, code string) (bool, error) {
	var bookedAt string
	err := h.db.QueryRowContext(ctx, `SELECT booked_at FROM held_times WHERE code = ?`, code).Scan(&bookedAt)
	if err == sql.ErrNoRows {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("held times: %w", err)
	}
	res, err := h.db.ExecContext(ctx, `DELETE FROM held_times WHERE code = ? AND booked_at = ''`, code)
	if err != nil {
		return false, fmt.Errorf("held times: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

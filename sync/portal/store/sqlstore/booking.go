package sqlstore

import (
	"context"
	"errors"
	"time"

	"lotse/sync/portal/store"
)

func (s *Store) SetBookingConfig(ctx context.Context, site, text string, at time.Time) error {
	_, err := s.x.Exec(ctx, `INSERT INTO booking_configs (site, config, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (site) DO UPDATE SET config = excluded.config, updated_at = excluded.updated_at`, site, text, ts(at))
	return err
}

func (s *Store) BookingConfig(ctx context.Context, site string) (string, error) {
	var text string
	err := s.x.QueryRow(ctx, `SELECT config FROM booking_configs WHERE site = ?`, site).Scan(&text)
	if err == ErrNoRows {
		return "", store.ErrNotFound
	}
	return text, err
}

func (s *Store) BookingSites(ctx context.Context) ([]string, error) {
	rows, err := s.x.Query(ctx, `SELECT site FROM booking_configs ORDER BY site`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var site string
		if err := rows.Scan(&site); err != nil {
			return nil, err
		}
		out = append(out, site)
	}
	return out, rows.Err()
}

const appointmentCols = `id, site, service, start, code, secret_hash, contact_key, sealed, state, lang, kiosk_id, idem_key, ticket,
	created_at, cancelled_at, release_at, idem_body`

func scanAppointment(r interface{ Scan(...any) error }) (store.Appointment, error) {
	var a store.Appointment
	var start, created, cancelled, release string
	err := r.Scan(&a.ID, &a.Site, &a.Service, &start, &a.Code, &a.SecretHash, &a.ContactKey, &a.Sealed, &a.State, &a.Lang,
		&a.Kiosk, &a.Key, &a.Ticket, &created, &cancelled, &release, &a.KeyBody)
	a.Start, _ = time.Parse(time.RFC3339, start)
	a.CreatedAt, _ = time.Parse(time.RFC3339Nano, created)
	a.CancelledAt, _ = time.Parse(time.RFC3339Nano, cancelled)
	a.ReleaseAt, _ = time.Parse(time.RFC3339Nano, release)
	return a, err
}

// errKeyTaken rolls a booking back whose idempotency key another request
// stored first: that request's appointment is the answer.
var errKeyTaken = errors.New("idempotency key taken")

func (s *Store) Book(ctx context.Context, b store.Book) (store.Appointment, bool, error) {
	a := b.Appointment
	get := func(x q) (store.Appointment, error) {
		got, err := scanAppointment(x.QueryRow(ctx, `SELECT `+appointmentCols+` FROM appointments WHERE site = ? AND idem_key = ?`, a.Site, a.Key))
		if err == nil && got.KeyBody != a.KeyBody {
			// Someone else's request under the key: never their code and secret.
			return store.Appointment{}, store.ErrKeyReused
		}
		return got, err
	}
	if got, err := get(s.x); err == nil {
		return got, false, nil // a retry: the same appointment
	} else if err != ErrNoRows {
		return got, false, err
	}
	if a.State == "" {
		a.State = store.Booked
	}
	var out store.Appointment
	err := s.tx(ctx, func(x q, _ Tx) error {
		var held int
		if err := x.QueryRow(ctx, `SELECT COUNT(*) FROM appointments WHERE site = ? AND service = ? AND contact_key = ?
			AND state IN ('booked', 'unconfirmed') AND start > ?`, a.Site, a.Service, a.ContactKey, ts(b.Now)).Scan(&held); err != nil {
			return err
		}
		if a.ContactKey != "" && held >= b.MaxPerContact {
			return store.ErrContactLimit
		}
		// The key first: a concurrent request with the same key waits
		// here for the first to finish, and then stores nothing.
		var err error
		out, err = scanAppointment(x.QueryRow(ctx, `INSERT INTO appointments (site, service, start, code, secret_hash, contact_key,
			sealed, state, lang, kiosk_id, idem_key, created_at, idem_body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (site, idem_key) DO NOTHING RETURNING `+appointmentCols,
			a.Site, a.Service, ts(a.Start), a.Code, a.SecretHash, a.ContactKey, a.Sealed, a.State, a.Lang, a.Kiosk, a.Key, tsNano(b.Now), a.KeyBody))
		if err == ErrNoRows {
			return errKeyTaken
		}
		if err != nil {
			return err
		}
		// Cancelled appointments whose pause is over give their place back.
		released, err := x.Exec(ctx, `UPDATE appointments SET released = 1 WHERE site = ? AND service = ? AND start = ?
			AND state = 'cancelled' AND released = 0 AND release_at <= ?`, a.Site, a.Service, ts(a.Start), tsNano(b.Now))
		if err != nil {
			return err
		}
		if _, err := x.Exec(ctx, `INSERT INTO slot_counts (site, service, start, taken) VALUES (?, ?, ?, 0)
			ON CONFLICT (site, service, start) DO NOTHING`, a.Site, a.Service, ts(a.Start)); err != nil {
			return err
		}
		// The one conditional update that keeps the time within its
		// capacity: it locks the row, and a concurrent booking re-reads
		// taken after this one commits.
		n, err := x.Exec(ctx, `UPDATE slot_counts SET taken = taken + 1 - ? WHERE site = ? AND service = ? AND start = ?
			AND taken - ? < ?`, released, a.Site, a.Service, ts(a.Start), released, b.Capacity)
		if err != nil {
			return err
		}
		if n == 0 {
			return store.ErrSlotFull
		}
		return nil
	})
	if errors.Is(err, errKeyTaken) {
		got, err := get(s.x)
		return got, false, err
	}
	if err != nil {
		return store.Appointment{}, false, err
	}
	return out, true, nil
}

func (s *Store) Taken(ctx context.Context, site, service string, from, to, now time.Time) (map[time.Time]int, error) {
	out := map[time.Time]int{}
	add := func(query string, sign int, args ...any) error {
		rows, err := s.x.Query(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var start string
			var n int
			if err := rows.Scan(&start, &n); err != nil {
				return err
			}
			t, _ := time.Parse(time.RFC3339, start)
			out[t] += sign * n
		}
		return rows.Err()
	}
	if err := add(`SELECT start, taken FROM slot_counts WHERE site = ? AND service = ? AND start >= ? AND start <= ?`, 1,
		site, service, ts(from), ts(to)); err != nil {
		return nil, err
	}
	// Cancelled times whose pause is over are free, though the count
	// gives them back only at the next booking.
	err := add(`SELECT start, COUNT(*) FROM appointments WHERE site = ? AND service = ? AND start >= ? AND start <= ?
		AND state = 'cancelled' AND released = 0 AND release_at <= ? GROUP BY start`, -1,
		site, service, ts(from), ts(to), tsNano(now))
	return out, err
}

func (s *Store) AppointmentByCode(ctx context.Context, site, code string) (store.Appointment, error) {
	a, err := scanAppointment(s.x.QueryRow(ctx, `SELECT `+appointmentCols+` FROM appointments WHERE site = ? AND code = ?`, site, code))
	if err == ErrNoRows {
		return a, store.ErrNotFound
	}
	return a, err
}

func (s *Store) AppointmentByKey(ctx context.Context, site, key string) (store.Appointment, error) {
	a, err := scanAppointment(s.x.QueryRow(ctx, `SELECT `+appointmentCols+` FROM appointments WHERE site = ? AND idem_key = ?`, site, key))
	if err == ErrNoRows {
		return a, store.ErrNotFound
	}
	return a, err
}

func (s *Store) Appointments(ctx context.Context, site string, from, to time.Time) ([]store.Appointment, error) {
	return s.appointments(ctx, `SELECT `+appointmentCols+` FROM appointments WHERE site = ? AND start >= ? AND start < ?
		ORDER BY start, id`, site, ts(from), ts(to))
}

// appointments runs a query of appointmentCols.
func (s *Store) appointments(ctx context.Context, query string, args ...any) ([]store.Appointment, error) {
	rows, err := s.x.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Appointment
	for rows.Next() {
		a, err := scanAppointment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

func (s *Store) Cancel(ctx context.Context, id int64, at, releaseAt time.Time) (bool, error) {
	n, err := s.x.Exec(ctx, `UPDATE appointments SET state = 'cancelled', cancelled_at = ?, release_at = ?
		WHERE id = ? AND state IN ('booked', 'held', 'unconfirmed')`, tsNano(at), tsNano(releaseAt), id)
	return n == 1, err
}

func (s *Store) Unconfirmed(ctx context.Context, site string, before time.Time) ([]store.Appointment, error) {
	return s.appointments(ctx, `SELECT `+appointmentCols+` FROM appointments WHERE site = ? AND state = 'unconfirmed'
		AND created_at < ? ORDER BY id`, site, tsNano(before))
}

func (s *Store) HeldBy(ctx context.Context, site string, kiosk int64, after time.Time) ([]store.Appointment, error) {
	return s.appointments(ctx, `SELECT `+appointmentCols+` FROM appointments WHERE site = ? AND kiosk_id = ? AND state = 'held'
		AND start > ? ORDER BY start, id`, site, kiosk, ts(after))
}

func (s *Store) ClaimHeld(ctx context.Context, site, code string, kiosk int64, sealed, contactKey, lang string, at time.Time) (bool, error) {
	n, err := s.x.Exec(ctx, `UPDATE appointments SET sealed = ?, contact_key = ?, lang = ?, created_at = ?,
		state = CASE WHEN state = 'held' THEN 'booked' ELSE state END
		WHERE site = ? AND code = ? AND kiosk_id = ? AND state IN ('held', 'checked_in') AND sealed = ''`, sealed, contactKey, lang, tsNano(at), site, code, kiosk)
	return n == 1, err
}

func (s *Store) SetAppointmentState(ctx context.Context, id int64, from []string, state, ticket string) (bool, error) {
	args := []any{state, ticket, id}
	for _, f := range from {
		args = append(args, f)
	}
	n, err := s.x.Exec(ctx, `UPDATE appointments SET state = ?, ticket = ? WHERE id = ? AND state IN `+in(len(from)), args...)
	return n == 1, err
}

func (s *Store) ForgetContacts(ctx context.Context, site string, before time.Time) (int, error) {
	n, err := s.x.Exec(ctx, `UPDATE appointments SET sealed = '', contact_key = '' WHERE site = ? AND start < ? AND sealed <> ''`,
		site, ts(before))
	return int(n), err
}

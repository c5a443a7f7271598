package sqlstore

import (
	"context"
	"net/http"
	"sort"
	"time"

	"lotse/sync/portal/store"
	"lotse/sync/wire"
)

// Ingest stores a group of batches in one transaction: per envelope, a
// replay gets the first answer, the same key with another body 422, a key
// another instance is storing right now 409 (where the dialect can tell),
// a code in use 422, a kiosk over its quota 429. Kiosks are handled in
// ascending order, so two instances committing groups that share kiosks
// lock their rows in the same order and never deadlock.
func (s *Store) Ingest(ctx context.Context, jobs []*store.Job, now time.Time) error {
	sorted := append([]*store.Job(nil), jobs...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Kiosk < sorted[j].Kiosk })
	return s.tx(ctx, func(x q, tx Tx) error {
		seen := map[int64]bool{}
		for _, j := range sorted {
			for i := range j.Envs {
				if j.Results[i].Status == http.StatusConflict {
					continue
				}
				r, err := s.ingestOne(ctx, x, tx, j, i, now)
				if err != nil {
					return err
				}
				j.Results[i] = r
			}
			if !seen[j.Kiosk] {
				seen[j.Kiosk] = true
				if err := touchKiosk(ctx, x, j.Kiosk, now); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

func (s *Store) ingestOne(ctx context.Context, x q, tx Tx, j *store.Job, i int, now time.Time) (wire.ItemResult, error) {
	e, hash := j.Envs[i], j.Hashes[i]
	if s.d.LockKey != nil {
		ok, err := s.d.LockKey(ctx, tx, j.Kiosk, e.ID)
		if err != nil {
			return wire.ItemResult{}, err
		}
		if !ok {
			return wire.ItemResult{ID: e.ID, Status: http.StatusConflict, Error: "a request with this key is in progress"}, nil
		}
	}
	var prevHash, prevErr string
	var prevStatus int
	err := x.QueryRow(ctx, `SELECT body_hash, status, error FROM idempotency WHERE kiosk_id = ? AND key = ?`, j.Kiosk, e.ID).
		Scan(&prevHash, &prevStatus, &prevErr)
	switch {
	case err == nil && prevHash != hash:
		return wire.ItemResult{ID: e.ID, Status: http.StatusUnprocessableEntity, Error: "idempotency key reused with a different body"},
			count(ctx, x, "key_reuse_refused")
	case err == nil:
		return wire.ItemResult{ID: e.ID, Status: prevStatus, Error: prevErr, Replayed: true}, count(ctx, x, "replays")
	case err != ErrNoRows:
		return wire.ItemResult{}, err
	}

	status, msg := http.StatusCreated, j.Refusals[i]
	if msg == "" {
		var stored int64
		if err := x.QueryRow(ctx, `SELECT stored_bytes FROM kiosks WHERE id = ?`, j.Kiosk).Scan(&stored); err != nil {
			return wire.ItemResult{}, err
		}
		if stored+int64(len(e.JWE)) > j.Quota {
			// Retryable: the kiosk keeps it and sends it when staff have
			// worked off the cases already here. No key is kept.
			return wire.ItemResult{ID: e.ID, Status: http.StatusTooManyRequests,
				Error: "this kiosk's storage quota at the portal is used up; try again later"}, count(ctx, x, "quota_refused")
		}
		// The code is unique: a code another envelope holds inserts
		// nothing (and, on PostgreSQL, does not abort the transaction).
		n, err := x.Exec(ctx, `INSERT INTO envelopes (kiosk_id, id, code, service, created_at, received_at, test, size, jwe, state)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'received') ON CONFLICT DO NOTHING`, envelopeArgs(j.Kiosk, e, now)...)
		switch {
		case err != nil:
			return wire.ItemResult{}, err
		case n == 0:
			msg = "reference code already in use"
			if err := count(ctx, x, "duplicates_refused"); err != nil {
				return wire.ItemResult{}, err
			}
		default:
			if _, err := x.Exec(ctx, `UPDATE kiosks SET stored_bytes = stored_bytes + ? WHERE id = ?`, len(e.JWE), j.Kiosk); err != nil {
				return wire.ItemResult{}, err
			}
		}
	}
	if msg != "" {
		status = http.StatusUnprocessableEntity
		if err := count(ctx, x, "refused"); err != nil {
			return wire.ItemResult{}, err
		}
	}
	if _, err := x.Exec(ctx, `INSERT INTO idempotency (kiosk_id, key, body_hash, status, error, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		j.Kiosk, e.ID, hash, status, msg, ts(now)); err != nil {
		return wire.ItemResult{}, err
	}
	return wire.ItemResult{ID: e.ID, Status: status, Error: msg}, nil
}

func count(ctx context.Context, x q, name string) error {
	_, err := x.Exec(ctx, `INSERT INTO counters (name, value) VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET value = counters.value + 1`, name)
	return err
}

package sqlstore

import (
	"context"
	"fmt"
	"time"

	"lotse/sync/portal/store"
)

func (s *Store) PublishProfile(ctx context.Context, site, sha256 string, bundle []byte, now time.Time) (int, error) {
	var v int
	err := s.x.QueryRow(ctx, `INSERT INTO profiles (site, published_at, sha256, bundle) VALUES (?, ?, ?, ?) RETURNING version`,
		site, ts(now), sha256, bundle).Scan(&v)
	return v, err
}

func (s *Store) ProfileFor(ctx context.Context, kiosk int64) (int, []byte, error) {
	var v int
	var b []byte
	err := s.x.QueryRow(ctx, `SELECT version, bundle FROM profiles
		WHERE site = COALESCE((SELECT site FROM kiosk_sites WHERE kiosk_id = ?), '') OR site = ''
		ORDER BY (site = '') ASC, version DESC LIMIT 1`, kiosk).Scan(&v, &b)
	if err == ErrNoRows {
		return 0, nil, nil
	}
	return v, b, err
}

func (s *Store) LatestProfile(ctx context.Context, site string) (int, []byte, error) {
	var v int
	var b []byte
	err := s.x.QueryRow(ctx, `SELECT version, bundle FROM profiles WHERE site = ? ORDER BY version DESC LIMIT 1`, site).Scan(&v, &b)
	if err == ErrNoRows {
		return 0, nil, nil
	}
	return v, b, err
}

func (s *Store) ProfileVersions(ctx context.Context) (map[int]bool, error) {
	rows, err := s.x.Query(ctx, `SELECT version FROM profiles`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int]bool{}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out[v] = true
	}
	return out, rows.Err()
}

func (s *Store) SetSite(ctx context.Context, kiosk int64, site string) error {
	_, err := s.x.Exec(ctx, `INSERT INTO kiosk_sites (kiosk_id, site) VALUES (?, ?)
		ON CONFLICT (kiosk_id) DO UPDATE SET site = excluded.site`, kiosk, site)
	return err
}

func (s *Store) KioskSite(ctx context.Context, kiosk int64) (string, error) {
	var site string
	err := s.x.QueryRow(ctx, `SELECT site FROM kiosk_sites WHERE kiosk_id = ?`, kiosk).Scan(&site)
	if err == ErrNoRows {
		return "", nil
	}
	return site, err
}

func (s *Store) SiteKey(ctx context.Context, site string, fresh []byte) ([]byte, error) {
	var key []byte
	// Read first: every heartbeat asks, and a write would cost a commit.
	err := s.x.QueryRow(ctx, `SELECT key FROM site_keys WHERE site = ?`, site).Scan(&key)
	if err == nil {
		return key, nil
	}
	if err != ErrNoRows {
		return nil, fmt.Errorf("site key: %w", err)
	}
	if _, err := s.x.Exec(ctx, `INSERT INTO site_keys (site, key) VALUES (?, ?) ON CONFLICT (site) DO NOTHING`, site, fresh); err != nil {
		return nil, fmt.Errorf("site key: %w", err)
	}
	if err := s.x.QueryRow(ctx, `SELECT key FROM site_keys WHERE site = ?`, site).Scan(&key); err != nil {
		return nil, fmt.Errorf("site key: %w", err)
	}
	return key, nil
}

func (s *Store) StoreHeartbeat(ctx context.Context, kiosk int64, hb store.Heartbeat) error {
	at := ts(hb.At)
	return s.tx(ctx, func(x q, _ Tx) error {
		// The queue moved when more envelopes are done than last time, or
		// when nothing waits; otherwise outbox_moved keeps its old time.
		_, err := x.Exec(ctx, `INSERT INTO heartbeats (kiosk_id, received_at, status, outbox_done, outbox_moved)
			VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (kiosk_id) DO UPDATE SET received_at = excluded.received_at, status = excluded.status,
				outbox_moved = CASE WHEN excluded.outbox_done > heartbeats.outbox_done OR ? = 0
					THEN excluded.received_at ELSE heartbeats.outbox_moved END,
				outbox_done = excluded.outbox_done`, kiosk, at, string(hb.Status), hb.Done, at, hb.Waiting)
		if err != nil {
			return fmt.Errorf("heartbeat: %w", err)
		}
		for _, c := range hb.Calls {
			// A call reported again once withdrawn keeps its row and gains
			// the time it was taken back; an open one changes nothing.
			withdrawn := ""
			if !c.Withdrawn.IsZero() {
				withdrawn = ts(c.Withdrawn)
			}
			if _, err := x.Exec(ctx, `INSERT INTO guide_calls (kiosk_id, called_at, screen, withdrawn_at) VALUES (?, ?, ?, ?)
				ON CONFLICT (kiosk_id, called_at, screen) DO UPDATE SET withdrawn_at = excluded.withdrawn_at
				WHERE excluded.withdrawn_at <> '' AND guide_calls.withdrawn_at = ''`,
				kiosk, ts(c.At), c.Screen, withdrawn); err != nil {
				return fmt.Errorf("guide call: %w", err)
			}
		}
		return touchKiosk(ctx, x, kiosk, hb.At)
	})
}

// Silence is how long a kiosk goes without contact before the portal
// notes where the silence began: heartbeats come every minute.
const Silence = 2 * time.Minute

// touchKiosk records contact with kiosk at now, noting the last contact
// before a silence longer than Silence.
func touchKiosk(ctx context.Context, x q, kiosk int64, now time.Time) error {
	_, err := x.Exec(ctx, `UPDATE kiosks SET silent_from = CASE WHEN last_seen IS NOT NULL AND last_seen <> '' AND last_seen < ?
			THEN last_seen ELSE silent_from END, last_seen = ? WHERE id = ?`, ts(now.Add(-Silence)), ts(now), kiosk)
	return err
}

func (s *Store) SilentFrom(ctx context.Context, kiosk int64) (time.Time, error) {
	var from string
	err := s.x.QueryRow(ctx, `SELECT silent_from FROM kiosks WHERE id = ?`, kiosk).Scan(&from)
	if err == ErrNoRows {
		return time.Time{}, store.ErrNotFound
	}
	t, _ := time.Parse(time.RFC3339, from)
	return t, err
}

func (s *Store) Kiosks(ctx context.Context, callsSince time.Time) ([]store.Kiosk, error) {
	rows, err := s.x.Query(ctx, `SELECT k.id, k.name, COALESCE(ks.site, ''), k.revoked_at IS NOT NULL,
			COALESCE(h.received_at, ''), COALESCE(h.status, ''), COALESCE(h.outbox_moved, ''),
			(SELECT COUNT(*) FROM guide_calls g WHERE g.kiosk_id = k.id AND g.called_at >= ?)
		FROM kiosks k LEFT JOIN heartbeats h ON h.kiosk_id = k.id LEFT JOIN kiosk_sites ks ON ks.kiosk_id = k.id
		ORDER BY k.id`, ts(callsSince))
	if err != nil {
		return nil, fmt.Errorf("kiosks: %w", err)
	}
	defer rows.Close()
	var list []store.Kiosk
	for rows.Next() {
		var k store.Kiosk
		var seen, status, moved string
		if err := rows.Scan(&k.ID, &k.Name, &k.Site, &k.Revoked, &seen, &status, &moved, &k.GuideCalls); err != nil {
			return nil, fmt.Errorf("kiosks: %w", err)
		}
		k.LastSeen, _ = time.Parse(time.RFC3339, seen)
		k.OutboxMoved, _ = time.Parse(time.RFC3339, moved)
		if status != "" {
			k.Status = []byte(status)
		}
		list = append(list, k)
	}
	return list, rows.Err()
}

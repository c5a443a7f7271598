package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"lotse/sync/portal/store"
)

func (s *Store) AddUser(ctx context.Context, u store.User) error {
	n, err := s.x.Exec(ctx, `INSERT INTO users (name, password_hash, role, services, disabled, created_at, sites) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (name) DO NOTHING`, u.Name, u.PasswordHash, u.Role, strings.Join(u.Services, ","), u.Disabled, ts(u.Created), sitesText(u))
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("user %s: %w", u.Name, store.ErrExists)
	}
	return nil
}

func (s *Store) UpdateUser(ctx context.Context, u store.User) error {
	n, err := s.x.Exec(ctx, `UPDATE users SET password_hash = ?, role = ?, services = ?, disabled = ?, sites = ? WHERE name = ?`,
		u.PasswordHash, u.Role, strings.Join(u.Services, ","), u.Disabled, sitesText(u), u.Name)
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("user %s: %w", u.Name, store.ErrNotFound)
	}
	return nil
}

const userCols = `name, password_hash, role, services, disabled, created_at, sites`

// sitesText is how a user's sites are stored: "*" for all, else JSON.
func sitesText(u store.User) string {
	if u.AllSites {
		return "*"
	}
	b, _ := json.Marshal(append([]string{}, u.Sites...))
	return string(b)
}

func scanUser(r interface{ Scan(...any) error }) (store.User, error) {
	var u store.User
	var services, created, sites string
	if err := r.Scan(&u.Name, &u.PasswordHash, &u.Role, &services, &u.Disabled, &created, &sites); err != nil {
		return u, err
	}
	if sites == "*" {
		u.AllSites = true
	} else if err := json.Unmarshal([]byte(sites), &u.Sites); err != nil {
		return u, fmt.Errorf("user %s: sites: %w", u.Name, err)
	}
	if services != "" {
		u.Services = strings.Split(services, ",")
	}
	u.Created, _ = time.Parse(time.RFC3339, created)
	return u, nil
}

func (s *Store) User(ctx context.Context, name string) (store.User, error) {
	u, err := scanUser(s.x.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE name = ?`, name))
	if err == ErrNoRows {
		return u, store.ErrNotFound
	}
	return u, err
}

func (s *Store) Users(ctx context.Context) ([]store.User, error) {
	rows, err := s.x.Query(ctx, `SELECT `+userCols+` FROM users ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

func (s *Store) ClaimAttempt(ctx context.Context, key string, now time.Time, window time.Duration) (int, time.Time, error) {
	cutoff := ts(now.Add(-window))
	var n int
	var since string
	// Every SET expression reads the row as it was: a stale window starts
	// again at this attempt.
	err := s.x.QueryRow(ctx, `INSERT INTO login_attempts (attempt_key, attempts, window_start) VALUES (?, 1, ?)
		ON CONFLICT (attempt_key) DO UPDATE SET
			attempts = CASE WHEN login_attempts.window_start <= ? THEN 1 ELSE login_attempts.attempts + 1 END,
			window_start = CASE WHEN login_attempts.window_start <= ? THEN excluded.window_start ELSE login_attempts.window_start END
		RETURNING attempts, window_start`, key, ts(now), cutoff, cutoff).Scan(&n, &since)
	if err != nil {
		return 0, time.Time{}, err
	}
	t, _ := time.Parse(time.RFC3339, since)
	return n, t, nil
}

func (s *Store) ClearAttempts(ctx context.Context, key string) error {
	_, err := s.x.Exec(ctx, `DELETE FROM login_attempts WHERE attempt_key = ?`, key)
	return err
}

func (s *Store) CreateSession(ctx context.Context, idHash string, se store.Session) error {
	_, err := s.x.Exec(ctx, `INSERT INTO sessions (id_hash, user_name, csrf, created_at, last_seen) VALUES (?, ?, ?, ?, ?)`,
		idHash, se.User, se.CSRF, ts(se.Created), ts(se.LastSeen))
	return err
}

func (s *Store) Session(ctx context.Context, idHash string) (store.Session, error) {
	var se store.Session
	var created, seen string
	err := s.x.QueryRow(ctx, `SELECT user_name, csrf, created_at, last_seen FROM sessions WHERE id_hash = ?`, idHash).
		Scan(&se.User, &se.CSRF, &created, &seen)
	if err == ErrNoRows {
		return se, store.ErrNotFound
	}
	se.Created, _ = time.Parse(time.RFC3339, created)
	se.LastSeen, _ = time.Parse(time.RFC3339, seen)
	return se, err
}

func (s *Store) TouchSession(ctx context.Context, idHash string, at time.Time) error {
	_, err := s.x.Exec(ctx, `UPDATE sessions SET last_seen = ? WHERE id_hash = ?`, ts(at), idHash)
	return err
}

func (s *Store) DeleteSession(ctx context.Context, idHash string) error {
	_, err := s.x.Exec(ctx, `DELETE FROM sessions WHERE id_hash = ?`, idHash)
	return err
}

func (s *Store) DeleteSessions(ctx context.Context, user string) error {
	_, err := s.x.Exec(ctx, `DELETE FROM sessions WHERE user_name = ?`, user)
	return err
}

func (s *Store) Audit(ctx context.Context, e store.AuditEntry) error {
	_, err := s.x.Exec(ctx, `INSERT INTO audit (at, user_name, action, subject, addr) VALUES (?, ?, ?, ?, ?)`,
		tsNano(e.At), e.User, e.Action, e.Subject, e.Addr)
	return err
}

func (s *Store) AuditLog(ctx context.Context, since time.Time, limit int) ([]store.AuditEntry, error) {
	rows, err := s.x.Query(ctx, `SELECT seq, at, user_name, action, subject, addr FROM audit WHERE at >= ? ORDER BY seq DESC LIMIT ?`,
		tsNano(since), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.AuditEntry
	for rows.Next() {
		var e store.AuditEntry
		var at string
		if err := rows.Scan(&e.Seq, &at, &e.User, &e.Action, &e.Subject, &e.Addr); err != nil {
			return nil, err
		}
		e.At, _ = time.Parse(time.RFC3339Nano, at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// kioskSite is the SQL of the site of the kiosk named by column ("" for a
// kiosk no site was set for).
func kioskSite(column string) string {
	return "COALESCE((SELECT ks.site FROM kiosk_sites ks WHERE ks.kiosk_id = " + column + "), '')"
}

// siteWhere is the condition that the kiosk in column is at one of sites.
func siteWhere(column string, sites []string) (string, []any) {
	if len(sites) == 0 {
		return "1 = 0", nil
	}
	args := make([]any, len(sites))
	for i, s := range sites {
		args[i] = s
	}
	return kioskSite(column) + " IN " + in(len(sites)), args
}

// caseWhere is the inbox filter as SQL and its arguments.
func caseWhere(f store.CaseFilter) (string, []any) {
	where := []string{"test = FALSE"}
	var args []any
	if f.Service != "" {
		where, args = append(where, "service = ?"), append(args, f.Service)
	}
	if f.State != "" {
		where, args = append(where, "state = ?"), append(args, f.State)
	}
	if f.Kiosk != 0 {
		where, args = append(where, "kiosk_id = ?"), append(args, f.Kiosk)
	}
	if !f.From.IsZero() {
		where, args = append(where, "received_at >= ?"), append(args, tsNano(f.From))
	}
	if !f.To.IsZero() {
		where, args = append(where, "received_at < ?"), append(args, tsNano(f.To))
	}
	if f.Sites != nil {
		w, a := siteWhere("envelopes.kiosk_id", f.Sites)
		where, args = append(where, w), append(args, a...)
	}
	if len(f.Allowed) > 0 {
		where = append(where, "service IN (?"+strings.Repeat(", ?", len(f.Allowed)-1)+")")
		for _, a := range f.Allowed {
			args = append(args, a)
		}
	}
	return strings.Join(where, " AND "), args
}

func (s *Store) Cases(ctx context.Context, f store.CaseFilter) ([]store.CaseRow, int, error) {
	where, args := caseWhere(f)
	var total int
	if err := s.x.QueryRow(ctx, `SELECT COUNT(*) FROM envelopes WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := s.x.Query(ctx, `SELECT code, service, state, kiosk_id, received_at FROM envelopes WHERE `+where+`
		ORDER BY received_at DESC LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []store.CaseRow
	for rows.Next() {
		var c store.CaseRow
		var received string
		if err := rows.Scan(&c.Code, &c.Service, &c.State, &c.Kiosk, &received); err != nil {
			return nil, 0, err
		}
		c.Received, _ = time.Parse(time.RFC3339Nano, received)
		out = append(out, c)
	}
	return out, total, rows.Err()
}

func (s *Store) Case(ctx context.Context, code string) (store.StoredEnvelope, error) {
	var e store.StoredEnvelope
	var created, received string
	err := s.x.QueryRow(ctx, `SELECT kiosk_id, id, code, service, created_at, received_at, test, size, jwe, state, reason
		FROM envelopes WHERE code = ? AND test = FALSE`, code).Scan(&e.Kiosk, &e.Envelope.ID, &e.Envelope.Code, &e.Envelope.Service,
		&created, &received, &e.Envelope.Test, &e.Envelope.Size, &e.Envelope.JWE, &e.State, &e.Reason)
	if err == ErrNoRows {
		return e, store.ErrNotFound
	}
	e.Envelope.Created, _ = time.Parse(time.RFC3339Nano, created)
	e.Received, _ = time.Parse(time.RFC3339Nano, received)
	return e, err
}

func (s *Store) CaseCounts(ctx context.Context, since time.Time, sites []string) (map[string]int, error) {
	where, args := "test = FALSE AND received_at >= ?", []any{tsNano(since)}
	if sites != nil {
		w, a := siteWhere("envelopes.kiosk_id", sites)
		where, args = where+" AND "+w, append(args, a...)
	}
	rows, err := s.x.Query(ctx, `SELECT service, COUNT(*) FROM envelopes WHERE `+where+` GROUP BY service`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var svc string
		var n int
		if err := rows.Scan(&svc, &n); err != nil {
			return nil, err
		}
		out[svc] = n
	}
	return out, rows.Err()
}

func (s *Store) GuideCallsSince(ctx context.Context, since time.Time) ([]store.GuideCallRow, error) {
	rows, err := s.x.Query(ctx, `SELECT g.kiosk_id, k.name, `+kioskSite("g.kiosk_id")+`, g.called_at, g.screen, g.withdrawn_at
		FROM guide_calls g JOIN kiosks k ON k.id = g.kiosk_id
		WHERE g.called_at >= ? OR g.withdrawn_at >= ? ORDER BY g.called_at DESC LIMIT 100`, ts(since), ts(since))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.GuideCallRow
	for rows.Next() {
		var c store.GuideCallRow
		var at, withdrawn string
		if err := rows.Scan(&c.Kiosk, &c.KioskName, &c.Site, &at, &c.Screen, &withdrawn); err != nil {
			return nil, err
		}
		c.At, _ = time.Parse(time.RFC3339, at)
		c.Withdrawn, _ = time.Parse(time.RFC3339, withdrawn) // zero while open
		out = append(out, c)
	}
	return out, rows.Err()
}

package portal

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"lotse/sync/enrolcode"
	"lotse/sync/refcode"
	"lotse/sync/sqlitedb"
)

var migrations = []string{
	`CREATE TABLE kiosks (
		id          INTEGER PRIMARY KEY,        -- also the number in its reference codes (id-1)
		name        TEXT NOT NULL,
		token_hash  TEXT NOT NULL UNIQUE,       -- SHA-256 of the device credential
		enrolled_at TEXT NOT NULL,
		revoked_at  TEXT,
		last_seen   TEXT
	);
	CREATE TABLE enroll_codes (
		code_hash  TEXT PRIMARY KEY,
		expires_at TEXT NOT NULL,
		used_at    TEXT
	);
	CREATE TABLE envelopes (
		kiosk_id    INTEGER NOT NULL,
		id          TEXT NOT NULL,
		code        TEXT NOT NULL UNIQUE,
		service     TEXT NOT NULL,
		created_at  TEXT NOT NULL,
		received_at TEXT NOT NULL,
		test        INTEGER NOT NULL,
		size        INTEGER NOT NULL,
		jwe         TEXT NOT NULL,
		state       TEXT NOT NULL,              -- received, accepted, rejected
		reason      TEXT NOT NULL DEFAULT '',
		PRIMARY KEY (kiosk_id, id)
	);
	CREATE TABLE idempotency (
		kiosk_id   INTEGER NOT NULL,
		key        TEXT NOT NULL,
		body_hash  TEXT NOT NULL,
		status     INTEGER NOT NULL,
		error      TEXT NOT NULL,
		created_at TEXT NOT NULL,
		PRIMARY KEY (kiosk_id, key)
	);
	CREATE TABLE changes (
		seq      INTEGER PRIMARY KEY AUTOINCREMENT,
		kiosk_id INTEGER NOT NULL,
		code     TEXT NOT NULL,
		state    TEXT NOT NULL,
		reason   TEXT NOT NULL
	);
	CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)`,
	// Bytes of undecided envelopes per kiosk, for its quota.
	`ALTER TABLE kiosks ADD COLUMN stored_bytes INTEGER NOT NULL DEFAULT 0;
	UPDATE kiosks SET stored_bytes = (SELECT COALESCE(SUM(LENGTH(jwe)), 0) FROM envelopes
		WHERE envelopes.kiosk_id = kiosks.id AND state = 'received')`,
}

// IdempotencyRetention is how long the portal remembers an idempotency
// key: longer than the longest time a kiosk may stay offline.
const IdempotencyRetention = 90 * 24 * time.Hour

func openStore(ctx context.Context, path string) (*sql.DB, error) {
	db, err := sqlitedb.Open(path)
	if err != nil {
		return nil, err
	}
	if err := sqlitedb.Migrate(ctx, db, "portal", migrations); err != nil {
		db.Close()
		return nil, err
	}
	if err := migrateFleet(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	cutoff := time.Now().Add(-IdempotencyRetention).UTC().Format(time.RFC3339)
	if _, err := db.ExecContext(ctx, `DELETE FROM idempotency WHERE created_at < ?`, cutoff); err != nil {
		db.Close()
		return nil, fmt.Errorf("portal: expire idempotency keys: %w", err)
	}
	return db, nil
}

func hashHex(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func randomToken(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// EnrollCode makes a one-time enrolment code, valid for d.
func (s *Server) EnrollCode(ctx context.Context, d time.Duration) (string, error) {
	return s.EnrollCodeFor(ctx, d, "")
}

// MaxEnrollValid caps how long an enrolment code works: codes are
// printed on sheets and read over the phone, and a code that lives for
// years is a credential nobody remembers handing out.
const MaxEnrollValid = 7 * 24 * time.Hour

// EnrollCodeFor makes a one-time enrolment code, valid for d, that puts
// the kiosk using it in site (none for ""): staff setting up a library's
// kiosks hand out its codes, and each kiosk gets the library's profile
// with its first heartbeat. The code carries a fingerprint of the
// portal's keys, so the kiosk can tell the real portal from a proxy.
func (s *Server) EnrollCodeFor(ctx context.Context, d time.Duration, site string) (string, error) {
	if d <= 0 || d > MaxEnrollValid {
		return "", fmt.Errorf("enrolment code: validity %s: want more than 0 and at most %s (7 days)", d, MaxEnrollValid)
	}
	code, secret, err := enrolcode.New(s.keyDERs()...)
	if err != nil {
		return "", fmt.Errorf("enrolment code: %w", err)
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO enroll_codes (code_hash, expires_at, site) VALUES (?, ?, ?)`,
		hashHex(secret), time.Now().Add(d).UTC().Format(time.RFC3339), site)
	if err != nil {
		return "", fmt.Errorf("enrolment code: %w", err)
	}
	return code, nil
}

var errBadEnrollCode = errors.New("enrolment code unknown, used or expired")

// enroll uses code once and registers a kiosk, returning its id and token.
func (s *Server) enroll(ctx context.Context, code, name string) (int64, string, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, "", err
	}
	defer tx.Rollback()
	now := time.Now().UTC().Format(time.RFC3339)
	secret, ok := enrolcode.NormalSecret(code)
	if !ok {
		return 0, "", errBadEnrollCode
	}
	codeHash := hashHex(secret)
	res, err := tx.ExecContext(ctx, `UPDATE enroll_codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL AND expires_at > ?`,
		now, codeHash, now)
	if err != nil {
		return 0, "", err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return 0, "", errBadEnrollCode
	}
	var site string
	if err := tx.QueryRowContext(ctx, `SELECT site FROM enroll_codes WHERE code_hash = ?`, codeHash).Scan(&site); err != nil {
		return 0, "", err
	}
	token, err := randomToken(32)
	if err != nil {
		return 0, "", err
	}
	res, err = tx.ExecContext(ctx, `INSERT INTO kiosks (name, token_hash, enrolled_at) VALUES (?, ?, ?)`, name, hashHex(token), now)
	if err != nil {
		return 0, "", err
	}
	id, _ := res.LastInsertId()
	if id > refcode.MaxKiosks {
		return 0, "", fmt.Errorf("portal full: %d kiosks", refcode.MaxKiosks)
	}
	if site != "" {
		if _, err := tx.ExecContext(ctx, `INSERT INTO kiosk_sites (kiosk_id, site) VALUES (?, ?)`, id, site); err != nil {
			return 0, "", err
		}
	}
	return id, token, tx.Commit()
}

// Revoke stops a kiosk's credential from working.
func (s *Server) Revoke(ctx context.Context, kiosk int64) error {
	res, err := s.db.ExecContext(ctx, `UPDATE kiosks SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`,
		time.Now().UTC().Format(time.RFC3339), kiosk)
	if err != nil {
		return fmt.Errorf("revoke kiosk %d: %w", kiosk, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("revoke kiosk %d: no such kiosk, or revoked already", kiosk)
	}
	return nil
}

var (
	errUnauthenticated = errors.New("unknown credential")
	errRevoked         = errors.New("kiosk revoked")
)

// authenticate finds the kiosk of a bearer token.
func (s *Server) authenticate(ctx context.Context, token string) (int64, error) {
	var id int64
	var revoked sql.NullString
	err := s.db.QueryRowContext(ctx, `SELECT id, revoked_at FROM kiosks WHERE token_hash = ?`, hashHex(token)).Scan(&id, &revoked)
	if errors.Is(err, sql.ErrNoRows) || token == "" {
		return 0, errUnauthenticated
	}
	if err != nil {
		return 0, err
	}
	if revoked.Valid {
		return id, errRevoked
	}
	return id, nil
}

// Decide records staff's decision on a case; it reaches the kiosk through
// the changes feed and the resident through the status page.
func (s *Server) Decide(ctx context.Context, code, state, reason string) error {
	if state != "accepted" && state != "rejected" {
		return fmt.Errorf("decide: %q is neither accepted nor rejected", state)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var kiosk int64
	if err := tx.QueryRowContext(ctx, `SELECT kiosk_id FROM envelopes WHERE code = ?`, code).Scan(&kiosk); err != nil {
		return fmt.Errorf("decide %s: no such case", code)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE kiosks SET stored_bytes = MAX(0, stored_bytes -
			(SELECT LENGTH(jwe) FROM envelopes WHERE code = ? AND state = 'received')) WHERE id = ?`, code, kiosk); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE envelopes SET state = ?, reason = ? WHERE code = ?`, state, reason, code); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO changes (kiosk_id, code, state, reason) VALUES (?, ?, ?, ?)`,
		kiosk, code, state, reason); err != nil {
		return err
	}
	return tx.Commit()
}

// Stats counts envelopes by state, and refused duplicates.
func (s *Server) Stats(ctx context.Context) (map[string]int, error) {
	out := map[string]int{"envelopes": 0, "received": 0, "accepted": 0, "rejected": 0, "duplicates_refused": 0, "replays": 0, "kiosks": 0}
	rows, err := s.db.QueryContext(ctx, `SELECT state, COUNT(*) FROM envelopes GROUP BY state`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var st string
		var n int
		rows.Scan(&st, &n)
		out[st] = n
		out["envelopes"] += n
	}
	rows.Close()
	rows, err = s.db.QueryContext(ctx, `SELECT name, value FROM counters`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var name string
		var n int
		rows.Scan(&name, &n)
		out[name] = n
	}
	rows.Close()
	var kiosks int
	s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM kiosks WHERE revoked_at IS NULL`).Scan(&kiosks)
	out["kiosks"] = kiosks
	return out, nil
}

// CountCode says how many stored envelopes carry code (0 or 1: the column
// is unique; tests use it to prove exactly-once delivery).
func (s *Server) CountCode(ctx context.Context, code string) int {
	var n int
	s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM envelopes WHERE code = ?`, code).Scan(&n)
	return n
}

package portal

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"time"

	"lotse/sync/credential"
	"lotse/sync/profilesig"
	"lotse/sync/sqlitedb"
	"lotse/sync/wire"
)

// The fleet: what staff publish to kiosks (profiles) and what kiosks
// report back (heartbeats, guide calls).
var fleetMigrations = []string{
	`CREATE TABLE profiles (
		version      INTEGER PRIMARY KEY AUTOINCREMENT,
		site         TEXT NOT NULL,   -- '' for every kiosk without a profile of its own site
		published_at TEXT NOT NULL,
		sha256       TEXT NOT NULL,
		bundle       BLOB NOT NULL    -- a zip: profile.toml, services/, guides.toml, logo
	);
	CREATE TABLE kiosk_sites (kiosk_id INTEGER PRIMARY KEY, site TEXT NOT NULL);
	CREATE TABLE heartbeats (
		kiosk_id       INTEGER PRIMARY KEY,
		received_at    TEXT NOT NULL,
		status         TEXT NOT NULL, -- the last Heartbeat, JSON
		outbox_done    INTEGER NOT NULL, -- acknowledged + decided, to see a queue move
		outbox_moved   TEXT NOT NULL  -- when outbox_done last grew (or the queue was empty)
	);
	CREATE TABLE guide_calls (
		kiosk_id  INTEGER NOT NULL,
		called_at TEXT NOT NULL,
		screen    TEXT NOT NULL,
		PRIMARY KEY (kiosk_id, called_at, screen)
	)`,
	// A code may put the kiosk that uses it in a site at once.
	`ALTER TABLE enroll_codes ADD COLUMN site TEXT NOT NULL DEFAULT ''`,
	// Each site's secret that card and PIN hashes are keyed with; kiosks
	// get it over their authenticated channel, never in a profile.
	`CREATE TABLE site_keys (site TEXT PRIMARY KEY, key BLOB NOT NULL)`,
}

func migrateFleet(ctx context.Context, db *sql.DB) error {
	return sqlitedb.Migrate(ctx, db, "portal-fleet", fleetMigrations)
}

// SiteKey is site's secret ("" for the kiosks without a site of their
// own), made on first use.
func (s *Server) SiteKey(ctx context.Context, site string) ([]byte, error) {
	key := make([]byte, credential.KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO site_keys (site, key) VALUES (?, ?) ON CONFLICT (site) DO NOTHING`, site, key); err != nil {
		return nil, fmt.Errorf("site key: %w", err)
	}
	if err := s.db.QueryRowContext(ctx, `SELECT key FROM site_keys WHERE site = ?`, site).Scan(&key); err != nil {
		return nil, fmt.Errorf("site key: %w", err)
	}
	return key, nil
}

// kioskSiteKey is the key of the kiosk's site.
func (s *Server) kioskSiteKey(ctx context.Context, kiosk int64) ([]byte, error) {
	var site string
	err := s.db.QueryRowContext(ctx, `SELECT site FROM kiosk_sites WHERE kiosk_id = ?`, kiosk).Scan(&site)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	return s.SiteKey(ctx, site)
}

// HashCard and HashPIN make the values a profile for site registers
// guides' cards and PINs and the staff PIN with.
func (s *Server) HashCard(ctx context.Context, site, id string) (string, error) {
	key, err := s.SiteKey(ctx, site)
	if err != nil {
		return "", err
	}
	return credential.HashCard(key, id)
}

func (s *Server) HashPIN(ctx context.Context, site string, kind credential.Kind, pin string) (string, error) {
	key, err := s.SiteKey(ctx, site)
	if err != nil {
		return "", err
	}
	return credential.HashPIN(key, kind, pin)
}

// PublishProfile stores a profile bundle for site ("" for all kiosks
// without their own) and returns its version. The portal checks that it
// is a zip with a profile.toml; each kiosk checks the rest before it
// switches, and keeps its old profile when the new one fails.
func (s *Server) PublishProfile(ctx context.Context, site string, bundle []byte) (int, error) {
	zr, err := zip.NewReader(bytes.NewReader(bundle), int64(len(bundle)))
	if err != nil {
		return 0, fmt.Errorf("publish profile: not a zip: %w", err)
	}
	if _, err := zr.Open("profile.toml"); err != nil {
		return 0, errors.New("publish profile: the zip has no profile.toml at its top")
	}
	sum := sha256.Sum256(bundle)
	res, err := s.db.ExecContext(ctx, `INSERT INTO profiles (site, published_at, sha256, bundle) VALUES (?, ?, ?, ?)`,
		site, time.Now().UTC().Format(time.RFC3339), hex.EncodeToString(sum[:]), bundle)
	if err != nil {
		return 0, fmt.Errorf("publish profile: %w", err)
	}
	v, err := res.LastInsertId()
	return int(v), err
}

// LatestProfile is the newest profile published for site (version 0
// when none was).
func (s *Server) LatestProfile(ctx context.Context, site string) (int, []byte, error) {
	var v int
	var b []byte
	err := s.db.QueryRowContext(ctx, `SELECT version, bundle FROM profiles WHERE site = ? ORDER BY version DESC LIMIT 1`, site).Scan(&v, &b)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil, nil
	}
	return v, b, err
}

// Profiles counts the published profiles.
func (s *Server) Profiles(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM profiles`).Scan(&n)
	return n, err
}

// SetSite puts a kiosk in a site, whose profiles it then runs.
func (s *Server) SetSite(ctx context.Context, kiosk int64, site string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO kiosk_sites (kiosk_id, site) VALUES (?, ?)
		ON CONFLICT (kiosk_id) DO UPDATE SET site = excluded.site`, kiosk, site)
	return err
}

// profileFor is the newest profile for the kiosk's site, else the newest
// for all; version 0 when none was published.
func (s *Server) profileFor(ctx context.Context, kiosk int64) (int, []byte, error) {
	var v int
	var b []byte
	err := s.db.QueryRowContext(ctx, `SELECT version, bundle FROM profiles
		WHERE site = COALESCE((SELECT site FROM kiosk_sites WHERE kiosk_id = ?), '') OR site = ''
		ORDER BY (site = '') ASC, version DESC LIMIT 1`, kiosk).Scan(&v, &b)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil, nil
	}
	return v, b, err
}

func (s *Server) handleProfile(w http.ResponseWriter, r *http.Request) {
	kiosk, ok := s.ownKiosk(w, r)
	if !ok {
		return
	}
	v, b, err := s.profileFor(r.Context(), kiosk)
	switch {
	case err != nil:
		fail(w, http.StatusInternalServerError, "profile")
	case v == 0:
		fail(w, http.StatusNotFound, "no profile published")
	case r.Header.Get("If-None-Match") == strconv.Quote(strconv.Itoa(v)):
		w.WriteHeader(http.StatusNotModified)
	default:
		sig, err := profilesig.Sign(s.sign, v, b)
		if err != nil {
			fail(w, http.StatusInternalServerError, "profile")
			return
		}
		w.Header().Set("ETag", strconv.Quote(strconv.Itoa(v)))
		w.Header().Set(profilesig.Header, sig)
		w.Header().Set("Content-Type", "application/zip")
		w.Write(b)
	}
}

func (s *Server) handleHeartbeat(w http.ResponseWriter, r *http.Request) {
	kiosk, ok := s.ownKiosk(w, r)
	if !ok || s.refuseWhenFull(w) {
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		fail(w, http.StatusBadRequest, "heartbeat: "+err.Error())
		return
	}
	hb, err := wire.DecodeHeartbeat(body)
	if err != nil {
		fail(w, http.StatusBadRequest, err.Error())
		return
	}
	if err := s.storeHeartbeat(r.Context(), kiosk, hb, time.Now().UTC()); err != nil {
		fail(w, http.StatusInternalServerError, "heartbeat")
		return
	}
	v, _, err := s.profileFor(r.Context(), kiosk)
	if err != nil {
		fail(w, http.StatusInternalServerError, "profile")
		return
	}
	key, err := s.kioskSiteKey(r.Context(), kiosk)
	if err != nil {
		fail(w, http.StatusInternalServerError, "site key")
		return
	}
	writeJSON(w, http.StatusOK, wire.HeartbeatReply{ProfileVersion: v, SiteKey: key})
}

func (s *Server) storeHeartbeat(ctx context.Context, kiosk int64, hb wire.Heartbeat, now time.Time) error {
	b, err := json.Marshal(hb)
	if err != nil {
		return err
	}
	done := hb.Outbox["acknowledged"] + hb.Outbox["accepted"] + hb.Outbox["rejected"]
	waiting := hb.Outbox["queued"] + hb.Outbox["sending"]
	at := now.Format(time.RFC3339)
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// The queue moved when more envelopes are done than last time, or when
	// nothing waits; otherwise outbox_moved keeps its old time.
	_, err = tx.ExecContext(ctx, `INSERT INTO heartbeats (kiosk_id, received_at, status, outbox_done, outbox_moved)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (kiosk_id) DO UPDATE SET received_at = excluded.received_at, status = excluded.status,
			outbox_moved = CASE WHEN excluded.outbox_done > heartbeats.outbox_done OR ? = 0
				THEN excluded.received_at ELSE heartbeats.outbox_moved END,
			outbox_done = excluded.outbox_done`, kiosk, at, string(b), done, at, waiting)
	if err != nil {
		return fmt.Errorf("heartbeat: %w", err)
	}
	for _, c := range hb.GuideCalls {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO guide_calls (kiosk_id, called_at, screen) VALUES (?, ?, ?)`,
			kiosk, c.At.UTC().Format(time.RFC3339), c.Screen); err != nil {
			return fmt.Errorf("guide call: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE kiosks SET last_seen = ? WHERE id = ?`, at, kiosk); err != nil {
		return err
	}
	return tx.Commit()
}

// KioskInfo is one kiosk of the fleet, for `lotse-portal kiosks`.
type KioskInfo struct {
	ID         int64          `json:"id"`
	Name       string         `json:"name"`
	Site       string         `json:"site"`
	Revoked    bool           `json:"revoked"`
	LastSeen   time.Time      `json:"last_seen,omitzero"`
	Status     wire.Heartbeat `json:"status"`
	GuideCalls int            `json:"guide_calls_last_hour"`
	Alarms     []string       `json:"alarms"`
}

// Alarm thresholds: a kiosk silent for 10 minutes is offline; a queue
// that has not moved for an hour is stuck.
const (
	OfflineAfter = 10 * time.Minute
	StuckAfter   = time.Hour
)

// Kiosks lists the fleet with the alarms staff must see, as of now.
func (s *Server) Kiosks(ctx context.Context, now time.Time) ([]KioskInfo, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT k.id, k.name, COALESCE(ks.site, ''), k.revoked_at IS NOT NULL,
			COALESCE(h.received_at, ''), COALESCE(h.status, ''), COALESCE(h.outbox_moved, ''),
			(SELECT COUNT(*) FROM guide_calls g WHERE g.kiosk_id = k.id AND g.called_at >= ?)
		FROM kiosks k LEFT JOIN heartbeats h ON h.kiosk_id = k.id LEFT JOIN kiosk_sites ks ON ks.kiosk_id = k.id
		ORDER BY k.id`, now.Add(-time.Hour).UTC().Format(time.RFC3339))
	if err != nil {
		return nil, fmt.Errorf("kiosks: %w", err)
	}
	defer rows.Close()
	issued, err := s.issuedProfiles(ctx)
	if err != nil {
		return nil, err
	}
	var list []KioskInfo
	for rows.Next() {
		var k KioskInfo
		var seen, status, moved string
		if err := rows.Scan(&k.ID, &k.Name, &k.Site, &k.Revoked, &seen, &status, &moved, &k.GuideCalls); err != nil {
			return nil, fmt.Errorf("kiosks: %w", err)
		}
		k.LastSeen, _ = time.Parse(time.RFC3339, seen)
		if status != "" {
			json.Unmarshal([]byte(status), &k.Status)
		}
		movedAt, _ := time.Parse(time.RFC3339, moved)
		k.Alarms = alarms(k, movedAt, now)
		if v := k.Status.ProfileVersion; v > 0 && !issued[v] && !k.Revoked {
			// Only a forged or foreign bundle can be running there.
			k.Alarms = append(k.Alarms, fmt.Sprintf("runs profile version %d, which this portal never issued", v))
			sort.Strings(k.Alarms)
		}
		list = append(list, k)
	}
	return list, rows.Err()
}

// issuedProfiles are the profile versions this portal has published.
func (s *Server) issuedProfiles(ctx context.Context) (map[int]bool, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT version FROM profiles`)
	if err != nil {
		return nil, fmt.Errorf("kiosks: %w", err)
	}
	defer rows.Close()
	issued := map[int]bool{}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("kiosks: %w", err)
		}
		issued[v] = true
	}
	return issued, rows.Err()
}

func alarms(k KioskInfo, outboxMoved, now time.Time) []string {
	var a []string
	switch {
	case k.Revoked:
		return []string{"revoked"}
	case k.LastSeen.IsZero():
		a = append(a, "never reported")
	case now.Sub(k.LastSeen) > OfflineAfter:
		a = append(a, fmt.Sprintf("offline for %s", now.Sub(k.LastSeen).Round(time.Minute)))
	}
	p := k.Status.Printer
	switch {
	case !p.Configured:
	case p.Problem != "":
		a = append(a, "printer: "+p.Problem)
	case p.PaperNearEnd:
		a = append(a, "printer: paper near end")
	}
	if r := k.Status.Reader; r.Configured && r.Problem != "" {
		a = append(a, "card reader: "+r.Problem)
	}
	if waiting := k.Status.Outbox["queued"] + k.Status.Outbox["sending"]; waiting > 0 && !outboxMoved.IsZero() && now.Sub(outboxMoved) > StuckAfter {
		a = append(a, fmt.Sprintf("outbox stuck: %d waiting, nothing sent for %s", waiting, now.Sub(outboxMoved).Round(time.Minute)))
	}
	if k.Status.ProfileError != "" {
		a = append(a, "profile refused: "+k.Status.ProfileError)
	}
	if k.GuideCalls > 0 {
		a = append(a, fmt.Sprintf("guide called (%d in the last hour)", k.GuideCalls))
	}
	if k.Status.FreeDiskBytes > 0 && k.Status.FreeDiskBytes < 200<<20 {
		a = append(a, fmt.Sprintf("disk nearly full: %d MB free", k.Status.FreeDiskBytes>>20))
	}
	sort.Strings(a)
	return a
}

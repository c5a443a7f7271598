// Package identity keeps what enrolment leaves on the kiosk: who it is
// at its portal, its credential and site key (files of their own beside
// the database, mode 0600), and the portal's pinned public keys.
package identity

import (
	"context"
	"crypto/ed25519"
	"crypto/x509"
	"database/sql"
	encpem "encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"lotse/sync/seal"
	"lotse/sync/sqlitedb"
)

// Kiosk is what enrolment leaves on the kiosk: who it is at the portal,
// its credential, and the portal's pinned public key.
type Kiosk struct {
	Portal  string
	KioskID int64
	Number  int // in reference codes
	Token   string
	Key     seal.Key
	// SigningKey verifies the profiles the portal publishes; empty for a
	// kiosk enrolled before profiles were signed (it must enrol again).
	SigningKey ed25519.PublicKey
	// SiteKey keys the card and PIN hashes of the kiosk's site; the
	// portal sends it at enrolment and with every heartbeat.
	SiteKey []byte
	// PublicURL is the portal's address as residents reach it (the status
	// pages behind receipts' QR codes), as the portal names it in its
	// heartbeat replies; "" until it did.
	PublicURL string
}

// StatusBase is the address a receipt's QR code points at: the one the
// portal named for residents, else the one the kiosk enrolled at.
func (id Kiosk) StatusBase() string {
	if id.PublicURL != "" {
		return id.PublicURL
	}
	return id.Portal
}

var migrations = []string{
	`CREATE TABLE kiosk_identity (
		id         INTEGER PRIMARY KEY CHECK (id = 1),
		portal     TEXT NOT NULL,
		kiosk_id   INTEGER NOT NULL,
		number     INTEGER NOT NULL,
		token      TEXT NOT NULL,
		public_key TEXT NOT NULL,
		kid        TEXT NOT NULL
	)`,
	`ALTER TABLE kiosk_identity ADD COLUMN signing_key TEXT NOT NULL DEFAULT ''`,
	`ALTER TABLE kiosk_identity ADD COLUMN public_url TEXT NOT NULL DEFAULT ''`,
}

// ErrNotEnrolled means the kiosk has no identity yet.
var ErrNotEnrolled = errors.New("kiosk not enrolled: run lotse enroll")

func migrate(ctx context.Context, db *sql.DB) error {
	// The tables' owner keeps the name of the package they began in, so
	// enrolled kiosks do not migrate again.
	return sqlitedb.Migrate(ctx, db, "client", migrations)
}

// Load reads the kiosk's identity from its database.
func Load(ctx context.Context, db *sql.DB) (Kiosk, error) {
	if err := migrate(ctx, db); err != nil {
		return Kiosk{}, err
	}
	var id Kiosk
	var pem, signPEM string
	err := db.QueryRowContext(ctx, `SELECT portal, kiosk_id, number, token, public_key, kid, signing_key, public_url FROM kiosk_identity WHERE id = 1`).
		Scan(&id.Portal, &id.KioskID, &id.Number, &id.Token, &pem, &id.Key.ID, &signPEM, &id.PublicURL)
	if errors.Is(err, sql.ErrNoRows) {
		return Kiosk{}, ErrNotEnrolled
	}
	if err != nil {
		return Kiosk{}, fmt.Errorf("kiosk identity: %w", err)
	}
	if id.Key.Public, err = seal.DecodePublic(pem); err != nil {
		return Kiosk{}, fmt.Errorf("kiosk identity: %w", err)
	}
	if signPEM != "" {
		if id.SigningKey, err = DecodeSigningKey(signPEM); err != nil {
			return Kiosk{}, fmt.Errorf("kiosk identity: %w", err)
		}
	}
	path, err := secretPath(ctx, db, ".token")
	if err != nil {
		return Kiosk{}, err
	}
	if id.SiteKey, err = LoadSiteKey(ctx, db); err != nil {
		return Kiosk{}, err
	}
	if id.Token != "" {
		// Enrolled by an older release: the token moves out of the
		// database into its own file.
		if err := writeSecret(path, []byte(id.Token+"\n")); err != nil {
			return Kiosk{}, err
		}
		if _, err := db.ExecContext(ctx, `UPDATE kiosk_identity SET token = '' WHERE id = 1`); err != nil {
			return Kiosk{}, fmt.Errorf("kiosk identity: %w", err)
		}
		return id, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return Kiosk{}, fmt.Errorf("kiosk credential: %w (enrol the kiosk again)", err)
	}
	id.Token = strings.TrimSpace(string(b))
	return id, nil
}

// LoadSiteKey reads the site key the portal sent (nil before it did).
func LoadSiteKey(ctx context.Context, db *sql.DB) ([]byte, error) {
	path, err := secretPath(ctx, db, ".sitekey")
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("site key: %w", err)
	}
	return b, nil
}

// SaveSiteKey keeps the site key the portal sent, in a 0600 file beside
// the database (never in it).
func SaveSiteKey(ctx context.Context, db *sql.DB, key []byte) error {
	path, err := secretPath(ctx, db, ".sitekey")
	if err != nil {
		return err
	}
	return writeSecret(path, key)
}

// SavePublicURL keeps the address residents reach the portal at, as the
// portal named it (checked like a portal address).
func SavePublicURL(ctx context.Context, db *sql.DB, url string) error {
	if err := CheckPortalURL(url); err != nil {
		return fmt.Errorf("public address: %w", err)
	}
	if _, err := db.ExecContext(ctx, `UPDATE kiosk_identity SET public_url = ? WHERE id = 1`, url); err != nil {
		return fmt.Errorf("public address: %w", err)
	}
	return nil
}

// MovePortal points an enrolled kiosk at its portal's new address; the
// enrolment (kiosk id, token, key) stays. The demo's portal uses it when
// its old port is taken.
func MovePortal(ctx context.Context, db *sql.DB, url string) error {
	if err := CheckPortalURL(url); err != nil {
		return fmt.Errorf("move portal: %w", err)
	}
	res, err := db.ExecContext(ctx, `UPDATE kiosk_identity SET portal = ? WHERE id = 1`, url)
	if err != nil {
		return fmt.Errorf("move portal: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotEnrolled
	}
	return nil
}

// Save stores the kiosk's identity: the credential and site key in files
// of their own, the rest in the database.
func Save(ctx context.Context, db *sql.DB, id Kiosk) error {
	if err := migrate(ctx, db); err != nil {
		return err
	}
	pem, err := seal.EncodePublic(id.Key.Public)
	if err != nil {
		return err
	}
	signDER, err := x509.MarshalPKIXPublicKey(id.SigningKey)
	if err != nil {
		return fmt.Errorf("save kiosk identity: %w", err)
	}
	signPEM := string(encpem.EncodeToMemory(&encpem.Block{Type: "PUBLIC KEY", Bytes: signDER}))
	path, err := secretPath(ctx, db, ".token")
	if err != nil {
		return err
	}
	if err := writeSecret(path, []byte(id.Token+"\n")); err != nil {
		return err
	}
	if err := SaveSiteKey(ctx, db, id.SiteKey); err != nil {
		return err
	}
	_, err = db.ExecContext(ctx, `INSERT INTO kiosk_identity (id, portal, kiosk_id, number, token, public_key, kid, signing_key)
		VALUES (1, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET portal = excluded.portal, kiosk_id = excluded.kiosk_id,
		number = excluded.number, token = excluded.token, public_key = excluded.public_key, kid = excluded.kid,
		signing_key = excluded.signing_key`,
		id.Portal, id.KioskID, id.Number, "", pem, id.Key.ID, signPEM)
	if err != nil {
		return fmt.Errorf("save kiosk identity: %w", err)
	}
	return nil
}

// DecodeSigningKey reads the portal's Ed25519 signing key (PEM, SPKI).
func DecodeSigningKey(s string) (ed25519.PublicKey, error) {
	b, _ := encpem.Decode([]byte(s))
	if b == nil {
		return nil, errors.New("not PEM")
	}
	k, err := x509.ParsePKIXPublicKey(b.Bytes)
	if err != nil {
		return nil, err
	}
	pub, ok := k.(ed25519.PublicKey)
	if !ok {
		return nil, errors.New("not Ed25519")
	}
	return pub, nil
}

// secretPath is where the kiosk keeps a secret: a file of its own beside
// the database (kiosk.db: kiosk.token, kiosk.sitekey), mode 0600, so a
// copy of kiosk.db (a support bundle, a backup) does not carry it.
func secretPath(ctx context.Context, db *sql.DB, ext string) (string, error) {
	path, err := sqlitedb.Path(ctx, db)
	if err != nil {
		return "", err
	}
	if path == "" {
		return "", errors.New("kiosk credential: the database is not a file")
	}
	return strings.TrimSuffix(path, filepath.Ext(path)) + ext, nil
}

// writeSecret replaces a secret's file in one rename, synced, 0600.
func writeSecret(path string, data []byte) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("kiosk credential: %w", err)
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(0o600)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("kiosk credential: %w", err)
	}
	return nil
}

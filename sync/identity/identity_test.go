package identity_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"lotse/sync/identity"
	"lotse/sync/seal"
	"lotse/sync/sqlitedb"
)

// An identity survives a restart; its credential and site key live in
// files of their own (0600) and not in the database, which support
// bundles and backups copy.
func TestSaveAndLoadKeepSecretsOutOfTheDatabase(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "kiosk.db")
	db, err := sqlitedb.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := identity.Load(ctx, db); !errors.Is(err, identity.ErrNotEnrolled) {
		t.Fatalf("a fresh kiosk: %v", err)
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	kid, _ := seal.KeyID(&key.PublicKey)
	signPub, _, _ := ed25519.GenerateKey(rand.Reader)
	want := identity.Kiosk{Portal: "https://portal.musterstadt.example", KioskID: 7, Number: 3, Token: "geheim-token-123",
		Key: seal.Key{ID: kid, Public: &key.PublicKey}, SigningKey: signPub, SiteKey: []byte("site-key-bytes")}
	if err := identity.Save(ctx, db, want); err != nil {
		t.Fatal(err)
	}
	got, err := identity.Load(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if got.Token != want.Token || got.KioskID != 7 || got.Number != 3 || !bytes.Equal(got.SiteKey, want.SiteKey) ||
		!got.SigningKey.Equal(signPub) || got.Key.ID != kid || got.StatusBase() != want.Portal {
		t.Errorf("loaded %+v", got)
	}
	db.Close()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range [][]byte{[]byte(want.Token), want.SiteKey} {
		if bytes.Contains(raw, secret) {
			t.Errorf("%q is in the database file", secret)
		}
	}
	for _, f := range []string{"kiosk.token", "kiosk.sitekey"} {
		st, err := os.Stat(filepath.Join(dir, f))
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v %v", f, err, st)
		}
	}
}

// A portal on the network is reached over https only; the same portal
// written another way is the same portal.
func TestPortalAddresses(t *testing.T) {
	for _, bad := range []string{"http://portal.musterstadt.example", "ftp://portal", "portal.musterstadt.example", ""} {
		if identity.CheckPortalURL(bad) == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	for _, ok := range []string{"https://portal.musterstadt.example", "http://127.0.0.1:8080", "http://localhost:9"} {
		if err := identity.CheckPortalURL(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	if !identity.SamePortal("https://Portal.example:443/", "HTTPS://portal.example") {
		t.Error("one portal written two ways is two portals")
	}
	if identity.SamePortal("https://portal.example", "https://portal.example:8443") {
		t.Error("two ports are one portal")
	}
}

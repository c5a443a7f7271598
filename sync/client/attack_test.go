package client_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"database/sql"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"lotse/sync/client"
	"lotse/sync/enrolcode"
	"lotse/sync/identity"
	"lotse/sync/portal/instance"
	"lotse/sync/profilesig"
	"lotse/sync/seal"
	"lotse/sync/sqlitedb"
	"lotse/sync/wire"
)

func kioskDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sqlitedb.Open(filepath.Join(t.TempDir(), "kiosk.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// Attack: `lotse enroll --portal http://portal.musterstadt.example`. The
// kiosk refuses before it sends anything: a proxy on the town's network
// would see the code and the token.
func TestEnrolRefusesPlainHTTPOnTheNetwork(t *testing.T) {
	db := kioskDB(t)
	for _, url := range []string{"http://portal.musterstadt.example", "http://10.1.2.3:8470", "ftp://portal.example", "portal.example"} {
		_, err := client.Enroll(context.Background(), db, url, "7K3M-9QPD-XH4T-2BWE", "k", client.Options{Timeout: time.Second})
		if err == nil || (strings.HasPrefix(url, "http://") && !strings.Contains(err.Error(), "https://")) {
			t.Errorf("%s: %v, want a refusal naming https://", url, err)
		}
	}
	if _, err := identity.Load(context.Background(), db); !errors.Is(err, identity.ErrNotEnrolled) {
		t.Errorf("something was saved: %v", err)
	}
	for _, ok := range []string{"https://portal.musterstadt.example", "http://127.0.0.1:8470", "http://localhost:1", "http://[::1]:8470"} {
		if err := identity.CheckPortalURL(ok); err != nil {
			t.Errorf("%s refused: %v", ok, err)
		}
	}
}

// Attack: a proxy between kiosk and portal passes the enrolment on but
// swaps the portal's keys for its own, to decrypt every submission later.
// The code's fingerprint does not match its keys: nothing is pinned. The
// proxy never sees the fingerprint half of the code.
func TestEnrolRefusesASwappedKey(t *testing.T) {
	p, err := instance.Open(t.TempDir(), instance.Config{KeyBits: 2048})
	if err != nil {
		t.Fatal(err)
	}
	real := httptest.NewServer(p.Handler())
	defer func() { real.Close(); p.Close() }()
	mine, _ := rsa.GenerateKey(rand.Reader, 2048)
	minePEM, _ := seal.EncodePublic(&mine.PublicKey)
	mineKid, _ := seal.KeyID(&mine.PublicKey)
	var seen atomic.Value
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		seen.Store(string(body))
		resp, err := http.Post(real.URL+r.URL.Path, "application/json", bytes.NewReader(body))
		if err != nil {
			t.Error(err)
			return
		}
		var reply wire.EnrollReply
		json.NewDecoder(resp.Body).Decode(&reply)
		resp.Body.Close()
		reply.PublicKey, reply.KeyID = minePEM, mineKid
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(resp.StatusCode)
		json.NewEncoder(w).Encode(reply)
	}))
	defer proxy.Close()

	ctx := context.Background()
	code, err := p.Enrolment().EnrollCode(ctx, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	db := kioskDB(t)
	_, err = client.Enroll(ctx, db, proxy.URL, code, "k", client.Options{})
	if !errors.Is(err, enrolcode.ErrMismatch) {
		t.Fatalf("enrolment through a key-swapping proxy: %v, want the fingerprint mismatch", err)
	}
	if _, err := identity.Load(ctx, db); !errors.Is(err, identity.ErrNotEnrolled) {
		t.Errorf("a swapped key was pinned: %v", err)
	}
	_, fp, _ := enrolcode.Parse(code)
	if s, _ := seen.Load().(string); s == "" || strings.Contains(s, fp) {
		t.Errorf("the proxy saw %q; the fingerprint %s must stay on the kiosk", s, fp)
	}
	// Straight to the portal the same kind of code works (that one was used).
	code2, _ := p.Enrolment().EnrollCode(ctx, time.Hour)
	if _, err := client.Enroll(ctx, db, real.URL, code2, "k", client.Options{}); err != nil {
		t.Fatalf("a real enrolment: %v", err)
	}
	// An old code without a fingerprint is refused on the kiosk.
	if _, err := client.Enroll(ctx, kioskDB(t), real.URL, "7K3M-9QPD", "k", client.Options{}); !errors.Is(err, enrolcode.ErrNoFingerprint) {
		t.Errorf("an old code: %v", err)
	}
}

// Attack: the https portal (or something in front of it) redirects the
// kiosk to plain http. The kiosk does not follow, and the http side never
// hears the code.
func TestRedirectsThatDowngradeAreRefused(t *testing.T) {
	var plainHits atomic.Int32
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { plainHits.Add(1) }))
	defer plain.Close()
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, plain.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	defer tlsSrv.Close()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	writeCert(t, ca, tlsSrv)
	_, err := client.Enroll(context.Background(), kioskDB(t), tlsSrv.URL, "7K3M-9QPD-XH4T-2BWE", "k", client.Options{CAFile: ca})
	if err == nil || !strings.Contains(err.Error(), "redirect refused") {
		t.Errorf("a redirect to http: %v", err)
	}
	if plainHits.Load() != 0 {
		t.Errorf("the plain-http side got %d requests", plainHits.Load())
	}
}

// Attack: a proxy answers the profile download with a bundle of its own
// (a "version 99" with staff PIN 0000), or changes the real one. The
// client refuses both; the real, signed profile passes.
func TestForgedProfilesAreRefused(t *testing.T) {
	var forge atomic.Int32 // 0 pass, 1 replace the body, 2 drop the signature
	p, err := instance.Open(t.TempDir(), instance.Config{KeyBits: 2048})
	if err != nil {
		t.Fatal(err)
	}
	h := p.Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, "/profile") || forge.Load() == 0 {
			h.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		body := rec.Body.Bytes()
		if forge.Load() == 1 {
			w.Header().Set("ETag", `"99"`)
			body = []byte("PK forged staff pin 0000")
		} else {
			w.Header().Del(profilesig.Header)
		}
		w.WriteHeader(rec.Code)
		w.Write(body)
	}))
	defer func() { srv.Close(); p.Close() }()
	ctx := context.Background()
	db := kioskDB(t)
	code, _ := p.Enrolment().EnrollCode(ctx, time.Hour)
	if _, err := client.Enroll(ctx, db, srv.URL, code, "k", client.Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Fleet().PublishProfile(ctx, "", zipWith(t, "profile.toml", "name = \"x\"\n")); err != nil {
		t.Fatal(err)
	}
	c, err := client.New(ctx, db, nil, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range []int32{1, 2} {
		forge.Store(mode)
		v, b, err := c.Profile(ctx, 0)
		var bad *client.ProfileRefusedError
		if !errors.As(err, &bad) || b != nil {
			t.Errorf("forgery %d: version %d, %d bytes, %v: want a refusal", mode, v, len(b), err)
		}
	}
	forge.Store(0)
	if v, b, err := c.Profile(ctx, 0); err != nil || v != 1 || b == nil {
		t.Errorf("the real profile: %d %d bytes %v", v, len(b), err)
	}
}

func writeCert(t *testing.T, path string, srv *httptest.Server) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o644); err != nil {
		t.Fatal(err)
	}
}

func zipWith(t *testing.T, name, text string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create(name)
	w.Write([]byte(text))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"lotse/app/fleet"
	"lotse/app/internal/testutil"
	"lotse/app/profile"
	"lotse/sync/portal/staff"
)

// The demo's guide and staff credentials, hashed with the portal's site
// key, work on the kiosk once a heartbeat brought the key; the profile a
// kiosk downloads carries neither the key nor a card number or PIN.
func TestKeyedCredentialsFromPortalToGate(t *testing.T) {
	var bundles [][]byte
	var mu sync.Mutex
	p := testutil.StartPortalWith(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !strings.HasSuffix(r.URL.Path, "/profile") {
				h.ServeHTTP(w, r)
				return
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			mu.Lock()
			bundles = append(bundles, rec.Body.Bytes())
			mu.Unlock()
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.Code)
			w.Write(rec.Body.Bytes())
		})
	})
	ctx := context.Background()
	publishDemoProfile(ctx, p.Server)
	db := testutil.DB(t)
	out, c := testutil.Client(t, db, p)
	f := fleet.New(fleet.Options{DataDir: t.TempDir(), DB: db, Outbox: out, Desk: testutil.Desk(t, db, nil, time.Now())})
	f.SetClient(c)
	var applied *profile.Profile
	f.Beat(ctx, func(p *profile.Profile) { applied = p })
	if applied == nil {
		t.Fatal("the demo profile was not installed")
	}
	g := f.Gate(applied.Settings)
	if gd, err := g.Card(demoCard); err != nil || gd.ID != "g-anna" {
		t.Errorf("demo card: %v", err)
	}
	if _, err := g.GuidePIN(demoGuidePIN); err != nil {
		t.Errorf("demo guide PIN: %v", err)
	}
	if err := g.StaffPIN(demoStaffPIN); err != nil {
		t.Errorf("demo staff PIN: %v", err)
	}
	key, _ := p.Fleet().SiteKey(ctx, "")
	mu.Lock()
	defer mu.Unlock()
	for _, zipped := range bundles {
		b := unzipAll(t, zipped)
		if !bytes.Contains(b, []byte("k1:")) {
			t.Error("the download has no keyed hashes to look at")
		}
		for _, secret := range [][]byte{key, []byte(hex.EncodeToString(key)), []byte(base64.StdEncoding.EncodeToString(key)),
			[]byte(demoCard), []byte(demoStaffPIN)} {
			if bytes.Contains(b, secret) {
				t.Errorf("the profile download holds %q", secret)
			}
		}
	}
	if len(bundles) == 0 {
		t.Error("no profile download seen")
	}
}

// unzipAll is every file of a zip, one after the other.
func unzipAll(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var all bytes.Buffer
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(&all, rc)
		rc.Close()
	}
	return all.Bytes()
}

// The demo's staff: the log names the dashboard and two accounts whose
// passwords sign in (and are new at every start).
func TestDemoStaffSignIn(t *testing.T) {
	p := testutil.StartPortal(t)
	var logs bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&logs, nil)))
	defer slog.SetDefault(old)
	ctx := context.Background()
	demoStaff(ctx, p.Server, p.URL+"/staff/")
	demoAccounts(ctx, p.Server)
	first := logs.String()
	demoStaff(ctx, p.Server, p.URL+"/staff/")
	demoAccounts(ctx, p.Server)
	if !strings.Contains(first, "url="+p.URL+"/staff/") || p.Server.Staff == nil {
		t.Fatalf("log:\n%s", first)
	}
	acc := &staff.Accounts{St: p.Server.Store()}
	for _, name := range []string{"demo.admin", "demo.sachbearbeitung"} {
		m := regexp.MustCompile(`name=`+regexp.QuoteMeta(name)+` role=\S+ password=(\S+)`).FindAllStringSubmatch(logs.String(), -1)
		if len(m) != 2 || m[0][1] == m[1][1] {
			t.Fatalf("%s: %v", name, m)
		}
		if _, err := acc.SignIn(ctx, name, m[1][1], ""); err != nil {
			t.Errorf("%s with the logged password: %v", name, err)
		}
		if _, err := acc.SignIn(ctx, name, m[0][1], ""); err == nil {
			t.Errorf("%s: the first start's password still works", name)
		}
	}
}

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
	"sync/atomic"
	"testing"
	"time"

	"lotse/app/internal/testutil"
	"lotse/app/profile"
	"lotse/sync/client"
	"lotse/sync/portal/staff"
)

// Attack (by accident): staff publish a profile every kiosk refuses.
// Before, each kiosk downloaded it again at once, ~250 times a second.
// Now the refused version is fetched once; a newer one is fetched again.
func TestARefusedProfileIsNotFetchedAgain(t *testing.T) {
	var downloads atomic.Int32
	p := testutil.StartPortalWith(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/profile") {
				downloads.Add(1)
			}
			h.ServeHTTP(w, r)
		})
	})
	ctx := context.Background()
	db := testutil.DB(t)
	out, _ := testutil.Enrolled(t, db, p)
	c, err := client.New(ctx, db, out, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := loadConfig("../assets/config/lotse.toml")
	dataDir := t.TempDir()
	f := newFleet(cfg, dataDir, db, out, testutil.Desk(t, db, nil, time.Now()), nil)
	f.setClient(c)
	broken := map[string]string{"services/99-kaputt.yaml": "id: kaputt\nkind: form\ntitle: Kaputt\n"}
	if _, err := p.PublishProfile(ctx, "", bundle(t, "Kaputt", broken)); err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { f.run(runCtx, func(*profile.Profile) {}); close(done) }()
	waitFor(t, func() bool { return strings.Contains(alarmsOf(t, p), "profile refused") })
	for range 20 { // heartbeats on changes, as a busy kiosk sends them
		f.poke()
		time.Sleep(25 * time.Millisecond)
	}
	if n := downloads.Load(); n != 1 {
		t.Errorf("the refused profile was downloaded %d times, want once", n)
	}
	if _, err := p.PublishProfile(ctx, "", bundle(t, "Repariert", nil)); err != nil {
		t.Fatal(err)
	}
	f.poke()
	waitFor(t, func() bool { cur, _ := profile.Current(dataDir); return cur != nil && cur.Version == 2 })
	cancel()
	<-done
	if n := downloads.Load(); n != 2 {
		t.Errorf("downloads after a newer profile: %d, want 2", n)
	}
	if a := alarmsOf(t, p); strings.Contains(a, "profile refused") {
		t.Errorf("the refusal is still reported after the good profile: %s", a)
	}
}

// Attack: a forged "version 99" (staff PIN 0000) got onto a kiosk before
// profiles were signed and stuck, since the real version 1 was "older".
// The fleet view names the version the portal never issued, and the
// kiosk runs the version its portal names.
func TestAForeignProfileVersionDoesNotStick(t *testing.T) {
	p := testutil.StartPortal(t)
	ctx := context.Background()
	db := testutil.DB(t)
	out, _ := testutil.Enrolled(t, db, p)
	c, err := client.New(ctx, db, out, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := loadConfig("../assets/config/lotse.toml")
	dataDir := t.TempDir()
	forged, err := profile.Install(dataDir, 99, bundle(t, "Gefälscht", nil))
	if err != nil {
		t.Fatal(err)
	}
	f := newFleet(cfg, dataDir, db, out, testutil.Desk(t, db, nil, time.Now()), nil)
	f.profile = forged
	f.setClient(c)
	if _, err := p.PublishProfile(ctx, "", bundle(t, "Stadtbücherei", nil)); err != nil {
		t.Fatal(err)
	}
	// One heartbeat with the forged version reaches the portal first.
	if _, err := c.Heartbeat(ctx, f.heartbeat(ctx)); err != nil {
		t.Fatal(err)
	}
	if a := alarmsOf(t, p); !strings.Contains(a, "profile version 99, which this portal never issued") {
		t.Errorf("alarms: %q", a)
	}
	f.beat(ctx, func(*profile.Profile) {})
	if cur, _ := profile.Current(dataDir); cur == nil || cur.Version != 1 || cur.Settings.Name != "Stadtbücherei" {
		t.Fatalf("the kiosk still runs %+v", cur)
	}
	f.beat(ctx, func(*profile.Profile) {})
	if a := alarmsOf(t, p); strings.Contains(a, "never issued") {
		t.Errorf("alarms after the real profile: %q", a)
	}
}

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
	out, _ := testutil.Enrolled(t, db, p)
	c, err := client.New(ctx, db, out, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := loadConfig("../assets/config/lotse.toml")
	f := newFleet(cfg, t.TempDir(), db, out, testutil.Desk(t, db, nil, time.Now()), nil)
	f.setClient(c)
	var applied *profile.Profile
	f.beat(ctx, func(p *profile.Profile) { applied = p })
	if applied == nil {
		t.Fatal("the demo profile was not installed")
	}
	g := f.gate(applied.Settings)
	if gd, err := g.Card(demoCard); err != nil || gd.ID != "g-anna" {
		t.Errorf("demo card: %v", err)
	}
	if _, err := g.GuidePIN(demoGuidePIN); err != nil {
		t.Errorf("demo guide PIN: %v", err)
	}
	if err := g.StaffPIN(demoStaffPIN); err != nil {
		t.Errorf("demo staff PIN: %v", err)
	}
	key, _ := p.SiteKey(ctx, "")
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
	first := logs.String()
	demoStaff(ctx, p.Server, p.URL+"/staff/")
	if !strings.Contains(first, "url="+p.URL+"/staff/") || p.Server.Staff == nil {
		t.Fatalf("log:\n%s", first)
	}
	acc := &staff.Accounts{St: p.Server.Store()}
	for _, name := range []string{"demo.admin", "demo.sachbearbeitung"} {
		m := regexp.MustCompile(`name=`+regexp.QuoteMeta(name)+` role=\S+ password=(\S+)`).FindAllStringSubmatch(logs.String(), -1)
		if len(m) != 2 || m[0][1] == m[1][1] {
			t.Fatalf("%s: %v", name, m)
		}
		if _, err := acc.SignIn(ctx, name, m[1][1]); err != nil {
			t.Errorf("%s with the logged password: %v", name, err)
		}
		if _, err := acc.SignIn(ctx, name, m[0][1]); err == nil {
			t.Errorf("%s: the first start's password still works", name)
		}
	}
}

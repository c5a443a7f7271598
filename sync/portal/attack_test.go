package portal_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"lotse/sync/client"
	"lotse/sync/identity"
	"lotse/sync/portal"
	"lotse/sync/portal/instance"
	"lotse/sync/refcode"
	"lotse/sync/seal"
	"lotse/sync/sqlitedb"
	"lotse/sync/wire"
)

// lockedBuffer is a log the portal writes while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

type rig struct {
	p   *portal.Server
	url string
	log *lockedBuffer
}

func startRig(t *testing.T, opt portal.Options) *rig {
	t.Helper()
	return startRigOn(t, instance.Config{Options: opt})
}

// startRigOn is startRig on the store cfg names (PostgreSQL with
// Database).
func startRigOn(t *testing.T, cfg instance.Config) *rig {
	t.Helper()
	log := &lockedBuffer{}
	cfg.Version, cfg.Log, cfg.KeyBits = "test", slog.New(slog.NewTextHandler(log, nil)), 2048
	p, err := instance.Open(t.TempDir(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	url, done, err := p.Listen(ctx, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); <-done; p.Close() })
	return &rig{p: p.Server, url: url, log: log}
}

// enrol makes a kiosk at the rig and returns its identity.
func (r *rig) enrol(t *testing.T) identity.Kiosk {
	t.Helper()
	db, err := sqlitedb.Open(filepath.Join(t.TempDir(), "kiosk.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	code, err := r.p.Enrolment().EnrollCode(context.Background(), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	id, err := client.Enroll(context.Background(), db, r.url, code, "Kiosk", client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func sealed(t *testing.T, id identity.Kiosk, code string) seal.Envelope {
	t.Helper()
	e, err := seal.Seal(seal.Submission{ID: fmt.Sprintf("env-%d", time.Now().UnixNano()), Service: "mangel", Code: code,
		Created: time.Now(), Data: map[string]string{"wo": "Markt 3", "name": "Erika Mustermann"}}, id.Key)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func codeOf(t *testing.T, id identity.Kiosk) string {
	t.Helper()
	env := sealedNew(t, id)
	return env.Code
}

// sealedNew seals a fresh submission with a code of the kiosk's own.
func sealedNew(t *testing.T, id identity.Kiosk) seal.Envelope {
	t.Helper()
	code, err := refcode.New(id.Number % refcode.MaxKiosks)
	if err != nil {
		t.Fatal(err)
	}
	return sealed(t, id, code)
}

// post sends envelopes as the kiosk id does and returns the results.
func (r *rig) post(t *testing.T, id identity.Kiosk, envs ...seal.Envelope) (int, []wire.ItemResult, http.Header) {
	t.Helper()
	body, _ := json.Marshal(wire.Batch{Envelopes: envs})
	return r.postRaw(t, "Bearer "+id.Token, body)
}

func (r *rig) postRaw(t *testing.T, auth string, body []byte) (int, []wire.ItemResult, http.Header) {
	t.Helper()
	req, _ := http.NewRequest("POST", r.url+"/v1/envelopes", bytes.NewReader(body))
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var reply wire.BatchReply
	json.NewDecoder(resp.Body).Decode(&reply)
	return resp.StatusCode, reply.Results, resp.Header
}

// Attack: a stolen kiosk sends a tampered ciphertext and an envelope
// whose clear service differs from the sealed one. Before, both got 201
// and the first stopped every export after it.
func TestIngestOpensEveryEnvelope(t *testing.T) {
	r := startRig(t, portal.Options{})
	id := r.enrol(t)
	good := sealedNew(t, id)
	tampered := sealedNew(t, id)
	parts := strings.Split(tampered.JWE, ".")
	c := []byte(parts[3])
	// Another valid base64url character: the ciphertext changes, the
	// compact form stays well-formed.
	if c[5] == 'A' {
		c[5] = 'B'
	} else {
		c[5] = 'A'
	}
	parts[3] = string(c)
	tampered.JWE = strings.Join(parts, ".")
	relabelled := sealedNew(t, id)
	relabelled.Service = "ummelden"
	status, res, _ := r.post(t, id, good, tampered, relabelled)
	if status != 200 || res[0].Status != 201 || res[1].Status != 422 || res[2].Status != 422 {
		t.Fatalf("%d %+v", status, res)
	}
	for _, x := range res[1:] {
		if !strings.Contains(x.Error, "does not open or does not match") {
			t.Errorf("refusal: %q", x.Error)
		}
	}
	// One bad envelope stored before this release (straight into the
	// database) does not stop the export of the good ones.
	db, err := sqlitedb.Open(filepath.Join(r.p.DataDir, "portal.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`INSERT INTO envelopes (kiosk_id, id, code, service, created_at, received_at, test, size, jwe, state)
		VALUES (?, 'old-bad', 'LT-2222-2222', 'mangel', ?, ?, 0, 3, ?, 'received')`, id.KioskID,
		time.Now().UTC().Add(-time.Minute).Format(time.RFC3339Nano), time.Now().UTC().Add(-time.Minute).Format(time.RFC3339Nano), tampered.JWE); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "export")
	n, problems, err := r.p.Cases().Export(context.Background(), time.Time{}, out)
	if err != nil || n != 1 || len(problems) != 1 || problems[0].Code != "LT-2222-2222" {
		t.Fatalf("export: %d %v %v", n, problems, err)
	}
	if _, err := os.Stat(filepath.Join(out, good.Code+".json")); err != nil {
		t.Errorf("the good submission: %v", err)
	}
}

// Attack: kiosk 2 stores codes with kiosk 1's prefix (squatting the code
// kiosk 1 prints next), or a lower-case, spaced variant of a code in use.
func TestCodesAreBoundToTheirKiosk(t *testing.T) {
	r := startRig(t, portal.Options{})
	one, two := r.enrol(t), r.enrol(t)
	squat := sealed(t, two, codeOf(t, one))
	_, res, _ := r.post(t, two, squat)
	if res[0].Status != 422 || res[0].Error != "reference code of another kiosk" {
		t.Errorf("squatting: %+v", res)
	}
	own := codeOf(t, two)
	variant := strings.ToLower(strings.ReplaceAll(own, "-", " "))
	_, res, _ = r.post(t, two, sealed(t, two, variant))
	if res[0].Status != 422 || !strings.Contains(res[0].Error, "normal form") {
		t.Errorf("variant: %+v", res)
	}
	_, res, _ = r.post(t, two, sealed(t, two, own))
	if res[0].Status != 201 {
		t.Errorf("own code: %+v", res)
	}
	// The squatted code was never stored: kiosk 1's own submission with it
	// arrives.
	if _, res, _ = r.post(t, one, sealed(t, one, squat.Code)); res[0].Status != 201 {
		t.Errorf("the real owner: %+v", res)
	}
}

// enrolFrom tries to enrol with code from the loopback address local.
func enrolFrom(t *testing.T, url, local, code string) (int, string) {
	t.Helper()
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}}
	hc := &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}
	body, _ := json.Marshal(wire.EnrollRequest{Code: code, Name: "Kiosk"})
	resp, err := hc.Post(url+"/v1/enroll", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Retry-After")
}

// Attack: guessing enrolment codes (3,700 tries a second before), from
// one address and from many.
func TestEnrolmentGuessingIsThrottled(t *testing.T) {
	r := startRig(t, portal.Options{})
	for i := range 5 {
		if st, _ := enrolFrom(t, r.url, "127.0.0.1", fmt.Sprintf("AAAA-AAA%d", i+2)); st != 403 {
			t.Fatalf("guess %d: %d", i, st)
		}
	}
	good, _ := r.p.Enrolment().EnrollCode(context.Background(), time.Hour)
	secret := strings.ReplaceAll(good, "-", "")[:8]
	if st, after := enrolFrom(t, r.url, "127.0.0.1", secret); st != 429 || after == "" {
		t.Errorf("after 5 wrong codes the address got %d (Retry-After %q), want 429", st, after)
	}
	// Another address may still enrol...
	if st, _ := enrolFrom(t, r.url, "127.0.0.2", secret); st != 201 {
		t.Errorf("another address: %d", st)
	}
	// ...until guessing from many addresses empties the overall budget.
	blocked := false
	for i := range 60 {
		addr := fmt.Sprintf("127.0.1.%d", i+1)
		for range 5 {
			if st, _ := enrolFrom(t, r.url, addr, "BBBB-BBBB"); st == 429 {
				blocked = true
			}
		}
	}
	if !blocked {
		t.Error("300 wrong codes from 60 addresses were all answered")
	}
	for _, d := range []time.Duration{0, -time.Hour, 87600 * time.Hour, 8 * 24 * time.Hour} {
		if _, err := r.p.Enrolment().EnrollCodeFor(context.Background(), d, ""); err == nil {
			t.Errorf("a code valid for %s was made", d)
		}
	}
}

// Attack: 6,000 failed enrolments, wrong tokens and forged envelopes
// left nothing in the log. Now each is a structured line, rate-limited,
// without the code or token tried.
func TestRefusalsAreLogged(t *testing.T) {
	r := startRig(t, portal.Options{})
	id := r.enrol(t)
	enrolFrom(t, r.url, "127.0.0.3", "SECR-ETGU")
	r.postRaw(t, "Bearer not-a-token-0123456789", []byte(`{}`))
	forged := sealedNew(t, id)
	forged.Service = "ummelden"
	r.post(t, id, forged)
	log := r.log.String()
	for _, want := range []string{"route=\"POST /v1/enroll\"", "status=403", "status=401", "route=\"POST /v1/envelopes\"",
		"envelope refused: sealed content", "addr=127.0.0.3", "addr=127.0.0.1"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %s:\n%s", want, log)
		}
	}
	for _, secret := range []string{"SECR", "not-a-token", id.Token, "Mustermann"} {
		if strings.Contains(log, secret) {
			t.Errorf("the log holds %q", secret)
		}
	}
	for range 400 {
		r.postRaw(t, "Bearer x", []byte(`{}`))
	}
	if n := strings.Count(r.log.String(), "\n"); n > 200 {
		t.Errorf("400 refusals wrote %d lines", n)
	}
	for range 3 {
		time.Sleep(100 * time.Millisecond)
		r.postRaw(t, "Bearer x", []byte(`{}`))
	}
	if !strings.Contains(r.log.String(), "suppressed_before=") {
		t.Error("the lines left out are not counted")
	}
}

// Attack: a 1 MiB service name, a 100 KiB id, 64 KiB of headers; a kiosk
// storing more than its quota.
func TestLimits(t *testing.T) {
	r := startRig(t, portal.Options{Quota: 4 << 10})
	id := r.enrol(t)
	big := sealedNew(t, id)
	big.Service = strings.Repeat("s", 1<<20)
	if st, _, _ := r.post(t, id, big); st != 400 {
		t.Errorf("1 MiB service name: %d", st)
	}
	big = sealedNew(t, id)
	big.ID = strings.Repeat("i", 100<<10)
	if st, _, _ := r.post(t, id, big); st != 400 {
		t.Errorf("100 KiB id: %d", st)
	}
	req, _ := http.NewRequest("GET", r.url+"/v1/health", nil)
	req.Header.Set("X-Junk", strings.Repeat("x", 64<<10))
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("64 KiB of headers: %v %v", resp, err)
	}
	var stored []string
	for range 10 {
		e := sealedNew(t, id)
		_, res, _ := r.post(t, id, e)
		if res[0].Status == 201 {
			stored = append(stored, e.Code)
			continue
		}
		if res[0].Status != 429 || !strings.Contains(res[0].Error, "quota") {
			t.Fatalf("over the quota: %+v", res)
		}
		// Staff decide one: there is room again.
		if err := r.p.Cases().Decide(context.Background(), stored[0], "accepted", ""); err != nil {
			t.Fatal(err)
		}
		if _, res, _ := r.post(t, id, e); res[0].Status != 201 {
			t.Errorf("after a decision: %+v", res)
		}
		return
	}
	t.Errorf("10 envelopes of ~0.8 KB fit a 4 KB quota")
}

// Attack: the raw token without "Bearer ", a full disk.
func TestBearerAndFullDisk(t *testing.T) {
	r := startRig(t, portal.Options{})
	id := r.enrol(t)
	st, _, h := r.postRaw(t, id.Token, []byte(`{"envelopes":[]}`))
	if st != 401 || !strings.HasPrefix(h.Get("WWW-Authenticate"), "Bearer") {
		t.Errorf("raw token: %d %q", st, h.Get("WWW-Authenticate"))
	}
	full := startRig(t, portal.Options{MinFreeBytes: 1 << 62}) // more than any disk has: full
	fid := full.enrol(t)
	st, _, h = full.post(t, fid, sealedNew(t, fid))
	if st != 503 || h.Get("Retry-After") == "" {
		t.Errorf("envelopes on a full disk: %d %q", st, h.Get("Retry-After"))
	}
	req, _ := http.NewRequest("POST", fmt.Sprintf("%s/v1/kiosks/%d/heartbeat", full.url, fid.KioskID), strings.NewReader(`{}`))
	req.Header.Set("Authorization", "Bearer "+fid.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" {
		t.Errorf("heartbeat on a full disk: %v %v", resp, err)
	}
	resp, _ = http.Get(full.url + "/v1/health")
	b, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(b), "degraded") {
		t.Errorf("health on a full disk: %s", b)
	}
}

// Attack: walking through reference codes on the status page (3,500
// guesses a second before); the page in a frame or cached.
func TestStatusPagesHeadersAndThrottle(t *testing.T) {
	r := startRig(t, portal.Options{})
	resp, err := http.Get(r.url + "/s/LT-2222-2222")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	h := resp.Header
	for k, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
		"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"} {
		if h.Get(k) != want {
			t.Errorf("%s: %q", k, h.Get(k))
		}
	}
	if !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Errorf("CSP: %q", h.Get("Content-Security-Policy"))
	}
	throttled := 0
	for i := range 100 {
		resp, err := http.Get(fmt.Sprintf("%s/s/LT-%04d-2222", r.url, 2222+i))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == 429 {
			throttled++
		}
	}
	if throttled < 50 {
		t.Errorf("100 guesses at once: %d throttled", throttled)
	}
}

// Export into a folder and over files that were readable by others.
func TestExportIsPrivateEvenOverOldFiles(t *testing.T) {
	r := startRig(t, portal.Options{})
	id := r.enrol(t)
	e := sealedNew(t, id)
	if _, res, _ := r.post(t, id, e); res[0].Status != 201 {
		t.Fatal(res)
	}
	dir := filepath.Join(t.TempDir(), "out")
	os.Mkdir(dir, 0o755)
	os.Chmod(dir, 0o755)
	old := filepath.Join(dir, e.Code+".json")
	os.WriteFile(old, []byte("{}"), 0o644)
	os.Chmod(old, 0o644)
	if _, _, err := r.p.Cases().Export(context.Background(), time.Time{}, dir); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]os.FileMode{dir: 0o700, old: 0o600} {
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != want {
			t.Errorf("%s: %v %v, want %o", path, fi.Mode().Perm(), err, want)
		}
	}
}

// Attack: a kiosk name with terminal escapes forges rows in the admin's
// terminal.
func TestKioskNamesAreChecked(t *testing.T) {
	r := startRig(t, portal.Options{})
	code, _ := r.p.Enrolment().EnrollCode(context.Background(), time.Hour)
	db, _ := sqlitedb.Open(filepath.Join(t.TempDir(), "k.db"))
	defer db.Close()
	_, err := client.Enroll(context.Background(), db, r.url, code, "Rathaus\x1b[2J\n7  Fake  ok", client.Options{})
	if err == nil || !strings.Contains(err.Error(), "control characters") {
		t.Errorf("a name with escapes: %v", err)
	}
	if portal.CheckKioskName(strings.Repeat("x", 65)) == nil || portal.CheckKioskName("Bücherei\u202eöffentlich") == nil {
		t.Error("a 65-character name or a bidi override passed")
	}
	if err := portal.CheckKioskName("Stadtbücherei Nord, 1. OG"); err != nil {
		t.Error(err)
	}
}

package client_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lotse/sync/client"
	"lotse/sync/outbox"
	"lotse/sync/portal"
	"lotse/sync/portal/instance"
	"lotse/sync/seal"
	"lotse/sync/sqlitedb"
	"lotse/sync/wire"
)

// kiosk is a kiosk database with its outbox, enrolled at a portal.
type kiosk struct {
	db     *sql.DB
	path   string
	out    *outbox.Outbox
	client *client.Client
}

func newPortal(t testing.TB) (*portal.Server, *httptest.Server) {
	t.Helper()
	p, err := instance.Open(t.TempDir(), instance.Config{KeyBits: 2048, Options: portal.Options{Version: "test"}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(p.Handler())
	t.Cleanup(func() { srv.Close(); p.Close() })
	return p.Server, srv
}

func newKiosk(t testing.TB, p *portal.Server, url string) *kiosk {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kiosk.db")
	db, err := sqlitedb.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	code, err := p.Enrolment().EnrollCode(context.Background(), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.Enroll(context.Background(), db, url, code, "Kiosk Rathaus", client.Options{}); err != nil {
		t.Fatal(err)
	}
	out, err := outbox.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.New(context.Background(), db, out, client.Options{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return &kiosk{db: db, path: path, out: out, client: c}
}

func (k *kiosk) submit(t testing.TB, i int) string {
	t.Helper()
	code, err := k.out.Submit(context.Background(), k.client.Identity(), "sperrmuell", map[string]string{
		"name": fmt.Sprintf("Erika Mustermann %d", i), "street": "Hauptstraße 1", "items": "Sofa, Schrank"}, false)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

func counts(t testing.TB, o *outbox.Outbox) map[string]int {
	t.Helper()
	c, err := o.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestSubmitDrainDecideAndPullBack(t *testing.T) {
	p, srv := newPortal(t)
	k := newKiosk(t, p, srv.URL)
	var codes []string
	for i := 0; i < 120; i++ {
		codes = append(codes, k.submit(t, i))
	}
	n, err := k.client.Drain(context.Background())
	if err != nil || n != 120 {
		t.Fatalf("drained %d, %v", n, err)
	}
	if c := counts(t, k.out); c[outbox.Acknowledged] != 120 || c[outbox.Queued] != 0 {
		t.Fatalf("outbox %v", c)
	}
	stats, _ := p.Cases().Stats(context.Background())
	if stats["envelopes"] != 120 || stats["received"] != 120 {
		t.Fatalf("portal %v", stats)
	}

	// The back office decides two cases; the kiosk learns it.
	if err := p.Cases().Decide(context.Background(), codes[0], "accepted", ""); err != nil {
		t.Fatal(err)
	}
	if err := p.Cases().Decide(context.Background(), codes[1], "rejected", "Bitte persönlich vorsprechen"); err != nil {
		t.Fatal(err)
	}
	if n, err := k.client.PullChanges(context.Background()); err != nil || n != 2 {
		t.Fatalf("changes %d %v", n, err)
	}
	if n, err := k.client.PullChanges(context.Background()); err != nil || n != 0 {
		t.Fatalf("changes again %d %v: the cursor was not saved", n, err)
	}
	c := counts(t, k.out)
	if c[outbox.Accepted] != 1 || c[outbox.Rejected] != 1 {
		t.Fatalf("outbox after changes %v", c)
	}
	var withCipher int
	k.db.QueryRow(`SELECT COUNT(*) FROM outbox o JOIN outbox_jwe j ON j.id = o.id WHERE o.code IN (?, ?)`, codes[0], codes[1]).Scan(&withCipher)
	if withCipher != 0 {
		t.Error("ciphertext of decided cases kept past retention 0")
	}

	// The back office gets the decrypted submissions.
	dir := t.TempDir()
	if n, bad, err := p.Cases().Export(context.Background(), time.Now().Add(-time.Hour), dir); err != nil || n != 120 || len(bad) != 0 {
		t.Fatalf("export %d %v", n, err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, codes[5]+".json"))
	var x portal.Exported
	json.Unmarshal(b, &x)
	if x.Data["name"] != "Erika Mustermann 5" || x.Service != "sperrmuell" {
		t.Fatalf("exported %s", b)
	}

	// The status page for the resident's phone.
	resp, _ := http.Get(srv.URL + "/s/" + codes[1])
	body := new(bytes.Buffer)
	body.ReadFrom(resp.Body)
	resp.Body.Close()
	if !strings.Contains(body.String(), "konnte so nicht angenommen werden") || strings.Contains(body.String(), "Mustermann") {
		t.Errorf("status page:\n%s", body)
	}
	// In the language the receipt's QR code names; Leichte Sprache and
	// unknown languages read German.
	for lang, want := range map[string]string{
		"uk": `<html lang="uk">`, "tr": "Başvurunuz bu haliyle kabul edilemedi.", "pl": "Twojej sprawy nie można było przyjąć",
		"de-x-ls": "konnte so nicht angenommen werden", "xx": `<html lang="de">`,
	} {
		resp, _ := http.Get(srv.URL + "/s/" + codes[1] + "?lang=" + lang)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(b), want) {
			t.Errorf("status page for %s lacks %q:\n%s", lang, want, b)
		}
	}
	resp, _ = http.Get(srv.URL + "/s/LT-2222-2222?lang=ru")
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(string(b), "Дела с этим кодом мы пока не знаем.") {
		t.Errorf("unknown code in Russian: %d\n%s", resp.StatusCode, b)
	}
}

func TestReplayGetsTheFirstAnswerAndKeyReuseIs422(t *testing.T) {
	p, srv := newPortal(t)
	k := newKiosk(t, p, srv.URL)
	k.submit(t, 1)
	envs, _ := k.out.Claim(context.Background(), 10, 1<<20)
	post := func(b wire.Batch) wire.BatchReply {
		body, _ := json.Marshal(b)
		req, _ := http.NewRequest("POST", srv.URL+"/v1/envelopes", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+k.client.Identity().Token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var r wire.BatchReply
		json.NewDecoder(resp.Body).Decode(&r)
		return r
	}
	first := post(wire.Batch{Envelopes: envs})
	again := post(wire.Batch{Envelopes: envs})
	if first.Results[0].Status != 201 || again.Results[0].Status != 201 || !again.Results[0].Replayed {
		t.Fatalf("first %+v, replay %+v", first, again)
	}
	changed := envs[0]
	changed.Service = "mangel"
	if r := post(wire.Batch{Envelopes: []seal.Envelope{changed}}); r.Results[0].Status != 422 {
		t.Fatalf("same key, other body: %+v", r)
	}
	// Another envelope sealed with a code already in use is refused for good.
	dup, err := seal.Seal(seal.Submission{ID: "another-envelope", Service: "mangel", Code: envs[0].Code, Created: time.Now(),
		Data: map[string]string{"wo": "Markt 3"}}, k.client.Identity().Key)
	if err != nil {
		t.Fatal(err)
	}
	if r := post(wire.Batch{Envelopes: []seal.Envelope{dup}}); r.Results[0].Status != 422 || r.Results[0].Error != "reference code already in use" {
		t.Fatalf("duplicate code: %+v", r)
	}
	if s, _ := p.Cases().Stats(context.Background()); s["envelopes"] != 1 || s["duplicates_refused"] != 1 {
		t.Fatalf("portal stats %v", s)
	}
}

func TestRefusalsKeepTheEnvelopeAndSayWhy(t *testing.T) {
	p, srv := newPortal(t)
	k := newKiosk(t, p, srv.URL)
	k.submit(t, 1)
	if err := p.Enrolment().Revoke(context.Background(), k.client.Identity().KioskID); err != nil {
		t.Fatal(err)
	}
	_, err := k.client.SendOnce(context.Background())
	var refused *client.RefusedError
	if !errors.As(err, &refused) || refused.Status != 403 {
		t.Fatalf("revoked: %v", err)
	}
	if c := counts(t, k.out); c[outbox.Queued] != 1 {
		t.Fatalf("envelope not kept: %v", c)
	}
	envs, _ := k.db.Query(`SELECT last_error FROM outbox`)
	var reason string
	envs.Next()
	envs.Scan(&reason)
	envs.Close()
	if !strings.Contains(reason, "revoked") {
		t.Errorf("reason %q", reason)
	}

	// Not enrolled at all.
	req, _ := http.NewRequest("POST", srv.URL+"/v1/envelopes", strings.NewReader(`{"envelopes":[]}`))
	if resp, _ := http.DefaultClient.Do(req); resp.StatusCode != 401 {
		t.Errorf("unenrolled: %d", resp.StatusCode)
	}
}

func TestMalformedOversizeAndUnknownKey(t *testing.T) {
	p, srv := newPortal(t)
	k := newKiosk(t, p, srv.URL)
	do := func(body []byte) (int, string) {
		req, _ := http.NewRequest("POST", srv.URL+"/v1/envelopes", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+k.client.Identity().Token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b := new(bytes.Buffer)
		b.ReadFrom(resp.Body)
		return resp.StatusCode, b.String()
	}
	if s, b := do([]byte(`{"envelopes": [`)); s != 400 || !strings.Contains(b, "malformed JSON") {
		t.Errorf("malformed: %d %s", s, b)
	}
	if s, _ := do(bytes.Repeat([]byte(" "), wire.MaxBatchBytes+10)); s != 413 {
		t.Errorf("oversize: %d", s)
	}
	// An envelope sealed to a key the portal does not have: dead, with the reason.
	other, osrv := newPortal(t)
	k2 := newKiosk(t, other, osrv.URL)
	k2.submit(t, 1)
	envs, _ := k2.out.Claim(context.Background(), 1, 1<<20)
	body, _ := json.Marshal(wire.Batch{Envelopes: envs})
	s, b := do(body)
	if s != 200 || !strings.Contains(b, `"status":422`) || !strings.Contains(b, "unknown key id") {
		t.Errorf("unknown kid: %d %s", s, b)
	}
}

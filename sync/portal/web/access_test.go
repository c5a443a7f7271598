package web_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lotse/sync/sqlitedb"
)

// The negative paths, each performed: no session, wrong role, missing or
// wrong CSRF token, lockout after five, session expiry, a caseworker
// limited to one service opening another's case; disabling signs out.
func TestWhoMayDoWhat(t *testing.T) {
	r := newRig(t)
	mangel := r.submit(t, "mangel", map[string]string{"wo": "Marktplatz 3", "was": "Laterne aus"})

	anon := newBrowser(t, r.url)
	for _, path := range []string{"/staff/", "/staff/cases", "/staff/cases/" + mangel, "/staff/fleet", "/staff/audit"} {
		if resp, _ := anon.get(path); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/staff/login" {
			t.Errorf("%s without a session: %d %s", path, resp.StatusCode, resp.Header.Get("Location"))
		}
	}

	clerk := newBrowser(t, r.url)
	if st, _ := clerk.signIn("kurt.schalter", password); st != http.StatusSeeOther {
		t.Fatalf("clerk sign-in %d", st)
	}
	for _, path := range []string{"/staff/cases", "/staff/cases/" + mangel, "/staff/fleet", "/staff/users", "/staff/audit"} {
		if resp, body := clerk.get(path); resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "nicht freigegeben") {
			t.Errorf("%s as a clerk: %d", path, resp.StatusCode)
		}
	}

	// An admin manages, but does not read residents' data.
	admin := newBrowser(t, r.url)
	_, adminCSRF := admin.signIn("anna.admin", password)
	if resp, _ := admin.get("/staff/cases/" + mangel); resp.StatusCode != http.StatusForbidden {
		t.Errorf("an admin opened a case: %d", resp.StatusCode)
	}

	// CSRF: a form without the token, and with another session's token.
	carl := newBrowser(t, r.url)
	_, carlCSRF := carl.signIn("carl.sachbearbeitung", password)
	for name, tok := range map[string]string{"missing": "", "another session's": adminCSRF} {
		resp, body := carl.post("/staff/cases/"+mangel+"/decide", url.Values{"csrf": {tok}, "decision": {"accepted"}})
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "abgelaufen") {
			t.Errorf("%s CSRF token: %d", name, resp.StatusCode)
		}
	}
	if st, _ := r.p.Store().Case(r.ctx, mangel); st.State != "received" {
		t.Fatalf("a forged form decided the case: %s", st.State)
	}
	// The sign-in form needs its token too.
	resp, _ := anon.post("/staff/login", url.Values{"name": {"carl.sachbearbeitung"}, "password": {password}})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("sign-in without the form's token: %d", resp.StatusCode)
	}
	// With its token it works.
	if resp, _ := carl.post("/staff/cases/"+mangel+"/decide", url.Values{"csrf": {carlCSRF}, "decision": {"accepted"}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("decide with the token: %d", resp.StatusCode)
	}

	// A caseworker for bulky waste only.
	selma := newBrowser(t, r.url)
	selma.signIn("selma.sperrmuell", password)
	if resp, _ := selma.get("/staff/cases/" + mangel); resp.StatusCode != http.StatusForbidden {
		t.Errorf("another service's case: %d", resp.StatusCode)
	}
	if _, body := selma.get("/staff/cases"); strings.Contains(body, mangel) {
		t.Error("the inbox lists another service's case")
	}

	// Five wrong passwords lock the name, the right one too, without
	// telling whether the name exists.
	mallory := newBrowser(t, r.url)
	var bodies []string
	for range 5 {
		_, body := mallory.signIn("carl.sachbearbeitung", "falsch-falsch-falsch")
		bodies = append(bodies, body)
	}
	if st, body := mallory.signIn("carl.sachbearbeitung", password); st != http.StatusTooManyRequests || !strings.Contains(body, "gesperrt") {
		t.Errorf("after five wrong passwords the right one: %d", st)
	}
	_, ghost := newBrowser(t, r.url).signIn("niemand.hier", "falsch-falsch-falsch")
	if !strings.Contains(bodies[0], "Name oder Passwort falsch") || !strings.Contains(ghost, "Name oder Passwort falsch") {
		t.Error("the message differs for a name that exists")
	}

	// Session expiry: idle for 16 minutes.
	admin2 := newBrowser(t, r.url)
	admin2.signIn("anna.admin", password)
	if err := r.p.Store().TouchSession(r.ctx, sha(admin2.cookie("lotse_staff")), time.Now().Add(-16*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if resp, _ := admin2.get("/staff/fleet"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("an idle session: %d", resp.StatusCode)
	}

	// Disabling a user signs them out everywhere.
	usersPage := func() string { _, b := admin.get("/staff/users"); return token(b) }
	if resp, _ := admin.post("/staff/users/carl.sachbearbeitung/disable", url.Values{"csrf": {usersPage()}}); resp.StatusCode != http.StatusOK {
		t.Fatalf("disable: %d", resp.StatusCode)
	}
	if resp, _ := carl.get("/staff/cases"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("a disabled user's session still works: %d", resp.StatusCode)
	}
	// A password that breaks the rules is refused naming the rule.
	_, body := admin.post("/staff/users", url.Values{"csrf": {usersPage()}, "name": {"neu"}, "role": {"clerk"}, "password": {"kurz"}})
	if !strings.Contains(body, "mindestens 12 Zeichen") {
		t.Error("a short password was not refused with its rule")
	}
	_, body = admin.post("/staff/users", url.Values{"csrf": {usersPage()}, "name": {"neu"}, "role": {"clerk"}, "password": {"passwort1234"}})
	if !strings.Contains(body, "zu bekannt") {
		t.Error("a common password was not refused")
	}

	// Headers on every staff page.
	resp, _ = admin.get("/staff/fleet")
	for k, want := range map[string]string{"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store", "Referrer-Policy": "no-referrer"} {
		if resp.Header.Get(k) != want {
			t.Errorf("%s: %q", k, resp.Header.Get(k))
		}
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe") {
		t.Errorf("CSP %q", csp)
	}
	// Sign-ins, good and failed, are in the audit log.
	log, _ := r.p.Store().AuditLog(r.ctx, time.Now().Add(-time.Hour), 1000)
	var actions []string
	for _, e := range log {
		actions = append(actions, e.User+":"+e.Action)
	}
	all := strings.Join(actions, " ")
	for _, want := range []string{"anna.admin:signin", "carl.sachbearbeitung:signin_failed", "niemand.hier:signin_failed", "selma.sperrmuell:case_refused",
		"carl.sachbearbeitung:case_decided_accepted", "anna.admin:user_disabled"} {
		if !strings.Contains(all, want) {
			t.Errorf("audit lacks %s: %s", want, all)
		}
	}
}

// Bad input: a case sealed to another key opens with a clear word and
// the rest works; an upload that is not a profile is refused with the
// reason and nothing is published.
func TestBadCaseAndBadUpload(t *testing.T) {
	r := newRig(t)
	good := r.submit(t, "mangel", map[string]string{"wo": "Marktplatz 3"})
	db, err := sqlitedb.Open(filepath.Join(r.p.DataDir, "portal.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var jwe string
	db.QueryRow(`SELECT jwe FROM envelopes WHERE code = ?`, good).Scan(&jwe)
	parts := strings.Split(jwe, ".")
	parts[1] = parts[1][:10] + "AAAA" + parts[1][14:] // another wrapped key
	if _, err := db.Exec(`INSERT INTO envelopes (kiosk_id, id, code, service, created_at, received_at, test, size, jwe, state)
		VALUES (1, 'broken', 'LT-2222-2222', 'mangel', ?, ?, 0, 3, ?, 'received')`,
		time.Now().UTC().Format(time.RFC3339Nano), time.Now().UTC().Format(time.RFC3339Nano), strings.Join(parts, ".")); err != nil {
		t.Fatal(err)
	}
	carl := newBrowser(t, r.url)
	carl.signIn("carl.sachbearbeitung", password)
	if resp, body := carl.get("/staff/cases/LT-2222-2222"); resp.StatusCode != 200 || !strings.Contains(body, "nicht entschlüsseln") {
		t.Errorf("a broken case: %d", resp.StatusCode)
	}
	if resp, body := carl.get("/staff/cases/" + good); resp.StatusCode != 200 || !strings.Contains(body, "Marktplatz 3") {
		t.Errorf("the good case beside it: %d", resp.StatusCode)
	}

	admin := newBrowser(t, r.url)
	_, csrf := admin.signIn("anna.admin", password)
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf", csrf)
	fw, _ := mw.CreateFormFile("bundle", "profil.zip")
	fw.Write([]byte("das ist kein zip"))
	mw.Close()
	req, _ := http.NewRequest("POST", r.url+"/staff/fleet/profile", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := admin.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(body), "Nicht veröffentlicht") || !strings.Contains(string(body), "not a zip") {
		t.Errorf("a bad upload: %d\n%s", resp.StatusCode, body)
	}
	if v, _, _ := r.p.Fleet().LatestProfile(r.ctx, ""); v != 0 {
		t.Errorf("version %d published", v)
	}
}

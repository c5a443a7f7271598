package web_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lotse/sync/client"
	"lotse/sync/outbox"
	"lotse/sync/portal"
	"lotse/sync/portal/booking"
	"lotse/sync/portal/instance"
	"lotse/sync/portal/staff"
	"lotse/sync/portal/store"
	"lotse/sync/portal/web"
	"lotse/sync/portal/web/display"
	"lotse/sync/portal/web/termin"
	"lotse/sync/sqlitedb"
)

const password = "Rathaus-Sommer-2026!"

// rig is a portal with its staff dashboard on loopback, its staff, and a
// kiosk that submits through the real sync path.
type rig struct {
	p     *portal.Server
	url   string
	kiosk *client.Client
	out   *outbox.Outbox
	ctx   context.Context
}

func newRig(t *testing.T) *rig { return newRigAt(t, nil) }

// newRigAt is a rig whose portal reads the clock now (nil: the real one).
func newRigAt(t *testing.T, now func() time.Time) *rig { return newRigWith(t, now, nil) }

// newRigWith is newRigAt with a mailer.
func newRigWith(t *testing.T, now func() time.Time, mailer booking.Mailer) *rig {
	t.Helper()
	ctx := context.Background()
	p, err := instance.Open(t.TempDir(), instance.Config{KeyBits: 2048, Options: portal.Options{Version: "test", Now: now, Mailer: mailer}})
	if err != nil {
		t.Fatal(err)
	}
	dash, err := web.New(p, p.Store())
	if err != nil {
		t.Fatal(err)
	}
	disp, err := display.New(p)
	if err != nil {
		t.Fatal(err)
	}
	booking, err := termin.New(p)
	if err != nil {
		t.Fatal(err)
	}
	p.Staff, p.Display, p.Termin = dash.Handler(), disp.Handler(), booking.Handler()
	sctx, cancel := context.WithCancel(ctx)
	u, done, err := p.Listen(sctx, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); <-done; p.Close() })
	acc := &staff.Accounts{St: p.Store()}
	// Anna administers every site; the others work at the default site
	// (""), where the rig's kiosk is.
	for _, u := range []store.User{{Name: "anna.admin", Role: staff.Admin, AllSites: true},
		{Name: "carl.sachbearbeitung", Role: staff.Caseworker, Sites: []string{""}},
		{Name: "selma.sperrmuell", Role: staff.Caseworker, Services: []string{"sperrmuell"}, Sites: []string{""}},
		{Name: "kurt.schalter", Role: staff.Clerk, Sites: []string{""}}} {
		if err := acc.Add(ctx, u, password); err != nil {
			t.Fatal(err)
		}
	}
	db, err := sqlitedb.Open(filepath.Join(t.TempDir(), "kiosk.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	code, _ := p.Enrolment().EnrollCode(ctx, time.Hour)
	if _, err := client.Enroll(ctx, db, u, code, "Rathaus Eingang", client.Options{}); err != nil {
		t.Fatal(err)
	}
	out, _ := outbox.Open(ctx, db)
	c, err := client.New(ctx, db, out, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return &rig{p: p.Server, url: u, kiosk: c, out: out, ctx: ctx}
}

// submit sends one submission from the kiosk and returns its code.
func (r *rig) submit(t *testing.T, service string, data map[string]string) string {
	t.Helper()
	code, err := r.out.Submit(r.ctx, r.kiosk.Identity(), service, data, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.kiosk.Drain(r.ctx); err != nil {
		t.Fatal(err)
	}
	return code
}

// browser is a plain HTTP client with cookies that does not follow
// redirects, for the negative paths.
type browser struct {
	t   testing.TB
	hc  *http.Client
	url string
}

func newBrowser(t testing.TB, base string) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, url: base, hc: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

func (b *browser) get(path string) (*http.Response, string) {
	b.t.Helper()
	return b.read(b.hc.Get(b.url + path))
}

func (b *browser) post(path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	return b.read(b.hc.PostForm(b.url+path, form))
}

// read is a response and its body, read whole.
func (b *browser) read(resp *http.Response, err error) (*http.Response, string) {
	b.t.Helper()
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// token is the csrf hidden field of a page.
func token(page string) string {
	i := strings.Index(page, `name="csrf" value="`)
	if i < 0 {
		return ""
	}
	rest := page[i+len(`name="csrf" value="`):]
	return rest[:strings.IndexByte(rest, '"')]
}

// signIn signs in through the form and returns the dashboard's CSRF token.
func (b *browser) signIn(name, pw string) (int, string) {
	b.t.Helper()
	_, page := b.get("/staff/login")
	resp, body := b.post("/staff/login", url.Values{"csrf": {token(page)}, "name": {name}, "password": {pw}})
	if resp.StatusCode != http.StatusSeeOther {
		return resp.StatusCode, body
	}
	_, dash := b.get("/staff/")
	return resp.StatusCode, token(dash)
}

func (b *browser) cookie(name string) string {
	u, _ := url.Parse(b.url + "/staff/")
	for _, c := range b.hc.Jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

func sha(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

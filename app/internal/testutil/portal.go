package testutil

import (
	"context"
	"database/sql"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"lotse/sync/client"
	"lotse/sync/outbox"
	"lotse/sync/portal"
	"lotse/sync/portal/instance"
)

// Portal is a real portal on loopback with its own database in a temp folder.
type Portal struct {
	*portal.Server
	URL string
}

// StartPortal starts a portal on loopback for the test's lifetime.
func StartPortal(t testing.TB) *Portal {
	return StartPortalWith(t, nil)
}

// StartPortalWith starts a portal whose handler is wrapped by wrap (nil:
// none): a test counts or changes what passes, as a proxy on the way would.
func StartPortalWith(t testing.TB, wrap func(http.Handler) http.Handler) *Portal {
	return StartPortalAt(t, nil, wrap)
}

// StartPortalAt is StartPortalWith whose portal reads the clock now (nil:
// the real one).
func StartPortalAt(t testing.TB, now func() time.Time, wrap func(http.Handler) http.Handler) *Portal {
	t.Helper()
	p, err := instance.Open(t.TempDir(), instance.Config{KeyBits: 2048, Options: portal.Options{Version: "test", Now: now}})
	if err != nil {
		t.Fatal(err)
	}
	h := p.Handler()
	if wrap != nil {
		h = wrap(h)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(func() { srv.Close(); p.Close() })
	return &Portal{Server: p.Server, URL: srv.URL}
}

// Enrolled enrols the kiosk database db at p and returns its outbox and a
// sealer that seals to the portal's key, as the running kiosk does.
func Enrolled(t testing.TB, db *sql.DB, p *Portal) (*outbox.Outbox, outbox.Sealer) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := outbox.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	code, err := p.Enrolment().EnrollCode(ctx, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.Enroll(ctx, db, p.URL, code, "Testkiosk", client.Options{}); err != nil {
		t.Fatal(err)
	}
	return out, outbox.Sealer{DB: db, Out: out}
}

// Client enrols the kiosk database db at p and returns its outbox and the
// sync client the running kiosk would have.
func Client(t testing.TB, db *sql.DB, p *Portal) (*outbox.Outbox, *client.Client) {
	t.Helper()
	out, _ := Enrolled(t, db, p)
	c, err := client.New(context.Background(), db, out, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return out, c
}

package portal

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"time"

	"lotse/sync/enrolcode"
	"lotse/sync/portal/queue"
	"lotse/sync/portal/store"
	"lotse/sync/refcode"
)

// IdempotencyRetention is how long the portal remembers an idempotency
// key: longer than the longest time a kiosk may stay offline.
const IdempotencyRetention = 90 * 24 * time.Hour

// HashToken is how the portal keeps a secret it must recognise (kiosk
// tokens, enrolment codes, staff sessions, display tokens): SHA-256, hex.
func HashToken(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func randomToken(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// EnrollCode makes a one-time enrolment code, valid for d.
func (e *Enrolment) EnrollCode(ctx context.Context, d time.Duration) (string, error) {
	return e.EnrollCodeFor(ctx, d, "")
}

// MaxEnrollValid caps how long an enrolment code works: codes are
// printed on sheets and read over the phone, and a code that lives for
// years is a credential nobody remembers handing out.
const MaxEnrollValid = 7 * 24 * time.Hour

// EnrollCodeFor makes a one-time enrolment code, valid for d, that puts
// the kiosk using it in site (none for ""): staff setting up a library's
// kiosks hand out its codes, and each kiosk gets the library's profile
// with its first heartbeat. The code carries a fingerprint of the
// portal's keys, so the kiosk can tell the real portal from a proxy.
func (e *Enrolment) EnrollCodeFor(ctx context.Context, d time.Duration, site string) (string, error) {
	if d <= 0 || d > MaxEnrollValid {
		return "", fmt.Errorf("enrolment code: validity %s: want more than 0 and at most %s (7 days)", d, MaxEnrollValid)
	}
	if err := queue.CheckSite(site); err != nil {
		return "", fmt.Errorf("enrolment code: site %q: %w", site, err)
	}
	code, secret, err := enrolcode.New(e.keyDERs()...)
	if err != nil {
		return "", fmt.Errorf("enrolment code: %w", err)
	}
	if err := e.st.AddEnrollCode(ctx, HashToken(secret), e.now().Add(d), site); err != nil {
		return "", fmt.Errorf("enrolment code: %w", err)
	}
	return code, nil
}

// enroll uses code once and registers a kiosk, returning its id and token.
func (e *Enrolment) enroll(ctx context.Context, code, name string) (int64, string, error) {
	secret, ok := enrolcode.NormalSecret(code)
	if !ok {
		return 0, "", store.ErrBadEnrollCode
	}
	token, err := randomToken(32)
	if err != nil {
		return 0, "", err
	}
	id, err := e.st.Enroll(ctx, HashToken(secret), name, HashToken(token), e.now(), refcode.MaxKiosks)
	return id, token, err
}

// Revoke stops a kiosk's credential from working.
func (e *Enrolment) Revoke(ctx context.Context, kiosk int64) error {
	return e.st.Revoke(ctx, kiosk, e.now())
}

// authenticate finds the kiosk of a bearer token.
func (e *Enrolment) authenticate(ctx context.Context, token string) (int64, error) {
	if token == "" {
		return 0, store.ErrUnauthenticated
	}
	return e.st.Authenticate(ctx, HashToken(token))
}

// Decide records staff's decision on a case; it reaches the kiosk through
// the changes feed and the resident through the status page.
func (c *Cases) Decide(ctx context.Context, code, state, reason string) error {
	if state != "accepted" && state != "rejected" {
		return fmt.Errorf("decide: %q is neither accepted nor rejected", state)
	}
	return c.st.Decide(ctx, code, state, reason)
}

// Stats counts envelopes by state, and refused duplicates.
func (c *Cases) Stats(ctx context.Context) (map[string]int, error) {
	return c.st.Stats(ctx)
}

// CountCode says how many stored envelopes carry code (0 or 1: the column
// is unique; tests use it to prove exactly-once delivery).
func (c *Cases) CountCode(ctx context.Context, code string) int {
	n, _ := c.st.CountCode(ctx, code)
	return n
}

// Store is the portal's database (for migrate-store).
func (s *Server) Store() store.Store { return s.st }

// Secret is a key for purpose that only this portal (and every instance
// sharing its data folder and database) can derive: from its private key,
// so it needs no storage of its own and is the same at every instance.
func (s *Server) Secret(purpose string) []byte {
	der, _ := x509.MarshalPKCS8PrivateKey(s.key)
	mac := hmac.New(sha256.New, der)
	mac.Write([]byte(purpose))
	return mac.Sum(nil)
}

// Now is the portal's clock (Options.Now).
func (s *Server) Now() time.Time { return s.now() }

var (
	errBadEnrollCode   = store.ErrBadEnrollCode
	errUnauthenticated = store.ErrUnauthenticated
	errRevoked         = store.ErrRevoked
)

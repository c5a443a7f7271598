// Package client moves the kiosk's outbox to the portal: batches of at
// most 50 envelopes or 5 MB, an idempotency key per envelope (its id), full
// jitter backoff (base 2 s, cap 10 min) that honours Retry-After, an
// immediate retry when the network returns, and the changes feed pulled
// back with its cursor saved in the same transaction as the changes.
package client

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-resty/resty/v2"

	"lotse/sync/enrolcode"
	"lotse/sync/identity"
	"lotse/sync/outbox"
	"lotse/sync/seal"
	"lotse/sync/wire"
)

// Backoff bounds.
const (
	BackoffBase = 2 * time.Second
	BackoffCap  = 10 * time.Minute
)

// Options configure a client.
type Options struct {
	// CAFile, when set, is the only CA trusted for the portal's TLS.
	CAFile string
	// Timeout bounds one request.
	Timeout time.Duration
	// BatchSize and BatchBytes bound one request (50 and 5 MB by default).
	BatchSize, BatchBytes int
	// Probe is how often Run looks for the portal while offline (5 s by
	// default); when it answers, everything queued is retried at once.
	Probe time.Duration
}

// Client syncs one kiosk's outbox with its portal.
type Client struct {
	db   *sql.DB
	out  *outbox.Outbox
	id   identity.Kiosk
	http *resty.Client
	opt  Options

	mu       sync.Mutex
	failures int       // consecutive failed attempts
	online   bool      // the last request reached the portal
	revoked  bool      // the portal answered 403: this kiosk is revoked
	lastSync time.Time // the last successful exchange
	wake     chan struct{}
}

// New returns a client for an enrolled kiosk.
func New(ctx context.Context, db *sql.DB, out *outbox.Outbox, opt Options) (*Client, error) {
	id, err := identity.Load(ctx, db)
	if err != nil {
		return nil, err
	}
	if err := identity.CheckPortalURL(id.Portal); err != nil {
		return nil, err
	}
	hc, err := newHTTP(opt)
	if err != nil {
		return nil, err
	}
	if opt.BatchSize == 0 {
		opt.BatchSize = wire.MaxBatch
	}
	if opt.BatchBytes == 0 {
		opt.BatchBytes = wire.MaxBatchBytes - 64<<10 // room for the JSON around the envelopes
	}
	if opt.Probe == 0 {
		opt.Probe = 5 * time.Second
	}
	hc.SetBaseURL(id.Portal).SetAuthToken(id.Token)
	return &Client{db: db, out: out, id: id, http: hc, opt: opt, wake: make(chan struct{}, 1)}, nil
}

func newHTTP(opt Options) (*resty.Client, error) {
	if opt.Timeout == 0 {
		opt.Timeout = 30 * time.Second
	}
	hc := resty.New().SetTimeout(opt.Timeout).SetHeader("User-Agent", "lotse-kiosk").
		SetRedirectPolicy(resty.RedirectPolicyFunc(redirectPolicy))
	if opt.CAFile != "" {
		pem, err := os.ReadFile(opt.CAFile)
		if err != nil {
			return nil, fmt.Errorf("portal CA file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("portal CA file %s: no certificate", opt.CAFile)
		}
		hc.SetTLSClientConfig(&tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12})
	}
	return hc, nil
}

// Enroll registers the kiosk with the portal using a one-time code, and
// stores its credential and the portal's public keys. It pins only keys
// that match the fingerprint in the code: a proxy answering in the
// portal's place is found out and nothing is saved. Only the code's
// secret half is sent.
func Enroll(ctx context.Context, db *sql.DB, portalURL, code, name string, opt Options) (identity.Kiosk, error) {
	if err := identity.CheckPortalURL(portalURL); err != nil {
		return identity.Kiosk{}, fmt.Errorf("enrol: %w", err)
	}
	secret, _, err := enrolcode.Parse(code)
	if err != nil {
		return identity.Kiosk{}, fmt.Errorf("enrol: %w", err)
	}
	hc, err := newHTTP(opt)
	if err != nil {
		return identity.Kiosk{}, err
	}
	var reply wire.EnrollReply
	var fail struct{ Error string }
	resp, err := hc.R().SetContext(ctx).SetBody(wire.EnrollRequest{Code: secret, Name: name}).
		SetResult(&reply).SetError(&fail).Post(strings.TrimRight(portalURL, "/") + "/v1/enroll")
	if err != nil {
		return identity.Kiosk{}, fmt.Errorf("enrol at %s: %w", portalURL, err)
	}
	if resp.StatusCode() != http.StatusCreated {
		return identity.Kiosk{}, fmt.Errorf("enrol at %s: %s: %s", portalURL, resp.Status(), fail.Error)
	}
	pub, err := seal.DecodePublic(reply.PublicKey)
	if err != nil {
		return identity.Kiosk{}, fmt.Errorf("enrol: portal key: %w", err)
	}
	if kid, _ := seal.KeyID(pub); kid != reply.KeyID {
		return identity.Kiosk{}, errors.New("enrol: the portal's key id does not match its key")
	}
	signKey, err := identity.DecodeSigningKey(reply.SigningKey)
	if err != nil {
		return identity.Kiosk{}, fmt.Errorf("enrol: portal signing key: %w", err)
	}
	pubDER, _ := x509.MarshalPKIXPublicKey(pub)
	signDER, _ := x509.MarshalPKIXPublicKey(signKey)
	if err := enrolcode.Verify(code, pubDER, signDER); err != nil {
		return identity.Kiosk{}, fmt.Errorf("enrol at %s: %w", portalURL, err)
	}
	id := identity.Kiosk{Portal: strings.TrimRight(portalURL, "/"), KioskID: reply.KioskID, Number: reply.Number, Token: reply.Token,
		Key: seal.Key{ID: reply.KeyID, Public: pub}, SigningKey: signKey, SiteKey: reply.SiteKey}
	return id, identity.Save(ctx, db, id)
}

// identity.Kiosk is the kiosk's identity.
func (c *Client) Identity() identity.Kiosk { return c.id }

// Status is what the start screen and the staff area show.
type Status struct {
	Online   bool
	LastSync time.Time
	// Revoked: the portal refuses this kiosk's credential. It sends
	// nothing more and keeps its queue until staff enrol it again.
	Revoked bool
}

// Status reports whether the portal was reachable at the last attempt.
func (c *Client) Status() Status {
	c.mu.Lock()
	defer c.mu.Unlock()
	return Status{Online: c.online, LastSync: c.lastSync, Revoked: c.revoked}
}

// Wake asks Run to try now (the network came back, a new envelope).
func (c *Client) Wake() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// RetryAfterError carries the portal's Retry-After.
type RetryAfterError struct {
	Status int
	After  time.Duration
}

func (e *RetryAfterError) Error() string {
	return fmt.Sprintf("portal busy (%d), retry after %s", e.Status, e.After)
}

// RefusedError is a whole batch refused for a reason retrying will not
// fix by itself (not enrolled, revoked, malformed): the envelopes stay
// queued and staff see the reason.
type RefusedError struct {
	Status int
	Reason string
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("portal refused (%d): %s", e.Status, e.Reason)
}

// SendOnce sends one batch of due envelopes. It returns how many were
// settled and the error of the attempt (network, 5xx, refusal).
func (c *Client) SendOnce(ctx context.Context) (int, error) {
	return c.out.SendOnce(ctx, c, c.opt.BatchSize, c.opt.BatchBytes)
}

// Send hands a batch to the portal (outbox.Sender): a 403 for the whole
// batch says this kiosk was revoked.
func (c *Client) Send(ctx context.Context, envs []seal.Envelope) ([]wire.ItemResult, error) {
	results, err := c.post(ctx, envs)
	var refused *RefusedError
	if errors.As(err, &refused) && refused.Status == http.StatusForbidden {
		c.setRevoked()
	}
	if err == nil {
		c.succeeded()
	}
	return results, err
}

// RetryAfter is the backoff after err (outbox.Sender); an envelope the
// portal answered without taking it goes again after BackoffBase.
func (c *Client) RetryAfter(err error) time.Duration {
	if err == nil {
		return BackoffBase
	}
	return c.backoff(err)
}

// post sends one batch and decodes the per-envelope results.
func (c *Client) post(ctx context.Context, envs []seal.Envelope) ([]wire.ItemResult, error) {
	resp, err := c.http.R().SetContext(ctx).SetHeader("Content-Type", "application/json").
		SetBody(wire.Batch{Envelopes: envs}).Post("/v1/envelopes")
	if err != nil {
		return nil, fmt.Errorf("send batch: %w", err)
	}
	return DecodeBatchReply(resp.StatusCode(), resp.Header().Get("Retry-After"), resp.Body(), len(envs))
}

// DecodeBatchReply interprets the portal's answer to a batch. Anything but
// a well-formed 200 with one result per envelope is an error, and never
// settles an envelope.
func DecodeBatchReply(status int, retryAfter string, body []byte, n int) ([]wire.ItemResult, error) {
	switch {
	case status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable:
		return nil, &RetryAfterError{Status: status, After: parseRetryAfter(retryAfter)}
	case status >= 500:
		return nil, fmt.Errorf("portal error %d", status)
	case status != http.StatusOK:
		var e struct{ Error string }
		json.Unmarshal(body, &e)
		return nil, &RefusedError{Status: status, Reason: e.Error}
	}
	var reply wire.BatchReply
	if err := json.Unmarshal(body, &reply); err != nil {
		return nil, fmt.Errorf("portal answer unreadable: %w", err)
	}
	if len(reply.Results) != n {
		return nil, fmt.Errorf("portal answered %d results for %d envelopes", len(reply.Results), n)
	}
	for _, r := range reply.Results {
		if r.ID == "" || r.Status < 100 || r.Status > 599 {
			return nil, errors.New("portal answer has a malformed result")
		}
	}
	return reply.Results, nil
}

func parseRetryAfter(v string) time.Duration {
	if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(0, time.Until(t))
	}
	return 0
}

// backoff records a failure and returns the wait before the next attempt:
// full jitter, rand(0, min(cap, base·2ⁿ)), or the portal's Retry-After.
func (c *Client) backoff(err error) time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	var ra *RetryAfterError
	var refused *RefusedError
	c.online = errors.As(err, &ra) || errors.As(err, &refused)
	c.failures++
	if errors.As(err, &ra) && ra.After > 0 {
		return min(ra.After, BackoffCap)
	}
	ceiling := BackoffCap
	if c.failures < 20 {
		ceiling = min(BackoffCap, BackoffBase<<(c.failures-1))
	}
	return time.Duration(rand.Int64N(int64(ceiling) + 1))
}

func (c *Client) succeeded() {
	c.mu.Lock()
	c.failures, c.online, c.lastSync = 0, true, time.Now()
	c.mu.Unlock()
}

// PullChanges fetches decisions since the saved cursor and applies them
// with the new cursor in one transaction.
func (c *Client) PullChanges(ctx context.Context) (int, error) {
	cursor, err := c.out.Cursor(ctx)
	if err != nil {
		return 0, err
	}
	resp, err := c.http.R().SetContext(ctx).SetQueryParam("since", cursor).
		Get(fmt.Sprintf("/v1/kiosks/%d/changes", c.id.KioskID))
	if err != nil {
		c.mu.Lock()
		c.online = false
		c.mu.Unlock()
		return 0, fmt.Errorf("changes: %w", err)
	}
	reply, err := DecodeChanges(resp.StatusCode(), resp.Body())
	if err != nil {
		return 0, err
	}
	c.succeeded()
	changes := make([]outbox.Change, len(reply.Changes))
	for i, ch := range reply.Changes {
		changes[i] = outbox.Change{Code: ch.Code, State: ch.State, Reason: ch.Reason}
	}
	if len(changes) == 0 && reply.Cursor == cursor {
		return 0, nil
	}
	return len(changes), c.out.ApplyChanges(ctx, changes, reply.Cursor)
}

// DecodeChanges checks the portal's changes feed answer.
func DecodeChanges(status int, body []byte) (wire.ChangesReply, error) {
	if status != http.StatusOK {
		return wire.ChangesReply{}, fmt.Errorf("changes: portal answered %d", status)
	}
	var reply wire.ChangesReply
	if err := json.Unmarshal(body, &reply); err != nil {
		return wire.ChangesReply{}, fmt.Errorf("changes: unreadable answer: %w", err)
	}
	if _, err := strconv.ParseInt(reply.Cursor, 10, 64); err != nil {
		return wire.ChangesReply{}, fmt.Errorf("changes: malformed cursor %q", reply.Cursor)
	}
	return reply, nil
}

// Drain sends until nothing due is left or an attempt fails.
func (c *Client) Drain(ctx context.Context) (int, error) {
	return c.out.Drain(ctx, c, c.opt.BatchSize, c.opt.BatchBytes)
}

// Run syncs until ctx ends: drain, pull changes, wait until the next
// envelope is due (or Wake), and after failures back off as SendOnce
// decided. A successful health check after a failure retries at once.
func (c *Client) Run(ctx context.Context) {
	for ctx.Err() == nil {
		if c.Status().Revoked {
			// Revoked: nothing more goes out; the queue stays for a new
			// enrolment. Look again only after a restart.
			slog.Warn("sync stopped: this kiosk was revoked at the portal; submissions stay queued")
			<-ctx.Done()
			return
		}
		_, err := c.Drain(ctx)
		if err == nil {
			if _, err := c.PullChanges(ctx); err != nil {
				slog.Warn("sync: changes", "err", err)
			}
		} else {
			slog.Warn("sync: send", "err", err)
		}
		wait := 30 * time.Second
		if due, err := c.out.NextDue(ctx); err == nil && !due.IsZero() {
			wait = min(wait, max(time.Until(due), 0))
		}
		if !c.Status().Online {
			// Offline: look for the network every few seconds and retry
			// at once when it is back, whatever the backoff said.
			wait = min(wait, c.opt.Probe)
			sleepCtx(ctx, wait)
			if c.healthy(ctx) {
				c.mu.Lock()
				c.failures = 0
				c.mu.Unlock()
				if err := c.out.RetryNow(ctx); err != nil {
					slog.Warn("sync: retry", "err", err)
				}
			}
			continue
		}
		select {
		case <-ctx.Done():
		case <-c.wake:
		case <-time.After(wait):
		}
	}
}

func (c *Client) healthy(ctx context.Context) bool {
	resp, err := c.http.R().SetContext(ctx).Get("/v1/health")
	return err == nil && resp.StatusCode() == http.StatusOK
}

func sleepCtx(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

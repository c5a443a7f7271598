package client_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"lotse/sync/client"
	"lotse/sync/outbox"
)

// When the network comes back, queued envelopes go at once, not when a
// backoff grown during the outage runs out.
func TestRetryAtOnceWhenTheNetworkReturns(t *testing.T) {
	p, srv := newPortal(t)
	target, _ := url.Parse(srv.URL)
	var up atomic.Bool
	up.Store(true)
	rp := httputil.NewSingleHostReverseProxy(target)
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !up.Load() {
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
			return
		}
		rp.ServeHTTP(w, r)
	}))
	defer proxy.Close()
	k := newKiosk(t, p, proxy.URL)
	c, err := client.New(context.Background(), k.db, k.out, client.Options{Probe: 50 * time.Millisecond, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	up.Store(false)
	code := k.submit(t, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go c.Run(ctx)

	// Let the outage last until the backoff puts the next attempt at
	// least 3 s away.
	deadline := time.Now().Add(30 * time.Second)
	var due time.Time
	for {
		e, _ := k.out.GetByCode(ctx, code)
		due, _ = k.out.NextDue(ctx)
		if e.Attempts >= 2 && e.State == outbox.Queued && time.Until(due) > 3*time.Second {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no failed attempts during the outage: %+v", e)
		}
		// Make failures pile up faster than real time would.
		k.out.RetryNow(ctx)
		time.Sleep(20 * time.Millisecond)
	}
	if c.Status().Online {
		t.Fatal("reported online during the outage")
	}
	up.Store(true)
	for {
		e, _ := k.out.GetByCode(ctx, code)
		if e.State == outbox.Acknowledged {
			break
		}
		if time.Now().After(due.Add(-2 * time.Second)) {
			t.Fatalf("waited for the backoff although the network was back: %+v", e)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !c.Status().Online {
		t.Error("not reported online after sending")
	}
}

package client_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"lotse/sync/client"
	"lotse/sync/outbox"
)

// faultProxy sits between kiosk and portal and breaks requests in the ways
// networks and overloaded servers do, in turn.
type faultProxy struct {
	target *url.URL
	mu     sync.Mutex
	n      int
	seen   map[string]int
}

var faults = []string{"pass", "reset", "stall", "500", "pass", "503", "429", "truncate", "lost", "pass", "lost"}

func (f *faultProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	fault := faults[f.n%len(faults)]
	if r.URL.Path != "/v1/envelopes" {
		fault = "pass"
	} else {
		f.n++
		f.seen[fault]++
	}
	f.mu.Unlock()
	body, _ := io.ReadAll(r.Body)
	forward := func() (*http.Response, []byte) {
		req, _ := http.NewRequest(r.Method, f.target.String()+r.URL.RequestURI(), bytes.NewReader(body))
		req.Header = r.Header.Clone()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, nil
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	hangUp := func() {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	}
	switch fault {
	case "reset":
		hangUp()
	case "stall":
		time.Sleep(600 * time.Millisecond) // past the client's timeout
		hangUp()
	case "500":
		w.WriteHeader(500)
	case "503":
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(503)
	case "429":
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(429)
	case "truncate":
		resp, b := forward()
		if resp == nil {
			hangUp()
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(resp.StatusCode)
		w.Write(b[:len(b)/2])
	case "lost":
		// The portal stores the batch; the answer never arrives.
		forward()
		hangUp()
	default:
		resp, b := forward()
		if resp == nil {
			hangUp()
			return
		}
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		w.Write(b)
	}
}

func TestFaultyNetworkDeliversEachEnvelopeExactlyOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("2,000 envelopes through a faulty proxy")
	}
	p, srv := newPortal(t)
	target, _ := url.Parse(srv.URL)
	fp := &faultProxy{target: target, seen: map[string]int{}}
	proxy := httptest.NewServer(fp)
	defer proxy.Close()
	k := newKiosk(t, p, proxy.URL)
	c, err := client.New(context.Background(), k.db, k.out, client.Options{Timeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	const n = 2000
	codes := make([]string, n)
	for i := range codes {
		codes[i] = k.submit(t, i)
	}
	ctx := context.Background()
	for attempt := 0; attempt < 1000; attempt++ {
		counts := counts(t, k.out)
		if counts[outbox.Queued] == 0 && counts[outbox.Sending] == 0 {
			break
		}
		// Time passes: whatever the backoff said, the next attempt is now.
		k.out.RetryNow(ctx)
		c.SendOnce(ctx)
	}
	if got := counts(t, k.out); got[outbox.Acknowledged] != n {
		t.Fatalf("outbox %v", got)
	}
	for _, code := range codes {
		if p.Cases().CountCode(ctx, code) != 1 {
			t.Fatalf("%s not exactly once at the portal", code)
		}
	}
	stats, _ := p.Cases().Stats(ctx)
	if stats["envelopes"] != n {
		t.Fatalf("portal holds %d envelopes, want %d", stats["envelopes"], n)
	}
	if stats["replays"] == 0 {
		t.Error("no replays: the lost-answer fault never happened")
	}
	t.Logf("faults %v; portal %v", fp.seen, stats)
}

package display_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lotse/sync/portal"
	"lotse/sync/portal/instance"
	"lotse/sync/portal/web/display"
)

// sse reads a display's event stream line by line.
// rig is a portal on loopback with the call-up display mounted, as
// lotse-portal serve mounts it.
type rig struct {
	p   *instance.Instance
	url string
	ctx context.Context
}

func newRig(t *testing.T) *rig {
	t.Helper()
	p, err := instance.Open(t.TempDir(), instance.Config{KeyBits: 2048})
	if err != nil {
		t.Fatal(err)
	}
	disp, err := display.New(p)
	if err != nil {
		t.Fatal(err)
	}
	p.Display = disp.Handler()
	ctx, cancel := context.WithCancel(context.Background())
	u, done, err := p.Listen(ctx, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); <-done; p.Close() })
	return &rig{p: p, url: u, ctx: context.Background()}
}

// addDisplay registers a display for site and returns its token.
func addDisplay(t *testing.T, r *rig, site string) string {
	t.Helper()
	tok := rand.Text()
	if err := r.p.Store().AddDisplay(r.ctx, portal.HashToken(tok), site, time.Now()); err != nil {
		t.Fatal(err)
	}
	return tok
}

type sse struct {
	resp  *http.Response
	lines chan string
}

func openStream(t *testing.T, r *rig, tok string) *sse {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", r.url+"/display/events?token="+url.QueryEscape(tok), nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	s := &sse{resp: resp, lines: make(chan string, 1000)}
	go func() {
		defer close(s.lines)
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			s.lines <- sc.Text()
		}
	}()
	return s
}

// until reads until a line containing want, or the stream's end.
func (s *sse) until(t *testing.T, want string) (seen []string, found bool) {
	t.Helper()
	deadline := time.After(15 * time.Second)
	for {
		select {
		case l, ok := <-s.lines:
			if !ok {
				return seen, false
			}
			seen = append(seen, l)
			if strings.Contains(l, want) {
				return seen, true
			}
		case <-deadline:
			t.Fatalf("no %q within 15 s", want)
		}
	}
}

// A revoked display kept streaming and delivered a ticket drawn after the
// revoke; 2,000 streams on one token took the portal to 1.8 GB; any text
// could be spoken into the audio cache under one global lock. Now the
// token is checked again, a revoked stream ends with "revoked", a token
// holds a few streams, and only the site's calls of the day are spoken.
func TestDisplayRevokedStreamsAndTokenLimits(t *testing.T) {
	r := newRig(t)
	tok := addDisplay(t, r, "")
	q := r.p.Queue()
	if _, err := q.Draw(r.ctx, "", "A", "de", 1, "before"); err != nil {
		t.Fatal(err)
	}
	streams := []*sse{openStream(t, r, tok)}
	if _, ok := streams[0].until(t, `"waiting":[{"prefix":"A","waiting":1`); !ok {
		t.Fatal("no state")
	}
	// The token's share of streams; one more is refused.
	for range display.MaxStreams - 1 {
		streams = append(streams, openStream(t, r, tok))
	}
	for _, s := range streams[1:] {
		if s.resp.StatusCode != 200 {
			t.Fatalf("stream within the share: %d", s.resp.StatusCode)
		}
	}
	if extra := openStream(t, r, tok); extra.resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("stream %d of one token: %d", display.MaxStreams+1, extra.resp.StatusCode)
	}
	// Speaking: a call made today, yes; anything else, no.
	if _, err := q.Next(r.ctx, "", "Schalter 3", []string{"A"}); err != nil {
		t.Fatal(err)
	}
	audio := func(label, counter string) int {
		resp, err := http.Get(r.url + "/display/audio?" + url.Values{"token": {tok}, "label": {label}, "counter": {counter}, "lang": {"de"}}.Encode())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if st := audio("A001", "Schalter 3"); st != 200 {
		t.Errorf("today's call: %d", st)
	}
	for i, c := range []string{"Kauft bei Müller", "Schalter 4", "Schalter 3 "} {
		if st := audio("A00"+string(rune('2'+i)), c); st != 404 {
			t.Errorf("a call never made (%q): %d", c, st)
		}
	}
	if files, _ := os.ReadDir(filepath.Join(r.p.Folder(), "audio")); len(files) != 1 {
		t.Errorf("%d files in the audio cache, want the one call", len(files))
	}
	// Revoked: every open stream says so and ends, and a number drawn
	// after the revoke reaches none of them.
	if _, err := r.p.Store().RevokeDisplays(r.ctx, "", time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := q.Draw(r.ctx, "", "A", "de", 1, "after"); err != nil {
		t.Fatal(err)
	}
	for i, s := range streams {
		seen, ok := s.until(t, "event: revoked")
		if !ok {
			t.Errorf("stream %d ended without a revoked event", i)
		}
		for _, l := range seen {
			if strings.Contains(l, `"waiting":2`) {
				t.Errorf("stream %d delivered the number drawn after the revoke", i)
			}
		}
		rest, ended := s.until(t, "event: state")
		if ended {
			t.Errorf("stream %d goes on after revoked: %q", i, rest)
		}
	}
}

package httpx_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"lotse/sync/portal/internal/httpx"
)

// An address spends its own burst; another address keeps its own.
func TestLimitsArePerAddress(t *testing.T) {
	l := httpx.NewLimits(0.001, 3)
	for i := range 3 {
		if !l.Allow("192.0.2.1") {
			t.Fatalf("request %d within the burst refused", i+1)
		}
	}
	if l.Allow("192.0.2.1") {
		t.Error("a fourth request at once was let through")
	}
	if !l.Allow("192.0.2.2") {
		t.Error("another address was refused for the first one's burst")
	}
}

// An error that carries its status is answered with it and says when to
// come back; any other error is storage that did not answer.
func TestWriteAnswersTheErrorsStatus(t *testing.T) {
	rec := httptest.NewRecorder()
	httpx.Write(rec, &httpx.Error{Status: http.StatusTooManyRequests, Msg: "too many requests", RetryAfter: 30 * time.Second})
	if rec.Code != 429 || rec.Header().Get("Retry-After") != "30" || !strings.Contains(rec.Body.String(), `"error":"too many requests"`) {
		t.Errorf("carried status: %d %q %s", rec.Code, rec.Header().Get("Retry-After"), rec.Body)
	}
	rec = httptest.NewRecorder()
	httpx.Write(rec, errors.New("pq: connection refused to 10.0.0.5"))
	if rec.Code != 503 || rec.Header().Get("Retry-After") == "" || strings.Contains(rec.Body.String(), "10.0.0.5") {
		t.Errorf("plain error: %d %q %s", rec.Code, rec.Header().Get("Retry-After"), rec.Body)
	}
}

// The refusal's reason reaches the security log's recorder; the page
// headers forbid frames and caching.
func TestRecorderAndHeaders(t *testing.T) {
	rec := &httpx.Recorder{ResponseWriter: httptest.NewRecorder()}
	httpx.Fail(rec, http.StatusForbidden, "a kiosk books only for its own site")
	if rec.Status != 403 || rec.Why != "a kiosk books only for its own site" {
		t.Errorf("recorded %d %q", rec.Status, rec.Why)
	}
	h := http.Header{}
	httpx.SecurityHeaders(h, httpx.PagePolicy)
	if h.Get("X-Frame-Options") != "DENY" || h.Get("Cache-Control") != "no-store" || !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Errorf("headers %v", h)
	}
}

package portal_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"lotse/sync/portal"
	"lotse/sync/portal/instance"
)

func TestHealthOnLoopback(t *testing.T) {
	s, err := instance.Open(t.TempDir(), instance.Config{KeyBits: 2048, Options: portal.Options{Version: "test"}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	url, done, err := s.Listen(ctx, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { cancel(); <-done }()
	resp, err := http.Get(url + "/v1/health")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var h struct{ Status, Version string }
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || h.Status != "ok" || h.Version != "test" {
		t.Fatalf("got %d %+v", resp.StatusCode, h)
	}
}

func TestWaitingNumberPage(t *testing.T) {
	s, err := instance.Open(t.TempDir(), instance.Config{KeyBits: 2048, Options: portal.Options{Version: "test"}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	get := func(path string) (int, string) {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	code, body := get("/w/2026-11-22/A001")
	if code != 200 || !strings.Contains(body, "Ihre Wartenummer A001") || !strings.Contains(body, "22.11.2026") ||
		!strings.Contains(body, `lang="de"`) {
		t.Errorf("got %d:\n%s", code, body)
	}
	for _, bad := range []string{"/w/2026-11-22/%3Cscript%3E", "/w/2026-13-40/A001", "/w/x/A001"} {
		if code, body := get(bad); code != 404 || strings.Contains(body, "<script>") {
			t.Errorf("%s: %d\n%s", bad, code, body)
		}
	}
}

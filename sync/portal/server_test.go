package portal_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"lotse/sync/portal"
)

func TestHealthOnLoopback(t *testing.T) {
	s, err := portal.New(t.TempDir(), "test")
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

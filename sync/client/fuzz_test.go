package client_test

import (
	"testing"

	"lotse/sync/client"
)

// FuzzDecodeBatchReply: whatever the portal (or something pretending to be
// it) answers, the client either gets one well-formed result per envelope
// or an error that settles nothing.
func FuzzDecodeBatchReply(f *testing.F) {
	f.Add(200, "", []byte(`{"results":[{"id":"a","status":201}]}`), 1)
	f.Add(200, "", []byte(`{"results":[{"id":"a","status":201}`), 1)
	f.Add(503, "120", []byte(``), 3)
	f.Add(429, "Wed, 21 Oct 2026 07:28:00 GMT", []byte(`x`), 2)
	f.Add(401, "", []byte(`{"error":"not enrolled"}`), 1)
	f.Add(200, "", []byte(`{"results":[{"id":"","status":99}]}`), 1)
	f.Fuzz(func(t *testing.T, status int, retryAfter string, body []byte, n int) {
		results, err := client.DecodeBatchReply(status, retryAfter, body, n)
		if err != nil {
			return
		}
		if status != 200 || len(results) != n {
			t.Fatalf("status %d gave %d results for %d", status, len(results), n)
		}
		for _, r := range results {
			if r.ID == "" || r.Status < 100 || r.Status > 599 {
				t.Fatalf("malformed result passed: %+v", r)
			}
		}
	})
}

func FuzzDecodeChanges(f *testing.F) {
	f.Add(200, []byte(`{"changes":[{"code":"LT-2222-2222","state":"accepted"}],"cursor":"7"}`))
	f.Add(200, []byte(`{"changes":[],"cursor":"x"}`))
	f.Add(500, []byte(`{}`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if _, err := client.DecodeChanges(status, body); err == nil && status != 200 {
			t.Fatalf("status %d accepted", status)
		}
	})
}

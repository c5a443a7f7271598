package wire_test

import (
	"testing"

	"lotse/sync/wire"
)

// FuzzDecodeBatch feeds arbitrary request bodies to the portal's decoder:
// it must refuse or return envelopes with every required field.
func FuzzDecodeBatch(f *testing.F) {
	f.Add([]byte(`{"envelopes":[{"id":"a","service":"s","code":"LT-2222-2222","created":"2026-11-22T09:00:00Z","size":3,"jwe":"x.y.z.w.v"}]}`))
	f.Add([]byte(`{"envelopes":[]}`))
	f.Add([]byte(`{"envelopes":[{}]}`))
	f.Add([]byte(`{"envelopes":null,"extra":1}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		b, err := wire.DecodeBatch(body)
		if err != nil {
			return
		}
		if len(b.Envelopes) == 0 {
			t.Fatal("accepted an empty batch")
		}
		for _, e := range b.Envelopes {
			if e.ID == "" || e.Service == "" || e.Code == "" || e.JWE == "" {
				t.Fatalf("accepted an envelope without required fields: %+v", e)
			}
		}
	})
}

func FuzzDecodeHeartbeat(f *testing.F) {
	f.Add([]byte(`{"version":"1.0","profile_version":3,"uptime_s":60,"outbox":{"queued":2},"printer":{"configured":true,"connected":true,"paper_near_end":true},"reader":{},"free_disk_bytes":1000,"guide_calls":[{"at":"2026-11-22T10:00:00Z","screen":"start"}]}`))
	f.Add([]byte(`{"outbox":{"queued":-1}}`))
	f.Add([]byte(`{"unknown":1}`))
	f.Add([]byte(`{} {}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		hb, err := wire.DecodeHeartbeat(body)
		if err != nil {
			return
		}
		if hb.UptimeSeconds < 0 || len(hb.GuideCalls) > 100 {
			t.Fatalf("accepted %+v", hb)
		}
		for _, n := range hb.Outbox {
			if n < 0 {
				t.Fatalf("accepted a negative count: %+v", hb)
			}
		}
	})
}

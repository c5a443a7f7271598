package portal_test

import (
	"testing"

	"lotse/sync/portal"
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
		b, err := portal.DecodeBatch(body)
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

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

// FuzzDecodeDraw: a draw request the portal accepts has a prefix A-Z and
// a key of 1 to 64 bytes.
func FuzzDecodeDraw(f *testing.F) {
	f.Add([]byte(`{"prefix":"A","lang":"de","key":"k1"}`))
	f.Add([]byte(`{"prefix":"a","key":""}`))
	f.Add([]byte(`{"prefix":"AB","key":"x","extra":1}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		d, err := wire.DecodeDraw(body)
		if err != nil {
			return
		}
		if len(d.Prefix) != 1 || d.Prefix[0] < 'A' || d.Prefix[0] > 'Z' || d.Key == "" || len(d.Key) > 64 {
			t.Fatalf("accepted %+v", d)
		}
	})
}

func FuzzDecodeBook(f *testing.F) {
	f.Add([]byte(`{"service":"ausweis","start":"2026-12-03T09:00:00+01:00","name":"Fatma Yılmaz","phone":"0171 2345678","lang":"tr"}`))
	f.Add([]byte(`{"service":"ausweis","start":"2026-12-03T09:00:00Z","name":"A","email":"a@b"}`))
	f.Add([]byte(`{"service":"","name":"Łukasz Wróbel","email":"lukasz@example.pl","x":1}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		b, fe, err := wire.DecodeBook(body)
		if err != nil || fe != nil {
			return
		}
		if b.Service == "" || b.Start.IsZero() || len([]rune(b.Name)) > wire.MaxNameLen || len(b.Email) > wire.MaxContactLen {
			t.Fatalf("accepted %+v", b)
		}
	})
}

func FuzzDecodeCheckIn(f *testing.F) {
	f.Add([]byte(`{"code":"123456782","key":"k1","lang":"uk"}`))
	f.Add([]byte(`{"code":"12345678x","key":""}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		c, err := wire.DecodeCheckIn(body)
		if err != nil {
			return
		}
		if len(c.Code) != 9 || c.Key == "" {
			t.Fatalf("accepted %+v", c)
		}
	})
}

func FuzzDecodeHeldReport(f *testing.F) {
	f.Add([]byte(`{"sealed":"eyJhbGciOiJSU0EtT0FFUC0yNTYifQ.a.b.c.d","lang":"tr","booked_at":"2026-12-03T09:00:00+01:00"}`))
	f.Add([]byte(`{"sealed":"","booked_at":"2026-12-03T09:00:00Z"}`))
	f.Add([]byte(`{"sealed":"x","booked_at":"2026-12-03T09:00:00Z","name":"Fatma"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		h, err := wire.DecodeHeldReport(body)
		if err != nil {
			return
		}
		if h.Sealed == "" || h.BookedAt.IsZero() || len(h.Lang) > 16 {
			t.Fatalf("accepted %+v", h)
		}
	})
}

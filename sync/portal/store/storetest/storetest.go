// Package storetest is the conformance suite every implementation of
// store.Store passes: the sqlite and postgres packages run it against a
// real database each.
package storetest

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"lotse/sync/portal/store"
	"lotse/sync/seal"
	"lotse/sync/wire"
)

// Open returns a fresh, empty, migrated store for one test.
type Open func(t *testing.T) store.Store

// Run runs the whole suite.
func Run(t *testing.T, open Open) {
	for name, test := range map[string]func(*testing.T, store.Store){
		"Enrolment":          enrolment,
		"Idempotency":        idempotency,
		"DecisionsAndFeed":   decisions,
		"Quota":              quota,
		"ExportListing":      exportListing,
		"Profiles":           profiles,
		"SiteKeys":           siteKeys,
		"HeartbeatsAndFleet": fleet,
		"ConcurrentSameKey":  concurrentSameKey,
		"Users":              users,
		"Inbox":              inbox,
		"QueueDraws":         queueDraws,
		"QueueCalls":         queueCalls,
		"QueueActions":       queueActions,
		"BookingRace":        bookingRace,
		"BookingRetries":     bookingRetries,
		"BookingRules":       bookingRules,
		"HeldTimes":          heldTimes,
		"AppointmentsFirst":  queueAppointmentsFirst,
	} {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() { s.Close() })
			test(t, s)
		})
	}
	t.Run("CopyBetweenStores", func(t *testing.T) {
		from, to := open(t), open(t)
		t.Cleanup(func() { from.Close(); to.Close() })
		copyAll(t, from, to)
	})
}

var ctx = context.Background()

var now = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

func kiosk(t *testing.T, s store.Store, code, site string) int64 {
	t.Helper()
	if err := s.AddEnrollCode(ctx, "code-"+code, now.Add(time.Hour), site); err != nil {
		t.Fatal(err)
	}
	id, err := s.Enroll(ctx, "code-"+code, "Kiosk "+code, "token-"+code, now, 1024)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func enrolment(t *testing.T, s store.Store) {
	a := kiosk(t, s, "a", "")
	if _, err := s.Enroll(ctx, "code-a", "again", "token-x", now, 1024); !errors.Is(err, store.ErrBadEnrollCode) {
		t.Errorf("a used code: %v", err)
	}
	s.AddEnrollCode(ctx, "code-old", now.Add(-time.Minute), "")
	if _, err := s.Enroll(ctx, "code-old", "late", "token-y", now, 1024); !errors.Is(err, store.ErrBadEnrollCode) {
		t.Errorf("an expired code: %v", err)
	}
	b := kiosk(t, s, "b", "bibliothek")
	if a == b || a < 1 {
		t.Errorf("ids %d %d", a, b)
	}
	if site, _ := s.KioskSite(ctx, b); site != "bibliothek" {
		t.Errorf("site %q", site)
	}
	if id, err := s.Authenticate(ctx, "token-a"); err != nil || id != a {
		t.Errorf("authenticate: %d %v", id, err)
	}
	if _, err := s.Authenticate(ctx, "nope"); !errors.Is(err, store.ErrUnauthenticated) {
		t.Errorf("unknown token: %v", err)
	}
	if err := s.Revoke(ctx, a, now); err != nil {
		t.Fatal(err)
	}
	if err := s.Revoke(ctx, a, now); err == nil {
		t.Error("revoked twice")
	}
	if id, err := s.Authenticate(ctx, "token-a"); !errors.Is(err, store.ErrRevoked) || id != a {
		t.Errorf("revoked: %d %v", id, err)
	}
	if st, _ := s.Stats(ctx); st["kiosks"] != 1 {
		t.Errorf("stats %v", st)
	}
	s.AddEnrollCode(ctx, "code-full", now.Add(time.Hour), "")
	if _, err := s.Enroll(ctx, "code-full", "one too many", "token-z", now, 2); !errors.Is(err, store.ErrFull) {
		t.Errorf("beyond the limit: %v", err)
	}
}

func env(id, code string) seal.Envelope {
	return seal.Envelope{ID: id, Service: "mangel", Code: code, Created: now, Size: 3, JWE: "jwe-of-" + id}
}

func job(k int64, envs ...seal.Envelope) *store.Job {
	j := &store.Job{Kiosk: k, Envs: envs, Quota: 1 << 30, Results: make([]wire.ItemResult, len(envs))}
	for _, e := range envs {
		j.Hashes = append(j.Hashes, "hash-"+e.ID+e.Code)
		j.Refusals = append(j.Refusals, "")
	}
	return j
}

func ingest(t *testing.T, s store.Store, jobs ...*store.Job) {
	t.Helper()
	if err := s.Ingest(ctx, jobs, now); err != nil {
		t.Fatal(err)
	}
}

func idempotency(t *testing.T, s store.Store) {
	k := kiosk(t, s, "a", "")
	first := job(k, env("e1", "LT-2222-2222"), env("e2", "LT-2222-2223"))
	ingest(t, s, first)
	if r := first.Results; r[0].Status != 201 || r[1].Status != 201 || r[0].Replayed {
		t.Fatalf("first: %+v", r)
	}
	again := job(k, env("e1", "LT-2222-2222"))
	ingest(t, s, again)
	if r := again.Results[0]; r.Status != 201 || !r.Replayed {
		t.Errorf("replay: %+v", r)
	}
	other := job(k, env("e1", "LT-9999-9999"))
	ingest(t, s, other)
	if r := other.Results[0]; r.Status != 422 || r.Replayed {
		t.Errorf("same key, other body: %+v", r)
	}
	dup := job(k, env("e3", "LT-2222-2222"))
	ingest(t, s, dup)
	if r := dup.Results[0]; r.Status != 422 || r.Error != "reference code already in use" {
		t.Errorf("duplicate code: %+v", r)
	}
	refused := job(k, env("e4", "LT-3333-3333"))
	refused.Refusals[0] = "sealed content does not open"
	ingest(t, s, refused)
	replayRefused := job(k, env("e4", "LT-3333-3333"))
	ingest(t, s, replayRefused)
	if r := replayRefused.Results[0]; r.Status != 422 || r.Error != "sealed content does not open" || !r.Replayed {
		t.Errorf("refused, then replayed: %+v", r)
	}
	inFlight := job(k, env("e5", "LT-4444-4444"))
	inFlight.Results[0] = wire.ItemResult{ID: "e5", Status: http.StatusConflict}
	ingest(t, s, inFlight)
	if n, _ := s.CountCode(ctx, "LT-4444-4444"); n != 0 {
		t.Error("a 409 marked by the caller was stored")
	}
	st, _ := s.Stats(ctx)
	if st["envelopes"] != 2 || st["received"] != 2 || st["replays"] != 2 || st["duplicates_refused"] != 1 || st["key_reuse_refused"] != 1 {
		t.Errorf("stats %v", st)
	}
	// Keys older than the retention go; the envelope stays.
	if err := s.ExpireIdempotency(ctx, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.CountCode(ctx, "LT-2222-2222"); n != 1 {
		t.Error("expiring keys removed an envelope")
	}
}

func decisions(t *testing.T, s store.Store) {
	a, b := kiosk(t, s, "a", ""), kiosk(t, s, "b", "")
	ingest(t, s, job(a, env("e1", "LT-2222-2222")), job(b, env("e2", "LT-2222-2223")))
	if st, err := s.CaseState(ctx, "LT-2222-2222"); err != nil || st != "received" {
		t.Errorf("state %q %v", st, err)
	}
	if err := s.Decide(ctx, "LT-2222-2222", "rejected", "Unterschrift fehlt"); err != nil {
		t.Fatal(err)
	}
	if err := s.Decide(ctx, "LT-NONE-NONE", "accepted", ""); err == nil {
		t.Error("decided an unknown case")
	}
	ch, err := s.Changes(ctx, a, 0, 500)
	if err != nil || len(ch) != 1 || ch[0].State != "rejected" || ch[0].Reason != "Unterschrift fehlt" {
		t.Fatalf("changes %+v %v", ch, err)
	}
	if more, _ := s.Changes(ctx, a, ch[0].Seq, 500); len(more) != 0 {
		t.Errorf("after the cursor: %+v", more)
	}
	if other, _ := s.Changes(ctx, b, 0, 500); len(other) != 0 {
		t.Errorf("kiosk b sees a's changes: %+v", other)
	}
	if _, err := s.CaseState(ctx, "LT-7777-7777"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown case: %v", err)
	}
	// Retention: the decided case goes, the undecided one stays.
	if n, err := s.PurgeDecided(ctx, now.Add(time.Hour)); err != nil || n != 1 {
		t.Errorf("purged %d %v", n, err)
	}
	if n, _ := s.CountCode(ctx, "LT-2222-2222"); n != 0 {
		t.Error("the decided case stayed")
	}
	if n, _ := s.CountCode(ctx, "LT-2222-2223"); n != 1 {
		t.Error("the undecided case went")
	}
}

func quota(t *testing.T, s store.Store) {
	k := kiosk(t, s, "a", "")
	j := job(k, env("e1", "LT-2222-2222"), env("e2", "LT-2222-2223"))
	j.Quota = int64(len("jwe-of-e1")) + 3
	ingest(t, s, j)
	if j.Results[0].Status != 201 || j.Results[1].Status != 429 {
		t.Fatalf("quota: %+v", j.Results)
	}
	if err := s.Decide(ctx, "LT-2222-2222", "accepted", ""); err != nil {
		t.Fatal(err)
	}
	again := job(k, env("e2", "LT-2222-2223"))
	again.Quota = j.Quota
	ingest(t, s, again)
	if again.Results[0].Status != 201 || again.Results[0].Replayed {
		t.Errorf("after a decision: %+v", again.Results)
	}
}

func exportListing(t *testing.T, s store.Store) {
	k := kiosk(t, s, "a", "")
	test := env("e2", "LT-2222-2223")
	test.Test = true
	ingest(t, s, job(k, env("e1", "LT-2222-2222"), test))
	var got []string
	err := s.Envelopes(ctx, now.Add(-time.Minute), func(e store.StoredEnvelope) error {
		if e.Kiosk != k || e.State != "received" || e.Envelope.JWE != "jwe-of-e1" || !e.Envelope.Created.Equal(now) {
			t.Errorf("listed %+v", e)
		}
		got = append(got, e.Envelope.Code)
		return nil
	})
	if err != nil || len(got) != 1 || got[0] != "LT-2222-2222" {
		t.Errorf("export listing %v %v", got, err)
	}
	var later int
	s.Envelopes(ctx, now.Add(time.Minute), func(store.StoredEnvelope) error { later++; return nil })
	if later != 0 {
		t.Errorf("received before since: %d", later)
	}
	if _, err := s.CaseState(ctx, "LT-2222-2223"); !errors.Is(err, store.ErrNotFound) {
		t.Error("a test submission has a status page")
	}
}

func profiles(t *testing.T, s store.Store) {
	a, b := kiosk(t, s, "a", ""), kiosk(t, s, "b", "bibliothek")
	if v, _, err := s.ProfileFor(ctx, a); v != 0 || err != nil {
		t.Errorf("none yet: %d %v", v, err)
	}
	v1, _ := s.PublishProfile(ctx, "", "sum1", []byte("all"), now)
	v2, _ := s.PublishProfile(ctx, "bibliothek", "sum2", []byte("lib"), now)
	v3, _ := s.PublishProfile(ctx, "", "sum3", []byte("all, newer"), now)
	if !(v1 < v2 && v2 < v3) {
		t.Errorf("versions %d %d %d", v1, v2, v3)
	}
	if v, b, _ := s.ProfileFor(ctx, a); v != v3 || string(b) != "all, newer" {
		t.Errorf("kiosk a: %d %q", v, b)
	}
	if v, b, _ := s.ProfileFor(ctx, b); v != v2 || string(b) != "lib" {
		t.Errorf("kiosk b (its site's): %d %q", v, b)
	}
	if v, _, _ := s.LatestProfile(ctx, "bibliothek"); v != v2 {
		t.Errorf("latest for the site %d", v)
	}
	if err := s.SetSite(ctx, a, "bibliothek"); err != nil {
		t.Fatal(err)
	}
	if v, _, _ := s.ProfileFor(ctx, a); v != v2 {
		t.Errorf("kiosk a moved to the site: %d", v)
	}
	if vs, _ := s.ProfileVersions(ctx); len(vs) != 3 || !vs[v1] || vs[99] {
		t.Errorf("versions %v", vs)
	}
}

func siteKeys(t *testing.T, s store.Store) {
	k1, err := s.SiteKey(ctx, "", bytes.Repeat([]byte{1}, 32))
	if err != nil {
		t.Fatal(err)
	}
	k2, _ := s.SiteKey(ctx, "", bytes.Repeat([]byte{2}, 32))
	k3, _ := s.SiteKey(ctx, "bibliothek", bytes.Repeat([]byte{3}, 32))
	if !bytes.Equal(k1, k2) || bytes.Equal(k1, k3) || k3[0] != 3 {
		t.Errorf("keys %x %x %x", k1, k2, k3)
	}
}

func fleet(t *testing.T, s store.Store) {
	a, b := kiosk(t, s, "a", ""), kiosk(t, s, "b", "bibliothek")
	call := wire.GuideCall{At: now.Add(-10 * time.Minute), Screen: "start"}
	hb := store.Heartbeat{At: now.Add(-time.Hour), Status: []byte(`{"version":"1"}`), Done: 5, Waiting: 2, Calls: []wire.GuideCall{call}}
	if err := s.StoreHeartbeat(ctx, a, hb); err != nil {
		t.Fatal(err)
	}
	hb.At, hb.Status = now, []byte(`{"version":"2"}`) // nothing more done, still waiting: the queue did not move
	if err := s.StoreHeartbeat(ctx, a, hb); err != nil {
		t.Fatal(err)
	}
	list, err := s.Kiosks(ctx, now.Add(-time.Hour))
	if err != nil || len(list) != 2 {
		t.Fatalf("kiosks %v %v", list, err)
	}
	ka, kb := list[0], list[1]
	if ka.ID != a || string(ka.Status) != `{"version":"2"}` || !ka.LastSeen.Equal(now) || !ka.OutboxMoved.Equal(now.Add(-time.Hour)) ||
		ka.GuideCalls != 1 || ka.Name != "Kiosk a" {
		t.Errorf("kiosk a: %+v", ka)
	}
	if kb.ID != b || kb.Site != "bibliothek" || kb.Status != nil || !kb.LastSeen.IsZero() {
		t.Errorf("kiosk b: %+v", kb)
	}
	hb.Done = 6
	s.StoreHeartbeat(ctx, a, hb)
	list, _ = s.Kiosks(ctx, now)
	if !list[0].OutboxMoved.Equal(now) || list[0].GuideCalls != 0 {
		t.Errorf("after progress: %+v", list[0])
	}
	s.Revoke(ctx, b, now)
	if list, _ = s.Kiosks(ctx, now); !list[1].Revoked {
		t.Error("revoked kiosk not marked")
	}
}

// Eight connections store the same envelope at once: it is stored once,
// and every answer is 201 (first or replay) or 409 (in flight).
func concurrentSameKey(t *testing.T, s store.Store) {
	k := kiosk(t, s, "a", "")
	var wg sync.WaitGroup
	results := make([]wire.ItemResult, 8)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			j := job(k, env("same", "LT-2222-2222"))
			if err := s.Ingest(ctx, []*store.Job{j}, now); err != nil {
				results[i] = wire.ItemResult{Status: 503, Error: err.Error()}
				return
			}
			results[i] = j.Results[0]
		}()
	}
	wg.Wait()
	created := 0
	for _, r := range results {
		switch {
		case r.Status == 201 && !r.Replayed:
			created++
		case r.Status == 201 || r.Status == 409 || r.Status == 503:
		default:
			t.Errorf("answer %+v", r)
		}
	}
	if n, _ := s.CountCode(ctx, "LT-2222-2222"); n != 1 || created != 1 {
		t.Errorf("stored %d times, %d first answers: %+v", n, created, results)
	}
}

func copyAll(t *testing.T, from, to store.Store) {
	a := kiosk(t, from, "a", "bibliothek")
	ingest(t, from, job(a, env("e1", "LT-2222-2222")))
	from.Decide(ctx, "LT-2222-2222", "accepted", "")
	from.PublishProfile(ctx, "", "sum", []byte{0, 1, 2, 255}, now)
	from.SiteKey(ctx, "bibliothek", bytes.Repeat([]byte{9}, 32))
	from.StoreHeartbeat(ctx, a, store.Heartbeat{At: now, Status: []byte(`{}`), Calls: []wire.GuideCall{{At: now, Screen: "x"}}})
	for _, table := range from.Tables() {
		var rows [][]any
		if err := from.Dump(ctx, table, func(r []any) error { rows = append(rows, r); return nil }); err != nil {
			t.Fatal(err)
		}
		if err := to.Load(ctx, table, rows); err != nil {
			t.Fatal(err)
		}
		n1, _ := from.Count(ctx, table)
		n2, _ := to.Count(ctx, table)
		if n1 != n2 || n1 != len(rows) {
			t.Errorf("%s: %d rows, copied %d", table, n1, n2)
		}
	}
	if id, err := to.Authenticate(ctx, "token-a"); err != nil || id != a {
		t.Errorf("the copied kiosk: %d %v", id, err)
	}
	if v, b, _ := to.ProfileFor(ctx, a); v != 1 || !bytes.Equal(b, []byte{0, 1, 2, 255}) {
		t.Errorf("copied profile %d %v", v, b)
	}
	// New rows after the copy continue the sequences.
	b := kiosk(t, to, "b", "")
	if b <= a {
		t.Errorf("a kiosk enrolled after the copy got id %d", b)
	}
	if ch, _ := to.Changes(ctx, a, 0, 10); len(ch) != 1 {
		t.Errorf("copied changes %v", ch)
	}
	v, _ := to.PublishProfile(ctx, "", "sum2", []byte("x"), now)
	if v != 2 {
		t.Errorf("next profile version %d", v)
	}
	if st, _ := to.Stats(ctx); st["accepted"] != 1 {
		t.Errorf("stats after the copy %v", st)
	}
}

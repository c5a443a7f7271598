package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"lotse/sync/portal/store"
	"lotse/sync/wire"
)

func users(t *testing.T, s store.Store) {
	u := store.User{Name: "erika", PasswordHash: "h1", Role: "caseworker", Services: []string{"mangel", "sperrmuell"}, Created: now,
		Sites: []string{"", "Bibliothek"}}
	if err := s.AddUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if err := s.AddUser(ctx, u); !errors.Is(err, store.ErrExists) {
		t.Errorf("twice: %v", err)
	}
	got, err := s.User(ctx, "erika")
	if err != nil || got.Role != "caseworker" || len(got.Services) != 2 || got.Disabled || !got.Created.Equal(now) ||
		len(got.Sites) != 2 || got.Sites[0] != "" || got.Sites[1] != "Bibliothek" || got.AllSites {
		t.Errorf("user %+v %v", got, err)
	}
	all := store.User{Name: "kreis", PasswordHash: "h", Role: "admin", AllSites: true, Created: now}
	if err := s.AddUser(ctx, all); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.User(ctx, "kreis"); !got.AllSites || got.Sites != nil {
		t.Errorf("a district admin: %+v", got)
	}
	got.Disabled, got.PasswordHash, got.Services = true, "h2", nil
	if err := s.UpdateUser(ctx, got); err != nil {
		t.Fatal(err)
	}
	if got, _ = s.User(ctx, "erika"); !got.Disabled || got.PasswordHash != "h2" || got.Services != nil {
		t.Errorf("updated %+v", got)
	}
	if _, err := s.User(ctx, "nobody"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown: %v", err)
	}
	if err := s.UpdateUser(ctx, store.User{Name: "nobody"}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("update unknown: %v", err)
	}
	s.AddUser(ctx, store.User{Name: "admin", PasswordHash: "h", Role: "admin", Created: now})
	if list, _ := s.Users(ctx); len(list) != 3 || list[0].Name != "admin" {
		t.Errorf("users %+v", list)
	}
	// Attempts, also for a name nobody has: counted within the window,
	// from 1 again after it.
	for i := 1; i <= 3; i++ {
		if n, since, err := s.ClaimAttempt(ctx, "name:ghost", now.Add(time.Duration(i)*time.Minute), 15*time.Minute); err != nil || n != i ||
			!since.Equal(now.Add(time.Minute)) {
			t.Errorf("attempt %d: %d since %v, %v", i, n, since, err)
		}
	}
	if n, since, _ := s.ClaimAttempt(ctx, "name:ghost", now.Add(17*time.Minute), 15*time.Minute); n != 1 || !since.Equal(now.Add(17*time.Minute)) {
		t.Errorf("after the window: %d since %v", n, since)
	}
	s.ClearAttempts(ctx, "name:ghost")
	if n, _, _ := s.ClaimAttempt(ctx, "name:ghost", now.Add(18*time.Minute), 15*time.Minute); n != 1 {
		t.Errorf("after clearing: %d", n)
	}
	// Claimed at once from many goroutines: every count handed out once.
	seen := make(chan int, 40)
	var wg sync.WaitGroup
	for range 40 {
		wg.Go(func() {
			n, _, err := s.ClaimAttempt(ctx, "name:rush", now, 15*time.Minute)
			if err != nil {
				t.Error(err)
			}
			seen <- n
		})
	}
	wg.Wait()
	close(seen)
	counts := map[int]bool{}
	for n := range seen {
		if counts[n] {
			t.Errorf("count %d handed out twice", n)
		}
		counts[n] = true
	}
	if len(counts) != 40 {
		t.Errorf("%d distinct counts of 40 claims", len(counts))
	}
	// Sessions.
	se := store.Session{User: "admin", CSRF: "c", Created: now, LastSeen: now}
	s.CreateSession(ctx, "s1", se)
	s.CreateSession(ctx, "s2", se)
	s.TouchSession(ctx, "s1", now.Add(time.Minute))
	if got, err := s.Session(ctx, "s1"); err != nil || got.User != "admin" || !got.LastSeen.Equal(now.Add(time.Minute)) || got.CSRF != "c" {
		t.Errorf("session %+v %v", got, err)
	}
	s.DeleteSession(ctx, "s1")
	if _, err := s.Session(ctx, "s1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleted session: %v", err)
	}
	s.DeleteSessions(ctx, "admin")
	if _, err := s.Session(ctx, "s2"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("sessions of a user: %v", err)
	}
	// Audit.
	for i, a := range []string{"signin", "case_opened", "case_decided"} {
		s.Audit(ctx, store.AuditEntry{At: now.Add(time.Duration(i) * time.Second), User: "admin", Action: a, Subject: "LT-2222-2222", Addr: "127.0.0.1"})
	}
	log, err := s.AuditLog(ctx, now.Add(time.Second), 10)
	if err != nil || len(log) != 2 || log[0].Action != "case_decided" || log[1].Subject != "LT-2222-2222" {
		t.Errorf("audit %+v %v", log, err)
	}
}

func inbox(t *testing.T, s store.Store) {
	a, b := kiosk(t, s, "a", ""), kiosk(t, s, "b", "")
	var envs []*store.Job
	for i := range 30 {
		k := a
		if i%3 == 0 {
			k = b
		}
		e := env(fmt.Sprint("e", i), fmt.Sprintf("LT-2222-%04d", i))
		if i%2 == 0 {
			e.Service = "sperrmuell"
		}
		envs = append(envs, job(k, e))
	}
	for i, j := range envs {
		if err := s.Ingest(ctx, []*store.Job{j}, now.Add(time.Duration(i)*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	s.Decide(ctx, "LT-2222-0001", "accepted", "")
	rows, total, err := s.Cases(ctx, store.CaseFilter{Limit: 10})
	if err != nil || total != 30 || len(rows) != 10 || rows[0].Code != "LT-2222-0029" {
		t.Fatalf("first page: %d %d %+v %v", total, len(rows), rows, err)
	}
	rows, _, _ = s.Cases(ctx, store.CaseFilter{Limit: 10, Offset: 20})
	if len(rows) != 10 || rows[9].Code != "LT-2222-0000" {
		t.Errorf("last page %+v", rows)
	}
	if _, total, _ = s.Cases(ctx, store.CaseFilter{Service: "sperrmuell", Limit: 50}); total != 15 {
		t.Errorf("by service: %d", total)
	}
	if _, total, _ = s.Cases(ctx, store.CaseFilter{State: "accepted", Limit: 50}); total != 1 {
		t.Errorf("by state: %d", total)
	}
	if _, total, _ = s.Cases(ctx, store.CaseFilter{Kiosk: b, Limit: 50}); total != 10 {
		t.Errorf("by kiosk: %d", total)
	}
	if _, total, _ = s.Cases(ctx, store.CaseFilter{From: now.Add(10 * time.Minute), To: now.Add(20 * time.Minute), Limit: 50}); total != 10 {
		t.Errorf("by date: %d", total)
	}
	if _, total, _ = s.Cases(ctx, store.CaseFilter{Allowed: []string{"mangel"}, Service: "sperrmuell", Limit: 50}); total != 0 {
		t.Errorf("a service the caseworker may not see: %d", total)
	}
	// Scoped to sites: kiosk b moves to the library; the town hall's
	// clerks see a's 20 cases, the library's b's 10, nobody's none.
	if err := s.SetSite(ctx, b, "Bibliothek"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		sites []string
		want  int
	}{{[]string{""}, 20}, {[]string{"Bibliothek"}, 10}, {[]string{"", "Bibliothek"}, 30}, {[]string{}, 0}, {nil, 30}} {
		if _, total, _ = s.Cases(ctx, store.CaseFilter{Sites: c.sites, Limit: 50}); total != c.want {
			t.Errorf("cases of sites %q: %d, want %d", c.sites, total, c.want)
		}
	}
	if counts, _ := s.CaseCounts(ctx, now, []string{"Bibliothek"}); counts["mangel"]+counts["sperrmuell"] != 10 {
		t.Errorf("counts of the library: %v", counts)
	}
	s.SetSite(ctx, b, "")
	c, err := s.Case(ctx, "LT-2222-0001")
	if err != nil || c.State != "accepted" || c.Envelope.JWE != "jwe-of-e1" || c.Kiosk != a {
		t.Errorf("case %+v %v", c, err)
	}
	if _, err := s.Case(ctx, "LT-9999-9999"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown case %v", err)
	}
	if counts, _ := s.CaseCounts(ctx, now.Add(20*time.Minute), nil); counts["mangel"] != 5 || counts["sperrmuell"] != 5 {
		t.Errorf("counts %v", counts)
	}
	s.StoreHeartbeat(ctx, a, store.Heartbeat{At: now, Status: []byte(`{}`), Calls: []wire.GuideCall{{At: now.Add(-time.Minute), Screen: "start"}}})
	if calls, _ := s.GuideCallsSince(ctx, now.Add(-time.Hour)); len(calls) != 1 || calls[0].KioskName != "Kiosk a" || calls[0].Screen != "start" ||
		!calls[0].Withdrawn.IsZero() || calls[0].Site != "" {
		t.Errorf("guide calls %+v", calls)
	}
	// Withdrawn, reported with the next heartbeat: the same call gains the
	// time; an older report of it still open changes nothing; a query
	// from after the call but before the withdrawal finds it.
	call := wire.GuideCall{At: now.Add(-time.Minute), Screen: "start", Withdrawn: now.Add(time.Minute)}
	s.StoreHeartbeat(ctx, a, store.Heartbeat{At: now.Add(time.Minute), Status: []byte(`{}`), Calls: []wire.GuideCall{call}})
	s.StoreHeartbeat(ctx, a, store.Heartbeat{At: now.Add(2 * time.Minute), Status: []byte(`{}`), Calls: []wire.GuideCall{{At: call.At, Screen: "start"}}})
	calls, _ := s.GuideCallsSince(ctx, now)
	if len(calls) != 1 || !calls[0].Withdrawn.Equal(call.Withdrawn.Truncate(time.Second)) {
		t.Errorf("withdrawn guide calls %+v", calls)
	}
}

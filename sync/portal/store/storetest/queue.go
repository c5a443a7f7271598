package storetest

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"lotse/sync/portal/store"
	"lotse/sync/wire"
)

// Two kiosks draw 50 numbers each at once: 100 distinct numbers, 1 to
// 100; a retried draw gets its ticket again.
func queueDraws(t *testing.T, s store.Store) {
	var mu sync.Mutex
	labels := map[string]bool{}
	var wg sync.WaitGroup
	for k := int64(1); k <= 2; k++ {
		for i := range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				tk, err := s.Draw(ctx, store.Draw{Site: "rathaus", Day: "2026-12-01", Prefix: "A", Lang: "de", Kiosk: k,
					Key: fmt.Sprint("draw-", i), At: now.Add(time.Duration(i) * time.Millisecond)})
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				labels[tk.Label] = true
				mu.Unlock()
			}()
		}
	}
	wg.Wait()
	if len(labels) != 100 || !labels["A001"] || !labels["A100"] {
		t.Errorf("%d distinct numbers", len(labels))
	}
	again, err := s.Draw(ctx, store.Draw{Site: "rathaus", Day: "2026-12-01", Prefix: "A", Lang: "de", Kiosk: 1, Key: "draw-7", At: now})
	if err != nil || !labels[again.Label] {
		t.Errorf("a retried draw: %+v %v", again, err)
	}
	if all, _ := s.Tickets(ctx, "rathaus", "2026-12-01"); len(all) != 100 {
		t.Errorf("%d tickets stored", len(all))
	}
	// One key sent ten times at once: one ticket, and no number lost (the
	// next draw is the next number).
	var same sync.Map
	for range 10 {
		wg.Go(func() {
			tk, err := s.Draw(ctx, store.Draw{Site: "rathaus", Day: "2026-12-01", Prefix: "A", Lang: "de", Kiosk: 1, Key: "same", At: now})
			if err != nil {
				t.Error(err)
				return
			}
			same.Store(tk.Label, true)
		})
	}
	wg.Wait()
	n := 0
	same.Range(func(k, _ any) bool { n++; return k == "A101" })
	next, err := s.Draw(ctx, store.Draw{Site: "rathaus", Day: "2026-12-01", Prefix: "A", Lang: "de", Kiosk: 1, Key: "after-same", At: now})
	if n != 1 || err != nil || next.Label != "A102" {
		t.Errorf("one key ten times: %d labels; the next draw %q %v", n, next.Label, err)
	}
	// Past the thousandth number of a day: the labels wire.QueueLabel
	// names, on both stores.
	for i := 1; i <= 1002; i++ {
		tk, err := s.Draw(ctx, store.Draw{Site: "rathaus", Day: "2026-12-03", Prefix: "C", Lang: "de", Kiosk: 1, Key: fmt.Sprint("c", i), At: now})
		if err != nil || tk.Label != wire.QueueLabel("C", i) {
			t.Fatalf("number %d: %q %v, want %s", i, tk.Label, err, wire.QueueLabel("C", i))
		}
	}
	// Another day, another site, another prefix: their own sequences.
	for _, d := range []store.Draw{{Site: "rathaus", Day: "2026-12-02", Prefix: "A"}, {Site: "bibliothek", Day: "2026-12-01", Prefix: "A"},
		{Site: "rathaus", Day: "2026-12-01", Prefix: "B"}} {
		d.Kiosk, d.Key, d.At, d.Lang = 3, d.Site+d.Day+d.Prefix, now, "tr"
		if tk, err := s.Draw(ctx, d); err != nil || tk.Label != d.Prefix+"001" || tk.Ahead != 0 || tk.Lang != "tr" {
			t.Errorf("%+v: %+v %v", d, tk, err)
		}
	}
}

// Twenty clerks press "Nächste" at once until nobody waits: every ticket
// is called exactly once, in the order drawn per clerk.
func queueCalls(t *testing.T, s store.Store) {
	for i := range 60 {
		prefix := "A"
		if i%3 == 0 {
			prefix = "B"
		}
		if _, err := s.Draw(ctx, store.Draw{Site: "rathaus", Day: "2026-12-01", Prefix: prefix, Lang: "de", Kiosk: 1,
			Key: fmt.Sprint("d", i), At: now.Add(time.Duration(i) * time.Second)}); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	called := map[string]int{}
	var wg sync.WaitGroup
	for c := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				tk, err := s.CallNext(ctx, "rathaus", "2026-12-01", fmt.Sprint("Schalter ", c), []string{"A", "B"}, now.Add(time.Hour), now.Add(55*time.Minute))
				if errors.Is(err, store.ErrQueueEmpty) {
					return
				}
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				called[tk.Label]++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(called) != 60 {
		t.Errorf("%d tickets called", len(called))
	}
	for l, n := range called {
		if n != 1 {
			t.Errorf("%s called %d times", l, n)
		}
	}
}

// The clerk's actions: the ticket at the counter, done; a recall counts;
// a ticket put back is not called again within the pause.
func queueActions(t *testing.T, s store.Store) {
	for i := range 2 {
		s.Draw(ctx, store.Draw{Site: "rathaus", Day: "2026-12-01", Prefix: "A", Lang: "uk", Kiosk: 1, Key: fmt.Sprint("x", i), At: now.Add(time.Duration(i) * time.Second)})
	}
	first, err := s.CallNext(ctx, "rathaus", "2026-12-01", "Schalter 3", []string{"A"}, now, now.Add(-5*time.Minute))
	if err != nil || first.Label != "A001" || first.Calls != 1 || first.Counter != "Schalter 3" || first.Lang != "uk" {
		t.Fatalf("first call %+v %v", first, err)
	}
	at, err := s.AtCounter(ctx, "rathaus", "2026-12-01", "Schalter 3")
	if err != nil || at.ID != first.ID {
		t.Fatalf("at the counter: %+v %v", at, err)
	}
	// Called again.
	at.CalledAt = now.Add(time.Minute)
	if ok, err := s.Update(ctx, at.ID, []string{"called"}, at, true); !ok || err != nil {
		t.Fatalf("recall: %v %v", ok, err)
	}
	// Put back in the queue: not called by "Nächste" within 5 minutes.
	at.State, at.Counter = "waiting", ""
	s.Update(ctx, at.ID, []string{"called"}, at, false)
	second, _ := s.CallNext(ctx, "rathaus", "2026-12-01", "Schalter 3", []string{"A"}, now.Add(2*time.Minute), now.Add(2*time.Minute-5*time.Minute))
	if second.Label != "A002" {
		t.Errorf("after putting A001 back, Nächste called %s", second.Label)
	}
	if _, err := s.CallNext(ctx, "rathaus", "2026-12-01", "Schalter 4", []string{"A"}, now.Add(3*time.Minute), now.Add(-2*time.Minute)); !errors.Is(err, store.ErrQueueEmpty) {
		t.Errorf("within the pause: %v", err)
	}
	if again, err := s.CallNext(ctx, "rathaus", "2026-12-01", "Schalter 4", []string{"A"}, now.Add(7*time.Minute), now.Add(2*time.Minute)); err != nil || again.Label != "A001" || again.Calls != 3 {
		t.Errorf("after the pause: %+v %v", again, err)
	}
	second.State, second.DoneAt = "done", now.Add(4*time.Minute)
	if ok, _ := s.Update(ctx, second.ID, []string{"called", "serving"}, second, false); !ok {
		t.Error("done")
	}
	if ok, _ := s.Update(ctx, second.ID, []string{"called", "serving"}, second, false); ok {
		t.Error("a done ticket changed again")
	}
	if calls, _ := s.Calls(ctx, "rathaus", "2026-12-01", 5); len(calls) != 2 || calls[0].Label != "A001" {
		t.Errorf("latest calls %+v", calls)
	}
	if _, err := s.AtCounter(ctx, "rathaus", "2026-12-01", "Schalter 9"); !errors.Is(err, store.ErrNoTicket) {
		t.Errorf("an empty counter: %v", err)
	}
	// Blocks: one each, never shared, moved with the kiosk.
	seen := map[int]bool{}
	for k := int64(1); k <= 10; k++ {
		b, err := s.Block(ctx, "rathaus", k)
		if err != nil {
			t.Fatal(err)
		}
		if (k <= 9 && (b < 1 || b > 9 || seen[b])) || (k == 10 && b != 0) {
			t.Errorf("kiosk %d: block %d", k, b)
		}
		seen[b] = true
	}
	if b, _ := s.Block(ctx, "rathaus", 3); b != 3 {
		t.Errorf("asked again: %d", b)
	}
	if b, _ := s.Block(ctx, "bibliothek", 3); b != 1 {
		t.Errorf("moved: %d", b)
	}
	if b, _ := s.Block(ctx, "rathaus", 10); b != 3 {
		t.Errorf("the freed block: %d", b)
	}
	// Counters.
	if err := s.SetCounters(ctx, "rathaus", []store.Counter{{Name: "Schalter 1", Prefixes: []string{"A", "B"}}, {Name: "Raum 1.12", Prefixes: []string{"T"}}}); err != nil {
		t.Fatal(err)
	}
	s.SetCounters(ctx, "rathaus", []store.Counter{{Name: "Schalter 1", Prefixes: []string{"A", "B"}}, {Name: "Schalter 2", Prefixes: []string{"A"}}})
	if cs, _ := s.Counters(ctx, "rathaus"); len(cs) != 2 || cs[0].Name != "Schalter 1" || len(cs[0].Prefixes) != 2 || cs[1].Name != "Schalter 2" {
		t.Errorf("counters %+v", cs)
	}
	// Block size per site.
	if n, _ := s.BlockSize(ctx, "rathaus"); n != 0 {
		t.Errorf("unset block size %d", n)
	}
	s.SetBlockSize(ctx, "rathaus", 200)
	s.SetBlockSize(ctx, "rathaus", 300)
	if n, _ := s.BlockSize(ctx, "rathaus"); n != 300 {
		t.Errorf("block size %d", n)
	}
	// Displays.
	s.AddDisplay(ctx, "h1", "rathaus", now)
	if site, err := s.DisplaySite(ctx, "h1"); err != nil || site != "rathaus" {
		t.Errorf("display: %q %v", site, err)
	}
	if _, err := s.DisplaySite(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown display: %v", err)
	}
	s.AddDisplay(ctx, "h2", "rathaus", now)
	s.AddDisplay(ctx, "h3", "bibliothek", now)
	if got, err := s.DisplayTokens(ctx, "rathaus"); err != nil || strings.Join(got, ",") != "h1,h2" {
		t.Errorf("the site's displays: %v %v", got, err)
	}
	if n, _ := s.RevokeDisplays(ctx, "rathaus", now); n != 2 {
		t.Errorf("revoked %d", n)
	}
	if _, err := s.DisplaySite(ctx, "h1"); !errors.Is(err, store.ErrRevoked) {
		t.Errorf("revoked display: %v", err)
	}
	if got, err := s.DisplayTokens(ctx, "rathaus"); err != nil || len(got) != 0 {
		t.Errorf("revoked displays still listed: %v %v", got, err)
	}
	if got, _ := s.DisplayTokens(ctx, "bibliothek"); len(got) != 1 {
		t.Errorf("another site's display: %v", got)
	}
}

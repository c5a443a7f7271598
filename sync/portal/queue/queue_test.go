package queue_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"lotse/sync/portal/queue"
	"lotse/sync/portal/store"
	"lotse/sync/portal/store/sqlite"
)

func service(t *testing.T) (*queue.Service, *time.Time) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "portal.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	berlin, _ := time.LoadLocation("Europe/Berlin")
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, berlin)
	return &queue.Service{St: st, Loc: berlin, Now: func() time.Time { return now }}, &now
}

// A morning at counter 3: three calls then no-show, put back, forward to
// another queue keeping the number, park and return, done.
func TestAClerksMorning(t *testing.T) {
	q, now := service(t)
	ctx := context.Background()
	for i := range 3 {
		d, err := q.Draw(ctx, "Rathaus", "A", "de", 1, fmt.Sprint("k", i))
		if err != nil || d.Number != fmt.Sprintf("A%03d", i+1) || d.Ahead != i || d.Day != "2026-12-01" {
			t.Fatalf("draw %d: %+v %v", i, d, err)
		}
		*now = now.Add(time.Minute)
	}
	if _, err := q.Draw(ctx, "Rathaus", "a", "de", 1, "x"); !errors.Is(err, queue.ErrBadPrefix) {
		t.Errorf("prefix a: %v", err)
	}
	first, err := q.Next(ctx, "Rathaus", "Schalter 3", []string{"A"})
	if err != nil || first.Label != "A001" {
		t.Fatalf("next: %+v %v", first, err)
	}
	for i := range 2 {
		if tk, err := q.Act(ctx, "Rathaus", "Schalter 3", queue.Recall, ""); err != nil || tk.Calls != i+2 {
			t.Fatalf("recall %d: %+v %v", i, tk, err)
		}
	}
	if tk, _ := q.Act(ctx, "Rathaus", "Schalter 3", queue.Recall, ""); tk.State != "noshow" {
		t.Errorf("a fourth call: %s, want noshow", tk.State)
	}
	if _, err := q.Act(ctx, "Rathaus", "Schalter 3", queue.Done, ""); !errors.Is(err, queue.ErrNoTicket) {
		t.Errorf("nobody at the counter: %v", err)
	}
	if _, err := q.Return(ctx, "Rathaus", "A001"); err != nil {
		t.Fatal(err)
	}
	// A001 is back but waits out the pause: A002 comes first.
	if tk, _ := q.Next(ctx, "Rathaus", "Schalter 3", []string{"A"}); tk.Label != "A002" {
		t.Errorf("next after putting back: %s", tk.Label)
	}
	if tk, err := q.Act(ctx, "Rathaus", "Schalter 3", queue.Forward, "B"); err != nil || tk.Label != "A002" || tk.Prefix != "B" || tk.State != "waiting" {
		t.Errorf("forward: %+v %v", tk, err)
	}
	if tk, _ := q.Next(ctx, "Rathaus", "Schalter 5", []string{"B"}); tk.Label != "A002" {
		t.Errorf("the B counter gets the forwarded number: %s", tk.Label)
	}
	q.Act(ctx, "Rathaus", "Schalter 5", queue.Park, "")
	st, _ := q.Status(ctx, "Rathaus")
	if len(st.Parked) != 1 || st.Parked[0] != "A002" || len(st.Waiting) != 1 || st.Waiting[0].Count != 2 {
		t.Errorf("status %+v", st)
	}
	*now = now.Add(6 * time.Minute)
	if tk, _ := q.Next(ctx, "Rathaus", "Schalter 3", []string{"A"}); tk.Label != "A001" {
		t.Errorf("after the pause: %s", tk.Label)
	}
	if tk, err := q.Act(ctx, "Rathaus", "Schalter 3", queue.Done, ""); err != nil || tk.State != "done" {
		t.Errorf("done: %+v %v", tk, err)
	}
	if _, ahead, err := q.Ticket(ctx, "Rathaus", "2026-12-01", "A003"); err != nil || ahead != 0 {
		t.Errorf("A003's place: %d %v", ahead, err)
	}
	q.Next(ctx, "Rathaus", "Schalter 3", []string{"A"})
	if _, err := q.Next(ctx, "Rathaus", "Schalter 4", []string{"A"}); !errors.Is(err, queue.ErrEmpty) {
		t.Errorf("empty: %v", err)
	}
}

// A site with its counters set up: each calls only its own numbers; an
// unknown counter is told so and nothing changes.
func TestCountersOfASite(t *testing.T) {
	q, _ := service(t)
	ctx := context.Background()
	if err := q.SetCounters(ctx, "Rathaus", []store.Counter{{Name: "Schalter 1", Prefixes: []string{"A"}}, {Name: "Schalter 2", Prefixes: []string{"B"}}}); err != nil {
		t.Fatal(err)
	}
	q.Draw(ctx, "Rathaus", "A", "de", 1, "a")
	q.Draw(ctx, "Rathaus", "B", "de", 1, "b")
	// The page's prefixes do not matter once counters are set up.
	if tk, err := q.Next(ctx, "Rathaus", "Schalter 2", []string{"A", "B"}); err != nil || tk.Label != "B001" {
		t.Errorf("Schalter 2: %+v %v", tk, err)
	}
	if _, err := q.Next(ctx, "Rathaus", "Schalter 9", []string{"A"}); !errors.Is(err, queue.ErrUnknownCounter) {
		t.Errorf("unknown counter: %v", err)
	}
	if st, _ := q.Status(ctx, "Rathaus"); len(st.Waiting) != 1 || st.Waiting[0].Prefix != "A" {
		t.Errorf("the unknown counter changed something: %+v", st.Waiting)
	}
	if err := q.SetCounters(ctx, "Rathaus", []store.Counter{{Name: "Schalter 1", Prefixes: []string{"a"}}}); err == nil {
		t.Error("a lower-case prefix was set up")
	}
}

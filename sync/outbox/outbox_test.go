package outbox_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lotse/sync/outbox"
	"lotse/sync/seal"
	"lotse/sync/sqlitedb"
)

func open(t *testing.T, path string) *outbox.Outbox {
	t.Helper()
	db, err := sqlitedb.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	o, err := outbox.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func env(i int, size int) seal.Envelope {
	return seal.Envelope{ID: fmt.Sprintf("id-%04d", i), Service: "s", Code: fmt.Sprintf("LT-%04d", i),
		Created: time.Date(2026, 11, 22, 9, 0, i, 0, time.UTC), Size: size, JWE: strings.Repeat("x", size)}
}

func TestClaimRespectsCountAndBytes(t *testing.T) {
	ctx := context.Background()
	o := open(t, filepath.Join(t.TempDir(), "k.db"))
	for i := 0; i < 10; i++ {
		if err := o.Enqueue(ctx, env(i, 1000)); err != nil {
			t.Fatal(err)
		}
	}
	got, err := o.Claim(ctx, 4, 1<<20)
	if err != nil || len(got) != 4 || got[0].ID != "id-0000" {
		t.Fatalf("by count: %d %v", len(got), err)
	}
	got, _ = o.Claim(ctx, 50, 2500)
	if len(got) != 2 {
		t.Fatalf("by bytes: %d envelopes for 2,500 bytes of 1,000-byte envelopes", len(got))
	}
	c, _ := o.Counts(ctx)
	if c[outbox.Sending] != 6 || c[outbox.Queued] != 4 {
		t.Fatalf("counts %v", c)
	}
}

func TestSendingReturnsToQueueAfterACrash(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "k.db")
	o := open(t, path)
	o.Enqueue(ctx, env(1, 10))
	o.Claim(ctx, 1, 100)
	// A new process opens the same file.
	o2 := open(t, path)
	if c, _ := o2.Counts(ctx); c[outbox.Queued] != 1 || c[outbox.Sending] != 0 {
		t.Fatalf("after restart %v", c)
	}
}

func TestOnlyAFinalRefusalIsDead(t *testing.T) {
	ctx := context.Background()
	o := open(t, filepath.Join(t.TempDir(), "k.db"))
	for i := 0; i < 3; i++ {
		o.Enqueue(ctx, env(i, 10))
	}
	o.Claim(ctx, 3, 100)
	err := o.Settle(ctx, []outbox.Result{
		{ID: "id-0000", Outcome: outbox.Acknowledged},
		{ID: "id-0001", Outcome: outbox.Dead, Reason: "unknown key id"},
		{ID: "id-0002", Reason: "connection reset"},
	}, time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	c, _ := o.Counts(ctx)
	if c[outbox.Acknowledged] != 1 || c[outbox.Dead] != 1 || c[outbox.Queued] != 1 {
		t.Fatalf("counts %v", c)
	}
	// The retry is not due for an hour; RetryNow makes it due.
	if got, _ := o.Claim(ctx, 10, 100); len(got) != 0 {
		t.Fatal("retried before its time")
	}
	o.RetryNow(ctx)
	if got, _ := o.Claim(ctx, 10, 100); len(got) != 1 || got[0].ID != "id-0002" {
		t.Fatalf("after RetryNow: %v", got)
	}
	e, _ := o.GetByCode(ctx, "LT-0001")
	if e.State != outbox.Dead || e.LastError != "unknown key id" {
		t.Errorf("dead envelope %+v", e)
	}
}

func TestDuplicateCodeIsReported(t *testing.T) {
	ctx := context.Background()
	o := open(t, filepath.Join(t.TempDir(), "k.db"))
	o.Enqueue(ctx, env(1, 10))
	dup := env(1, 10)
	dup.ID = "other"
	if err := o.Enqueue(ctx, dup); !errors.Is(err, outbox.ErrDuplicateCode) {
		t.Fatalf("got %v", err)
	}
}

func TestDecisionsAndCursorInOneTransactionAndRetention(t *testing.T) {
	ctx := context.Background()
	o := open(t, filepath.Join(t.TempDir(), "k.db"))
	o.Retention = 24 * time.Hour
	o.Enqueue(ctx, env(1, 10))
	o.Enqueue(ctx, env(2, 10))
	if err := o.ApplyChanges(ctx, []outbox.Change{{Code: "LT-0001", State: "accepted"}, {Code: "LT-0002", State: "bogus"}}, "42"); err != nil {
		t.Fatal(err)
	}
	if cur, _ := o.Cursor(ctx); cur != "42" {
		t.Fatalf("cursor %q", cur)
	}
	e, _ := o.GetByCode(ctx, "LT-0001")
	e2, _ := o.GetByCode(ctx, "LT-0002")
	if e.State != outbox.Accepted || e2.State != outbox.Queued {
		t.Fatalf("states %s %s", e.State, e2.State)
	}
	// Within retention the ciphertext stays; a claim never returns a decided case.
	if got, _ := o.Claim(ctx, 10, 1000); len(got) != 1 || got[0].Code != "LT-0002" {
		t.Fatalf("claim %v", got)
	}
}

package outbox_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"lotse/sync/outbox"
	"lotse/sync/seal"
	"lotse/sync/wire"
)

// portalAnswer is a Sender that takes every envelope, or fails every
// batch with err.
type portalAnswer struct {
	mu      sync.Mutex
	err     error
	batches []int
}

func (p *portalAnswer) Send(_ context.Context, envs []seal.Envelope) ([]wire.ItemResult, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err != nil {
		return nil, p.err
	}
	p.batches = append(p.batches, len(envs))
	res := make([]wire.ItemResult, len(envs))
	for i, e := range envs {
		res[i] = wire.ItemResult{ID: e.ID, Status: 201}
	}
	return res, nil
}

func (p *portalAnswer) RetryAfter(error) time.Duration { return time.Hour }

// Draining sends everything due in batches of the size asked for; a
// failing portal stops it with the error and keeps every envelope queued
// for later.
func TestDrainSendsEverythingDueInBatches(t *testing.T) {
	ctx := context.Background()
	o := open(t, filepath.Join(t.TempDir(), "k.db"))
	for i := range 7 {
		o.Enqueue(ctx, env(i, 10))
	}
	down := &portalAnswer{err: errors.New("connection refused")}
	if n, err := o.Drain(ctx, down, 2, 1000); n != 0 || err == nil {
		t.Fatalf("a portal that is down: %d sent, %v", n, err)
	}
	if c, _ := o.Counts(ctx); c[outbox.Queued] != 7 {
		t.Fatalf("after a failed attempt: %v", c)
	}
	o.RetryNow(ctx)
	up := &portalAnswer{}
	n, err := o.Drain(ctx, up, 2, 1000)
	if err != nil || n != 7 {
		t.Fatalf("drained %d: %v", n, err)
	}
	for _, b := range up.batches {
		if b > 2 {
			t.Errorf("a batch of %d, want at most 2", b)
		}
	}
	if c, _ := o.Counts(ctx); c[outbox.Acknowledged] != 7 {
		t.Errorf("counts %v", c)
	}
}

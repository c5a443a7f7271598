package outbox_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"lotse/sync/outbox"
	"lotse/sync/wire"
)

// What the portal's answer means for each envelope: 201 is delivered; a
// refusal that cannot change is dead with its reason; "in progress
// elsewhere" (409), "too fast" (429) and an envelope the answer left out
// are sent again; a batch without any answer goes back whole.
func TestAnswerSettlesEachEnvelopeByItsStatus(t *testing.T) {
	ctx := context.Background()
	o := open(t, filepath.Join(t.TempDir(), "k.db"))
	for i := range 5 {
		if err := o.Enqueue(ctx, env(i, 10)); err != nil {
			t.Fatal(err)
		}
	}
	envs, err := o.Claim(ctx, 5, 1000)
	if err != nil || len(envs) != 5 {
		t.Fatalf("claimed %d: %v", len(envs), err)
	}
	err = o.Answer(ctx, envs, []wire.ItemResult{
		{ID: "id-0000", Status: 201},
		{ID: "id-0001", Status: 422, Error: "unknown key id"},
		{ID: "id-0002", Status: 409, Error: "a request with this key is in progress"},
		{ID: "id-0003", Status: 429, Error: "too fast"},
	}, time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	c, _ := o.Counts(ctx)
	if c[outbox.Acknowledged] != 1 || c[outbox.Dead] != 1 || c[outbox.Queued] != 3 {
		t.Fatalf("counts %v", c)
	}
	if e, _ := o.GetByCode(ctx, "LT-0004"); e.LastError != "no answer for this envelope" {
		t.Errorf("the envelope the answer left out: %+v", e)
	}

	o.RetryNow(ctx)
	envs, _ = o.Claim(ctx, 5, 1000)
	if err := o.Unanswered(ctx, envs, errors.New("connection reset").Error(), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	c, _ = o.Counts(ctx)
	if c[outbox.Queued] != 3 || c[outbox.Sending] != 0 {
		t.Errorf("after no answer: %v", c)
	}
}

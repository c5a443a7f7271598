package outbox

import (
	"context"
	"net/http"
	"time"

	"lotse/sync/seal"
	"lotse/sync/wire"
)

// Answer settles a batch the portal answered, envelope by envelope: 201
// is acknowledged; a refusal that will not change (a 4xx other than 409,
// in progress elsewhere, and 429, too fast) is dead with its reason;
// anything else, and an envelope the answer left out, waits until retry.
func (o *Outbox) Answer(ctx context.Context, envs []seal.Envelope, results []wire.ItemResult, retry time.Time) error {
	byID := make(map[string]wire.ItemResult, len(results))
	for _, r := range results {
		byID[r.ID] = r
	}
	settled := make([]Result, 0, len(envs))
	for _, e := range envs {
		r, ok := byID[e.ID]
		switch {
		case !ok:
			settled = append(settled, Result{ID: e.ID, Reason: "no answer for this envelope"})
		case r.Status == http.StatusCreated:
			settled = append(settled, Result{ID: e.ID, Outcome: Acknowledged})
		case r.Status >= 400 && r.Status < 500 && r.Status != http.StatusConflict && r.Status != http.StatusTooManyRequests:
			settled = append(settled, Result{ID: e.ID, Outcome: Dead, Reason: r.Error})
		default:
			settled = append(settled, Result{ID: e.ID, Reason: r.Error})
		}
	}
	return o.Settle(ctx, settled, retry)
}

// Unanswered puts a batch that got no answer back in the queue until
// retry: nothing is known about its envelopes.
func (o *Outbox) Unanswered(ctx context.Context, envs []seal.Envelope, reason string, retry time.Time) error {
	results := make([]Result, len(envs))
	for i, e := range envs {
		results[i] = Result{ID: e.ID, Reason: reason}
	}
	return o.Settle(ctx, results, retry)
}

package outbox

import (
	"context"
	"sync"
	"time"

	"lotse/sync/seal"
	"lotse/sync/wire"
)

// Sender hands a batch to the portal: its answer per envelope, or an
// error when there is none (the network, a 5xx, the whole batch refused).
// RetryAfter says how long envelopes wait before they go again: after
// err, or (err nil) after the portal answered one without taking it
// (409, 429). The sync client is one.
type Sender interface {
	Send(ctx context.Context, envs []seal.Envelope) ([]wire.ItemResult, error)
	RetryAfter(err error) time.Duration
}

// SendOnce claims one batch of due envelopes (at most max of them and
// maxBytes together) and settles it by the sender's answer. It returns
// how many were settled and the error of the attempt.
func (o *Outbox) SendOnce(ctx context.Context, s Sender, max, maxBytes int) (int, error) {
	envs, err := o.Claim(ctx, max, maxBytes)
	if err != nil || len(envs) == 0 {
		return 0, err
	}
	results, sendErr := s.Send(ctx, envs)
	if sendErr != nil {
		if err := o.Unanswered(ctx, envs, sendErr.Error(), time.Now().Add(s.RetryAfter(sendErr))); err != nil {
			return 0, err
		}
		return 0, sendErr
	}
	return len(envs), o.Answer(ctx, envs, results, time.Now().Add(s.RetryAfter(nil)))
}

// DrainWorkers is how many batches are in flight at once while draining:
// while one waits for the portal's commit, the next is on its way, and the
// portal's group commit stores both with one fsync.
const DrainWorkers = 2

// Drain sends until nothing due is left or an attempt fails.
func (o *Outbox) Drain(ctx context.Context, s Sender, max, maxBytes int) (int, error) {
	var mu sync.Mutex
	total := 0
	var firstErr error
	var wg sync.WaitGroup
	for range DrainWorkers {
		wg.Go(func() {
			for {
				n, err := o.SendOnce(ctx, s, max, maxBytes)
				mu.Lock()
				total += n
				if err != nil && firstErr == nil {
					firstErr = err
				}
				stop := err != nil || n == 0 || firstErr != nil
				mu.Unlock()
				if stop {
					return
				}
			}
		})
	}
	wg.Wait()
	return total, firstErr
}

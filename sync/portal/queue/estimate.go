package queue

import (
	"context"
	"math"
	"sort"
	"time"

	"lotse/sync/portal/store"
)

// DefaultService is the service time a queue starts its day with, before
// it has seen one.
const DefaultService = 8 * time.Minute

// alpha weighs the newest service time against what was learnt before.
const alpha = 0.3

// Learner learns a queue's service time through the day (exponentially
// weighted) and turns people ahead into a wait range.
type Learner struct {
	ewma float64 // seconds
	seen int
}

// NewLearner starts from a default service time.
func NewLearner(start time.Duration) *Learner {
	return &Learner{ewma: start.Seconds()}
}

// Observe adds one real service time.
func (l *Learner) Observe(d time.Duration) {
	if d <= 0 || d > 3*time.Hour {
		return // a ticket left open over lunch says nothing
	}
	l.ewma = alpha*d.Seconds() + (1-alpha)*l.ewma
	l.seen++
}

// Estimate is a wait as residents are told it: a range, or nothing.
type Estimate struct {
	Known    bool
	Min, Max time.Duration
}

// Range is the wait of someone with ahead people before them at a queue
// that counters serve: rounded to five minutes, from 0.6 to 1.5 times
// the expected wait (service times vary a lot). Unknown when no counter
// serves the queue.
func (l *Learner) Range(ahead, counters int) Estimate {
	if counters <= 0 {
		return Estimate{}
	}
	// The one ahead is being served too: on average half a service left.
	expect := (float64(ahead) + 0.5) * l.ewma / float64(counters)
	lo := math.Floor(0.6*expect/300) * 300
	hi := math.Ceil(1.5*expect/300) * 300
	if hi <= lo {
		hi = lo + 300
	}
	return Estimate{Known: true, Min: time.Duration(lo) * time.Second, Max: time.Duration(hi) * time.Second}
}

// counterWindow: a counter that called a queue's number in the last
// 30 minutes serves it.
const counterWindow = 30 * time.Minute

// Estimate is the wait for someone with ahead people before them in
// prefix at site, learnt from today's service times and the counters
// serving the queue now.
func (s *Service) Estimate(ctx context.Context, site, prefix string, ahead int) (Estimate, error) {
	now := s.now()
	// Only numbers a counter has called tell how long serving takes and
	// which counters are open: in a morning rush most of the day's
	// numbers still wait, and every draw read them all.
	list, err := s.St.Tickets(ctx, site, s.Day(now), calledStates...)
	if err != nil {
		return Estimate{}, err
	}
	return estimateFrom(list, prefix, ahead, now), nil
}

// calledStates are the states of numbers a counter has called.
var calledStates = []string{"called", "serving", "done", "noshow", "cancelled"}

func estimateFrom(list []store.Ticket, prefix string, ahead int, now time.Time) Estimate {
	var done []store.Ticket
	counters := map[string]bool{}
	for _, t := range list {
		if t.Prefix != prefix {
			continue
		}
		if t.State == "done" && !t.CalledAt.IsZero() && !t.DoneAt.IsZero() {
			done = append(done, t)
		}
		if t.Counter != "" && now.Sub(t.CalledAt) < counterWindow {
			counters[t.Counter] = true
		}
	}
	sort.Slice(done, func(i, j int) bool { return done[i].DoneAt.Before(done[j].DoneAt) })
	l := NewLearner(DefaultService)
	for _, t := range done {
		l.Observe(t.DoneAt.Sub(t.CalledAt))
	}
	return l.Range(ahead, len(counters))
}

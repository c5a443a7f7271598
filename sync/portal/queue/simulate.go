package queue

import (
	"math"
	"math/rand/v2"
	"time"
)

// Day is a simulated office day for measuring the estimates: arrivals and
// service times from a seeded random model.
type Day struct {
	Seed       uint64
	Hours      float64       // opening hours
	Arrivals   float64       // residents an hour (Poisson)
	Counters   int           // serving the queue
	MeanServe  time.Duration // lognormal service times around this
	SpreadLogs float64       // their spread (sigma of the log)
}

// SimResult says how good the estimates were.
type SimResult struct {
	Residents int
	Inside    int // real wait within the range told at the kiosk
	Told      int // residents told a range
}

// Simulate runs the day: each resident is told the range the learner
// gives at arrival, then waits for a free counter in order; it counts how
// often the real wait fell inside.
func Simulate(d Day) SimResult {
	rng := rand.New(rand.NewPCG(d.Seed, d.Seed^0x9e3779b97f4a7c15))
	l := NewLearner(DefaultService)
	free := make([]float64, d.Counters) // when each counter is free (seconds)
	var res SimResult
	var finished []doneAt
	var queueStarts []float64 // service start of each resident so far
	t := 0.0
	mu := math.Log(d.MeanServe.Seconds()) - d.SpreadLogs*d.SpreadLogs/2
	for {
		t += rng.ExpFloat64() * 3600 / d.Arrivals
		if t > d.Hours*3600 {
			break
		}
		// What the learner knows at t: services finished before t.
		for len(finished) > 0 && finished[0].at <= t {
			l.Observe(time.Duration(finished[0].took * float64(time.Second)))
			finished = finished[1:]
		}
		ahead := 0
		for _, s := range queueStarts {
			if s > t {
				ahead++
			}
		}
		est := l.Range(ahead, d.Counters)
		// Served by the counter free first, in arrival order.
		c := 0
		for i := range free {
			if free[i] < free[c] {
				c = i
			}
		}
		start := math.Max(t, free[c])
		took := math.Exp(mu + d.SpreadLogs*rng.NormFloat64())
		free[c] = start + took
		queueStarts = append(queueStarts, start)
		finished = insertDone(finished, doneAt{start + took, took})
		wait := time.Duration((start - t) * float64(time.Second))
		res.Residents++
		if est.Known {
			res.Told++
			if wait >= est.Min && wait <= est.Max {
				res.Inside++
			}
		}
	}
	return res
}

// doneAt is a service that ends at at (seconds) after took.
type doneAt struct{ at, took float64 }

// insertDone keeps list in the order services end.
func insertDone(list []doneAt, d doneAt) []doneAt {
	i := len(list)
	for i > 0 && list[i-1].at > d.at {
		i--
	}
	list = append(list, d)
	copy(list[i+1:], list[i:])
	list[i] = d
	return list
}

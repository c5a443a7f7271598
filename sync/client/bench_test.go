package client_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"lotse/sync/client"
	"lotse/sync/outbox"
	"lotse/sync/portal"
	"lotse/sync/portal/instance"
	"lotse/sync/portal/store/postgres/pgtest"
	"lotse/sync/refcode"
	"lotse/sync/seal"
	"lotse/sync/wire"
)

func percentile(d []time.Duration, p float64) time.Duration {
	slices.Sort(d)
	return d[min(len(d)-1, int(float64(len(d))*p))]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// BenchmarkEnqueue measures how long a resident waits for "gespeichert":
// one envelope committed with synchronous=FULL (an fsync) on a file.
func BenchmarkEnqueue(b *testing.B) {
	p, srv := newPortal(b)
	k := newKiosk(b, p, srv.URL)
	id := k.client.Identity()
	var lat []time.Duration
	i := 0
	for b.Loop() {
		for {
			code, _ := refcode.New(id.Number)
			env, err := seal.Seal(seal.Submission{ID: fmt.Sprint("bench-", i), Service: "s", Code: code,
				Created: time.Now(), Data: map[string]string{"x": "y"}}, id.Key)
			if err != nil {
				b.Fatal(err)
			}
			i++
			start := time.Now()
			err = k.out.Enqueue(context.Background(), env)
			if errors.Is(err, outbox.ErrDuplicateCode) {
				continue // a random code taken already: Submit tries again too
			}
			if err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(start))
			break
		}
	}
	b.ReportMetric(ms(percentile(lat, 0.5)), "p50-ms")
	b.ReportMetric(ms(percentile(lat, 0.99)), "p99-ms")
}

// BenchmarkDrain sends DRAIN_N (10,000) queued envelopes to the portal on
// loopback, in batches of 50 and one per request, in the same run.
// Targets: ≥ 1,000 envelopes/s batched, ≥ 10× the one-by-one rate.
func BenchmarkDrain(b *testing.B) {
	n := 10000
	if v := os.Getenv("DRAIN_N"); v != "" {
		n, _ = strconv.Atoi(v)
	}
	for _, store := range []string{"sqlite", "postgres"} {
		rate := map[int]float64{}
		for _, batch := range []int{50, 1} {
			b.Run(fmt.Sprintf("%s/batch-%d", store, batch), func(b *testing.B) {
				for b.Loop() {
					b.StopTimer()
					opt := instance.Config{KeyBits: 2048, Options: portal.Options{Version: "test"}}
					if store == "postgres" {
						opt.Database = pgtest.DSN(b)
					}
					p, err := instance.Open(b.TempDir(), opt)
					if err != nil {
						b.Fatal(err)
					}
					srv := httptest.NewServer(p.Handler())
					k := newKiosk(b, p.Server, srv.URL)
					for i := 0; i < n; i++ {
						k.submit(b, i)
					}
					c, err := client.New(context.Background(), k.db, k.out, client.Options{BatchSize: batch})
					if err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
					start := time.Now()
					sent, err := c.Drain(context.Background())
					elapsed := time.Since(start)
					b.StopTimer()
					srv.Close()
					p.Close()
					if err != nil || sent != n {
						b.Fatalf("sent %d of %d: %v", sent, n, err)
					}
					rate[batch] = float64(n) / elapsed.Seconds()
					b.ReportMetric(rate[batch], "envelopes/s")
					b.StartTimer()
				}
			})
		}
		if rate[1] > 0 {
			b.Logf("%s: batched %.0f/s, one by one %.0f/s: %.1f×", store, rate[50], rate[1], rate[50]/rate[1])
		}
	}
}

// BenchmarkPortal200Kiosks: 200 simulated kiosks send batches at once,
// each also replaying one batch as after a lost answer. Target: p99 under
// 200 ms, no duplicates.
func BenchmarkPortal200Kiosks(b *testing.B) {
	const kiosks, rounds, perBatch = 200, 5, 5
	for b.Loop() {
		b.StopTimer()
		p, srv := newPortal(b)
		type sim struct {
			token   string
			batches [][]seal.Envelope
		}
		sims := make([]sim, kiosks)
		key := p.PublicKey()
		for i := range sims {
			code, _ := p.Enrolment().EnrollCode(context.Background(), time.Hour)
			body, _ := json.Marshal(wire.EnrollRequest{Code: code, Name: "k"})
			resp, err := http.Post(srv.URL+"/v1/enroll", "application/json", bytes.NewReader(body))
			if err != nil {
				b.Fatal(err)
			}
			var er wire.EnrollReply
			json.NewDecoder(resp.Body).Decode(&er)
			resp.Body.Close()
			sims[i].token = er.Token
			for r := 0; r < rounds; r++ {
				var batch []seal.Envelope
				for j := 0; j < perBatch; j++ {
					c, _ := refcode.New(er.Number)
					e, _ := seal.Seal(seal.Submission{ID: fmt.Sprintf("%d-%d-%d", i, r, j), Service: "s", Code: c,
						Created: time.Now(), Data: map[string]string{"n": "x"}}, key)
					batch = append(batch, e)
				}
				sims[i].batches = append(sims[i].batches, batch)
			}
		}
		b.StartTimer()
		var mu sync.Mutex
		var lat []time.Duration
		var wg sync.WaitGroup
		for _, s := range sims {
			wg.Add(1)
			go func() {
				defer wg.Done()
				send := func(batch []seal.Envelope) {
					body, _ := json.Marshal(wire.Batch{Envelopes: batch})
					req, _ := http.NewRequest("POST", srv.URL+"/v1/envelopes", bytes.NewReader(body))
					req.Header.Set("Authorization", "Bearer "+s.token)
					start := time.Now()
					resp, err := http.DefaultClient.Do(req)
					d := time.Since(start)
					if err != nil || resp.StatusCode != 200 {
						b.Errorf("send: %v %v", err, resp)
						return
					}
					resp.Body.Close()
					mu.Lock()
					lat = append(lat, d)
					mu.Unlock()
				}
				for _, batch := range s.batches {
					time.Sleep(time.Duration(rand.IntN(50)) * time.Millisecond)
					send(batch)
				}
				send(s.batches[0]) // the answer was lost: the kiosk sends again
			}()
		}
		wg.Wait()
		b.StopTimer()
		stats, _ := p.Cases().Stats(context.Background())
		if want := kiosks * rounds * perBatch; stats["envelopes"] != want {
			b.Fatalf("portal holds %d envelopes, want %d (duplicates or losses)", stats["envelopes"], want)
		}
		b.ReportMetric(ms(percentile(lat, 0.5)), "p50-ms")
		b.ReportMetric(ms(percentile(lat, 0.99)), "p99-ms")
		b.ReportMetric(float64(stats["envelopes"]-kiosks*rounds*perBatch), "duplicates")
		b.StartTimer()
	}
}

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

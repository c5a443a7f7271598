package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"lotse/sync/portal"
	"lotse/sync/portal/instance"
	"lotse/sync/portal/store/postgres/pgtest"
	"lotse/sync/refcode"
	"lotse/sync/seal"
	"lotse/sync/wire"
)

// BenchmarkMorningRush: KIOSKS kiosks (1,000 by default: the reference
// codes hold 1,024 kiosks per portal) each send a batch of 5 envelopes and
// a heartbeat, 200 at a time, against (a) one instance on SQLite, (b) one
// on PostgreSQL, (c) two on PostgreSQL behind a round-robin balancer, in
// one run: p50/p99 latency of the requests, envelopes/s, duplicates.
func BenchmarkMorningRush(b *testing.B) {
	kiosks := 1000
	if v := os.Getenv("KIOSKS"); v != "" {
		kiosks, _ = strconv.Atoi(v)
	}
	for _, setup := range []struct {
		name      string
		pg        bool
		instances int
	}{{"a-sqlite-1", false, 1}, {"b-postgres-1", true, 1}, {"c-postgres-2", true, 2}} {
		b.Run(setup.name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				first, url := rushPortals(b, setup.pg, setup.instances)
				sims := rushKiosks(b, first, url, kiosks)
				hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
				var mu sync.Mutex
				var lat []time.Duration
				created := 0
				sem := make(chan struct{}, 200)
				var wg sync.WaitGroup
				b.StartTimer()
				start := time.Now()
				for _, s := range sims {
					wg.Add(1)
					sem <- struct{}{}
					go func() {
						defer func() { <-sem; wg.Done() }()
						t0 := time.Now()
						res := postJSON(b, hc, url+"/v1/envelopes", s.token, s.batch)
						t1 := time.Now()
						postJSON(b, hc, fmt.Sprintf("%s/v1/kiosks/%d/heartbeat", url, s.id), s.token, wire.Heartbeat{Version: "bench", Outbox: map[string]int{"acknowledged": 5}})
						t2 := time.Now()
						mu.Lock()
						lat = append(lat, t1.Sub(t0), t2.Sub(t1))
						for _, r := range res.Results {
							if r.Status == 201 && !r.Replayed {
								created++
							}
						}
						mu.Unlock()
					}()
				}
				wg.Wait()
				elapsed := time.Since(start)
				b.StopTimer()
				st, _ := first.Cases().Stats(context.Background())
				dups := created - st["envelopes"]
				if st["envelopes"] != kiosks*5 {
					b.Errorf("stored %d of %d envelopes", st["envelopes"], kiosks*5)
				}
				slices.Sort(lat)
				p50, p99 := lat[len(lat)/2], lat[len(lat)*99/100]
				b.ReportMetric(float64(p50.Microseconds())/1000, "p50-ms")
				b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
				b.ReportMetric(float64(kiosks*5)/elapsed.Seconds(), "envelopes/s")
				b.ReportMetric(float64(dups), "duplicates")
				b.StartTimer()
			}
		})
	}
}

// rushPortals starts instances portals on one data folder (and, with pg,
// one private PostgreSQL database) behind a round-robin balancer: the
// first (for checks) and the address to send to.
func rushPortals(b *testing.B, pg bool, instances int) (*portal.Server, string) {
	b.Helper()
	dsn := ""
	if pg {
		dsn = pgtest.DSN(b)
	}
	data := b.TempDir()
	var urls []string
	var first *portal.Server
	for range instances {
		// The rush is the many kiosks at once, not a kiosk's own pace.
		p, err := instance.Open(data, instance.Config{KeyBits: 2048, Database: dsn, PoolSize: 20, Options: portal.Options{KioskDrawPace: time.Microsecond, KioskBookingPace: time.Microsecond}})
		if err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		url, done, err := p.Listen(ctx, "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { cancel(); <-done; p.Close() })
		urls = append(urls, url)
		if first == nil {
			first = p.Server
		}
	}
	if len(urls) == 1 {
		return first, urls[0]
	}
	rr := &roundRobin{backends: urls, served: make([]atomic.Int64, len(urls))}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	lb := &http.Server{Handler: rr}
	go lb.Serve(ln)
	b.Cleanup(func() { lb.Close() })
	return first, "http://" + ln.Addr().String()
}

type rushKiosk struct {
	id    int64
	token string
	batch wire.Batch
}

// rushKiosks enrols n kiosks at p and seals a batch of 5 for each (not
// measured).
func rushKiosks(b *testing.B, p *portal.Server, url string, n int) []rushKiosk {
	b.Helper()
	key := p.PublicKey()
	sims := make([]rushKiosk, n)
	for i := range sims {
		code, err := p.Enrolment().EnrollCode(context.Background(), time.Hour)
		if err != nil {
			b.Fatal(err)
		}
		body, _ := json.Marshal(wire.EnrollRequest{Code: code, Name: "k"})
		resp, err := http.Post(url+"/v1/enroll", "application/json", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		var er wire.EnrollReply
		json.NewDecoder(resp.Body).Decode(&er)
		resp.Body.Close()
		sims[i] = rushKiosk{id: er.KioskID, token: er.Token}
		for j := range 5 {
			c, _ := refcode.New(er.Number % refcode.MaxKiosks)
			e, err := seal.Seal(seal.Submission{ID: fmt.Sprintf("%d-%d", i, j), Service: "mangel", Code: c, Created: time.Now(),
				Data: map[string]string{"wo": "Markt 3"}}, key)
			if err != nil {
				b.Fatal(err)
			}
			sims[i].batch.Envelopes = append(sims[i].batch.Envelopes, e)
		}
	}
	return sims
}

func postJSON(b *testing.B, hc *http.Client, url, token string, v any) wire.BatchReply {
	body, _ := json.Marshal(v)
	req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		b.Error(err)
		return wire.BatchReply{}
	}
	defer resp.Body.Close()
	var r wire.BatchReply
	json.NewDecoder(resp.Body).Decode(&r)
	return r
}

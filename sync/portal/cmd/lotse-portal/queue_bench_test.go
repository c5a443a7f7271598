package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"lotse/sync/portal/config"
	"lotse/sync/portal/instance"
	"lotse/sync/portal/queue"
	"lotse/sync/portal/store/postgres/pgtest"
	"lotse/sync/portal/web/display"
	"lotse/sync/wire"
)

// Twenty clerks at two portal instances on one PostgreSQL press "Nächste"
// at once until nobody waits: every ticket is called exactly once.
func TestClerksAtTwoInstances(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	data := t.TempDir()
	var qs []*queue.Service
	for range 2 {
		p, err := instance.Open(data, instance.Config{KeyBits: 2048, Database: dsn})
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		qs = append(qs, p.Queue())
	}
	for i := range 80 {
		if _, err := qs[i%2].Draw(ctx, "Rathaus", "A", "de", int64(1+i%2), fmt.Sprint("d", i)); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	called := map[string]int{}
	var wg sync.WaitGroup
	for c := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				tk, err := qs[c%2].Next(ctx, "Rathaus", fmt.Sprint("Schalter ", c), []string{"A"})
				if errors.Is(err, queue.ErrEmpty) {
					return
				}
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				called[tk.Label]++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(called) != 80 {
		t.Errorf("%d of 80 called", len(called))
	}
	for l, n := range called {
		if n != 1 {
			t.Errorf("%s called %d times", l, n)
		}
	}
}

// BenchmarkQueue: 50 kiosks draw at once (p99 of a draw), and a clerk's
// call until the display's event stream has it (p50/p95), on SQLite and
// on PostgreSQL.
func BenchmarkQueue(b *testing.B) {
	for _, db := range []string{"sqlite", "postgres"} {
		b.Run(db, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				// The pool lotse-portal runs with (pool_size), not the
				// driver's default of four.
				opt := instance.Config{KeyBits: 2048, PoolSize: config.Default().PoolSize}
				if db == "postgres" {
					opt.Database = pgtest.DSN(b)
				}
				p, err := instance.Open(b.TempDir(), opt)
				if err != nil {
					b.Fatal(err)
				}
				disp, _ := display.New(p)
				p.Display = disp.Handler()
				ctx, cancel := context.WithCancel(context.Background())
				url, done, _ := p.Listen(ctx, "127.0.0.1:0")
				sims := rushKiosks(b, p.Server, url, 50)
				tok := rand.Text()
				h := sha256.Sum256([]byte(tok))
				p.Store().AddDisplay(context.Background(), hex.EncodeToString(h[:]), "", time.Now())
				b.StartTimer()

				var mu sync.Mutex
				var draws []time.Duration
				var wg sync.WaitGroup
				// Every kiosk draws DRAWS (5) numbers one after the other, all
				// kiosks at once: 250 draws, so the p99 is not one draw's.
				rounds := envInt("DRAWS", 5)
				for i, s := range sims {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for n := range rounds {
							body, _ := json.Marshal(wire.DrawRequest{Prefix: "A", Lang: "de", Key: fmt.Sprint("bench-", i, "-", n)})
							req, _ := http.NewRequest("POST", fmt.Sprintf("%s/v1/kiosks/%d/tickets", url, s.id), bytes.NewReader(body))
							req.Header.Set("Authorization", "Bearer "+s.token)
							t0 := time.Now()
							resp, err := http.DefaultClient.Do(req)
							if err != nil || resp.StatusCode != 201 {
								b.Errorf("draw: %v %v", resp, err)
								return
							}
							resp.Body.Close()
							mu.Lock()
							draws = append(draws, time.Since(t0))
							mu.Unlock()
						}
					}()
				}
				wg.Wait()

				// The display's stream, read as a browser would.
				resp, err := http.Get(url + "/display/events?token=" + tok)
				if err != nil {
					b.Fatal(err)
				}
				lines := bufio.NewScanner(resp.Body)
				var shows []time.Duration
				for range 30 {
					t0 := time.Now()
					tk, err := p.Queue().Next(context.Background(), "", "Schalter 1", []string{"A"})
					if err != nil {
						b.Fatal(err)
					}
					for lines.Scan() {
						if strings.HasPrefix(lines.Text(), "data:") && strings.Contains(lines.Text(), `"current":{"label":"`+tk.Label+`"`) {
							break
						}
					}
					shows = append(shows, time.Since(t0))
					p.Queue().Act(context.Background(), "", "Schalter 1", queue.Done, "")
				}
				resp.Body.Close()
				b.StopTimer()
				slices.Sort(draws)
				slices.Sort(shows)
				b.ReportMetric(ms(draws[len(draws)*99/100]), "draw-p99-ms")
				b.ReportMetric(ms(shows[len(shows)/2]), "display-p50-ms")
				b.ReportMetric(ms(shows[len(shows)*95/100]), "display-p95-ms")
				cancel()
				<-done
				p.Close()
				b.StartTimer()
			}
		})
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// A call at one instance wakes the displays served by another at once
// (PostgreSQL LISTEN/NOTIFY), not at their next poll.
func TestACallReachesTheOtherInstance(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	data := t.TempDir()
	a, err := instance.Open(data, instance.Config{KeyBits: 2048, Database: dsn})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := instance.Open(data, instance.Config{KeyBits: 2048, Database: dsn})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	woken, stop := b.Hub().Subscribe(queue.Topic("Bibliothek"))
	defer stop()
	other, stopOther := b.Hub().Subscribe(queue.Topic("Rathaus"))
	defer stopOther()
	// b's LISTEN may still be on its way: draw until b hears one (a draw
	// every 200 ms, for at most 10 s).
	deadline := time.Now().Add(10 * time.Second)
	for i := 0; ; i++ {
		if _, err := a.Queue().Draw(ctx, "Bibliothek", "A", "de", 1, fmt.Sprint("k", i)); err != nil {
			t.Fatal(err)
		}
		select {
		case <-woken:
			select {
			case <-other:
				t.Error("another site's queue woke too")
			default:
			}
			return
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("the other instance heard nothing")
		}
	}
}

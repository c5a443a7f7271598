package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"lotse/sync/client"
	"lotse/sync/sqlitedb"
	"lotse/sync/wire"
)

// BenchmarkBookingRush is the morning a month's times are released:
// BOOKERS (2,000) clients at once for 300 seats (60 times × 5 counters),
// each trying up to five times until it books or is told full, against
// SQLite, PostgreSQL and two instances on PostgreSQL. Reported: reserve
// p50/p99, bookings/s, seats booked, and times over capacity (must be 0).
func BenchmarkBookingRush(b *testing.B) {
	bookers := 2000
	if v := os.Getenv("BOOKERS"); v != "" {
		bookers, _ = strconv.Atoi(v)
	}
	// A client told "full" tries another time, up to TRIES times in all.
	tries := 5
	if v := os.Getenv("TRIES"); v != "" {
		tries, _ = strconv.Atoi(v)
	}
	const file = "ahead_min_days = 1\nmax_per_contact = 20\n[[service]]\nid = \"ausweis\"\ntitle = \"Ausweis\"\nminutes = 10\ncounters = 5\nprefix = \"T\"\nhours = [\"Mo-So 8:00-18:00\"]\n"
	for _, setup := range []struct {
		name      string
		pg        bool
		instances int
	}{{"a-sqlite-1", false, 1}, {"b-postgres-1", true, 1}, {"c-postgres-2", true, 2}} {
		b.Run(setup.name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				first, url := rushPortals(b, setup.pg, setup.instances)
				if _, err := first.Bookings().Set(context.Background(), "rathaus", []byte(file)); err != nil {
					b.Fatal(err)
				}
				// Kiosks are not throttled per address, and every client
				// here comes from 127.0.0.1: they book with a kiosk's
				// credential.
				db, _ := sqlitedb.Open(filepath.Join(b.TempDir(), "kiosk.db"))
				b.Cleanup(func() { db.Close() })
				code, _ := first.Enrolment().EnrollCode(context.Background(), time.Hour)
				id, err := client.Enroll(context.Background(), db, url, code, "Rush", client.Options{})
				if err != nil {
					b.Fatal(err)
				}
				if err := first.Fleet().SetSite(context.Background(), id.KioskID, "rathaus"); err != nil { // a kiosk books at its own site
					b.Fatal(err)
				}
				berlin, _ := time.LoadLocation("Europe/Berlin")
				tomorrow := time.Now().In(berlin).AddDate(0, 0, 1)
				times := make([]time.Time, 60)
				for i := range times {
					times[i] = time.Date(tomorrow.Year(), tomorrow.Month(), tomorrow.Day(), 8, i*10, 0, 0, berlin)
				}
				hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
				var mu sync.Mutex
				var lat []time.Duration
				booked, full, other := 0, 0, 0
				var wg sync.WaitGroup
				b.StartTimer()
				start := time.Now()
				for i := range bookers {
					wg.Add(1)
					go func() {
						defer wg.Done()
						status := 0
						for try := range tries {
							body, _ := json.Marshal(wire.BookRequest{Service: "ausweis", Start: times[(i*7+try*13)%len(times)],
								Name: "Anna Schmidt", Phone: fmt.Sprintf("0171 %07d", i)})
							req, _ := http.NewRequest("POST", url+"/v1/sites/rathaus/appointments", bytes.NewReader(body))
							req.Header.Set("Authorization", "Bearer "+id.Token)
							req.Header.Set("Idempotency-Key", fmt.Sprintf("rush-%d-%d", i, try))
							t0 := time.Now()
							resp, err := hc.Do(req)
							d := time.Since(t0)
							if err != nil {
								b.Error(err)
								return
							}
							resp.Body.Close()
							status = resp.StatusCode
							mu.Lock()
							lat = append(lat, d)
							mu.Unlock()
							if status != http.StatusConflict {
								break
							}
						}
						mu.Lock()
						switch status {
						case http.StatusCreated:
							booked++
						case http.StatusConflict:
							full++
						default:
							other++
						}
						mu.Unlock()
					}()
				}
				wg.Wait()
				elapsed := time.Since(start)
				b.StopTimer()
				over := 0
				taken, _ := first.Store().Taken(context.Background(), "rathaus", "ausweis", times[0], times[len(times)-1], time.Now())
				seats := 0
				for _, n := range taken {
					seats += n
					if n > 5 {
						over++
					}
				}
				if over > 0 || other > 0 || seats != booked {
					b.Errorf("%d times over capacity, %d unclear answers, %d seats taken for %d bookings", over, other, seats, booked)
				}
				slices.Sort(lat)
				b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
				b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
				b.ReportMetric(float64(booked)/elapsed.Seconds(), "bookings/s")
				// Every answer, 201 and 409 alike: what the portal serves.
				b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "requests/s")
				b.ReportMetric(float64(booked), "booked")
				b.ReportMetric(float64(over), "over-capacity")
				b.StartTimer()
			}
		})
	}
}

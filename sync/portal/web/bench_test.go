package web_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"lotse/sync/portal"
	"lotse/sync/portal/instance"
	"lotse/sync/portal/staff"
	"lotse/sync/portal/store"
	"lotse/sync/portal/store/postgres/pgtest"
	"lotse/sync/portal/web"
	"lotse/sync/refcode"
	"lotse/sync/seal"
	"lotse/sync/wire"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// BenchmarkInbox: CASES cases (100,000 by default) on each store; the
// inbox's first page and a case page (decrypt and render) as a signed-in
// caseworker sees them: p50 and p95.
func BenchmarkInbox(b *testing.B) {
	n := 100000
	if v := os.Getenv("CASES"); v != "" {
		n, _ = strconv.Atoi(v)
	}
	for _, db := range []string{"sqlite", "postgres"} {
		b.Run(db, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				opt := instance.Config{KeyBits: 2048}
				if db == "postgres" {
					opt.Database = pgtest.DSN(b)
				}
				p, err := instance.Open(b.TempDir(), opt)
				if err != nil {
					b.Fatal(err)
				}
				dash, _ := web.New(p, p.Store())
				p.Staff = dash.Handler()
				ctx, cancel := context.WithCancel(context.Background())
				url, done, _ := p.Listen(ctx, "127.0.0.1:0")
				codes := fillCases(b, p.Server, n)
				(&staff.Accounts{St: p.Store()}).Add(context.Background(), store.User{Name: "bench", Role: staff.Caseworker, AllSites: true}, password)
				br := newBrowser(b, url)
				br.signIn("bench", password)
				measure := func(path func() string) (time.Duration, time.Duration) {
					var lat []time.Duration
					for range 100 {
						t0 := time.Now()
						resp, err := br.hc.Get(url + path())
						if err != nil || resp.StatusCode != http.StatusOK {
							b.Fatalf("%v %v", resp, err)
						}
						resp.Body.Close()
						lat = append(lat, time.Since(t0))
					}
					slices.Sort(lat)
					return lat[len(lat)/2], lat[len(lat)*95/100]
				}
				b.StartTimer()
				i50, i95 := measure(func() string { return "/staff/cases" })
				c50, c95 := measure(func() string { return "/staff/cases/" + codes[rand.IntN(len(codes))] })
				b.StopTimer()
				b.ReportMetric(ms(i50), "inbox-p50-ms")
				b.ReportMetric(ms(i95), "inbox-p95-ms")
				b.ReportMetric(ms(c50), "case-p50-ms")
				b.ReportMetric(ms(c95), "case-p95-ms")
				cancel()
				<-done
				p.Close()
				b.StartTimer()
			}
		})
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// fillCases stores n sealed cases from 100 kiosks, straight into the
// store in groups (as the group committer would), and returns their codes.
func fillCases(b *testing.B, p *portal.Server, n int) []string {
	b.Helper()
	ctx := context.Background()
	st := p.Store()
	var kiosks []int64
	for i := range 100 {
		st.AddEnrollCode(ctx, fmt.Sprint("bench-", i), time.Now().Add(time.Hour), "")
		id, err := st.Enroll(ctx, fmt.Sprint("bench-", i), "k", fmt.Sprint("tok-", i), time.Now(), 1024)
		if err != nil {
			b.Fatal(err)
		}
		kiosks = append(kiosks, id)
	}
	services := []string{"sperrmuell", "mangel", "ummelden", "anregung"}
	codes := make([]string, 0, n)
	start := time.Now().Add(-30 * 24 * time.Hour)
	for done := 0; done < n; {
		var jobs []*store.Job
		for j := 0; j < 500 && done < n; j++ {
			k := kiosks[done%len(kiosks)]
			code, _ := refcode.New(int(k-1) % refcode.MaxKiosks)
			e, err := seal.Seal(seal.Submission{ID: fmt.Sprint("c", done), Service: services[done%len(services)], Code: code,
				Created: start, Data: map[string]string{"wo": "Markt " + strconv.Itoa(done), "name": "Erika Mustermann"}}, p.PublicKey())
			if err != nil {
				b.Fatal(err)
			}
			jobs = append(jobs, &store.Job{Kiosk: k, Envs: []seal.Envelope{e}, Hashes: []string{code}, Refusals: []string{""},
				Quota: 1 << 40, Results: make([]wire.ItemResult, 1)})
			codes = append(codes, code)
			done++
		}
		if err := st.Ingest(ctx, jobs, start.Add(time.Duration(done)*time.Second)); err != nil {
			b.Fatal(err)
		}
	}
	return codes
}

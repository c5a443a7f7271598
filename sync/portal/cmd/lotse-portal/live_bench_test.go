package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"lotse/sync/portal"
	"lotse/sync/portal/instance"
	"lotse/sync/portal/staff"
	"lotse/sync/portal/store"
	"lotse/sync/portal/web/display"
)

// BenchmarkLiveStreams holds STREAMS (2,000) event streams open on one
// lotse-portal serve process — half call-up displays, half clerk pages —
// while a clerk calls CALLS (10) numbers, one a second, and a monitor asks
// /v1/health every 50 ms. It reports how long each call took to reach
// every stream (p50, p99, max), health's p95 and the portal's resident
// set at the end. Targets: every call on every stream within 1 s, health
// p95 < 50 ms, < 300 MB.
func BenchmarkLiveStreams(b *testing.B) {
	streams := envInt("STREAMS", 2000)
	calls := envInt("CALLS", 10)
	for b.Loop() {
		b.StopTimer()
		data := b.TempDir()
		ctx := context.Background()
		inst, err := instance.Open(data, instance.Config{KeyBits: 2048})
		if err != nil {
			b.Fatal(err)
		}
		displays := streams / 2
		var tokens []string
		for i := 0; i < (displays+display.MaxStreams-1)/display.MaxStreams; i++ {
			tok := fmt.Sprintf("display-token-%04d", i)
			if err := inst.Store().AddDisplay(ctx, portal.HashToken(tok), "", time.Now()); err != nil {
				b.Fatal(err)
			}
			tokens = append(tokens, tok)
		}
		const pw = "Bench-Passwort-2026!"
		if err := (&staff.Accounts{St: inst.Store()}).Add(ctx, store.User{Name: "bench.clerk", Role: staff.Clerk, AllSites: true}, pw); err != nil {
			b.Fatal(err)
		}
		for i := range calls {
			if _, err := inst.Queue().Draw(ctx, "", "A", "de", 1, fmt.Sprint("bench-", i)); err != nil {
				b.Fatal(err)
			}
		}
		inst.Close()
		srv := startInstance(b, data, "")

		jar, _ := cookiejar.New(nil)
		clerk := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		csrf := signInAt(b, clerk, srv.url, "bench.clerk", pw)

		// Every stream notes when it first saw each call.
		type seen struct {
			mu sync.Mutex
			at map[string]time.Time
		}
		all := make([]*seen, streams)
		var opened sync.WaitGroup
		sctx, stop := context.WithCancel(ctx)
		defer stop()
		for i := range streams {
			all[i] = &seen{at: map[string]time.Time{}}
			u, hc := srv.url+"/staff/queue/events?site=", clerk
			if i < displays {
				u, hc = srv.url+"/display/events?token="+tokens[i/display.MaxStreams], http.DefaultClient
			}
			opened.Add(1)
			go func(s *seen, u string, hc *http.Client, display bool) {
				req, _ := http.NewRequestWithContext(sctx, "GET", u, nil)
				resp, err := hc.Do(req)
				opened.Done()
				if err != nil {
					return
				}
				defer resp.Body.Close()
				if resp.StatusCode != 200 {
					b.Errorf("stream %s: %d", u, resp.StatusCode)
					return
				}
				sc := bufio.NewScanner(resp.Body)
				sc.Buffer(make([]byte, 64<<10), 1<<20)
				changes := 0
				for sc.Scan() {
					line := sc.Text()
					now := time.Now()
					s.mu.Lock()
					switch {
					case display && strings.HasPrefix(line, "data: "):
						if i := strings.Index(line, `"current":{"label":"`); i >= 0 {
							label := line[i+len(`"current":{"label":"`):]
							label = label[:strings.IndexByte(label, '"')]
							if _, ok := s.at[label]; !ok {
								s.at[label] = now
							}
						}
					case !display && line == "event: changed":
						changes++
						s.at["change "+strconv.Itoa(changes)] = now
					}
					s.mu.Unlock()
				}
			}(all[i], u, hc, i < displays)
		}
		opened.Wait()
		time.Sleep(2 * time.Second) // every stream has had its first state

		// Health, every 50 ms, while the calls go out.
		var health []time.Duration
		hdone := make(chan struct{})
		go func() {
			defer close(hdone)
			for sctx.Err() == nil {
				t0 := time.Now()
				if resp, err := http.Get(srv.url + "/v1/health"); err == nil {
					resp.Body.Close()
					health = append(health, time.Since(t0))
				}
				time.Sleep(50 * time.Millisecond)
			}
		}()
		b.StartTimer()
		callAt := map[string]time.Time{}
		var order []string
		for i := range calls {
			label := fmt.Sprintf("A%03d", i+1)
			callAt[label] = time.Now()
			order = append(order, label)
			resp, err := clerk.PostForm(srv.url+"/staff/queue/act", url.Values{"csrf": {csrf}, "site": {""},
				"counter": {"Schalter 1"}, "prefixes": {"A"}, "action": {"next"}})
			if err != nil {
				b.Fatal(err)
			}
			resp.Body.Close()
			time.Sleep(time.Second)
		}
		time.Sleep(2 * time.Second)
		b.StopTimer()
		rss := residentMB(srv.cmd.Process.Pid)
		stop()
		<-hdone

		var lat []time.Duration
		missed := 0
		for i, s := range all {
			s.mu.Lock()
			for n, label := range order {
				key := label
				if i >= displays {
					key = "change " + strconv.Itoa(n+1)
				}
				at, ok := s.at[key]
				if !ok {
					missed++
					continue
				}
				lat = append(lat, at.Sub(callAt[label]))
			}
			s.mu.Unlock()
		}
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		sort.Slice(health, func(i, j int) bool { return health[i] < health[j] })
		if missed > 0 {
			b.Errorf("%d of %d calls never reached their stream", missed, streams*calls)
		}
		if len(lat) > 0 && len(health) > 0 {
			b.ReportMetric(float64(lat[len(lat)/2].Milliseconds()), "call-p50-ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Milliseconds()), "call-p99-ms")
			b.ReportMetric(float64(lat[len(lat)-1].Milliseconds()), "call-max-ms")
			b.ReportMetric(float64(health[len(health)*95/100].Microseconds())/1000, "health-p95-ms")
			b.ReportMetric(rss, "rss-MB")
			b.ReportMetric(float64(streams), "streams")
		}
		b.StartTimer()
	}
}

// signInAt signs name in at the staff pages and returns the session's
// CSRF token.
func signInAt(b testing.TB, hc *http.Client, base, name, pw string) string {
	b.Helper()
	csrfOf := func(path string) string {
		resp, err := hc.Get(base + path)
		if err != nil {
			b.Fatal(err)
		}
		defer resp.Body.Close()
		var page strings.Builder
		bufio.NewReader(resp.Body).WriteTo(&page)
		p := page.String()
		i := strings.Index(p, `name="csrf" value="`)
		if i < 0 {
			b.Fatalf("no CSRF token on %s", path)
		}
		rest := p[i+len(`name="csrf" value="`):]
		return rest[:strings.IndexByte(rest, '"')]
	}
	resp, err := hc.PostForm(base+"/staff/login", url.Values{"csrf": {csrfOf("/staff/login")}, "name": {name}, "password": {pw}})
	if err != nil {
		b.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		b.Fatalf("sign-in: %d", resp.StatusCode)
	}
	return csrfOf("/staff/queue?site=&counter=Schalter+1&prefixes=A")
}

// residentMB is a process's resident set (VmRSS) in MB.
func residentMB(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"lotse/sync/client"
	"lotse/sync/outbox"
	"lotse/sync/portal"
	"lotse/sync/portal/instance"
	"lotse/sync/portal/store/postgres/pgtest"
	"lotse/sync/sqlitedb"
	"lotse/sync/wire"
)

// The test binary doubles as lotse-portal: with LOTSE_PORTAL_ARGS set it
// runs those arguments instead of the tests, so a test can start real
// portal processes and kill one with SIGKILL.
func init() {
	if a := os.Getenv("LOTSE_PORTAL_ARGS"); a != "" {
		os.Exit(run(strings.Fields(a), os.Stdout, os.Stderr))
	}
}

// serveProc is a lotse-portal serve process.
type serveProc struct {
	url string
	cmd *exec.Cmd
}

func startInstance(t testing.TB, data, dsn string) *serveProc {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	// These tests draw and book faster than a resident could: the kiosk's
	// pace is set aside (TestAKioskDrawsAtAResidentsPace holds it).
	conf := filepath.Join(t.TempDir(), "lotse-portal.toml")
	if err := os.WriteFile(conf, []byte("kiosk_draw_pace = \"1ms\"\nkiosk_booking_pace = \"1ms\"\nbookings_per_network = 100000\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0])
	args := "serve --config " + conf + " --data " + data + " --addr " + addr
	if dsn != "" {
		args += " --database " + dsn
	}
	cmd.Env = append(os.Environ(), "LOTSE_PORTAL_ARGS="+args)
	log, _ := os.Create(filepath.Join(t.TempDir(), "portal.log"))
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	in := &serveProc{url: "http://" + addr, cmd: cmd}
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get(in.url + "/v1/health"); err == nil {
			resp.Body.Close()
			return in
		}
	}
	t.Fatalf("instance on %s did not start", addr)
	return nil
}

// roundRobin is a load balancer on loopback: each request goes to the next
// instance; one that does not answer is skipped (as nginx's
// proxy_next_upstream does for connection errors).
type roundRobin struct {
	addr     string // the balancer's own address
	backends []string
	next     atomic.Int64
	served   []atomic.Int64
}

func (rr *roundRobin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	start := rr.next.Add(1)
	for i := range rr.backends {
		n := int(start+int64(i)) % len(rr.backends)
		req, _ := http.NewRequestWithContext(r.Context(), r.Method, rr.backends[n]+r.URL.RequestURI(), bytes.NewReader(body))
		req.Header = r.Header.Clone()
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			continue
		}
		rr.served[n].Add(1)
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		io.Copy(w, resp.Body)
		resp.Body.Close()
		return
	}
	http.Error(w, "no instance answers", http.StatusBadGateway)
}

// Two portal instances on one PostgreSQL database and one key file, behind
// a round-robin balancer. One is killed with SIGKILL while the kiosk
// sends; the kiosk goes on against the other, and every submission is
// stored exactly once.
func TestTwoInstancesExactlyOnceWhenOneIsKilled(t *testing.T) {
	ctx := context.Background()
	setup, a, rr, c, ob := twoInstances(t)
	var err error
	const n = 300
	codes := make([]string, n)
	for i := range codes {
		if codes[i], err = ob.Submit(ctx, c.Identity(), "mangel", map[string]string{"wo": fmt.Sprint("Markt ", i)}, false); err != nil {
			t.Fatal(err)
		}
	}
	runCtx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); c.Run(runCtx) }()
	killed := false
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		counts, _ := ob.Counts(ctx)
		if !killed && counts[outbox.Acknowledged] >= n/4 {
			a.cmd.Process.Signal(syscall.SIGKILL) // mid-batch, as far as the kiosk knows
			killed = true
		}
		if counts[outbox.Acknowledged] == n {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	wg.Wait()
	if !killed {
		t.Fatal("the instance was never killed")
	}
	if counts, _ := ob.Counts(ctx); counts[outbox.Acknowledged] != n {
		t.Fatalf("kiosk outbox after the kill: %v", counts)
	}
	for _, code := range codes {
		if got := setup.Cases().CountCode(ctx, code); got != 1 {
			t.Errorf("%s stored %d times", code, got)
		}
	}
	st, _ := setup.Cases().Stats(ctx)
	if st["envelopes"] != n {
		t.Errorf("stats %v", st)
	}
	if rr.served[0].Load() == 0 || rr.served[1].Load() == 0 {
		t.Errorf("one instance served nothing: %d %d", rr.served[0].Load(), rr.served[1].Load())
	}
	t.Logf("served by a: %d, by b: %d; replays %d", rr.served[0].Load(), rr.served[1].Load(), st["replays"])
}

// PostgreSQL restarts while the kiosk sends: requests in flight fail with
// 503 and the kiosk retries; the pool reconnects by itself; nothing is
// lost or doubled.
func TestPostgresRestartUnderLoad(t *testing.T) {
	ctx := context.Background()
	cluster, err := pgtest.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { cluster.Stop(); cluster.Remove() }()
	dsn := cluster.NewDatabase(t)
	p, err := instance.Open(t.TempDir(), instance.Config{KeyBits: 2048, Database: dsn})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	srvCtx, stopSrv := context.WithCancel(ctx)
	url, done, err := p.Listen(srvCtx, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { stopSrv(); <-done }()
	db, _ := sqlitedb.Open(filepath.Join(t.TempDir(), "kiosk.db"))
	defer db.Close()
	code, _ := p.Enrolment().EnrollCode(ctx, time.Hour)
	if _, err := client.Enroll(ctx, db, url, code, "Kiosk 1", client.Options{}); err != nil {
		t.Fatal(err)
	}
	ob, _ := outbox.Open(ctx, db)
	c, _ := client.New(ctx, db, ob, client.Options{BatchSize: 5, Probe: 200 * time.Millisecond})
	const n = 200
	codes := make([]string, n)
	for i := range codes {
		codes[i], _ = ob.Submit(ctx, c.Identity(), "mangel", map[string]string{"wo": fmt.Sprint("Markt ", i)}, false)
	}
	runCtx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); c.Run(runCtx) }()
	restarted := false
	var refused int
	for deadline := time.Now().Add(120 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		counts, _ := ob.Counts(ctx)
		if !restarted && counts[outbox.Acknowledged] >= n/4 {
			cluster.Stop()
			// While it is down the portal answers 503 with Retry-After.
			req, _ := http.NewRequest("POST", fmt.Sprintf("%s/v1/kiosks/%d/heartbeat", url, c.Identity().KioskID), strings.NewReader(`{}`))
			req.Header.Set("Authorization", "Bearer "+c.Identity().Token)
			if resp, err := http.DefaultClient.Do(req); err == nil {
				resp.Body.Close()
				if resp.StatusCode == 503 && resp.Header.Get("Retry-After") != "" {
					refused++
				}
			}
			if err := cluster.Start(); err != nil {
				t.Fatal(err)
			}
			restarted = true
		}
		if counts[outbox.Acknowledged] == n {
			break
		}
	}
	stop()
	wg.Wait()
	if counts, _ := ob.Counts(ctx); counts[outbox.Acknowledged] != n {
		t.Fatalf("after the restart: %v", counts)
	}
	for _, code := range codes {
		if got := p.Cases().CountCode(ctx, code); got != 1 {
			t.Errorf("%s stored %d times", code, got)
		}
	}
	if refused != 1 {
		t.Errorf("a batch while PostgreSQL was down was not refused with 503")
	}
}

// The office queue at two instances, one killed with SIGKILL while a
// kiosk draws: the kiosk's retries (same key) go to the other, every draw
// gets one number, none twice, and clerks call them all.
func TestQueueWhenAnInstanceIsKilled(t *testing.T) {
	ctx := context.Background()
	setup, a, _, c, _ := twoInstances(t)
	numbers := map[string]bool{}
	for i := range 60 {
		if i == 20 {
			a.cmd.Process.Signal(syscall.SIGKILL)
		}
		var d string
		for try := range 10 {
			r, err := c.Office().DrawTicket(ctx, "A", "de", fmt.Sprint("draw-", i))
			if err == nil {
				d = r.Number
				break
			}
			time.Sleep(time.Duration(try*50) * time.Millisecond)
		}
		if d == "" || numbers[d] {
			t.Fatalf("draw %d: %q (seen before: %v)", i, d, numbers[d])
		}
		numbers[d] = true
	}
	called := 0
	for {
		if _, err := setup.Queue().Next(ctx, "", "Schalter 1", []string{"A"}); err != nil {
			break
		}
		called++
	}
	if called != 60 {
		t.Errorf("%d of 60 called", called)
	}
}

// twoInstances starts two lotse-portal processes on one PostgreSQL
// database and one key file behind a round-robin balancer, and a kiosk
// enrolled through it: the portal in this process (for checks), the
// first instance (to kill), the balancer, the kiosk's client and outbox.
func twoInstances(t *testing.T) (*portal.Server, *serveProc, *roundRobin, *client.Client, *outbox.Outbox) {
	t.Helper()
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	data := t.TempDir()
	setup, err := instance.Open(data, instance.Config{KeyBits: 2048, Database: dsn})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { setup.Close() })
	a, b := startInstance(t, data, dsn), startInstance(t, data, dsn)
	rr := &roundRobin{backends: []string{a.url, b.url}, served: make([]atomic.Int64, 2)}
	lb := &http.Server{Handler: rr}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	rr.addr = "http://" + ln.Addr().String()
	go lb.Serve(ln)
	t.Cleanup(func() { lb.Close() })
	db, _ := sqlitedb.Open(filepath.Join(t.TempDir(), "kiosk.db"))
	t.Cleanup(func() { db.Close() })
	code, _ := setup.Enrolment().EnrollCode(ctx, time.Hour)
	if _, err := client.Enroll(ctx, db, "http://"+ln.Addr().String(), code, "Kiosk 1", client.Options{}); err != nil {
		t.Fatal(err)
	}
	ob, _ := outbox.Open(ctx, db)
	c, err := client.New(ctx, db, ob, client.Options{BatchSize: 5, Probe: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return setup.Server, a, rr, c, ob
}

// Two portal instances on one PostgreSQL database, clients racing through
// the balancer for the last seats of a time, round after round: never
// more appointments than counters, every client a clear answer (201 or
// 409), and the secret the other instance gave works here too.
func TestBookingRaceAcrossInstances(t *testing.T) {
	ctx := context.Background()
	setup, _, rr, _, _ := twoInstances(t)
	file := "ahead_min_days = 1\n[[service]]\nid = \"ausweis\"\ntitle = \"Ausweis\"\nminutes = 10\ncounters = 2\nprefix = \"T\"\nhours = [\"Mo-So 8:00-18:00\"]\n"
	if _, err := setup.Bookings().Set(ctx, "", []byte(file)); err != nil {
		t.Fatal(err)
	}
	// A kiosk's credential: kiosks are not throttled per address, and all
	// of these clients come from 127.0.0.1.
	db, _ := sqlitedb.Open(filepath.Join(t.TempDir(), "kiosk.db"))
	t.Cleanup(func() { db.Close() })
	code, _ := setup.Enrolment().EnrollCode(ctx, time.Hour)
	lb := rr.addr
	id, err := client.Enroll(ctx, db, lb, code, "Kiosk 2", client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	berlinTime, _ := time.LoadLocation("Europe/Berlin")
	tomorrow := time.Now().In(berlinTime).AddDate(0, 0, 1)
	const rounds, clients = 10, 8
	var secrets []wire.Booked
	for r := range rounds {
		start := time.Date(tomorrow.Year(), tomorrow.Month(), tomorrow.Day(), 9, r*10, 0, 0, berlinTime)
		body, _ := json.Marshal(wire.BookRequest{Service: "ausweis", Start: start, Name: "Anna Schmidt"})
		var wg sync.WaitGroup
		var mu sync.Mutex
		statuses := map[int]int{}
		for c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				req, _ := http.NewRequest("POST", lb+"/v1/sites/_/appointments", bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+id.Token)
				req.Header.Set("Idempotency-Key", fmt.Sprintf("race-%d-%d", r, c))
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				defer resp.Body.Close()
				var b wire.Booked
				json.NewDecoder(resp.Body).Decode(&b)
				mu.Lock()
				statuses[resp.StatusCode]++
				if resp.StatusCode == 201 {
					secrets = append(secrets, b)
				}
				mu.Unlock()
			}()
		}
		wg.Wait()
		if statuses[201] != 2 || statuses[409] != clients-2 {
			t.Fatalf("round %d: %v, want 2 booked and %d full", r, statuses, clients-2)
		}
	}
	if rr.served[0].Load() == 0 || rr.served[1].Load() == 0 {
		t.Errorf("one instance served nothing: %d / %d", rr.served[0].Load(), rr.served[1].Load())
	}
	// Cancel through the balancer: whichever instance booked, both know
	// the secret.
	for _, b := range secrets[:4] {
		resp, err := http.Post(lb+"/v1/sites/_/appointments/"+b.Code+"/cancel", "application/json",
			strings.NewReader(`{"secret":"`+b.Secret+`"}`))
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("cancel %s: %v %v", b.Code, resp.Status, err)
		}
		resp.Body.Close()
	}
}

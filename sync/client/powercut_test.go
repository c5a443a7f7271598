package client_test

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"lotse/sync/client"
	"lotse/sync/outbox"
	"lotse/sync/sqlitedb"
)

// The child side of TestPowerCut: submit and sync in a loop, printing each
// reference code once Submit returned, which is when a resident would be
// told "gespeichert".
func init() {
	if os.Getenv("LOTSE_POWERCUT_DB") == "" {
		return
	}
	ctx := context.Background()
	db, err := sqlitedb.Open(os.Getenv("LOTSE_POWERCUT_DB"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	out, err := outbox.Open(ctx, db)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	c, err := client.New(ctx, db, out, client.Options{Timeout: 2 * time.Second})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	w := bufio.NewWriter(os.Stdout)
	for i := 0; ; i++ {
		code, err := out.Submit(ctx, c.Identity(), "mangel", map[string]string{"where": fmt.Sprint("Laterne ", i)}, false)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		w.WriteString(code + "\n")
		w.Flush()
		if i%3 == 0 {
			out.RetryNow(ctx)
			c.SendOnce(ctx)
		}
	}
}

// TestPowerCut kills a kiosk process with SIGKILL at random moments while
// it submits and syncs, 200 times (POWERCUT_RUNS overrides), and checks that
// every submission it confirmed reaches the portal exactly once.
func TestPowerCut(t *testing.T) {
	if testing.Short() {
		t.Skip("200 process kills")
	}
	runs := 200
	if v := os.Getenv("POWERCUT_RUNS"); v != "" {
		fmt.Sscan(v, &runs)
	}
	p, srv := newPortal(t)
	k := newKiosk(t, p, srv.URL)
	k.db.Close() // the children own the file from now on

	var mu sync.Mutex
	confirmed := map[string]int{}
	for run := 0; run < runs; run++ {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "LOTSE_POWERCUT_DB="+k.path)
		stdout, _ := cmd.StdoutPipe()
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() {
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				mu.Lock()
				confirmed[sc.Text()]++
				mu.Unlock()
			}
			close(done)
		}()
		time.Sleep(time.Duration(20+rand.IntN(120)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		<-done
		err := cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
			t.Fatalf("run %d: child ended by itself (%v): %s", run, err, stderr.String())
		}
	}
	if len(confirmed) < runs {
		t.Fatalf("only %d submissions confirmed in %d runs: the children hardly ran", len(confirmed), runs)
	}

	// After the last cut, the kiosk starts again and drains.
	db, err := sqlitedb.Open(k.path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out, err := outbox.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.New(context.Background(), db, out, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	out.RetryNow(context.Background())
	if _, err := c.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	counts, _ := out.Counts(context.Background())
	if counts[outbox.Acknowledged] < len(confirmed) || counts[outbox.Queued]+counts[outbox.Sending]+counts[outbox.Dead] != 0 {
		t.Fatalf("outbox after drain %v, %d confirmed", counts, len(confirmed))
	}
	for code, n := range confirmed {
		if n != 1 {
			t.Fatalf("code %s confirmed %d times", code, n)
		}
		if got := p.Cases().CountCode(context.Background(), code); got != 1 {
			t.Fatalf("confirmed submission %s is %d times at the portal", code, got)
		}
	}
	stats, _ := p.Cases().Stats(context.Background())
	// The portal holds what the kiosk confirmed, plus at most one per cut:
	// a row committed just before the kill, never confirmed on screen.
	if stats["envelopes"] < len(confirmed) || stats["envelopes"] > len(confirmed)+runs {
		t.Fatalf("portal holds %d envelopes for %d confirmed", stats["envelopes"], len(confirmed))
	}
	if stats["envelopes"] != counts[outbox.Acknowledged] {
		t.Fatalf("portal holds %d, kiosk acknowledged %d", stats["envelopes"], counts[outbox.Acknowledged])
	}
	t.Logf("%d runs, %d confirmed, %d at the portal, %d replays", runs, len(confirmed), stats["envelopes"], stats["replays"])
}

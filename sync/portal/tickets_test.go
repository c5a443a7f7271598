package portal_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"lotse/sync/identity"
	"lotse/sync/portal"
	"lotse/sync/wire"
)

// A kiosk draws through the API: numbers from its site's queue, a retry
// gets the same ticket, 50 draws at once are 50 numbers; the ticket's page
// says where it stands, and that it is called, and where.
func TestDrawThroughTheAPI(t *testing.T) {
	r := startRig(t, portal.Options{})
	id := r.enrol(t)
	if err := r.p.Fleet().SetSite(context.Background(), id.KioskID, "Rathaus"); err != nil {
		t.Fatal(err)
	}
	// Three kiosks of the site: one alone may not draw 50 at once (a
	// resident's pace, TestAKioskDrawsAtAResidentsPace).
	kiosks := []identity.Kiosk{id}
	for range 2 {
		k := r.enrol(t)
		if err := r.p.Fleet().SetSite(context.Background(), k.KioskID, "Rathaus"); err != nil {
			t.Fatal(err)
		}
		kiosks = append(kiosks, k)
	}
	drawAt := func(k identity.Kiosk, body string) (int, wire.DrawReply) {
		req, _ := http.NewRequest("POST", fmt.Sprintf("%s/v1/kiosks/%d/tickets", r.url, k.KioskID), strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+k.Token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var d wire.DrawReply
		json.NewDecoder(resp.Body).Decode(&d)
		return resp.StatusCode, d
	}
	draw := func(body string) (int, wire.DrawReply) { return drawAt(id, body) }
	st, first := draw(`{"prefix":"A","lang":"tr","key":"k-1"}`)
	if st != 201 || first.Number != "A001" || first.Ahead != 0 || !strings.Contains(first.Page, "site=Rathaus") {
		t.Fatalf("first draw: %d %+v", st, first)
	}
	if _, again := draw(`{"prefix":"A","lang":"tr","key":"k-1"}`); again.Number != "A001" {
		t.Errorf("a retry: %+v", again)
	}
	if st, _ := draw(`{"prefix":"a","key":"x"}`); st != 400 {
		t.Errorf("a bad prefix: %d", st)
	}
	var mu sync.Mutex
	seen := map[string]bool{}
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, d := drawAt(kiosks[i%3], fmt.Sprintf(`{"prefix":"A","lang":"de","key":"c-%d"}`, i))
			mu.Lock()
			seen[d.Number] = true
			mu.Unlock()
		}()
	}
	wg.Wait()
	if len(seen) != 50 || seen["A001"] {
		t.Errorf("%d distinct numbers from 50 draws", len(seen))
	}
	page := func(p string) string {
		resp, err := http.Get(r.url + p)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	_, last := draw(`{"prefix":"A","lang":"de","key":"last"}`)
	if body := page(last.Page); !strings.Contains(body, "Vor Ihnen warten noch 51 Personen") {
		t.Errorf("the last ticket's page:\n%s", body)
	}
	if _, err := r.p.Queue().Next(context.Background(), "Rathaus", "Schalter 3", []string{"A"}); err != nil {
		t.Fatal(err)
	}
	// A001 was drawn in Turkish: its page speaks Turkish.
	if body := page(first.Page); !strings.Contains(body, "Çağrılıyorsunuz: Schalter 3. Lütfen şimdi oraya gidin.") || !strings.Contains(body, `lang="tr"`) {
		t.Errorf("the called ticket's page:\n%s", body)
	}
}

// A kiosk whose own block of numbers is nearly used up is an alarm in the
// fleet view, before it runs out.
func TestAnAlmostUsedBlockIsAnAlarm(t *testing.T) {
	r := startRig(t, portal.Options{})
	id := r.enrol(t)
	// A site with blocks of 500: the warning comes at 400.
	if err := r.p.Queue().SetBlockSize(context.Background(), "", 500); err != nil {
		t.Fatal(err)
	}
	for n, want := range map[int]bool{312: false, 412: true} {
		body := fmt.Sprintf(`{"version":"t","offline_used":{"A":%d}}`, n)
		req, _ := http.NewRequest("POST", fmt.Sprintf("%s/v1/kiosks/%d/heartbeat", r.url, id.KioskID), strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+id.Token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("heartbeat: %v %v", resp, err)
		}
		resp.Body.Close()
		list, _ := r.p.Fleet().Kiosks(context.Background(), time.Now())
		got := strings.Contains(strings.Join(list[0].Alarms, ";"), "offline numbers: A "+fmt.Sprint(n)+" of 500 used today")
		if got != want {
			t.Errorf("%d used: alarms %v", n, list[0].Alarms)
		}
	}
}

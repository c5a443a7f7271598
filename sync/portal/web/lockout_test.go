package web_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"lotse/sync/hours/hourstest"
	"lotse/sync/portal/store"
)

// from is a browser whose connections come from 127.0.0.n: another
// address on the same machine, as the portal sees it.
func from(t *testing.T, base string, n int) *browser {
	b := newBrowser(t, base)
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, byte(n/250), byte(1+n%250))}}
	b.hc.Transport = &http.Transport{DialContext: d.DialContext}
	return b
}

// Forty sign-ins at once from forty addresses, thirty-nine wrong and then
// the right password, used to get a session: the failure count was read
// before bcrypt and written after it. Now each attempt is claimed first,
// so at most five passwords are ever checked for a name in 15 minutes.
func TestSignInLockoutHoldsUnderParallelGuesses(t *testing.T) {
	r := newRig(t)
	var wg sync.WaitGroup
	var mu sync.Mutex
	status := map[int]int{}
	for i := range 39 {
		b := from(t, r.url, i)
		wg.Go(func() {
			st, _ := b.signIn("carl.sachbearbeitung", fmt.Sprintf("falsch-%02d-falsch", i))
			mu.Lock()
			status[st]++
			mu.Unlock()
		})
	}
	wg.Wait()
	t.Logf("39 wrong passwords at once from 39 addresses: %v (401 checked and wrong, 429 refused unchecked)", status)
	// Four answered "wrong", the fifth "locked", the rest were never checked.
	if status[http.StatusUnauthorized] > 4 || status[http.StatusSeeOther] > 0 {
		t.Errorf("39 wrong passwords at once: %v (more than five checked)", status)
	}
	st, body := from(t, r.url, 40).signIn("carl.sachbearbeitung", password)
	if st != http.StatusTooManyRequests || !strings.Contains(body, "gesperrt") || !strings.Contains(body, " Uhr") {
		t.Errorf("the right password after 39 wrong ones: %d", st)
	}

	// All forty at once, the right one among them: at most five checked.
	status = map[int]int{}
	for i := range 40 {
		b := from(t, r.url, 100+i)
		pw := fmt.Sprintf("falsch-%02d-falsch", i)
		if i == 39 {
			pw = password
		}
		wg.Go(func() {
			st, _ := b.signIn("kurt.schalter", pw)
			mu.Lock()
			status[st]++
			mu.Unlock()
		})
	}
	wg.Wait()
	t.Logf("40 at once, the right password among them: %v", status)
	if checked := status[http.StatusUnauthorized] + status[http.StatusSeeOther]; checked > 5 || status[http.StatusTooManyRequests] < 35 {
		t.Errorf("40 at once: %v", status)
	}
}

// From one address, 31 guesses in a row: past the fifth attempt none is
// checked, the page says until when, and 15 minutes later the
// name opens again. The owner's own browser, where they signed in before,
// is not locked out by the stranger.
func TestSignInLockoutSaysWhenAndSparesTheOwner(t *testing.T) {
	clock := hourstest.NewManual(time.Date(2027, 3, 28, 9, 0, 0, 0, hourstest.Berlin))
	r := newRigAt(t, clock.Now)
	anna := newBrowser(t, r.url)
	if st, _ := anna.signIn("anna.admin", password); st != http.StatusSeeOther {
		t.Fatalf("anna: %d", st)
	}
	mallory := from(t, r.url, 7)
	for i := range 31 {
		st, body := mallory.signIn("anna.admin", fmt.Sprintf("rate-%02d-mal", i))
		switch {
		case i < 3 && st != http.StatusUnauthorized: // anna's own sign-in was the first of five
			t.Errorf("guess %d: %d", i+1, st)
		case i >= 3 && i < 20 && (st != http.StatusTooManyRequests || !strings.Contains(body, "bis 09:15 Uhr gesperrt")):
			t.Errorf("guess %d: %d, want locked until 09:15", i+1, st)
		case i >= 20 && st != http.StatusTooManyRequests: // the address's own throttle may answer first
			t.Errorf("guess %d: %d", i+1, st)
		}
	}
	if st, _ := newBrowser(t, r.url).signIn("anna.admin", password); st != http.StatusTooManyRequests {
		t.Errorf("the right password from a new browser while locked: %d", st)
	}
	// Anna signed out; her browser keeps its device cookie.
	device := anna.cookie("lotse_device")
	if device == "" {
		t.Fatal("no device cookie after signing in")
	}
	anna = newBrowser(t, r.url)
	anna.hc.Jar.SetCookies(mustURL(r.url+"/staff/"), []*http.Cookie{{Name: "lotse_device", Value: device, Path: "/staff/"}})
	if st, _ := anna.signIn("anna.admin", password); st != http.StatusSeeOther {
		t.Errorf("anna at her own browser while a stranger locked her name: %d", st)
	}
	// A device cookie is for its name only.
	forged := newBrowser(t, r.url)
	forged.hc.Jar.SetCookies(mustURL(r.url+"/staff/"), []*http.Cookie{{Name: "lotse_device", Value: strings.Repeat("a", 32) + ".00", Path: "/staff/"}})
	if st, _ := forged.signIn("anna.admin", password); st != http.StatusTooManyRequests {
		t.Errorf("a forged device cookie: %d", st)
	}
	clock.Add(15*time.Minute + time.Second)
	if st, _ := newBrowser(t, r.url).signIn("anna.admin", password); st != http.StatusSeeOther {
		t.Errorf("15 minutes later: %d", st)
	}
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

// Five sign-ins with a 10 MB name grew portal.db from 0.26 MB to 135 MB
// and `lotse-portal audit` printed 1.73 GB. Now the body is capped, the
// name checked before anything is stored, and the audit log says only
// that the name was not one.
func TestSignInNameCannotFillTheDisk(t *testing.T) {
	r := newRig(t)
	db := filepath.Join(r.p.Folder(), "portal.db")
	size := func() int64 {
		var n int64
		for _, f := range []string{db, db + "-wal"} {
			if st, err := os.Stat(f); err == nil {
				n += st.Size()
			}
		}
		return n
	}
	before := size()
	huge := strings.Repeat("x", 10<<20)
	for range 5 {
		b := newBrowser(t, r.url)
		_, page := b.get("/staff/login")
		resp, _ := b.post("/staff/login", url.Values{"csrf": {token(page)}, "name": {huge}, "password": {"x"}})
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("a 10 MB name: %d", resp.StatusCode)
		}
	}
	// Under the body's cap, still not a name: refused, never stored.
	for _, name := range []string{strings.Repeat("y", 65), "an\u202Ena", "\xff\xfe"} {
		st, body := newBrowser(t, r.url).signIn(name, "falsch-falsch")
		if st != http.StatusUnauthorized || !strings.Contains(body, "Name oder Passwort falsch") {
			t.Errorf("name %q: %d", name, st)
		}
	}
	// A NUL byte is bad input, said as such (400), not an outage (503).
	if st, _ := newBrowser(t, r.url).signIn("carl\x00", "falsch-falsch"); st != http.StatusBadRequest {
		t.Errorf("a NUL in the name: %d", st)
	}
	t.Logf("portal.db grew by %d bytes after five 10 MB names and four bad ones", size()-before)
	if grown := size() - before; grown > 1<<20 {
		t.Errorf("portal.db grew by %d bytes", grown)
	}
	log, err := r.p.Store().AuditLog(context.Background(), time.Time{}, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range log {
		if len(e.User) > 64 || len(e.Subject) > 256 || strings.ContainsAny(e.User, "\x00\u202E") {
			t.Errorf("audit entry %q / %q", e.User, e.Subject)
		}
	}
	if !hasAudit(log, "(ungültiger Name)", "signin_failed") {
		t.Errorf("a refused name is not in the audit log: %+v", log)
	}
}

func hasAudit(log []store.AuditEntry, user, action string) bool {
	for _, e := range log {
		if e.User == user && e.Action == action {
			return true
		}
	}
	return false
}

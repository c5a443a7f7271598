package portal_test

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"lotse/sync/portal"
)

// from is an HTTP client whose connections come from 127.0.0.n.
func from(n int) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(n))}}
	return &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}
}

func book(t *testing.T, hc *http.Client, url, key, body string, header ...string) answer {
	t.Helper()
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	req.Header.Set("Idempotency-Key", key)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, header: resp.Header, body: b}
}

// One address booked 98 appointments in a minute, ten addresses 658 in
// 20 s, and "+49 (0) 151…", "0049 0151…" and "name+1@" got past
// max_per_contact. Now one network (a /24) books ten an hour, shared by
// its addresses, and a contact is one contact however it is written.
func TestSlotHoardingFromHome(t *testing.T) {
	r, c := bookingRigWith(t, portal.Options{}) // the default budget
	url := r.url + "/v1/sites/rathaus/appointments"
	day := time.Date(2026, 12, 8, 8, 0, 0, 0, berlin)
	// The same mobile number, written five ways: the third is refused.
	for i, phone := range []string{"+49 (0) 151 23456789", "0049 0151 23456789", "0151 23456789", "+4915123456789"} {
		a := book(t, from(1), url, fmt.Sprintf("p%d", i), bookBody(day.Add(time.Duration(i)*20*time.Minute), "Max Muster", phone))
		if want := map[bool]int{true: 201, false: 422}[i < 2]; a.status != want {
			t.Errorf("booking %d with %q: %d, want %d", i+1, phone, a.status, want)
		}
	}
	// Ten addresses of one network, at once: ten bookings between them.
	var mu sync.Mutex
	status := map[int]int{}
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			start := day.AddDate(0, 0, 1).Add(time.Duration(i) * 20 * time.Minute) // Wednesday 8:00 to 14:20
			a := book(t, from(10+i%10), url, fmt.Sprintf("h%d", i), bookBody(start, "Anna Schmidt", ""))
			mu.Lock()
			status[a.status]++
			mu.Unlock()
		})
	}
	wg.Wait()
	// The network already spent 4 (two bookings and two refused by the
	// contact rule) of its 10.
	t.Logf("20 bookings at once from ten addresses of one network: %v", status)
	if status[201] != 6 || status[429] != 14 {
		t.Errorf("20 bookings from one network: %v", status)
	}
	// An hour later the network may book again.
	c.add(time.Hour + time.Minute)
	if a := book(t, from(99), url, "later", bookBody(day.AddDate(0, 0, 6), "Anna Schmidt", "")); a.status != 201 {
		t.Errorf("an hour later: %d", a.status)
	}
}

// Behind the reverse proxy every resident came from its address: one
// budget for the whole town. From a trusted proxy, X-Forwarded-For names
// the resident; from anyone else it is ignored.
func TestResidentsBehindATrustedProxyHaveTheirOwnBudget(t *testing.T) {
	c := &clock{t: time.Date(2026, 12, 7, 10, 0, 0, 0, berlin)}
	r := startRig(t, portal.Options{Now: c.now, BookingsPerNetwork: 2, TrustedProxies: mustPrefixes(t, "127.0.0.5/32")})
	setBookingFile(t, r)
	url := r.url + "/v1/sites/rathaus/appointments"
	day := time.Date(2026, 12, 8, 8, 0, 0, 0, berlin)
	n := 0
	next := func() string { n++; return bookBody(day.Add(time.Duration(n)*20*time.Minute), "Anna Schmidt", "") }
	proxy := from(5)
	for i, fwd := range []string{"203.0.113.7", "198.51.100.9, 203.0.113.8", "203.0.113.9", "198.51.100.20", "198.51.100.21"} {
		a := book(t, proxy, url, fmt.Sprintf("k%d", i), next(), "X-Forwarded-For", fwd)
		// 203.0.113.0/24 books twice, the third is refused; 198.51.100.0/24 its own two.
		if want := map[bool]int{true: 201, false: 429}[i != 2]; a.status != want {
			t.Errorf("via the proxy for %s: %d, want %d", fwd, a.status, want)
		}
	}
	// Someone else's X-Forwarded-For changes nothing: 127.0.0.6 is its own.
	for i := range 3 {
		a := book(t, from(6), url, fmt.Sprintf("s%d", i), next(), "X-Forwarded-For", fmt.Sprintf("192.0.2.%d", i))
		if want := map[bool]int{true: 201, false: 429}[i < 2]; a.status != want {
			t.Errorf("spoofed header %d: %d", i, a.status)
		}
	}
}

// All residents shared one key space and the body was not compared:
// reusing another resident's Idempotency-Key returned her code and secret
// (and with them, her appointment to cancel). Keys are now the caller's
// network's, kept with a hash of the request.
func TestAnotherResidentsIdempotencyKeyGivesNothingAway(t *testing.T) {
	r, _ := bookingRig(t)
	url := r.url + "/v1/sites/rathaus/appointments"
	nine := time.Date(2026, 12, 8, 9, 0, 0, 0, berlin)
	fatma := book(t, from(1), url, "shared-key", bookBody(nine, "Fatma Yılmaz", "0171 2345678"))
	if fatma.status != 201 {
		t.Fatalf("Fatma: %d", fatma.status)
	}
	// The same key and the same request from her network: her retry.
	if again := book(t, from(2), url, "shared-key", bookBody(nine, "Fatma Yılmaz", "0171 2345678")); again.status != 201 || string(again.body) != string(fatma.body) {
		t.Errorf("her retry: %d %s", again.status, again.body)
	}
	// Her network, her key, another request: refused.
	if other := book(t, from(3), url, "shared-key", bookBody(nine.Add(time.Hour), "Mallory", "")); other.status != 422 ||
		strings.Contains(string(other.body), "secret") {
		t.Errorf("another request under her key: %d %s", other.status, other.body)
	}
	// From another network her key is just a key: a booking of its own.
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 1, 1)}}
	elsewhere := &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}
	if other := book(t, elsewhere, url, "shared-key", bookBody(nine, "Fatma Yılmaz", "0171 2345678")); other.status == 201 && string(other.body) == string(fatma.body) {
		t.Errorf("another network got her appointment back: %s", other.body)
	}
}

// A resident who mistypes twice spends nothing of the network's budget:
// with room for one booking, two refused forms and then the right one
// book it.
func TestMistakesCostNoBudget(t *testing.T) {
	r, _ := bookingRigWith(t, portal.Options{BookingsPerNetwork: 1})
	url := r.url + "/v1/sites/rathaus/appointments"
	nine := time.Date(2026, 12, 8, 9, 0, 0, 0, berlin)
	for i, body := range []string{bookBody(nine, "A", ""), bookBody(nine, "Anna Schmidt", "12ab"), bookBody(nine, "Anna Schmidt", "0171 2345678")} {
		a := book(t, from(1), url, fmt.Sprint("m", i), body)
		if want := map[bool]int{true: 422, false: 201}[i < 2]; a.status != want {
			t.Errorf("try %d: %d %s, want %d", i+1, a.status, a.body, want)
		}
	}
}

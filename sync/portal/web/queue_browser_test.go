package web_test

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// addDisplay registers a display for site and returns its token.
func addDisplay(t *testing.T, r *rig, site string) string {
	t.Helper()
	tok := rand.Text()
	h := sha256.Sum256([]byte(tok))
	if err := r.p.Store().AddDisplay(r.ctx, hex.EncodeToString(h[:]), site, time.Now()); err != nil {
		t.Fatal(err)
	}
	return tok
}

// A clerk presses Nächste on the clerk page; the waiting room's display,
// open in another tab, shows the number and the counter; the call is
// spoken in German and in the language the number was drawn in (real
// audio, not silent). Both pages pass axe-core.
func TestClerkCallsAndTheDisplayShowsIt(t *testing.T) {
	r := newRig(t)
	q := r.p.Queue()
	if _, err := q.Draw(r.ctx, "", "A", "tr", 1, "k1"); err != nil {
		t.Fatal(err)
	}
	q.Draw(r.ctx, "", "A", "de", 1, "k2")
	tok := addDisplay(t, r, "")
	ctx := chrome(t)
	// The browser starts with the first tab; the display is a second one.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatal(err)
	}
	display, cancel := chromedp.NewContext(ctx)
	defer cancel()
	if err := chromedp.Do(display, chromedp.Navigate(r.url+"/display?token="+tok), chromedp.WaitVisible(chromedp.CSS("#now-label"))); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(r.url+"/staff/login"), chromedp.WaitVisible(chromedp.CSS("#name")),
		chromedp.SendKeys(chromedp.CSS("#name"), "kurt.schalter"), chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.Click(chromedp.CSS(`main button[type=submit]`)), chromedp.WaitVisible(chromedp.Search(`//h1[text()="Heute"]`)),
		chromedp.Navigate(r.url+"/staff/queue"), chromedp.WaitVisible(chromedp.CSS("#counter")),
		chromedp.SendKeys(chromedp.CSS("#counter"), "Schalter 3"), chromedp.Click(chromedp.CSS(`main form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`button[value=next]`))); err != nil {
		t.Fatalf("clerk page: %v", err)
	}
	check(t, ctx, "20-queue-clerk")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`button[value=next]`)), chromedp.WaitVisible(chromedp.CSS(".big"))); err != nil {
		t.Fatalf("Nächste: %v", err)
	}
	big, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".big")))
	if big != "A001" {
		t.Errorf("the clerk sees %q", big)
	}
	check(t, ctx, "21-queue-called")
	if err := chromedp.Do(display, chromedp.WaitVisible(chromedp.Search(`//p[@id="now-label" and text()="A001"]`)),
		chromedp.WaitVisible(chromedp.Search(`//p[@id="now-counter" and text()="Schalter 3"]`))); err != nil {
		t.Fatalf("the display: %v", err)
	}
	if err := chromedp.Do(display, chromedp.WaitVisible(chromedp.Search(`//ul[@id="waiting"]/li[text()="A: 1"]`))); err != nil {
		t.Errorf("the display's waiting count: %v", err)
	}
	check(t, display, "22-display")
	// A kiosk draws while the clerk's page is open: it shows the new count
	// without a click.
	if _, err := q.Draw(r.ctx, "", "A", "de", 1, "k3"); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.Search(`//table//tr[td[1]="A"]/td[2][text()="2"]`))); err != nil {
		t.Errorf("the clerk page did not follow the queue: %v", err)
	}

	// The call, spoken: German, and Turkish (A001 was drawn in Turkish).
	for _, lang := range []string{"de", "tr"} {
		resp, err := http.Get(r.url + "/display/audio?" + url.Values{"token": {tok}, "label": {"A001"}, "counter": {"Schalter 3"}, "lang": {lang}}.Encode())
		if err != nil {
			t.Fatal(err)
		}
		wav, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || len(wav) < 44 || string(wav[:4]) != "RIFF" || string(wav[8:12]) != "WAVE" {
			t.Fatalf("%s audio: %d, %d bytes", lang, resp.StatusCode, len(wav))
		}
		loud := 0
		for i := 44; i+1 < len(wav); i += 2 {
			if v := int16(binary.LittleEndian.Uint16(wav[i:])); v > 2000 || v < -2000 {
				loud++
			}
		}
		if loud < 1000 {
			t.Errorf("%s audio is (nearly) silent: %d loud samples", lang, loud)
		}
	}
	// Without a token, or with a revoked one, the display says so.
	if resp, _ := http.Get(r.url + "/display"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("no token: %d", resp.StatusCode)
	}
	r.p.Store().RevokeDisplays(r.ctx, "", time.Now())
	resp, _ := http.Get(r.url + "/display?token=" + tok)
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(body), "gesperrt") {
		t.Errorf("revoked: %d %s", resp.StatusCode, body)
	}
}

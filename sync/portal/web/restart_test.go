package web_test

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"lotse/sync/portal/instance"
	"lotse/sync/portal/web/display"
)

// The waiting room's display while the portal restarts: it keeps the last
// call, says "Verbindung unterbrochen" within seconds, and shows the next
// call once the portal is back, without anyone touching it.
func TestTheDisplaySurvivesAPortalRestart(t *testing.T) {
	ctx := context.Background()
	p, err := instance.Open(t.TempDir(), instance.Config{KeyBits: 2048})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	disp, err := display.New(p)
	if err != nil {
		t.Fatal(err)
	}
	p.Display = disp.Handler()
	serve := func(addr string) (string, func()) {
		sctx, cancel := context.WithCancel(ctx)
		url, done, err := p.Listen(sctx, addr)
		if err != nil {
			t.Fatal(err)
		}
		return url, func() { cancel(); <-done }
	}
	url, stop := serve("127.0.0.1:0")
	r := &rig{p: p.Server, url: url, ctx: ctx}
	tok := addDisplay(t, r, "")
	q := p.Queue()
	for i := range 2 {
		q.Draw(ctx, "", "A", "de", 1, string(rune('a'+i)))
	}
	q.Next(ctx, "", "Schalter 1", []string{"A"})
	browser := chrome(t)
	if err := chromedp.Do(browser, chromedp.Navigate(url+"/display?token="+tok),
		chromedp.WaitVisible(chromedp.Search(`//p[@id="now-label" and text()="A001"]`))); err != nil {
		t.Fatal(err)
	}
	stop()
	if err := chromedp.Do(browser, chromedp.WaitVisible(chromedp.CSS("#offline"))); err != nil {
		t.Fatalf("no word of the lost connection: %v", err)
	}
	if label, _ := chromedp.Run(browser, chromedp.Text(chromedp.CSS("#now-label"))); label != "A001" {
		t.Errorf("the last call is gone: %q", label)
	}
	check(t, browser, "23-display-offline")
	_, stop = serve(url[len("http://"):])
	defer stop()
	q.Next(ctx, "", "Schalter 2", []string{"A"})
	wctx, cancel := context.WithTimeout(browser, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(wctx, chromedp.WaitVisible(chromedp.Search(`//p[@id="now-label" and text()="A002"]`)),
		chromedp.WaitNotVisible(chromedp.CSS("#offline"))); err != nil {
		t.Fatalf("after the restart: %v", err)
	}
}

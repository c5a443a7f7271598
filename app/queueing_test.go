package main

import (
	"bytes"
	"context"
	"fmt"
	imagepng "image/png"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"lotse/app/desk"
	"lotse/app/fleet"
	"lotse/app/flow"
	"lotse/app/internal/testutil"
	"lotse/app/store"
	"lotse/devices/escpossim"
	"lotse/sync/client"
	"lotse/sync/outbox"
	"lotse/sync/portal/instance"
)

// Two kiosks of one office draw from its queue at the portal: one
// sequence, the people ahead on the printed ticket. The portal goes away:
// a kiosk hands out numbers from its own block and says so; the portal
// comes back: they join the queue in the order they were drawn, and no
// number was issued twice.
func TestTwoKiosksOneOffice(t *testing.T) {
	ctx := context.Background()
	p, err := instance.Open(t.TempDir(), instance.Config{KeyBits: 2048})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	serve := func(addr string) (string, func()) {
		sctx, cancel := context.WithCancel(ctx)
		url, done, err := p.Listen(sctx, addr)
		if err != nil {
			t.Fatal(err)
		}
		return url, func() { cancel(); <-done }
	}
	url, stop := serve("127.0.0.1:0")
	type kiosk struct {
		desk    *desk.Desk
		queue   *fleet.Office
		offline *store.OfflineTickets
		sim     *escpossim.Printer
	}
	now := time.Now()
	var kiosks []kiosk
	for i := range 2 {
		db := testutil.DB(t)
		code, _ := p.Enrolment().EnrollCodeFor(ctx, time.Hour, "Rathaus")
		if _, err := client.Enroll(ctx, db, url, code, "Kiosk", client.Options{}); err != nil {
			t.Fatal(err)
		}
		out, _ := outbox.Open(ctx, db)
		c, err := client.New(ctx, db, out, client.Options{})
		if err != nil {
			t.Fatal(err)
		}
		drv, sim := testutil.SimulatedPrinter(t, escpossim.Options{})
		off := store.NewOfflineTickets(db)
		k := kiosk{desk: testutil.Desk(t, db, drv, now.Add(time.Duration(i)*time.Second)), queue: fleet.NewOffice(off, store.NewHeldTimes(db)),
			offline: off, sim: sim}
		k.queue.Set(c)
		k.desk.Queue, k.desk.Offline, k.desk.Portal, k.desk.Now = k.queue, k.offline, url, time.Now
		kiosks = append(kiosks, k)
	}
	texts := testutil.Texts(t).For("de")
	opt := flow.Option{ID: "ausweis", Prefix: "A", Title: "Ausweis"}
	a, err := kiosks[0].desk.Draw(ctx, opt, texts)
	if err != nil || a.Number != "A001" || a.Ahead == nil || *a.Ahead != 0 || a.Offline {
		t.Fatalf("first kiosk: %+v %v", a, err)
	}
	b, _ := kiosks[1].desk.Draw(ctx, opt, texts)
	if b.Number != "A002" || b.Ahead == nil || *b.Ahead != 1 {
		t.Fatalf("second kiosk: %+v", b)
	}
	jobs := testutil.WaitJobs(t, kiosks[1].sim, 1)
	if text := jobs[0].Text(); !strings.Contains(text, "A002") || !strings.Contains(text, "Vor Ihnen: 1") {
		t.Errorf("the second ticket:\n%s", text)
	}

	// Each kiosk has a block of its own from the portal.
	b0, size := kiosks[0].queue.Block()
	b1, _ := kiosks[1].queue.Block()
	if b0 < 1 || b1 < 1 || b0 == b1 || size != 999 {
		t.Fatalf("blocks %d and %d (size %d)", b0, b1, size)
	}
	// The portal goes away.
	addr := strings.TrimPrefix(url, "http://")
	stop()
	off, err := kiosks[1].desk.Draw(ctx, opt, texts)
	block, _ := kiosks[1].queue.Block()
	if err != nil || !off.Offline || off.Ahead != nil || off.Number != "A"+string(rune('0'+block))+"001" {
		t.Fatalf("offline draw: %+v %v (block %d)", off, err, block)
	}
	if text := testutil.WaitJobs(t, kiosks[1].sim, 2)[1].Text(); strings.Contains(text, "Vor Ihnen") {
		t.Errorf("an offline ticket claims to know the queue:\n%s", text)
	}
	// Back: kiosk 1 draws online, kiosk 2 reports its offline number,
	// which joins the queue before the later draw.
	_, stop = serve(addr)
	defer stop()
	later, _ := kiosks[0].desk.Draw(ctx, opt, texts)
	if later.Number != "A003" {
		t.Errorf("after the outage: %s", later.Number)
	}
	kiosks[1].queue.Report(ctx)
	kiosks[1].queue.Report(ctx) // twice: once in the queue
	if left, _ := kiosks[1].offline.Unreported(ctx); len(left) != 0 {
		t.Errorf("unreported: %+v", left)
	}
	var order []string
	for range 4 {
		tk, err := p.Queue().Next(ctx, "Rathaus", "Schalter 1", []string{"A"})
		if err != nil {
			t.Fatal(err)
		}
		order = append(order, tk.Label)
	}
	if strings.Join(order, " ") != "A001 A002 "+off.Number+" A003" {
		t.Errorf("called in the order %v", order)
	}
}

// With a counter serving the queue, the kiosk tells and prints an
// estimated wait; before that, none.
func TestTheTicketCarriesTheEstimate(t *testing.T) {
	ctx := context.Background()
	p := testutil.StartPortal(t)
	db := testutil.DB(t)
	out, _ := testutil.Enrolled(t, db, p)
	c, err := client.New(ctx, db, out, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	drv, sim := testutil.SimulatedPrinter(t, escpossim.Options{})
	desk := testutil.Desk(t, db, drv, time.Now())
	off := store.NewOfflineTickets(db)
	q := fleet.NewOffice(off, store.NewHeldTimes(db))
	q.Set(c)
	desk.Queue, desk.Offline, desk.Portal, desk.Now = q, off, p.URL, time.Now
	texts := testutil.Texts(t).For("de")
	opt := flow.Option{ID: "ausweis", Prefix: "A", Title: "Ausweis"}
	first, _ := desk.Draw(ctx, opt, texts)
	if first.Wait != "" {
		t.Errorf("an estimate with nobody serving: %q", first.Wait)
	}
	if _, err := p.Queue().Next(ctx, "", "Schalter 1", []string{"A"}); err != nil {
		t.Fatal(err)
	}
	desk.Draw(ctx, opt, texts)
	third, _ := desk.Draw(ctx, opt, texts)
	if third.Wait == "" || third.Ahead == nil || *third.Ahead != 1 {
		t.Fatalf("third: %+v", third)
	}
	job := testutil.WaitJobs(t, sim, 3)[2]
	if text := job.Text(); !strings.Contains(text, "Wartezeit etwa "+third.Wait+" Min.") || !strings.Contains(text, "Vor Ihnen: 1") {
		t.Errorf("the printed ticket:\n%s", text)
	}
	// The QR code on the paper leads to the number's live page.
	png, err := job.PNG()
	if err != nil {
		t.Fatal(err)
	}
	img, err := imagepng.Decode(bytes.NewReader(png))
	if err != nil {
		t.Fatal(err)
	}
	bmp, _ := gozxing.NewBinaryBitmapFromImage(img)
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("no QR code on the ticket: %v", err)
	}
	resp, err := http.Get(res.GetText())
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(page), "Vor Ihnen wartet noch 1 Person") || !strings.Contains(string(page), "Geschätzte Wartezeit") {
		t.Errorf("the QR page (%s):\n%s", res.GetText(), page)
	}
}

// `lotse ticket draw` draws as the tile does and says so in one JSON line.
func TestTicketDrawCommand(t *testing.T) {
	ctx := context.Background()
	p := testutil.StartPortal(t)
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "lotse.toml")
	os.WriteFile(cfgPath, []byte(fmt.Sprintf("[kiosk]\ndata_dir = %q\n[portal]\nurl = %q\n", dir, p.URL)), 0o600)
	cfg, db, _, code := openKiosk("test", cfgPath, false, io.Discard)
	if code != 0 {
		t.Fatal("open kiosk")
	}
	c, _ := p.Enrolment().EnrollCode(ctx, time.Hour)
	if _, err := client.Enroll(ctx, db, p.URL, c, "k", client.Options{}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_ = cfg
	var out, errb bytes.Buffer
	for i, want := range []string{`"number":"A001"`, `"number":"A002","ahead":1`} {
		out.Reset()
		if code := run([]string{"ticket", "draw", "--prefix", "A", "--no-print", "--config", cfgPath}, &out, &errb); code != 0 {
			t.Fatalf("draw %d: %d %s", i, code, errb.String())
		}
		if !strings.Contains(out.String(), want) || !strings.Contains(out.String(), `"offline":false`) {
			t.Errorf("draw %d: %s", i, out.String())
		}
	}
}

// A site whose kiosks' blocks hold two numbers a day: the third offline
// number is refused, never wrapped into one already given.
func TestAUsedUpBlockRefuses(t *testing.T) {
	ctx := context.Background()
	p := testutil.StartPortal(t)
	if err := p.Queue().SetBlockSize(ctx, "", 2); err != nil {
		t.Fatal(err)
	}
	db := testutil.DB(t)
	out, _ := testutil.Enrolled(t, db, p)
	c, err := client.New(ctx, db, out, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	desk := testutil.Desk(t, db, nil, time.Now())
	off := store.NewOfflineTickets(db)
	q := fleet.NewOffice(off, store.NewHeldTimes(db))
	q.Set(c)
	desk.Queue, desk.Offline, desk.Now = q, off, time.Now
	texts := testutil.Texts(t).For("de")
	opt := flow.Option{ID: "ausweis", Prefix: "A", Title: "Ausweis"}
	if _, err := desk.Draw(ctx, opt, texts); err != nil { // online: the block and its size arrive
		t.Fatal(err)
	}
	q.Set(nil) // the portal out of reach
	for i := range 2 {
		if tk, err := desk.Draw(ctx, opt, texts); err != nil || !tk.Offline {
			t.Fatalf("offline draw %d: %+v %v", i, tk, err)
		}
	}
	if tk, err := desk.Draw(ctx, opt, texts); err == nil {
		t.Errorf("a third number from a block of two: %+v", tk)
	}
}

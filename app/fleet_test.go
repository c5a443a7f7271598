package main

import (
	"bytes"
	"context"
	"io/fs"
	"regexp"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"lotse/app/access"
	"lotse/app/flow"
	"lotse/app/internal/testutil"
	"lotse/app/profile"
	"lotse/app/ui"
	"lotse/assets"
	"lotse/devices/escpossim"
	"lotse/sync/client"
	"lotse/sync/outbox"
)

// bundle is the demo profile named name, with extra files.
func bundle(t *testing.T, name string, extra map[string]string) []byte {
	t.Helper()
	toml, _ := fs.ReadFile(assets.FS, "profile/profile.toml")
	files := map[string]string{"profile.toml": strings.Replace(string(toml), `name = "Bürgerbüro"`, `name = "`+name+`"`, 1)}
	for p, text := range extra {
		files[p] = text
	}
	b, err := profile.DemoBundle(files)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func alarmsOf(t *testing.T, p *testutil.Portal) string {
	t.Helper()
	list, err := p.Kiosks(context.Background(), time.Now())
	if err != nil || len(list) != 1 {
		t.Fatalf("kiosks: %v %v", list, err)
	}
	return strings.Join(list[0].Alarms, "; ")
}

// TestFleet walks a kiosk through its life at the portal: a profile
// arrives and is installed; a broken one is refused and the old one
// stays; paper near end and a guide call show in the fleet view within
// one heartbeat; revoked, it keeps its queue and sends nothing.
func TestFleet(t *testing.T) {
	ctx := context.Background()
	dataDir := t.TempDir()
	db := testutil.DB(t)
	p := testutil.StartPortal(t)
	out, _ := testutil.Enrolled(t, db, p)
	drv, sim := testutil.SimulatedPrinter(t, escpossim.Options{})
	desk := testutil.Desk(t, db, drv, time.Now())
	c, err := client.New(ctx, db, out, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := loadConfig("../assets/config/lotse.toml")
	f := newFleet(cfg, dataDir, db, out, desk, drv)
	f.setClient(c)
	var applied []*profile.Profile
	apply := func(p *profile.Profile) { applied = append(applied, p) }

	f.beat(ctx, apply)
	if a := alarmsOf(t, p); a != "" {
		t.Errorf("a healthy kiosk has alarms: %s", a)
	}

	if _, err := p.PublishProfile(ctx, "", bundle(t, "Stadtbücherei", nil)); err != nil {
		t.Fatal(err)
	}
	f.beat(ctx, apply)
	cur, err := profile.Current(dataDir)
	if err != nil || cur == nil || cur.Version != 1 || cur.Settings.Name != "Stadtbücherei" || len(applied) != 1 {
		t.Fatalf("after publishing: %+v %v, applied %d", cur, err, len(applied))
	}

	broken := map[string]string{"services/99-kaputt.yaml": "id: kaputt\nkind: form\ntitle: Kaputt\n"}
	if _, err := p.PublishProfile(ctx, "", bundle(t, "Kaputt", broken)); err != nil {
		t.Fatal(err)
	}
	f.beat(ctx, apply)
	if cur, _ := profile.Current(dataDir); cur == nil || cur.Version != 1 || len(applied) != 1 {
		t.Fatalf("a broken profile replaced the running one: %+v", cur)
	}
	f.beat(ctx, apply) // the refusal is reported
	if a := alarmsOf(t, p); !strings.Contains(a, "profile refused") || !strings.Contains(a, "99-kaputt.yaml") {
		t.Errorf("alarms after a refused profile: %s", a)
	}

	sim.SetPaperNearEnd(true)
	waitFor(t, func() bool { return drv.Status().PaperNearEnd })
	f.CallGuide(ctx, "ummelden-05-strasse")
	f.beat(ctx, apply)
	a := alarmsOf(t, p)
	if !strings.Contains(a, "printer: paper near end") || !strings.Contains(a, "guide called (1") {
		t.Errorf("alarms: %s", a)
	}

	// Revoked: three submissions wait, none goes out, all stay.
	id, _ := client.LoadIdentity(ctx, db)
	for range 3 {
		if _, err := client.Submit(ctx, id, out, "mangel", map[string]string{"wo": "Markt 3"}, false); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Revoke(ctx, id.KioskID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SendOnce(ctx); err == nil {
		t.Fatal("a revoked kiosk could send")
	}
	if !c.Status().Revoked {
		t.Error("the client does not know it was revoked")
	}
	counts, _ := out.Counts(ctx)
	if counts[outbox.Queued] != 3 {
		t.Errorf("outbox after revocation: %v", counts)
	}
	stats, _ := p.Stats(ctx)
	if stats["envelopes"] != 0 {
		t.Errorf("the portal received envelopes from a revoked kiosk: %v", stats)
	}
	runCtx, cancel := context.WithTimeout(ctx, time.Second)
	c.Run(runCtx) // a revoked kiosk's sync loop sends nothing
	cancel()
	if counts, _ := out.Counts(ctx); counts[outbox.Queued] != 3 {
		t.Errorf("outbox after the sync loop ran revoked: %v", counts)
	}
	if a := alarmsOf(t, p); a != "revoked" {
		t.Errorf("the fleet view says %q for a revoked kiosk", a)
	}
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if ok() {
			return
		}
	}
	t.Fatal("condition not reached within 10 s")
}

// TestAProfileReachesTheScreenAndThePaper: what staff publish — the
// office's name, its opening hours, waiting numbers only while open —
// is what the resident sees and what the receipts print, once the kiosk
// is idle.
func TestAProfileReachesTheScreenAndThePaper(t *testing.T) {
	toml, _ := fs.ReadFile(assets.FS, "profile/profile.toml")
	text := strings.Replace(string(toml), `name = "Bürgerbüro"`, `name = "Stadtbücherei"`, 1)
	text = regexp.MustCompile(`(?m)^opening_hours = .*$`).ReplaceAllString(text, `opening_hours = ["Sa 9:00-12:00"]`)
	text = strings.Replace(text, "tickets_only_when_open = false", "tickets_only_when_open = true", 1)
	b, err := profile.DemoBundle(map[string]string{"profile.toml": text})
	if err != nil {
		t.Fatal(err)
	}
	p, err := profile.Install(t.TempDir(), 1, b)
	if err != nil {
		t.Fatal(err)
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	saturday := time.Date(2026, 11, 28, 9, 30, 0, 0, berlin)
	desk := testutil.Desk(t, testutil.DB(t), nil, saturday)
	a := test.NewTempApp(t)
	win := a.NewWindow("Lotse")
	defer win.Close()
	win.Resize(fyne.NewSize(1280, 800))
	k := ui.New(a, win, ui.Deps{Catalogue: p.Catalogue, Texts: testutil.Texts(t), Desk: desk, Place: "Bürgerbüro Musterstadt",
		ReturnAfter: time.Minute, Now: func() time.Time { return saturday }})
	k.Home()
	applyProfile(func(f func()) { f() }, k, desk, p, func(s profile.Settings) *access.Gate {
		return access.New(access.Config{Guides: s.Guides, StaffPIN: s.Staff.PIN})
	})

	var shown []string
	for _, o := range test.LaidOutObjects(win.Content()) {
		if l, ok := o.(*widget.Label); ok {
			shown = append(shown, l.Text)
		}
	}
	screen := strings.Join(shown, "\n")
	for _, want := range []string{"Willkommen im Stadtbücherei Musterstadt", "Der Schalter ist heute geöffnet: 9:00–12:00 Uhr."} {
		if !strings.Contains(screen, want) {
			t.Errorf("the start screen lacks %q:\n%s", want, screen)
		}
	}
	job, err := desk.ReceiptJob(flow.Receipt{Service: "Mangel melden", Code: "LT-7K3M-9QPD", Issued: saturday}, testutil.Texts(t).For("de"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(job, []byte("Sa 9:00-12:00")) || !bytes.Contains(job, []byte("Stadtb")) {
		t.Errorf("the receipt does not carry the profile's name and hours: %q", job)
	}
}

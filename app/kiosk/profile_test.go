package kiosk

import (
	"bytes"
	"io/fs"
	"regexp"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"lotse/app/access"
	"lotse/app/desk"
	"lotse/app/internal/testutil"
	"lotse/app/profile"
	"lotse/app/ui"
	"lotse/assets"
)

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
	dk := testutil.Desk(t, testutil.DB(t), nil, saturday)
	a := test.NewTempApp(t)
	win := a.NewWindow("Lotse")
	defer win.Close()
	win.Resize(fyne.NewSize(1280, 800))
	k := ui.New(a, win, ui.Deps{Catalogue: p.Catalogue, Texts: testutil.Texts(t), Desk: dk, Place: "Bürgerbüro Musterstadt",
		ReturnAfter: time.Minute, Now: func() time.Time { return saturday }})
	k.Home()
	applyProfile(func(f func()) { f() }, k, dk, p, func(s profile.Settings) *access.Gate {
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
	job, _, err := dk.ReceiptJob(desk.Receipt{Service: "Mangel melden", Code: "LT-7K3M-9QPD", Issued: saturday}, testutil.Texts(t).For("de"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(job, []byte("Sa 9:00-12:00")) || !bytes.Contains(job, []byte("Stadtb")) {
		t.Errorf("the receipt does not carry the profile's name and hours: %q", job)
	}
}

package desk_test

import (
	"bytes"
	"flag"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"lotse/app/desk"
	"lotse/app/internal/testutil"
	"lotse/devices/escpos"
	"lotse/devices/escpossim"
	"lotse/sync/hours"
)

var update = flag.Bool("update", false, "rewrite the golden PNGs in testdata/golden")

// printed renders a job through the simulator's interpreter, as paper.
func printed(t *testing.T, job []byte, p escpos.Profile) image.Image {
	t.Helper()
	cmds, used, err := escpossim.Parse(job)
	if err != nil || used != len(job) {
		t.Fatalf("simulator refused the job at byte %d of %d: %v", used, len(job), err)
	}
	img, err := escpossim.Render(cmds, p)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func decodeQR(t *testing.T, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("no readable QR code on the paper: %v", err)
	}
	return res.GetText()
}

// golden compares img with testdata/golden/name, byte for byte as PNG.
// Run `go test ./app/flow -run Golden -update` after an intended change,
// and look at the new pictures before committing them.
func golden(t *testing.T, name string, img image.Image) {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		got := filepath.Join(t.TempDir(), name)
		os.WriteFile(got, buf.Bytes(), 0o644)
		t.Errorf("%s differs from the golden image; new one at %s", name, got)
	}
}

func TestGoldenTicketsAndReceipts(t *testing.T) {
	texts := testutil.Texts(t).For("de")
	issued := time.Date(2026, 11, 22, 9, 41, 0, 0, time.UTC)
	for _, prof := range []string{"TM-T20II", "generic-58mm"} {
		t.Run(prof, func(t *testing.T) {
			d := testutil.Desk(t, testutil.DB(t), nil, issued)
			d.Profile = testutil.Profile(t, prof)
			d.Hours, _ = hours.Parse([]string{"Mo-Mi 8:00-16:00", "Do 8:00-18:00", "Fr 8:00-12:00"}, nil)
			ticket, _, err := d.TicketJob(desk.Ticket{Number: "B017", Service: "Meldewesen", Room: "Wartebereich 2",
				Issued: issued.In(d.Location)}, texts)
			if err != nil {
				t.Fatal(err)
			}
			img := printed(t, ticket, d.Profile)
			if img.Bounds().Dx() != d.Profile.Dots() {
				t.Errorf("paper %d dots wide, want %d", img.Bounds().Dx(), d.Profile.Dots())
			}
			if got := decodeQR(t, img); got != "https://portal.example/w/2026-11-22/B017" {
				t.Errorf("ticket QR says %q", got)
			}
			golden(t, "ticket-"+prof+".png", img)

			rc, _, err := d.ReceiptJob(desk.Receipt{Service: "Sperrmüll anmelden", Code: "LT-7K3M-9QPD",
				Next: "Sie erhalten innerhalb von zwei Wochen einen Abholtermin per Post.", Issued: issued}, texts)
			if err != nil {
				t.Fatal(err)
			}
			img = printed(t, rc, d.Profile)
			if got := decodeQR(t, img); got != "https://portal.example/s/LT-7K3M-9QPD" {
				t.Errorf("receipt QR says %q", got)
			}
			golden(t, "receipt-"+prof+".png", img)

			// Words, whatever the paper width wrapped.
			text := strings.Join(strings.Fields(escpossim.NewJob(mustParse(t, rc), d.Profile).Text()), " ")
			for _, want := range []string{"Eingangsbestätigung", "Sperrmüll anmelden", "LT-7K3M-9QPD", "22.11.2026 um 10:41 Uhr",
				"Persönlich am Schalter: Mo-Mi 8:00-16:00, Do 8:00-18:00, Fr 8:00-12:00"} {
				if !strings.Contains(text, want) {
					t.Errorf("receipt lacks %q:\n%s", want, text)
				}
			}
		})
	}
}

func mustParse(t *testing.T, job []byte) []escpossim.Cmd {
	cmds, _, err := escpossim.Parse(job)
	if err != nil {
		t.Fatal(err)
	}
	return cmds
}

func TestTicketBytesOnTheWire(t *testing.T) {
	texts := testutil.Texts(t).For("de")
	now := time.Date(2026, 11, 22, 9, 41, 0, 0, time.UTC)
	for _, c := range []struct {
		profile  string
		maxBytes int
	}{{"TM-T20II", 1000}, {"generic-58mm", 6000}} {
		d := testutil.Desk(t, testutil.DB(t), nil, now)
		d.Profile = testutil.Profile(t, c.profile)
		job, _, err := d.TicketJob(desk.Ticket{Number: "A001", Service: "Ausweis & Pass", Issued: now}, texts)
		if err != nil {
			t.Fatal(err)
		}
		if len(job) > c.maxBytes {
			t.Errorf("%s: waiting ticket is %d bytes, over %d", c.profile, len(job), c.maxBytes)
		}
	}
}

// A Ukrainian visitor's receipt prints in German where the code page has
// no Cyrillic, but its QR code opens the status page in Ukrainian.
func TestReceiptQRNamesTheVisitorsLanguage(t *testing.T) {
	issued := time.Date(2026, 11, 22, 9, 41, 0, 0, time.UTC)
	d := testutil.Desk(t, testutil.DB(t), nil, issued)
	d.Profile = testutil.Profile(t, "TM-T20II")
	for lang, want := range map[string]string{"uk": "https://portal.example/s/LT-7K3M-9QPD?lang=uk", "de": "https://portal.example/s/LT-7K3M-9QPD"} {
		job, german, err := d.ReceiptJob(desk.Receipt{Service: "Sperrmüll anmelden", Code: "LT-7K3M-9QPD", Issued: issued}, testutil.Texts(t).For(lang))
		if err != nil {
			t.Fatal(err)
		}
		if got := decodeQR(t, printed(t, job, d.Profile)); got != want {
			t.Errorf("%s receipt's QR says %q, want %q", lang, got, want)
		}
		if german != (lang == "uk") {
			t.Errorf("%s: paper in German %v", lang, german)
		}
	}
}

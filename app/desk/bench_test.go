package desk_test

import (
	"testing"
	"time"

	"lotse/app/desk"
	"lotse/app/internal/testutil"
)

// BenchmarkPrintJobs encodes the waiting ticket and the receipt with a
// native QR code (80 mm profile) and a raster one (58 mm profile), and
// reports the bytes on the wire and their serial time at 9600 and 115200
// baud (8N1). Targets: ticket with native QR ≤ 1,000 bytes (≤ 1.1 s at
// 9600), with raster QR ≤ 6,000 bytes; encoding under 1 ms.
func BenchmarkPrintJobs(b *testing.B) {
	texts := testutil.Texts(b).For("de")
	now := time.Date(2026, 11, 22, 9, 41, 0, 0, time.UTC)
	for _, c := range []struct{ name, profile string }{{"native-qr", "TM-T20II"}, {"raster-qr", "generic-58mm"}} {
		dk := testutil.Desk(b, testutil.DB(b), nil, now)
		dk.Profile = testutil.Profile(b, c.profile)
		jobs := map[string]func() ([]byte, error){
			"ticket": func() ([]byte, error) {
				job, _, err := dk.TicketJob(desk.Ticket{Number: "A001", Service: "Ausweis & Pass", Issued: now}, texts)
				return job, err
			},
			"receipt": func() ([]byte, error) {
				job, _, err := dk.ReceiptJob(desk.Receipt{Service: "Sperrmüll anmelden", Code: "LT-7K3M-9QPD",
					Next: "Sie erhalten innerhalb von zwei Wochen einen Abholtermin per Post.", Issued: now}, texts)
				return job, err
			},
		}
		for _, doc := range []string{"ticket", "receipt"} {
			b.Run(doc+"/"+c.name, func(b *testing.B) {
				var n int
				for b.Loop() {
					job, err := jobs[doc]()
					if err != nil {
						b.Fatal(err)
					}
					n = len(job)
				}
				b.ReportMetric(float64(n), "bytes")
				b.ReportMetric(float64(n*10)/9600, "s@9600")
				b.ReportMetric(float64(n*10)/115200, "s@115200")
			})
		}
	}
}

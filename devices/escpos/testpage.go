package escpos

// TestURL is what both QR codes on the test page hold.
const TestURL = "https://lotse.example/t/TEST-0001"

// TestPage is the page a technician prints to check a printer: every
// style, the German special characters and the euro sign, a native QR code
// (when the model has the command) and a raster one, then a cut.
func TestPage(p Profile) ([]byte, error) {
	d := New(p).Align(Center).Bold(true).Size(2, 2).Line("Lotse").Size(1, 1).Bold(false)
	d.Line("Testseite " + p.Name).Rule().Align(Left)
	d.Line("Normal: Wartenummer A001")
	d.Bold(true).Line("Fett: Wartenummer A001").Bold(false)
	d.Size(2, 1).Line("Breit: A001").Size(1, 2).Line("Hoch: A001").Size(2, 2).Line("Groß: A001").Size(1, 1)
	d.Align(Left).Line("Links").Align(Center).Line("Mitte").Align(Right).Line("Rechts").Align(Left)
	d.Line("ÄÖÜ äöü ß €")
	d.Line("Umbruch: Dieser lange Satz wird an Wortgrenzen auf die Breite des Papiers umbrochen.")
	d.Rule()
	if p.NativeQR() {
		d.Align(Center).Line("QR (Druckerbefehl):")
		d.nativeQR(TestURL, QRModule(p))
		d.Feed(1)
	} else {
		d.Line("Kein QR-Druckerbefehl: nur als Bild.")
	}
	d.Align(Center).Line("QR (Rasterbild):")
	q, err := qrBitmap(TestURL)
	if err != nil {
		return nil, err
	}
	d.rasterModules(q, QRModule(p))
	d.Line(TestURL)
	return d.Feed(3).Cut().Bytes(), nil
}

package flow

import (
	"context"
	"time"

	"lotse/devices/escpos"
)

// Receipt is the paper a resident takes home after a submission. It holds
// no personal data: the reference code leads to the case.
type Receipt struct {
	Service string
	Code    string // reference code, e.g. LT-7K3M-9QPD
	Next    string // what happens next, in the visitor's language
	Issued  time.Time
}

// ReceiptJob encodes r with layout for the desk's printer.
func (d *Desk) ReceiptJob(layout *escpos.Layout, r Receipt, texts Texts) ([]byte, error) {
	data := map[string]any{
		"Municipality": d.Municipality,
		"Place":        d.Place,
		"Service":      r.Service,
		"Code":         r.Code,
		"Next":         r.Next,
		"Date":         r.Issued.In(d.Location).Format("02.01.2006"),
		"Time":         r.Issued.In(d.Location).Format("15:04"),
		"StatusURL":    d.portalURL("/s/" + r.Code),
	}
	return layout.Render(data, escpos.RenderOptions{Profile: d.Profile, T: texts.T, Logo: d.Logo})
}

// PrintReceipt spools and prints a receipt.
func (d *Desk) PrintReceipt(ctx context.Context, layout *escpos.Layout, r Receipt, texts Texts) error {
	return d.print(ctx, "receipt", r.Code, func() ([]byte, error) { return d.ReceiptJob(layout, r, texts) })
}

package desk

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"lotse/app/flow"
	"lotse/devices/escpos"
)

// Sealer seals a submission to the portal's key and stores it durably; it
// returns the reference code. Once it returns nil, the answers are safe on
// disk and the resident may be told so.
type Sealer interface {
	Seal(ctx context.Context, service, guide string, data map[string]string) (code string, err error)
}

// Receipt is the paper a resident takes home after a submission. It holds
// no personal data: the reference code leads to the case.
type Receipt struct {
	// ServiceID, Service and Next are the service's id, title and what
	// happens next as the catalogue file has them; the receipt prints
	// them in the visitor's language where it can.
	ServiceID string
	Service   string
	Code      string // reference code, e.g. LT-7K3M-9QPD
	Next      string
	// Notes are the further lines of what happens next that the answers
	// call for.
	Notes  []flow.Note
	Issued time.Time
	// PrintErr is set when the submission is stored but the receipt did
	// not print; the screen then shows the code to write down.
	PrintErr error
	// PaperInGerman: the printer could not print the visitor's language.
	PaperInGerman bool
}

// Submit seals the answers of a complete form into the outbox, then prints
// the receipt. An error means nothing was stored and the resident still has
// their answers on screen; a print failure is reported in the Receipt.
func (d *Desk) Submit(ctx context.Context, f *flow.Form, texts flow.Texts) (Receipt, error) {
	if !f.Complete() {
		return Receipt{}, fmt.Errorf("submit %s: the form is not complete", f.Service.ID)
	}
	code, err := d.Sealer.Seal(ctx, f.Service.ID, f.Guide, f.Data())
	if err != nil {
		return Receipt{}, fmt.Errorf("submit %s: %w", f.Service.ID, err)
	}
	r := Receipt{ServiceID: f.Service.ID, Service: f.Service.Title, Code: code, Next: f.Service.Next, Notes: f.Notes(),
		Issued: d.Now().In(d.Location)}
	r.PrintErr = d.print(ctx, "receipt", r.Code, r.Service, func() (job []byte, err error) {
		job, r.PaperInGerman, err = d.ReceiptJob(r, texts)
		return job, err
	})
	// The service and code are not personal data; the answers never reach a log.
	if r.PrintErr != nil {
		slog.Warn("submission stored, receipt not printed", "service", f.Service.ID, "code", code, "err", r.PrintErr)
	} else {
		slog.Info("submission stored", "service", f.Service.ID, "code", code)
	}
	return r, nil
}

// ReceiptJob encodes r with the desk's receipt layout, in the visitor's
// language or, where the printer cannot print it, in German (german says
// so).
func (d *Desk) ReceiptJob(r Receipt, texts flow.Texts) (job []byte, german bool, err error) {
	set := d.Current()
	return set.inPrintable(texts, func(tr flow.Texts) ([]byte, error) {
		p := "svc." + r.ServiceID + "."
		data := map[string]any{
			"Municipality": set.Municipality,
			"Place":        set.Place,
			"Service":      lookup(tr, p+"title", r.Service),
			"Code":         r.Code,
			"Next":         r.NextIn(tr),
			"Date":         r.Issued.In(d.Location).Format("02.01.2006"),
			"Time":         r.Issued.In(d.Location).Format("15:04"),
			"StatusURL":    d.caseURL(r.Code, langOf(texts)),
			"Hours":        "",
		}
		if set.Hours.Known() {
			data["Hours"] = set.Hours.Format(tr, "-", ", ")
		}
		return d.ReceiptLayout.Render(data, escpos.RenderOptions{Profile: set.Profile, T: tr.T, Logo: set.Logo})
	})
}

// caseURL is the status page of code in the visitor's language (German
// needs no mark: the QR code stays small).
func (d *Desk) caseURL(code, lang string) string {
	if lang == "de" {
		return d.portalURL("/s/" + code)
	}
	return d.portalURL("/s/" + code + "?lang=" + url.QueryEscape(lang))
}

// NextIn is what happens next in tr's language: the service's text and
// the notes the answers called for, a line each.
func (r Receipt) NextIn(tr flow.Texts) string {
	lines := []string{lookup(tr, "svc."+r.ServiceID+".next", r.Next)}
	l, _ := tr.(flow.Lookup)
	for _, n := range r.Notes {
		lines = append(lines, n.In(l, r.ServiceID))
	}
	return strings.Join(lines, "\n")
}

package ui

import (
	"context"
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"lotse/app/ui/widgets"
	"lotse/sync/refcode"
	"lotse/sync/wire"
)

// statusTimeout bounds asking the portal while a resident waits.
const statusTimeout = 10 * time.Second

// showStatusAsk asks for a receipt's reference code ("LT-7K3M-9QPD").
func (k ticketScreens) showStatusAsk(problem string) {
	k.booking.typed("status-ask", k.v.tr.T("status_ask"), "", widgets.KeyboardText, false, problem, nil,
		func() { k.showStatusAsk(problem) }, func(v string) {
			code, err := refcode.Parse(v)
			if err != nil {
				k.showStatusAsk(k.v.tr.T("status_bad_code"))
				return
			}
			k.lookUpStatus(code)
		})
}

// lookUpStatus asks for code's state off the UI goroutine.
func (k ticketScreens) lookUpStatus(code string) {
	k.help.showWait("status-loading")
	screen := k.screen
	cases := k.deps.Cases
	k.spawn(func() {
		ctx, cancel := context.WithTimeout(context.Background(), statusTimeout)
		defer cancel()
		s, err := cases.CaseStatus(ctx, code)
		fyne.Do(func() {
			if k.screen != screen {
				return
			}
			k.showStatus(code, s, err)
		})
	})
}

// showStatus says in the resident's language how far code has got.
func (k ticketScreens) showStatus(code string, s wire.CaseStatus, err error) {
	var lines []string
	switch {
	case errors.Is(err, wire.ErrNoCase):
		lines = []string{k.v.tr.T("status_unknown")}
	case err != nil:
		lines = []string{k.v.tr.T("status_unreachable")}
	default:
		lines = []string{map[string]string{
			"waiting":  k.v.tr.T("status_waiting"),
			"received": k.v.tr.T("status_received"),
			"accepted": k.v.tr.T("status_accepted"),
			"rejected": k.v.tr.T("status_rejected"),
		}[s.State]}
		if lines[0] == "" {
			lines[0] = k.v.tr.T("status_received")
		}
		if s.Reason != "" {
			lines = append(lines, k.v.tr.T("status_reason", map[string]any{"Reason": s.Reason}))
		}
	}
	body := container.NewVBox(bigText(code, widgets.SizeCodeText), paragraph(strings.Join(lines, "\n")))
	k.display(screen{name: "status-" + strings.ToLower(s.State), bar: true, redraw: func() { k.showStatus(code, s, err) },
		content: container.NewBorder(heading(k.v.tr.T("status_title")), k.finishRow(), nil, nil, body)})
}

// receiptCode is the reference code of a receipt's QR code (the portal's
// status page, …/s/LT-7K3M-9QPD) or of the code itself, scanned.
func receiptCode(scanned string) (string, bool) {
	s := strings.TrimSpace(scanned)
	if i := strings.LastIndex(s, "/s/"); i >= 0 {
		s = s[i+len("/s/"):]
		if j := strings.IndexAny(s, "?#/"); j >= 0 {
			s = s[:j]
		}
	} else if !strings.HasPrefix(strings.ToUpper(s), "LT") {
		return "", false // a card's number is never a code
	}
	code, err := refcode.Parse(s)
	return code, err == nil
}

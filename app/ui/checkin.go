package ui

import (
	"context"
	"errors"
	"log/slog"
	"strings"

	"fyne.io/fyne/v2"

	"lotse/app/flow"
	"lotse/app/ui/widgets"
	"lotse/sync/wire"
)

// refusedText says why a booking code gave no number, by the portal's
// reason.
var refusedText = map[string]string{
	"unknown": "checkin_unknown", "not_today": "checkin_not_today", "late": "checkin_late", "not_booked": "checkin_not_booked",
}

// startCheckIn asks for the booking code on the numeric pad.
func (k bookingScreens) startCheckIn(svc flow.Service) { k.showCheckIn(svc, "", "") }

func (k bookingScreens) showCheckIn(svc flow.Service, value, problem string) {
	k.typed(svc.ID, k.v.tr.T("checkin_title"), value, widgets.KeyboardDigits, false, problem, nil,
		func() { k.showCheckIn(svc, value, problem) }, func(code string) {
			code = strings.ReplaceAll(code, " ", "")
			if !wire.ValidBookingCode(code) {
				k.showCheckIn(svc, code, k.v.tr.T("checkin_wrong_code"))
				return
			}
			k.checkIn(svc, code)
		})
}

// checkIn gives the appointment its waiting number and prints it.
func (k bookingScreens) checkIn(svc flow.Service, code string) {
	if k.appointments() == nil {
		k.showBookingMessage(svc.ID+"-offline", k.v.tr.T("checkin_offline"))
		return
	}
	k.help.showWait(svc.ID + "-checking")
	tr := k.v.tr
	k.spawn(func() {
		ctx, cancel := context.WithTimeout(context.Background(), bookingTimeout)
		defer cancel()
		t, err := k.deps.Appointments.CheckIn(ctx, code, tr)
		fyne.Do(func() {
			var refused *wire.CheckInRefusedError
			switch {
			case errors.As(err, &refused):
				at := refused.Start.In(k.deps.Now().Location())
				key, ok := refusedText[refused.Reason]
				if !ok {
					key = "checkin_unknown"
				}
				k.showBookingMessage(svc.ID+"-"+refused.Reason, k.v.tr.T(key,
					map[string]any{"Date": k.forms.longDate(at), "Time": at.Format("15:04")}))
			case err != nil:
				slog.Warn("check-in failed", "err", err)
				k.showBookingMessage(svc.ID+"-offline", k.v.tr.T("checkin_offline"))
			default:
				k.tickets.showTicket(t)
			}
		})
	})
}

// bookingCode reads a booking code from what a scanner read: the code, or
// the appointment's page address a confirmation's QR code holds
// (…/termin/SITE/CODE?s=…).
func bookingCode(scanned string) (string, bool) {
	s := strings.TrimSpace(scanned)
	if i := strings.Index(s, "/termin/"); i >= 0 {
		s = s[i+len("/termin/"):]
		if j := strings.IndexByte(s, '/'); j >= 0 {
			s = s[j+1:]
		}
		if j := strings.IndexAny(s, "?#/"); j >= 0 {
			s = s[:j]
		}
	}
	return s, wire.ValidBookingCode(s)
}

package ui

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"lotse/app/desk"
	"lotse/app/flow"
	"lotse/app/ui/widgets"
	"lotse/sync/wire"
)

// bookingTimeout bounds one call to the portal while a resident waits.
const bookingTimeout = 15 * time.Second

// bookingVisit is an appointment being booked: what was chosen and typed.
// endVisit forgets it with the rest of the visit.
type bookingVisit struct {
	svc     flow.Service // the catalogue's booking tile
	service wire.BookableService
	from    time.Time // the Monday of the first of the four weeks shown
	slots   []wire.Slot
	day     time.Time
	start   time.Time
	name    string
	phone   string
	key     string // the booking's idempotency key: a retry books once
	// offline: the portal is out of reach; the visit books one of the
	// times the portal holds for this kiosk.
	offline bool
}

// wipe forgets the name and number typed.
func (b *bookingVisit) wipe() {
	b.name, b.phone = "", ""
}

// appointments is the kiosk's appointment book, nil without one.
func (k bookingScreens) appointments() Appointments { return k.deps.Appointments }

// startBooking asks the portal what can be booked here.
func (k bookingScreens) startBooking(svc flow.Service) {
	book := k.appointments()
	if book == nil {
		k.showBookingOffline(svc)
		return
	}
	k.help.showWait(svc.ID + "-loading")
	screen := k.screen
	lang := k.v.tr.Lang()
	k.spawn(func() {
		ctx, cancel := context.WithTimeout(context.Background(), bookingTimeout)
		defer cancel()
		list, err := book.BookableServices(ctx, lang)
		fyne.Do(func() {
			if k.screen != screen {
				return // the resident went elsewhere meanwhile
			}
			switch {
			case errors.Is(err, wire.ErrNoBooking) || err == nil && len(list) == 0:
				k.showNoBooking(svc, svc.ID+"-none", "booking_none")
			case err != nil:
				slog.Warn("booking: services", "err", err)
				k.showBookingOffline(svc)
			default:
				k.v.book = &bookingVisit{svc: svc, key: rand.Text()}
				k.showBookingServices(list)
			}
		})
	})
}

// showBookingOffline offers the times the portal holds for this kiosk
// when there are any; otherwise it says plainly that booking needs the
// office's portal, and offers the request form instead.
func (k bookingScreens) showBookingOffline(svc flow.Service) {
	if book := k.appointments(); book != nil {
		// The kiosk's own SQLite file: no network, no wait.
		list, err := book.HeldServices(context.Background(), k.v.tr.Lang())
		if err != nil {
			slog.Warn("booking: held times", "err", err)
		}
		if len(list) > 0 {
			k.v.book = &bookingVisit{svc: svc, key: rand.Text(), offline: true}
			k.showBookingServices(list)
			return
		}
	}
	k.showNoBooking(svc, svc.ID+"-offline", "booking_offline_text")
}

// showNoBooking says why nothing can be booked (textKey) and offers the
// request form.
func (k bookingScreens) showNoBooking(svc flow.Service, name, textKey string) {
	text := paragraph(k.v.tr.T(textKey))
	var actions []fyne.CanvasObject
	for _, s := range k.deps.Catalogue.Services {
		if s.Kind == flow.KindAppointment {
			actions = append(actions, widgets.NewTile(k.texts.tService(s).Title, tileIcon(s.Icon), func() { k.forms.startForm(s) }))
			break
		}
	}
	k.display(screen{name: name, bar: true, redraw: func() { k.showNoBooking(svc, name, textKey) },
		content: container.NewBorder(heading(k.v.tr.T("booking_offline_title")), nil, nil, nil,
			container.NewVBox(text, tileGrid(actions...)))})
}

func (k bookingScreens) showBookingMessage(name, text string) {
	msg := paragraph(text)
	msg.Alignment = fyne.TextAlignCenter
	k.display(screen{name: name, bar: true, redraw: func() { k.showBookingMessage(name, text) }, content: middle(msg)})
}

func (k bookingScreens) showBookingServices(list []wire.BookableService) {
	var tiles []fyne.CanvasObject
	for _, s := range list {
		tiles = append(tiles, widgets.NewTile(s.Title, nil, func() {
			k.v.book.service = s
			k.v.book.from = thisMonday(k.deps.Now())
			k.loadWeeks()
		}))
	}
	name, top := k.v.book.svc.ID+"-service", fyne.CanvasObject(heading(k.v.tr.T("booking_service_title")))
	if k.v.book.offline {
		name, top = k.v.book.svc.ID+"-held", container.NewVBox(paragraph(k.v.tr.T("booking_held_note")), top)
	}
	k.display(screen{name: name, bar: true, redraw: func() { k.showBookingServices(list) },
		content: container.NewBorder(top, nil, nil, nil, tileGrid(tiles...))})
}

// weeks is how many weeks one calendar screen shows: four rows of days
// that stay 15 mm targets on the smallest kiosk screen, in large text.
const weeks = 4

// thisMonday is the Monday of t's week, at midnight.
func thisMonday(t time.Time) time.Time {
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

// loadWeeks fetches the times of the weeks shown and shows their days.
func (k bookingScreens) loadWeeks() {
	b := k.v.book
	book := k.appointments()
	k.help.showWait(b.svc.ID + "-loading")
	screen := k.screen
	k.spawn(func() {
		ctx, cancel := context.WithTimeout(context.Background(), bookingTimeout)
		defer cancel()
		var slots []wire.Slot
		var err error
		if b.offline {
			slots, err = book.HeldSlots(ctx, b.service.ID)
		} else {
			slots, err = book.Slots(ctx, b.service.ID, b.from, 7*weeks)
		}
		fyne.Do(func() {
			if k.screen != screen || k.v.book != b {
				return
			}
			if err != nil {
				slog.Warn("booking: times", "err", err)
				k.showBookingOffline(b.svc)
				return
			}
			b.slots = slots
			k.showBookingDays()
		})
	})
}

// showBookingDays is four weeks as large day tiles, the days with free
// times tappable, earlier and later weeks by buttons, never by swiping.
func (k bookingScreens) showBookingDays() {
	b := k.v.book
	free := map[string]bool{}
	for _, s := range b.slots {
		if s.Free > 0 {
			free[s.Start.In(b.from.Location()).Format(time.DateOnly)] = true
		}
	}
	var cells []fyne.CanvasObject
	for i := range 7 {
		// Two letters: seven columns fit even in large text.
		day := []rune(k.v.tr.T(fmt.Sprintf("hours_day_%d", i+1)))
		l := widget.NewLabel(string(day[:min(2, len(day))]))
		l.Alignment = fyne.TextAlignCenter
		l.TextStyle.Bold = true
		cells = append(cells, l)
	}
	end := b.from.AddDate(0, 0, 7*weeks)
	for d := b.from; d.Before(end); d = d.AddDate(0, 0, 1) {
		label := fmt.Sprint(d.Day())
		if d.Day() == 1 || d.Equal(b.from) {
			label += "." + fmt.Sprint(int(d.Month())) + "."
		}
		if !free[d.Format(time.DateOnly)] {
			l := widget.NewLabel(label)
			l.Alignment = fyne.TextAlignCenter
			cells = append(cells, l)
			continue
		}
		day := d
		cells = append(cells, widgets.NewSmallButton(label, func() { k.showBookingTimes(day) }))
	}
	last := end.AddDate(0, 0, -1)
	span := k.v.tr.T(fmt.Sprintf("month_%d", int(b.from.Month()))) + " " + fmt.Sprint(b.from.Year())
	if last.Month() != b.from.Month() {
		span = k.v.tr.T(fmt.Sprintf("month_%d", int(b.from.Month()))) + " / " + k.v.tr.T(fmt.Sprintf("month_%d", int(last.Month()))) +
			" " + fmt.Sprint(last.Year())
	}
	var nav []fyne.CanvasObject
	if b.from.After(thisMonday(k.deps.Now())) {
		nav = append(nav, widgets.NewSmallButton(k.v.tr.T("booking_prev_month"), func() { b.from = b.from.AddDate(0, 0, -7*weeks); k.loadWeeks() }))
	}
	nav = append(nav, layout.NewSpacer(), widgets.NewSmallButton(k.v.tr.T("booking_next_month"), func() { b.from = end; k.loadWeeks() }))
	body := fyne.CanvasObject(container.NewGridWithColumns(7, cells...))
	if len(free) == 0 {
		body = container.NewVBox(paragraph(k.v.tr.T("booking_no_days")), body)
	}
	k.display(screen{name: b.svc.ID + "-day", bar: true, redraw: k.showBookingDays,
		content: container.NewBorder(heading(k.v.tr.T("booking_day_title", map[string]any{"Month": span})), container.NewHBox(nav...), nil, nil, body)})
}

func (k bookingScreens) showBookingTimes(day time.Time) {
	b := k.v.book
	b.day = day
	var tiles []fyne.CanvasObject
	for _, s := range b.slots {
		at := s.Start.In(day.Location())
		if s.Free == 0 || at.YearDay() != day.YearDay() || at.Year() != day.Year() {
			continue
		}
		tiles = append(tiles, widgets.NewTile(at.Format("15:04"), nil, func() { b.start = at; k.showBookingName("") }))
	}
	k.display(screen{name: b.svc.ID + "-time", bar: true, redraw: func() { k.showBookingTimes(day) },
		content: container.NewBorder(heading(k.v.tr.T("booking_time_title", map[string]any{"Date": k.forms.longDate(day)})), nil, nil, nil,
			container.NewVScroll(tileGrid(tiles...)))})
}

// typed is a question answered on the on-screen keyboard.
func (k bookingScreens) typed(name, question, value string, mode widgets.KeyboardMode, autoCap bool, problem string, extra []fyne.CanvasObject,
	redraw func(), done func(string)) {
	field := widgets.NewField()
	field.Max = 80
	field.SetText(value)
	submit := func() { done(strings.TrimSpace(field.Text())) }
	field.OnSubmit = submit
	kb := widgets.NewKeyboard(field, mode, k.forms.keyLabels(), autoCap)
	kb.OnPress = func() { fyne.Do(k.registry.writeUIMap) }
	kb.OnKey = func(n string) { k.voice.spokenKey(field, n) }
	top := container.NewVBox(heading(question), container.NewBorder(nil, nil, nil, container.NewHBox(append(extra, k.forms.nextButton(submit))...), field))
	if problem != "" {
		field.Invalid = true
		top.Add(errorLine(problem))
	}
	defer k.win.Canvas().Focus(field)
	k.display(screen{name: name, bar: true, redraw: redraw,
		content: container.NewBorder(top, nil, nil, nil, container.NewVBox(layout.NewSpacer(), kb))})
}

func (k bookingScreens) showBookingName(problem string) {
	b := k.v.book
	k.typed(b.svc.ID+"-name", k.v.tr.T("booking_name_title"), b.name, widgets.KeyboardText, true, problem, nil,
		func() { k.showBookingName(problem) }, func(v string) {
			b.name = v
			if fe := wire.CheckBook(wire.BookRequest{Service: "x", Start: b.start, Name: v}); fe != nil {
				k.showBookingName(k.v.tr.T("invalid_name_short"))
				return
			}
			k.showBookingPhone("")
		})
}

func (k bookingScreens) showBookingPhone(problem string) {
	b := k.v.book
	skip := widgets.NewSmallButton(k.v.tr.T("form_skip"), func() { b.phone = ""; k.showBookingSummary() })
	k.typed(b.svc.ID+"-phone", k.v.tr.T("booking_phone_title"), b.phone, widgets.KeyboardPhone, false, problem,
		[]fyne.CanvasObject{skip}, func() { k.showBookingPhone(problem) }, func(v string) {
			b.phone = v
			if fe := wire.CheckBook(wire.BookRequest{Service: "x", Start: b.start, Name: b.name, Phone: v}); fe != nil {
				k.showBookingPhone(k.v.tr.T("booking_phone_bad"))
				return
			}
			k.showBookingSummary()
		})
}

func (k bookingScreens) showBookingSummary() {
	b := k.v.book
	lines := []string{b.service.Title, k.v.tr.T("booking_when", map[string]any{"Date": k.forms.longDate(b.start), "Time": b.start.Format("15:04")})}
	if b.service.Room != "" {
		lines = append(lines, b.service.Room)
	}
	lines = append(lines, b.name)
	if b.phone != "" {
		lines = append(lines, b.phone)
	}
	if b.offline {
		lines = append(lines, "", k.v.tr.T("booking_held_done"))
	}
	book := widgets.NewActionButton(k.v.tr.T("booking_book"), theme.ConfirmIcon(), k.bookNow)
	k.display(screen{name: b.svc.ID + "-summary", bar: true, redraw: k.showBookingSummary,
		content: container.NewBorder(heading(k.v.tr.T("booking_summary_title")), container.NewHBox(layout.NewSpacer(), book), nil, nil,
			middle(paragraph(strings.Join(lines, "\n"))))})
}

// bookNow books at the portal and prints the confirmation; a tap twice
// books once (the wait screen, and the key).
func (k bookingScreens) bookNow() {
	b := k.v.book
	k.help.showWait(b.svc.ID + "-booking")
	tr := k.v.tr
	req := wire.BookRequest{Service: b.service.ID, Start: b.start, Name: b.name, Phone: b.phone, Lang: k.v.tr.Lang()}
	k.spawn(func() {
		ctx, cancel := context.WithTimeout(context.Background(), bookingTimeout)
		defer cancel()
		var a desk.Appointment
		var err error
		if b.offline {
			a, err = k.deps.Appointments.BookHeld(ctx, req, tr)
		} else {
			a, err = k.deps.Appointments.Book(ctx, b.key, req, tr)
		}
		fyne.Do(func() {
			switch {
			case errors.Is(err, wire.ErrFull):
				b.key = rand.Text() // another time is another booking
				b.start = time.Time{}
				k.showBookingMessage(b.svc.ID+"-full", k.v.tr.T("booking_full"))
				k.after(5*time.Second, k.loadWeeks)
			case err != nil:
				slog.Warn("booking failed", "err", err)
				k.showBookingMessage(b.svc.ID+"-failed", k.v.tr.T("booking_failed"))
			default:
				b.wipe()
				k.showBooked(a)
			}
		})
	})
}

func (k bookingScreens) showBooked(a desk.Appointment) {
	at := a.Start.In(k.deps.Now().Location())
	printed := k.tickets.printedLine(k.v.tr.T("booking_printed"), k.v.tr.T("booking_not_printed"), a.PrintErr, a.PaperInGerman)
	next := k.v.tr.T("booking_done_hint")
	if a.Offline {
		next = k.v.tr.T("booking_held_done") + "\n" + next
	}
	// The title, the day, the service and the room may be long: wrapped,
	// in half the width. Beside them the paper first (or that it did not
	// come), then the day itself.
	content := k.tickets.confirmation(
		[]fyne.CanvasObject{
			panelLine(k.v.tr.T("booking_done_title"), theme.SizeNameHeadingText),
			panelLine(k.v.tr.T("booking_when", map[string]any{"Date": k.forms.longDate(at), "Time": at.Format("15:04")}), theme.SizeNameSubHeadingText),
			panelLine(strings.TrimSuffix(a.Title+" · "+a.Room, " · "), theme.SizeNameText),
			bigText(k.v.tr.T("booking_done_code"), theme.SizeNameSubHeadingText),
			bigText(a.Code, widgets.SizeCodeText)},
		nil,
		printed, paragraph(next))
	k.display(screen{name: "booking-done", redraw: func() { k.showBooked(a) }, content: content})
	k.after(k.deps.ReturnAfter, k.Home)
}

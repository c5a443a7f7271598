package ui

import (
	"context"
	"image/color"
	"log/slog"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"lotse/app/desk"
	"lotse/app/flow"
	"lotse/app/ui/widgets"
	"lotse/sync/hours"
)

// drawTimeout bounds one draw including printing, so a hung printer line
// never leaves a resident in front of "Einen Moment bitte" forever.
const drawTimeout = 20 * time.Second

func (k ticketScreens) showTicketChoice(svc flow.Service) {
	if k.deps.TicketsOnlyWhenOpen && k.deps.Hours.Known() && !k.deps.Hours.OpenAt(k.deps.Now()) {
		k.showTicketsClosed(svc)
		return
	}
	var tiles []fyne.CanvasObject
	loc := k.texts.tService(svc)
	for i, opt := range svc.Options {
		tiles = append(tiles, widgets.NewTile(loc.Options[i].Title, nil, func() { k.draw(opt) }))
	}
	k.display(screen{name: svc.ID, bar: true, redraw: func() { k.showTicketChoice(svc) },
		content: container.NewBorder(heading(k.v.tr.T("ticket_choose_title")), nil, nil, nil, tileGrid(tiles...))})
}

// showTicketsClosed says, instead of a number for a counter that has
// closed, when numbers are given again and when the counter is open.
func (k ticketScreens) showTicketsClosed(svc flow.Service) {
	w := k.deps.Hours
	at, _ := w.Next(k.deps.Now())
	day, clock := hours.When(k.v.tr, k.deps.Now(), at)
	text := k.v.tr.T("ticket_closed_text", map[string]any{"Day": day, "Time": clock})
	week := k.v.tr.T("hours_counter", map[string]any{"Hours": w.Format(k.v.tr, "–", " · ")})
	k.display(screen{name: svc.ID + "-closed", bar: true, redraw: func() { k.showTicketsClosed(svc) },
		content: container.NewBorder(heading(k.v.tr.T("ticket_closed_title")), nil, nil, nil,
			middle(paragraph(text), paragraph(week), paragraph(k.v.tr.T("ticket_closed_forms"))))})
}

// draw shows a wait message at once (so a second tap cannot draw a second
// number) and allocates and prints off the UI goroutine.
func (k ticketScreens) draw(opt flow.Option) {
	k.help.showWait("ticket-drawing")
	tr := k.v.tr
	k.spawn(func() {
		ctx, cancel := context.WithTimeout(context.Background(), drawTimeout)
		defer cancel()
		t, err := k.deps.Desk.Draw(ctx, opt, tr)
		fyne.Do(func() {
			if err != nil {
				slog.Error("waiting number could not be drawn", "err", err)
				k.showTicketFailed()
				return
			}
			k.showTicket(t)
		})
	})
}

func (k ticketScreens) showTicket(t desk.Ticket) {
	status := k.printedLine(k.v.tr.T("ticket_printed"), k.v.tr.T("ticket_not_printed"), t.PrintErr, t.PaperInGerman)
	// Where to wait says what the general hint says, and more: it takes
	// its place (large text must still fit the screen).
	hint := k.v.tr.T("ticket_wait_hint")
	if r := k.texts.catText("svc."+t.Option.Service+"."+t.Option.ID+".room", t.Room); r != "" {
		hint = k.v.tr.T("print_ticket_room", map[string]any{"Room": r})
	}
	wait := paragraph(hint)
	switch {
	case t.Offline:
		// Said plainly: the number is valid without the network.
		wait = paragraph(k.v.tr.T("ticket_offline") + "\n" + hint)
	case !t.Due.IsZero():
		// An appointment checked in: called at its time, not by the queue.
		wait = paragraph(k.v.tr.T("checkin_called_at", map[string]any{"Time": t.Due.Format("15:04")}) + "\n" + hint)
	case t.Ahead != nil:
		lines := k.v.tr.T("ticket_ahead", map[string]any{"People": *t.Ahead})
		if t.Wait != "" {
			lines += "\n" + k.v.tr.T("ticket_wait_estimate", map[string]any{"Minutes": t.Wait})
		}
		wait = paragraph(lines + "\n" + hint)
	}
	content := k.confirmation(
		[]fyne.CanvasObject{
			bigText(k.v.tr.T("ticket_your_number"), theme.SizeNameHeadingText),
			bigText(t.Number, widgets.SizeNumberText),
			panelLine(k.texts.catText("svc."+t.Option.Service+"."+t.Option.ID+".title", t.Service), theme.SizeNameHeadingText)},
		nil,
		status, wait)
	k.display(screen{name: "ticket-number", redraw: func() { k.showTicket(t) }, content: content})
	k.after(k.deps.ReturnAfter, k.Home)
}

// finishRow is the row under a visit's last screen: a „Fertig“ button where
// the next button always is. It ends the visit; so does the timer after it.
func (k ticketScreens) finishRow() fyne.CanvasObject {
	return container.NewGridWithColumns(3, layout.NewSpacer(), layout.NewSpacer(), k.finishButton())
}

// finishButton is „Fertig“: it ends the visit.
func (k ticketScreens) finishButton() *widgets.Tile {
	return widgets.NewActionButton(k.v.tr.T("finish"), theme.ConfirmIcon(), k.Home)
}

// printout is the demo's picture of the printed ticket, or nil.
func (k ticketScreens) printout() fyne.CanvasObject {
	if k.deps.Printout == nil {
		return nil
	}
	src := k.deps.Printout()
	if src == nil {
		return nil
	}
	img := canvas.NewImageFromImage(src)
	img.FillMode = canvas.ImageFillContain
	img.ScaleMode = canvas.ImageScalePixels
	b := src.Bounds()
	h := float32(600)
	img.SetMinSize(fyne.NewSize(h*float32(b.Dx())/float32(b.Dy()), h))
	return container.NewCenter(img)
}

func (k ticketScreens) showTicketFailed() {
	msg := paragraph(k.v.tr.T("ticket_failed"))
	msg.Alignment = fyne.TextAlignCenter
	msg.Importance = widget.WarningImportance
	k.display(screen{name: "ticket-failed", redraw: k.showTicketFailed,
		content: container.NewBorder(nil, k.finishRow(), nil, nil, middle(msg))})
	k.after(k.deps.ReturnAfter, k.Home)
}

// printedLine says the paper is coming — and in German where the printer
// cannot print the visitor's language — or, as a warning in words and
// colour, that it did not print.
func (k ticketScreens) printedLine(printed, notPrinted string, err error, german bool) *widget.Label {
	switch {
	case err != nil:
		return warningLine(notPrinted)
	case german:
		return paragraph(printed + "\n" + k.v.tr.T("paper_in_german"))
	}
	return paragraph(printed)
}

// confirmation is a visit's last screen (waiting number, receipt, booked
// appointment): what the visit achieved in a panel, as GOV.UK's
// confirmation panel, with what stands under it and Fertig (under it, not
// in a row of its own: in large text on a small screen that row would
// push the rest off); beside it, under „Was passiert jetzt?“, next; the
// demo's printout at the right. The panel is a frame in the tiles'
// colour, not a filled box, so its words keep the page's contrast in
// every look.
func (k ticketScreens) confirmation(panel, under []fyne.CanvasObject, next ...fyne.CanvasObject) fyne.CanvasObject {
	frame := canvas.NewRectangle(color.Transparent)
	frame.StrokeColor = widgets.Color(widgets.ColorTile)
	frame.StrokeWidth = widgets.Size(theme.SizeNamePadding)
	frame.CornerRadius = widgets.Size(theme.SizeNamePadding)
	left := container.NewVBox(container.NewStack(frame, container.NewPadded(container.NewPadded(container.NewVBox(panel...)))))
	for _, o := range under {
		left.Add(o)
	}
	left.Add(k.finishButton())
	title := widget.NewLabel(k.v.tr.T("next_title"))
	title.SizeName = theme.SizeNameSubHeadingText
	title.TextStyle.Bold = true
	var content fyne.CanvasObject = container.NewGridWithColumns(2, left, container.NewVBox(append([]fyne.CanvasObject{title}, next...)...))
	if img := k.printout(); img != nil {
		content = container.NewBorder(nil, nil, nil, img, content)
	}
	return content
}

// panelLine is a line of a confirmation panel that may need to wrap: bold,
// centred, at size.
func panelLine(text string, size fyne.ThemeSizeName) *widget.Label {
	l := paragraph(text)
	l.SizeName = size
	l.TextStyle.Bold = true
	l.Alignment = fyne.TextAlignCenter
	return l
}

package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"

	"lotse/app/flow"
	"lotse/app/ui/widgets"
	"lotse/sync/hours"
)

// serviceScreen returns the screen that runs a kind of service, or nil for
// a kind this kiosk cannot run yet.
func serviceScreen(kind flow.Kind) func(k *Kiosk, svc flow.Service) {
	switch kind {
	case flow.KindTicket:
		return func(k *Kiosk, svc flow.Service) { k.tickets.showTicketChoice(svc) }
	case flow.KindInfo:
		return func(k *Kiosk, svc flow.Service) { k.tickets.showInfo(svc) }
	case flow.KindForm, flow.KindAppointment:
		return func(k *Kiosk, svc flow.Service) { k.forms.startForm(svc) }
	case flow.KindBooking:
		return func(k *Kiosk, svc flow.Service) { k.booking.startBooking(svc) }
	case flow.KindCheckIn:
		return func(k *Kiosk, svc flow.Service) { k.booking.startCheckIn(svc) }
	}
	return nil
}

// tileIcon maps a catalogue icon name to an icon drawn in the tile's text
// colour.
func tileIcon(name string) fyne.Resource {
	var r fyne.Resource
	switch name {
	case "ticket":
		r = theme.DocumentPrintIcon()
	case "info":
		r = theme.InfoIcon()
	case "home":
		r = theme.HomeIcon()
	case "trash":
		r = theme.DeleteIcon()
	case "warning":
		r = theme.WarningIcon()
	case "calendar":
		r = theme.CalendarIcon()
	case "idea":
		r = theme.MailComposeIcon()
	default:
		return nil
	}
	return theme.NewInvertedThemedResource(r)
}

// printerNotice is a calm line for staff when the printer needs them. It
// is on the start screen, where staff walk past, not in a resident's way.
func (k startScreen) printerNotice() string {
	s := k.printer
	switch {
	case !k.printerKnown:
		return ""
	case !s.Ready():
		return k.v.tr.T("start_printer_fault", map[string]any{"Problem": s.Problem()})
	case s.PaperNearEnd:
		return k.v.tr.T("start_printer_low")
	}
	return ""
}

// syncLine says, quietly, whether the portal is reachable and how many
// submissions wait here; nothing ever blocks a resident when it is not.
func (k startScreen) syncLine() string {
	s := k.sync
	switch {
	case !s.Known:
		return ""
	case s.Online:
		return k.v.tr.T("start_sync_online", map[string]any{"Waiting": s.Waiting})
	}
	return k.v.tr.T("start_sync_offline", map[string]any{"Waiting": s.Waiting})
}

func (k startScreen) startScreen() fyne.CanvasObject {
	var tiles []fyne.CanvasObject
	booking := false
	for _, svc := range k.deps.Catalogue.Services {
		booking = booking || svc.Kind == flow.KindBooking
	}
	for _, svc := range k.deps.Catalogue.Services {
		run := serviceScreen(svc.Kind)
		if run == nil {
			continue
		}
		if booking && svc.Kind == flow.KindAppointment {
			// Where appointments are booked, asking for one is offered
			// behind the booking tile: when booking cannot be done.
			continue
		}
		tiles = append(tiles, widgets.NewTile(k.texts.tService(svc).Title, tileIcon(svc.Icon), func() {
			k.push(k.Home, func() { run(k.Kiosk, svc) })
		}))
	}
	title := heading(k.v.tr.T("start_title", map[string]any{"Place": k.deps.Place}))
	// The hint hangs under the title without a gap of its own (the
	// labels' inner padding parts them): the room it saves lets the
	// languages' row fit under the tiles on a 15.6" panel.
	top := container.New(layout.NewCustomPaddedVBoxLayout(0),
		container.NewBorder(nil, nil, crest(k.deps.Logo, title.MinSize().Height), nil, title),
		paragraph(k.v.tr.T("start_hint")),
	)
	k.notices = container.NewVBox()
	k.fillNotices()
	k.analogLine = paragraph(k.analogText())
	var bottom fyne.CanvasObject = container.NewVBox(k.analogLine, k.notices)
	if k.deps.Cases != nil && !k.v.look.Large {
		// "Stand abfragen" beside the counter's line: a tenth tile would
		// not fit a 15.6" panel. In large text there is no room for it
		// at all; it is under Informationen, and the receipt's QR code
		// at the scanner works on every screen.
		ask := widgets.NewSmallButton(k.v.tr.T("status_tile"), func() {
			k.push(k.Home, func() { k.tickets.showStatusAsk("") })
		})
		bottom = container.NewBorder(nil, nil, nil, container.NewVBox(ask), bottom)
	}
	if k.deps.Speech != nil && len(tiles) > 0 {
		// Large and on the first screen: someone who cannot see the
		// screen well finds it with a guide's help once, then hears the rest.
		tiles = append(tiles, widgets.NewChoice(k.v.tr.T("speech_mode_button"), k.v.speechMode, func() {
			k.voice.setSpeechMode(!k.v.speechMode)
		}))
	}
	if len(tiles) == 0 {
		// Every service file is broken: residents still learn where to go.
		return container.NewBorder(top, bottom, nil, nil, middle(warningLine(k.v.tr.T("start_no_services"))))
	}
	grid := tileGrid(tiles...)
	if langs := k.languageRow(); langs != nil {
		grid = container.New(spareLayout{}, grid, langs)
	}
	return container.NewBorder(top, bottom, nil, nil, grid)
}

// fillNotices writes the start screen's quiet lines for staff: portal,
// printer, broken catalogue files. They change in place: rebuilding the
// screen under a finger would lose the resident's tap.
func (k startScreen) fillNotices() {
	var lines []fyne.CanvasObject
	if line := k.syncLine(); line != "" {
		lines = append(lines, paragraph(line))
	}
	if notice := k.printerNotice(); notice != "" {
		lines = append(lines, warningLine(notice))
	}
	if k.sync.Revoked {
		lines = append(lines, warningLine(k.v.tr.T("start_revoked")))
	}
	if n := len(k.deps.Warnings); n > 0 {
		lines = append(lines, warningLine(k.v.tr.T("start_catalogue_warning", map[string]any{"Count": n})))
	}
	k.notices.Objects = lines
	// Hidden when empty: an empty box still costs a gap above it.
	k.notices.Hidden = len(lines) == 0
	k.notices.Refresh()
	if k.atStart {
		k.win.Content().Refresh() // the lines below the tiles changed height
	}
}

// analogText says the counter is there too, and when it is open today
// or, once it has closed, when it opens again: the kiosk is never the
// only way. One label for both keeps the start screen's lines together
// in large text.
func (k startScreen) analogText() string {
	text := k.v.tr.T("start_analog")
	w := k.deps.Hours
	if !w.Known() {
		return text
	}
	now := k.deps.Now()
	if today := w.Today(now); len(today) > 0 {
		return text + "\n" + k.v.tr.T("start_hours_today", map[string]any{"Hours": hours.Spans(today, "–")})
	}
	at, ok := w.Next(now)
	if !ok {
		return text
	}
	day, clock := hours.When(k.v.tr, now, at)
	return text + "\n" + k.v.tr.T("start_hours_closed", map[string]any{"Day": day, "Time": clock})
}

// refreshHours keeps the start screen's hours true as the day passes
// (after closing time, after midnight) without rebuilding the screen.
func (k startScreen) refreshHours() {
	if !k.atStart || k.analogLine == nil {
		return
	}
	if text := k.analogText(); text != k.analogLine.Text {
		k.analogLine.SetText(text)
		k.win.Content().Refresh()
	}
}

// languageRow offers every language on the start screen itself, each in
// its own words, so a visitor who reads no German finds theirs without
// knowing the globe. In large text, and wherever it does not fit, the
// globe in the bar is one tap away.
func (k startScreen) languageRow() fyne.CanvasObject {
	langs := k.help.languages()
	if k.v.look.Large || len(langs) < 2 {
		return nil
	}
	var buttons []fyne.CanvasObject
	for _, lang := range langs {
		if lang == k.v.tr.Lang() {
			continue
		}
		tr := k.deps.Texts.For(lang)
		buttons = append(buttons, widgets.NewSmallButton(tr.T("language_name"), func() {
			k.v.tr = tr
			k.showStart()
		}))
	}
	return container.New(barLayout{}, buttons...)
}

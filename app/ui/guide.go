package ui

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"lotse/app/access"
	"lotse/app/desk"
	"lotse/app/flow"
	"lotse/app/profile"
	"lotse/app/ui/widgets"
)

// Gate checks guides' cards and PINs and the staff PIN.
type Gate interface {
	Card(id string) (profile.Guide, error)
	GuidePIN(pin string) (profile.Guide, error)
	StaffPIN(pin string) error
	LockedUntil(kind access.Kind) time.Time
}

// Reprints lists today's printouts and prints one again.
type Reprints interface {
	Today(ctx context.Context) ([]desk.PrintedJob, error)
	Reprint(ctx context.Context, id int64) error
}

// CardSeen is a card held to the reader: a guide's card starts an
// assisted visit; any other card gets a short word on the screen (its
// number is not logged), so nobody waits for a reader that ignores them.
func (k *Kiosk) CardSeen(id string) {
	if code, ok := bookingCode(id); ok && k.booking.appointments() != nil {
		// The QR code of a booking confirmation held to the scanner.
		for _, svc := range k.deps.Catalogue.Services {
			if svc.Kind == flow.KindCheckIn {
				k.push(k.Home, func() { k.booking.checkIn(svc, code) })
				return
			}
		}
	}
	if code, ok := receiptCode(id); ok && k.deps.Cases != nil {
		// The QR code of a receipt held to the scanner: how far it has got.
		k.push(k.Home, func() { k.tickets.lookUpStatus(code) })
		return
	}
	if k.deps.Gate == nil {
		return
	}
	g, err := k.deps.Gate.Card(id)
	if err != nil {
		k.guide.flash(k.v.tr.T("card_unknown"))
		return
	}
	k.guide.startGuide(g)
}

// CardUnreadable is a card held to the reader that could not be read.
func (k *Kiosk) CardUnreadable() {
	if k.deps.Gate != nil {
		k.guide.flash(k.v.tr.T("card_unreadable"))
	}
}

// flash shows text on top of the current screen, and says it, until the
// screen changes or a few seconds pass.
func (k guideScreens) flash(text string) {
	if k.cur.redraw == nil || k.cur.busy {
		k.voice.say(text) // printing or storing: the screen stays as it is
		return
	}
	k.notice = text
	k.cur.redraw()
	k.voice.say(text)
	k.after(flashFor, func() {
		k.notice = ""
		k.cur.redraw()
	})
}

// flashFor is how long a flashed notice stays.
const flashFor = 8 * time.Second

// startGuide begins an assisted visit: the banner shows on every screen,
// the guide's id goes with each submission, and the visit lasts the
// guide's longer timeout.
func (k guideScreens) startGuide(g profile.Guide) {
	k.v.guide = &g
	k.v.calledAt = time.Time{} // the guide called for has come
	if k.v.form != nil {
		k.v.form.Guide = g.ID
	}
	k.idle.touch()
	if k.cur.redraw != nil {
		k.cur.redraw()
	}
	k.voice.say(k.v.tr.T("guide_banner", map[string]any{"Name": g.Name}))
}

// endGuide logs the guide out; the visit is wiped as after any visitor.
func (k guideScreens) endGuide() {
	slog.Info("guide logged out")
	k.Home()
}

// guideBanner is the strip on top of every screen of an assisted visit.
func (k guideScreens) guideBanner() fyne.CanvasObject {
	// The banner's colours are the chosen tile's: set apart from the
	// screen, readable in both looks.
	label := canvas.NewText(k.v.tr.T("guide_banner", map[string]any{"Name": k.v.guide.Name}), widgets.Color(widgets.ColorChosenText))
	label.TextSize = widgets.Size(theme.SizeNameText)
	label.TextStyle.Bold = true
	buttons := []fyne.CanvasObject{widgets.NewSmallButton(k.v.tr.T("guide_menu"), func() { k.push(k.cur.redraw, k.showGuideMenu) })}
	if k.v.form != nil && !k.v.form.AtSummary() {
		buttons = append(buttons, widgets.NewSmallButton(k.v.tr.T("guide_steps"), func() { k.push(k.cur.redraw, k.showSteps) }))
	}
	buttons = append(buttons, widgets.NewSmallButton(k.v.tr.T("guide_logout"), k.endGuide))
	bg := canvas.NewRectangle(widgets.Color(widgets.ColorChosen))
	return container.NewStack(bg, container.NewPadded(container.NewBorder(nil, nil, container.NewCenter(label), container.NewHBox(buttons...))))
}

// showSteps lets a guide jump to any question of the form.
func (k guideScreens) showSteps() {
	var tiles []fyne.CanvasObject
	lines := k.v.form.Summary()
	lo, hi, where, foot := k.forms.paging(len(lines), 8, &k.v.fs.stepsPage, k.showSteps)
	for _, l := range lines[lo:hi] {
		step := k.texts.tStep(l.Step)
		tiles = append(tiles, widgets.NewSmallButton(step.Title(), func() {
			if err := k.v.form.Change(step.ID); err == nil {
				k.v.fs.problem = nil
				k.forms.showStep()
			}
		}))
	}
	k.display(screen{name: "guide-steps", bar: true, redraw: k.showSteps, back: k.pop,
		content: container.NewBorder(container.NewBorder(nil, nil, nil, where, heading(k.v.tr.T("guide_steps"))),
			container.New(barLayout{}, foot...), nil, nil, tileGrid(tiles...))})
}

// showGuideMenu lists today's tickets and receipts for a reprint.
func (k guideScreens) showGuideMenu() {
	var rows []fyne.CanvasObject
	if k.deps.Reprints != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		jobs, err := k.deps.Reprints.Today(ctx)
		cancel()
		if err != nil {
			slog.Error("guide menu: print spool", "err", err)
		}
		for i, j := range jobs {
			if i == 5 {
				break // the newest five: a guide reprints what was just lost
			}
			state := k.v.tr.T("guide_job_queued")
			switch j.State {
			case "printed":
				state = k.v.tr.T("guide_job_printed")
			case "sent":
				state = k.v.tr.T("guide_job_sent")
			case "failed":
				state = k.v.tr.T("guide_job_failed")
			}
			kind := map[string]string{"ticket": k.v.tr.T("guide_kind_ticket"), "receipt": k.v.tr.T("guide_kind_receipt"),
				"appointment": k.v.tr.T("guide_kind_appointment")}[j.Kind]
			text := k.v.tr.T("guide_job", map[string]any{"Kind": kind, "Label": j.Label, "Service": j.Service,
				"Time": j.At.In(time.Local).Format("15:04"), "State": state})
			// A printout that failed must not read like one that came out.
			var line fyne.CanvasObject = paragraph(text)
			if j.State == "failed" {
				line = errorLine(text)
			}
			again := widgets.NewSmallButton(k.v.tr.T("guide_reprint"), func() {
				k.help.showWait("guide-reprinting")
				k.spawn(func() {
					ctx, cancel := context.WithTimeout(context.Background(), drawTimeout)
					defer cancel()
					err := k.deps.Reprints.Reprint(ctx, j.ID)
					fyne.Do(func() {
						if err != nil {
							slog.Warn("reprint failed", "label", j.Label, "err", err)
						}
						k.showGuideMenu()
					})
				})
			})
			rows = append(rows, container.NewBorder(nil, nil, nil, again, line))
		}
	}
	if len(rows) == 0 {
		rows = append(rows, paragraph(k.v.tr.T("guide_no_jobs")))
	}
	k.display(screen{name: "guide-menu", bar: true, redraw: k.showGuideMenu, back: k.pop,
		content: container.NewBorder(heading(k.v.tr.T("guide_menu_title")), nil, nil, nil, container.NewVBox(rows...))})
}

// showPIN is a PIN pad for kind: digits only, each shown as a dot and
// spoken as "Stern".
func (k guideScreens) showPIN(kind access.Kind, problem string) {
	field := widgets.NewField()
	field.Masked = true
	field.Max = 12
	kb := widgets.NewKeyboard(field, widgets.KeyboardDigits, k.forms.keyLabels(), false)
	kb.OnKey = func(name string) { k.voice.spokenKey(field, name) }
	submit := func() { k.enterPIN(kind, field) }
	field.OnSubmit = submit
	title := k.v.tr.T("pin_guide_title")
	if kind == access.Staff {
		title = k.v.tr.T("pin_staff_title")
	}
	top := container.NewVBox(heading(title))
	if until := k.deps.Gate.LockedUntil(kind); !until.IsZero() {
		problem = k.v.tr.T("pin_locked", map[string]any{"Minutes": int(time.Until(until).Minutes()) + 1})
	}
	if problem != "" {
		top.Add(warningLine(problem))
	}
	entry := container.NewBorder(nil, nil, nil, k.forms.nextButton(submit), field)
	k.display(screen{name: "pin-" + string(kind), bar: true, redraw: func() { k.showPIN(kind, "") }, back: k.pop,
		content: container.NewBorder(container.NewVBox(top, entry), nil, nil, nil, container.NewVBox(layout.NewSpacer(), kb))})
	defer k.win.Canvas().Focus(field)
}

func (k guideScreens) enterPIN(kind access.Kind, field *widgets.Field) {
	pin := field.Text()
	field.Clear()
	var err error
	switch kind {
	case access.Guide:
		var g profile.Guide
		if g, err = k.deps.Gate.GuidePIN(pin); err == nil {
			k.pop()
			k.startGuide(g)
			return
		}
	case access.Staff:
		if err = k.deps.Gate.StaffPIN(pin); err == nil {
			k.v.staffOpen = true
			k.showStaff()
			return
		}
	}
	msg := k.v.tr.T("pin_wrong")
	if errors.Is(err, access.ErrLocked) {
		msg = k.v.tr.T("pin_locked", map[string]any{"Minutes": int(access.LockFor.Minutes())})
	}
	k.showPIN(kind, msg)
}

// cornerTaps is the staff's hidden way in: five taps within 3 s in the
// top-left corner, where no resident target lies.
type cornerTaps struct {
	widget.BaseWidget
	k    *Kiosk
	taps []time.Time
}

func newCornerTaps(k *Kiosk) *cornerTaps {
	c := &cornerTaps{k: k}
	c.ExtendBaseWidget(c)
	return c
}

func (c *cornerTaps) Tapped(*fyne.PointEvent) {
	now := c.k.deps.Now()
	c.taps = append(c.taps, now)
	for len(c.taps) > 0 && now.Sub(c.taps[0]) > 3*time.Second {
		c.taps = c.taps[1:]
	}
	if len(c.taps) >= 5 && c.k.deps.Gate != nil {
		c.taps = nil
		c.k.push(c.k.cur.redraw, func() { c.k.guide.showPIN(access.Staff, "") })
	}
}

func (c *cornerTaps) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(layout.NewSpacer())
}

func (c *cornerTaps) MinSize() fyne.Size { return fyne.NewSquareSize(widgets.Size(widgets.SizeTarget)) }

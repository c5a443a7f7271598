// Package ui is the kiosk's touch interface. It reaches the rest of Lotse
// only through the small interfaces below, so screens can be tested with
// Fyne's test driver and real services behind them.
package ui

import (
	"context"
	"image"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"lotse/app/flow"
	"lotse/app/i18n"
	"lotse/devices/escpos"
)

// TicketDesk hands out waiting numbers.
type TicketDesk interface {
	Draw(ctx context.Context, opt flow.Option, texts flow.Texts) (flow.Ticket, error)
}

// Deps is what the screens need from the rest of the kiosk.
type Deps struct {
	Catalogue   *flow.Catalogue
	Desk        TicketDesk
	Texts       *i18n.Bundle
	Place       string        // "Bürgerbüro Musterstadt", in the start screen's greeting
	ReturnAfter time.Duration // how long a result screen stays up
	// Printout, in demo mode, returns the simulated printer's last page,
	// shown beside the number; nil on a real kiosk.
	Printout func() image.Image
}

// Kiosk is the running interface in one window.
type Kiosk struct {
	win  fyne.Window
	deps Deps
	// tr translates for the current visitor; a new visitor starts over in
	// the default language.
	tr *i18n.Localizer
	// screen counts screen changes, so a timer set for one screen does not
	// act on a later one.
	screen uint64
	// history holds the screens to return to with "Zurück".
	history []func()
	// spawn runs slow work off the UI goroutine and afterFunc schedules a
	// timer; tests replace both to run a visit step by step.
	spawn     func(func())
	afterFunc func(time.Duration, func())
	// printer is the printer's last status, for the staff notice on the
	// start screen; atStart says the start screen is showing.
	printer      escpos.Status
	printerKnown bool
	atStart      bool
	sync         SyncStatus
}

// SyncStatus is the quiet line on the start screen about the portal.
type SyncStatus struct {
	Known   bool
	Online  bool
	Waiting int // submissions stored here, not yet at the portal
}

// New prepares the kiosk in win and applies its theme.
func New(app fyne.App, win fyne.Window, deps Deps) *Kiosk {
	app.Settings().SetTheme(kioskTheme{})
	return &Kiosk{
		win: win, deps: deps, tr: deps.Texts.For(i18n.Default),
		spawn:     func(f func()) { go f() },
		afterFunc: func(d time.Duration, f func()) { time.AfterFunc(d, f) },
	}
}

// Home ends the visit and shows the start screen.
func (k *Kiosk) Home() {
	k.tr = k.deps.Texts.For(i18n.Default)
	k.history = nil
	k.show(k.startScreen(), false)
	k.atStart = true
}

// SetSyncStatus updates the line about the portal connection. Call it on
// the UI goroutine.
func (k *Kiosk) SetSyncStatus(s SyncStatus) {
	if s == k.sync {
		return
	}
	k.sync = s
	if k.atStart {
		k.show(k.startScreen(), false)
		k.atStart = true
	}
}

// SetPrinterStatus updates the staff notice about the printer. Call it on
// the UI goroutine.
func (k *Kiosk) SetPrinterStatus(s escpos.Status) {
	k.printer, k.printerKnown = s, true
	if k.atStart {
		k.show(k.startScreen(), false)
		k.atStart = true
	}
}

// show replaces the screen. With bar, the bottom bar with Start and Zurück
// is added.
func (k *Kiosk) show(content fyne.CanvasObject, bar bool) {
	k.screen++
	k.atStart = false
	if bar {
		content = container.NewBorder(nil, k.bar(), nil, nil, content)
	}
	k.win.SetContent(container.NewPadded(content))
}

// push shows a screen reachable with Zurück from the current one.
func (k *Kiosk) push(current, next func()) {
	k.history = append(k.history, current)
	next()
}

func (k *Kiosk) back() {
	if len(k.history) == 0 {
		k.Home()
		return
	}
	prev := k.history[len(k.history)-1]
	k.history = k.history[:len(k.history)-1]
	prev()
}

func (k *Kiosk) bar() fyne.CanvasObject {
	start := newBarButton(k.tr.T("bar_start"), theme.HomeIcon(), k.Home)
	back := newBarButton(k.tr.T("bar_back"), theme.NavigateBackIcon(), k.back)
	return container.NewGridWithColumns(4, start, back, layout.NewSpacer(), layout.NewSpacer())
}

// after runs fn after d on the UI goroutine, unless the screen changed.
func (k *Kiosk) after(d time.Duration, fn func()) {
	at := k.screen
	k.afterFunc(d, func() {
		fyne.Do(func() {
			if k.screen == at {
				fn()
			}
		})
	})
}

func heading(text string) fyne.CanvasObject {
	l := widget.NewLabel(text)
	l.SizeName = theme.SizeNameHeadingText
	l.TextStyle.Bold = true
	l.Wrapping = fyne.TextWrapWord
	return l
}

func paragraph(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

func bigText(text string, size float32, col fyne.ThemeColorName) *canvas.Text {
	t := canvas.NewText(text, theme.Color(col))
	t.TextSize = size
	t.TextStyle.Bold = true
	t.Alignment = fyne.TextAlignCenter
	return t
}

// tileGrid lays tiles out two to a row.
func tileGrid(tiles ...fyne.CanvasObject) fyne.CanvasObject {
	return container.NewGridWithColumns(2, tiles...)
}

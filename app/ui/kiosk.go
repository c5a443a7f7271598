// Package ui is the kiosk's touch interface. It reaches the rest of Lotse
// only through the small interfaces below, so screens can be tested with
// Fyne's test driver and real services behind them.
package ui

import (
	"context"
	"image"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"lotse/app/desk"
	"lotse/app/flow"
	"lotse/app/i18n"
	"lotse/app/ui/widgets"
	"lotse/devices/escpos"
	"lotse/sync/hours"
	"lotse/sync/wire"
)

// Desk hands out waiting numbers and takes submissions.
type Desk interface {
	Draw(ctx context.Context, opt flow.Option, texts flow.Texts) (desk.Ticket, error)
	Submit(ctx context.Context, f *flow.Form, texts flow.Texts) (desk.Receipt, error)
}

// Appointments books appointments at the portal and checks booked ones
// in (nil in Deps: the kiosk says booking needs the office's portal).
type Appointments interface {
	BookableServices(ctx context.Context, lang string) ([]wire.BookableService, error)
	Slots(ctx context.Context, service string, from time.Time, days int) ([]wire.Slot, error)
	Book(ctx context.Context, key string, r wire.BookRequest, texts flow.Texts) (desk.Appointment, error)
	CheckIn(ctx context.Context, code string, texts flow.Texts) (desk.Ticket, error)
	// HeldServices, HeldSlots and BookHeld book the times the portal holds
	// for the kiosk, while it cannot reach the portal.
	HeldServices(ctx context.Context, lang string) ([]wire.BookableService, error)
	HeldSlots(ctx context.Context, service string) ([]wire.Slot, error)
	BookHeld(ctx context.Context, r wire.BookRequest, texts flow.Texts) (desk.Appointment, error)
}

// CaseStatus says how far the matter with a reference code has got
// (wire.ErrNoCase: nobody knows the code).
type CaseStatus interface {
	CaseStatus(ctx context.Context, code string) (wire.CaseStatus, error)
}

// Speaker says things aloud off the UI goroutine; a new Say or Stop
// cancels what is being said.
type Speaker interface {
	Say(lang, text string)
	Stop()
	Louder() bool
	Quieter() bool
	ResetVolume()
}

// GuideCalls records a resident's "Lotse rufen" (the fleet sends it on to
// the portal). where is the screen's name, never what was typed.
type GuideCalls interface {
	CallGuide(ctx context.Context, where string) error
	// WithdrawCall takes the last call back ("Doch nicht nötig").
	WithdrawCall(ctx context.Context) error
}

// Deps is what the screens need from the rest of the kiosk.
type Deps struct {
	Catalogue *flow.Catalogue
	// Warnings name what staff must fix (broken catalogue files), counted
	// quietly at the foot of the start screen.
	Warnings []string
	Desk     Desk
	// Appointments books and checks in appointments (nil: none here).
	Appointments Appointments
	Calls        GuideCalls // nil: the call is only shown
	// Cases answers "Stand abfragen" (nil: the start screen does not
	// offer it).
	Cases CaseStatus
	// Speech reads screens aloud; nil: the kiosk has no voice.
	Speech Speaker
	// HeadsetPresent says a headset is plugged in; its arrival switches
	// speech mode on. nil: no headset detection.
	HeadsetPresent func() bool
	// Gate lets guides and staff in; Reprints and Staff serve them; nil:
	// no guides, no staff area.
	Gate     Gate
	Reprints Reprints
	Staff    StaffDesk
	// GuideTimeout is how long an assisted visit may rest (default 5 min).
	GuideTimeout time.Duration
	// Languages the picker offers, in order; nil: every loaded one.
	Languages []string
	Now       func() time.Time
	// Metrics are the screen's units per millimetre; zero: a 96 dpi monitor.
	Metrics widgets.Metrics
	// IdleAfter without a touch brings a warning; IdleWarning later the
	// visit is wiped (defaults 60 s and 30 s).
	IdleAfter, IdleWarning time.Duration
	Texts                  *i18n.Bundle
	Place                  string // "Bürgerbüro Musterstadt", in the start screen's greeting
	// Logo is the municipality's crest or logo, at the head of the start
	// screen and of each question (nil: none).
	Logo image.Image
	// Hours are the counter's opening hours; the start screen says
	// today's. Zero: nothing is said.
	Hours hours.Week
	// TicketsOnlyWhenOpen: outside Hours the waiting-number service says
	// when numbers are given again instead of issuing one.
	TicketsOnlyWhenOpen bool
	ReturnAfter         time.Duration // how long a result screen stays up
	// Printout, in demo mode, returns the simulated printer's last page,
	// shown beside the number; nil on a real kiosk.
	Printout func() image.Image
}

// Kiosk is the running interface in one window.
type Kiosk struct {
	app  fyne.App
	win  fyne.Window
	deps Deps
	// v is everything the current visitor leaves behind (visit.go): it is
	// replaced whole when the visit ends, so nothing one visitor typed,
	// chose or opened reaches the next.
	v visitor
	// defLook and lang are the look and language each visit starts with.
	defLook widgets.Look
	lang    string
	// screen counts screen changes, so a timer set for one screen does not
	// act on a later one.
	screen uint64
	// cur is the screen showing; body is its content as laid out, whose
	// size the a11y report compares with the window's.
	cur  screen
	body fyne.CanvasObject
	// localized caches services in the visitor's language ("lang/id");
	// missing collects the catalogue texts a language lacks.
	localized map[string]flow.Service
	missing   map[string]bool
	// headset says a headset is plugged in; focus is the keypad's target
	// on this screen (-1: none).
	headset bool
	focus   int
	// pending changes (a new profile) wait for a moment nobody uses the kiosk.
	pending []func(*Deps)
	// uiMap is the file the UI map goes to ("": none); uiSeq counts writes.
	uiMap string
	uiSeq uint64
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
	// notices holds the start screen's lines for staff.
	notices *fyne.Container
	// notice is flashed on top of the screen named noticeOn (a card the
	// reader could not read).
	notice, noticeOn string
	// analogLine says the counter is there too, and when it is open today.
	analogLine *widget.Label

	// The screens and controls by concern (below).
	booking  bookingScreens
	forms    formScreens
	guide    guideScreens
	help     helpScreens
	tickets  ticketScreens
	voice    voiceControls
	idle     idleWatch
	start    startScreen
	registry screenRegistry
	texts    catalogueTexts
	visits   visitLife
}

// The screens and controls of the kiosk, by concern: each a type over
// the shell (*Kiosk: the window, navigation, the visit, the texts).
type (
	// bookingScreens is the appointment screens: booking at the kiosk (services, days, times, name, phone, summary, confirmation) and the check-in with a booking code.
	bookingScreens struct{ *Kiosk }
	// formScreens is the form screens: one question per screen, the date picker, the summary, changing an answer, the receipt.
	formScreens struct{ *Kiosk }
	// guideScreens is what guides and staff see: the guide menu, reprints, guide calls, the staff area.
	guideScreens struct{ *Kiosk }
	// helpScreens is help, calling a guide, the language and the look.
	helpScreens struct{ *Kiosk }
	// ticketScreens is the waiting number, a case's status, the information pages.
	ticketScreens struct{ *Kiosk }
	// voiceControls is reading aloud and the keypad that works the kiosk without sight.
	voiceControls struct{ *Kiosk }
	// idleWatch is the visit's end by idleness: the warning, more time, the wipe.
	idleWatch struct{ *Kiosk }
	// startScreen is the start screen: crest, tiles, the staff notices, the quiet line about the portal, the counter's hours.
	startScreen struct{ *Kiosk }
	// screenRegistry is the builders behind the screen registry (Screens): every screen of every service, filled with examples.
	screenRegistry struct{ *Kiosk }
	// catalogueTexts is the catalogue's texts in the visitor's language.
	catalogueTexts struct{ *Kiosk }
	// visitLife is a visit's life: the answers so far, starting over, the end that wipes it, a fresh one.
	visitLife struct{ *Kiosk }
)

// SyncStatus is the quiet line on the start screen about the portal.
type SyncStatus struct {
	Known   bool
	Online  bool
	Revoked bool // the portal refuses this kiosk: staff must enrol it again
	Waiting int  // submissions stored here, not yet at the portal
}

// New prepares the kiosk in win and applies its theme.
func New(app fyne.App, win fyne.Window, deps Deps) *Kiosk {
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.Metrics.UnitsPerMM == 0 {
		deps.Metrics = widgets.DesktopMetrics
	}
	if deps.IdleAfter == 0 {
		deps.IdleAfter = time.Minute
	}
	if deps.IdleWarning < 20*time.Second {
		deps.IdleWarning = 30 * time.Second
	}
	if deps.GuideTimeout == 0 {
		deps.GuideTimeout = 5 * time.Minute
	}
	k := &Kiosk{app: app,
		win: win, deps: deps, lang: i18n.Default,
		localized: map[string]flow.Service{}, missing: map[string]bool{},
		spawn:     func(f func()) { go f() },
		afterFunc: func(d time.Duration, f func()) { time.AfterFunc(d, f) },
	}
	k.booking = bookingScreens{k}
	k.forms = formScreens{k}
	k.guide = guideScreens{k}
	k.help = helpScreens{k}
	k.tickets = ticketScreens{k}
	k.voice = voiceControls{k}
	k.idle = idleWatch{k}
	k.start = startScreen{k}
	k.registry = screenRegistry{k}
	k.texts = catalogueTexts{k}
	k.visits = visitLife{k}
	k.v = k.visits.freshVisitor()
	k.help.applyLook()
	widgets.SetTouchHook(k.idle.touch)
	// A numeric keypad (or any keyboard) works the kiosk without sight.
	win.Canvas().SetOnTypedRune(k.voice.keypadRune)
	win.Canvas().SetOnTypedKey(k.voice.keypadKey)
	return k
}

// applyLook sets the theme for the visitor's look. Fyne redraws its own
// widgets; the kiosk redraws the current screen, whose sizes it read.
func (k helpScreens) applyLook() {
	k.app.Settings().SetTheme(widgets.Theme{Metrics: k.deps.Metrics, Look: k.v.look})
}

// setLook switches the look at once, from any screen.
func (k helpScreens) setLook(l widgets.Look) {
	if l == k.v.look {
		return
	}
	k.v.look = l
	k.applyLook()
	if k.cur.redraw != nil {
		k.cur.redraw()
	}
}

// Home ends the visit and shows the start screen.
func (k *Kiosk) Home() {
	k.visits.endVisit()
	k.showStart()
}

// endVisit forgets everything about the visitor: answers, typed text,
// language, look, the way back.
func (k visitLife) endVisit() {
	scrub(k.win.Content())
	if k.deps.Speech != nil {
		k.deps.Speech.Stop()
		k.deps.Speech.ResetVolume()
	}
	k.forgetAnswers() // wiped in place first: the form and booking hold typed text
	lookChanged := k.v.look != k.defLook
	k.applyPending()
	k.v = k.freshVisitor()
	if lookChanged {
		k.help.applyLook()
	}
}

// forgetAnswers drops what the visitor answered and typed, and the way
// back to it.
func (k visitLife) forgetAnswers() {
	if k.v.form != nil {
		k.v.form.Wipe()
		k.v.form = nil
	}
	k.v.draft = ""
	if k.v.book != nil {
		k.v.book.wipe()
		k.v.book = nil
	}
	k.v.fs = formState{}
	k.v.history = nil
}

// restart is Start: the answers go, the visitor stays — their language,
// look and voice, a guide's login and an open call hold until the visit
// really ends (Fertig, or the idle wipe).
func (k visitLife) restart() {
	scrub(k.win.Content())
	k.forgetAnswers()
	k.showStart()
}

// SetLook sets the look each visit starts with (standard, unless a
// reviewer renders another).
func (k *Kiosk) SetLook(l widgets.Look) {
	k.defLook = l
	k.v.look = l
	k.help.applyLook()
}

// Reconfigure changes what the kiosk offers — a new profile's services,
// texts, timeouts, guides — at the next moment nobody uses it: at once on
// an idle start screen, else when the visit ends. A visitor never sees
// the kiosk change under their hands.
func (k *Kiosk) Reconfigure(change func(d *Deps)) {
	k.pending = append(k.pending, change)
	if !k.idle.inVisit() {
		k.visits.applyPending()
		k.showStart()
	}
}

func (k visitLife) applyPending() {
	if len(k.pending) == 0 {
		return
	}
	for _, change := range k.pending {
		change(&k.deps)
	}
	k.pending = nil
	k.localized, k.missing = map[string]flow.Service{}, map[string]bool{}
	k.v.tr = k.deps.Texts.For(k.lang)
	k.help.applyLook()
}

// languages are the languages the picker offers.
func (k helpScreens) languages() []string {
	if len(k.deps.Languages) > 0 {
		return k.deps.Languages
	}
	return k.deps.Texts.Languages()
}

// SetLanguage sets the language each visit starts in (German unless a
// reviewer renders another).
func (k *Kiosk) SetLanguage(lang string) {
	k.lang = lang
	k.v.tr = k.deps.Texts.For(lang)
}

func (k *Kiosk) showStart() {
	k.display(screen{name: "start", content: k.start.startScreen(), bar: true, redraw: k.showStart})
	k.atStart = true
}

// ScreenName is the name of the screen showing, as `lotse screens` files it.
func (k *Kiosk) ScreenName() string { return k.cur.name }

// SetSyncStatus updates the line about the portal connection. Call it on
// the UI goroutine.
func (k *Kiosk) SetSyncStatus(s SyncStatus) {
	if s == k.sync {
		return
	}
	k.sync = s
	if k.atStart {
		k.start.fillNotices()
	}
}

// SetPrinterStatus updates the staff notice about the printer. Call it on
// the UI goroutine.
func (k *Kiosk) SetPrinterStatus(s escpos.Status) {
	k.printer, k.printerKnown = s, true
	if k.atStart {
		k.start.fillNotices()
	}
}

// screen is one screen of the kiosk.
type screen struct {
	// name identifies the screen in files and reports ("ummelden-03-vorname").
	name    string
	content fyne.CanvasObject
	// bar adds the bottom bar; a screen that ends a visit has none.
	bar bool
	// redraw shows the screen again, after a language change or help.
	redraw func()
	// help and helpEasy are this screen's help; empty: the general help.
	help, helpEasy string
	// back is what Zurück does; nil: the previous screen.
	back func()
	// busy: the kiosk is working (storing, printing); no idle wipe.
	busy bool
}

// display replaces the screen.
func (k *Kiosk) display(s screen) {
	k.screen++
	k.atStart = false
	k.cur = s
	k.focus = -1
	k.win.Canvas().Unfocus()
	content := s.content
	if s.bar {
		content = container.NewBorder(nil, k.bar(), nil, nil, content)
	}
	if k.notice != "" && s.name == k.noticeOn {
		content = container.NewBorder(warningLine(k.notice), nil, nil, nil, content)
	} else {
		k.notice, k.noticeOn = "", s.name // a new screen: the notice is gone
	}
	if k.v.guide != nil {
		content = container.NewBorder(k.guide.guideBanner(), nil, nil, nil, content)
	} else if !k.v.calledAt.IsZero() && s.name != "call-guide" {
		content = container.NewBorder(k.help.callBanner(), nil, nil, nil, content)
	}
	k.body = container.NewPadded(content)
	var root fyne.CanvasObject = container.New(screenLayout{}, k.body)
	if k.deps.Gate != nil {
		root = container.New(cornerLayout{}, root, newCornerTaps(k))
	}
	k.win.SetContent(root)
	// Wrapped labels learn their width in the first layout and only then
	// their height: lay out once more so no text overlaps the next widget.
	root.Refresh()
	k.registry.writeUIMap()
	if k.v.speechMode {
		k.voice.readAloud()
	}
}

// push shows a screen reachable with Zurück from the current one.
func (k *Kiosk) push(current, next func()) {
	k.v.history = append(k.v.history, current)
	next()
}

// back is the bar's Zurück.
func (k *Kiosk) back() {
	if k.cur.back != nil {
		k.cur.back()
		return
	}
	k.pop()
}

// pop returns to the previous screen, or the start.
func (k *Kiosk) pop() {
	if len(k.v.history) == 0 {
		k.Home()
		return
	}
	prev := k.v.history[len(k.v.history)-1]
	k.v.history = k.v.history[:len(k.v.history)-1]
	prev()
}

// answers counts what the visitor has given that Start would throw away:
// a form's answers and what is typed, a booking's name and number.
func (k visitLife) answers() int {
	n := 0
	if k.v.form != nil {
		n += len(k.v.form.Data())
	}
	if k.v.draft != "" {
		n++
	}
	if k.v.book != nil {
		if k.v.book.name != "" {
			n++
		}
		if k.v.book.phone != "" {
			n++
		}
	}
	return n
}

// startOver is Start: at once without answers, else after asking.
func (k *Kiosk) startOver() {
	n := k.visits.answers()
	if n == 0 {
		k.visits.restart()
		return
	}
	back := k.cur.redraw
	text := paragraph(k.v.tr.T("start_over_text", map[string]any{"Count": n}))
	yes := widgets.NewTile(k.v.tr.T("start_over_yes"), theme.DeleteIcon(), k.visits.restart)
	no := widgets.NewTile(k.v.tr.T("start_over_no"), theme.NavigateNextIcon(), back)
	k.display(screen{name: "start-over", redraw: k.startOver,
		content: container.NewBorder(heading(k.v.tr.T("start_over_title")), nil, nil, nil,
			container.NewVBox(text, tileGrid(no, yes)))})
}

// bar is the row of buttons in the same place on every screen.
func (k *Kiosk) bar() fyne.CanvasObject {
	buttons := []fyne.CanvasObject{
		widgets.NewBarButton(k.v.tr.T("bar_back"), theme.NavigateBackIcon(), k.back),
		widgets.NewBarButton(k.v.tr.T("bar_language"), widgets.GlobeIcon(), func() { k.push(k.cur.redraw, k.help.showLanguages) }),
		widgets.NewBarButton(k.v.tr.T("bar_look"), theme.VisibilityIcon(), func() { k.push(k.cur.redraw, k.help.showLooks) }),
	}
	if k.deps.Speech != nil {
		buttons = append(buttons, widgets.NewBarButton(k.v.tr.T("bar_read"), theme.VolumeUpIcon(), k.voice.readAloud))
	}
	buttons = append(buttons,
		widgets.NewBarButton(k.v.tr.T("bar_help"), theme.HelpIcon(), func() { k.push(k.cur.redraw, k.help.showHelp) }),
		widgets.NewBarButton(k.v.tr.T("bar_call"), theme.AccountIcon(), func() { k.push(k.cur.redraw, k.help.callGuide) }),
		// Start at the far end from Zurück: one slip must not throw a
		// visit away, and with answers given it asks first.
		widgets.NewBarButton(k.v.tr.T("bar_start"), theme.HomeIcon(), k.startOver),
	)
	for _, b := range buttons {
		b.(*widgets.Tile).InBar = true
	}
	return container.New(barLayout{}, buttons...)
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

// question is a form step's question: large, but a size below a heading,
// so two lines of it leave room for the keyboard.
func question(text string) fyne.CanvasObject {
	l := widget.NewLabel(text)
	l.SizeName = theme.SizeNameSubHeadingText
	l.TextStyle.Bold = true
	l.Wrapping = fyne.TextWrapWord
	return l
}

func paragraph(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

func bigText(text string, sz fyne.ThemeSizeName) *canvas.Text {
	t := canvas.NewText(text, widgets.Color(theme.ColorNameForeground))
	t.TextSize = widgets.Size(sz)
	t.TextStyle.Bold = true
	t.Alignment = fyne.TextAlignCenter
	return t
}

// tileGrid lays tiles out two to a row, three when there are more than
// four, so up to nine fit a screen without scrolling; fewer where labels
// do not fit their column (a guide's list of questions in large text).
func tileGrid(tiles ...fyne.CanvasObject) fyne.CanvasObject {
	return container.NewVBox(container.New(&tileLayout{}, tiles...))
}

// crest is the municipality's logo as high as h, on a white badge that
// keeps a dark logo visible in high contrast; nil without a logo.
func crest(logo image.Image, h float32) fyne.CanvasObject {
	if logo == nil {
		return nil
	}
	b := logo.Bounds()
	img := canvas.NewImageFromImage(logo)
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSize(h*float32(b.Dx())/float32(max(1, b.Dy())), h))
	badge := canvas.NewRectangle(color.White)
	badge.CornerRadius = h / 8
	return container.NewStack(badge, img)
}

package ui

import (
	"lotse/app/ui/widgets"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// idleState follows the time without a touch in a visit.
type idleState struct {
	lastTouch time.Time
	// warning is set while the "Sind Sie noch da?" screen shows: since
	// when, the screen to return to, and the countdown on it.
	warnedAt  time.Time
	before    screen
	countdown *widget.Label
}

// inVisit says a visitor left a trace: a screen other than the start,
// another language or another look.
func (k idleWatch) inVisit() bool {
	return !k.atStart || k.v.tr.Lang() != k.lang || k.v.look != k.defLook || k.v.guide != nil
}

// Tick checks for an abandoned visit; the kiosk calls it every second on
// the UI goroutine (RunIdle), tests call it with their own clock.
func (k *Kiosk) Tick() {
	now := k.deps.Now()
	if k.deps.HeadsetPresent != nil {
		if present := k.deps.HeadsetPresent(); present != k.headset {
			k.headset = present
			if present && !k.v.speechMode {
				k.voice.setSpeechMode(true) // plugging in a headset asks for the voice
			}
		}
	}
	if !k.v.calledAt.IsZero() && now.Sub(k.v.calledAt) >= callHold {
		// Nobody came: the visit is wiped for idleness again, as any
		// other — a resident who left must not leave their answers here.
		k.v.calledAt = time.Time{}
		k.v.idle.lastTouch = now
	}
	switch {
	case !k.idle.inVisit() || k.cur.busy || !k.v.calledAt.IsZero():
		k.v.idle.lastTouch = now
		k.start.refreshHours()
	case !k.v.idle.warnedAt.IsZero():
		left := k.deps.IdleWarning - now.Sub(k.v.idle.warnedAt)
		if left <= 0 {
			k.Home()
			return
		}
		k.v.idle.countdown.SetText(k.v.tr.T("idle_countdown", map[string]any{"Count": int(left.Round(time.Second).Seconds())}))
	case now.Sub(k.v.idle.lastTouch) >= k.idle.idleAfter():
		k.idle.showIdleWarning()
	}
}

// idleAfter is the resident's idle time, or the guide's longer one.
func (k idleWatch) idleAfter() time.Duration {
	if k.v.guide != nil {
		return k.deps.GuideTimeout
	}
	return k.deps.IdleAfter
}

// RunIdle ticks every second until stop is closed.
func (k *Kiosk) RunIdle(stop <-chan struct{}) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			fyne.Do(k.Tick)
		}
	}
}

// touch notes a touch; it ends a warning only through its own button, so
// a tap elsewhere on the warning does not silently hide it.
func (k idleWatch) touch() {
	k.v.idle.lastTouch = k.deps.Now()
	if k.deps.Speech != nil {
		k.deps.Speech.Stop() // a touch ends what is being said
	}
}

func (k idleWatch) showIdleWarning() {
	k.v.idle.before = k.cur
	k.v.idle.warnedAt = k.deps.Now()
	secs := int(k.deps.IdleWarning.Round(time.Second).Seconds())
	k.v.idle.countdown = widget.NewLabel(k.v.tr.T("idle_countdown", map[string]any{"Count": secs}))
	k.v.idle.countdown.Alignment = fyne.TextAlignCenter
	k.v.idle.countdown.TextStyle.Bold = true
	more := widgets.NewActionButton(k.v.tr.T("idle_more"), theme.HistoryIcon(), k.moreTime)
	more.MinHeight = widgets.SizeTile
	end := widgets.NewBarButton(k.v.tr.T("idle_end"), nil, k.Home)
	msg := paragraph(k.v.tr.T("idle_question"))
	msg.Alignment = fyne.TextAlignCenter
	k.display(screen{name: "idle-warning", redraw: k.showIdleWarning,
		content: container.NewBorder(heading(k.v.tr.T("idle_title")), container.NewGridWithColumns(3, end, layout.NewSpacer(), more),
			nil, nil, middle(msg, k.v.idle.countdown))})
	if !k.v.speechMode {
		// Spoken even without the speech mode: someone who looked away
		// from the screen, or cannot read it, hears the question once.
		k.voice.say(k.v.tr.T("idle_title") + " " + k.v.tr.T("idle_question"))
	}
}

// moreTime returns to the screen the visitor left, as it was.
func (k idleWatch) moreTime() {
	before := k.v.idle.before
	k.v.idle = idleState{lastTouch: k.deps.Now()}
	before.redraw()
}

// scrub empties every text in the screen being left at the end of a
// visit. The widgets are about to go, but Fyne keeps their renderers for a
// while; the next resident's session must not hold the last one's words.
func scrub(o fyne.CanvasObject) {
	if o == nil {
		return
	}
	var children []fyne.CanvasObject
	switch o := o.(type) {
	case *widgets.Field:
		o.Clear()
	case *canvas.Text:
		o.Text = ""
	case *widget.Label:
		o.Text = ""
	case *widget.RichText:
		for _, s := range o.Segments {
			if t, ok := s.(*widget.TextSegment); ok {
				t.Text = ""
			}
		}
	case *fyne.Container:
		children = o.Objects
	}
	if w, ok := o.(fyne.Widget); ok {
		children = append(children, widgetObjects(w)...)
	}
	for _, c := range children {
		scrub(c)
	}
}

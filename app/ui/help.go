package ui

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"lotse/app/access"
	"lotse/app/i18n"
	"lotse/app/ui/widgets"
)

// showHelp explains the screen the visitor came from, in plain German or,
// one tap away, in Leichte Sprache.
func (k helpScreens) showHelp() {
	from := k.cur
	plain, easy := from.help, from.helpEasy
	if plain == "" {
		plain, easy = k.v.tr.T("help_general"), k.v.tr.T("help_general_easy")
	}
	if k.v.tr.Lang() == i18n.Easy && easy == "" {
		easy = plain
	}
	redraw := func() {
		k.cur = from // show the same help again, not help about help
		k.showHelp()
	}
	// German offers the same help in Leichte Sprache with one tap; in
	// Leichte Sprache it is the only help; other languages have theirs.
	text := plain
	var toggle fyne.CanvasObject = layout.NewSpacer()
	switch k.v.tr.Lang() {
	case i18n.Easy:
		text = easy
	case i18n.Default:
		switchLabel := k.v.tr.T("help_easy_button")
		if k.v.easyHelp {
			text, switchLabel = easy, k.v.tr.T("help_plain_button")
		}
		toggle = widgets.NewBarButton(switchLabel, nil, func() {
			k.v.easyHelp = !k.v.easyHelp
			redraw()
		})
	}
	ret := widgets.NewTile(k.v.tr.T("help_return"), nil, k.pop)
	call := widgets.NewTile(k.v.tr.T("bar_call"), nil, func() { k.push(redraw, k.callGuide) })
	foot := container.NewVBox(container.NewGridWithColumns(3, toggle, call, ret))
	if k.deps.Gate != nil && k.v.guide == nil {
		// Guides without a card log in here, apart from the residents'
		// buttons; its words say whom it is for.
		foot.Objects = append([]fyne.CanvasObject{container.NewBorder(nil, nil, widgets.NewSmallButton(k.v.tr.T("guide_login"), func() {
			k.push(redraw, func() { k.guide.showPIN(access.Guide, "") })
		}), nil)}, foot.Objects...)
	}
	body := container.NewVBox(paragraph(text), layout.NewSpacer())
	k.display(screen{name: "help", bar: true, redraw: redraw, back: k.pop,
		content: container.NewBorder(heading(k.v.tr.T("help_title")), foot, nil, nil, body)})
	k.cur.help, k.cur.helpEasy = plain, easy
}

// callGuide tells the visitor that someone is coming and records the
// call with the name of the screen, never with what was typed.
func (k helpScreens) callGuide() {
	where := k.cur.name
	// Recorded here and sent at once; what the portal has not taken goes
	// again with every heartbeat until it has.
	k.tellCalls("guide call", func(c GuideCalls, ctx context.Context) error { return c.CallGuide(ctx, where) })
	slog.Info("guide called", "screen", where)
	if k.nobodyComes() == "" && k.v.calledAt.IsZero() {
		k.v.calledAt = k.deps.Now()
	}
	k.showCall()
}

// tellCalls records a call or its withdrawal in the background: the
// screen never waits for the database or the portal.
func (k helpScreens) tellCalls(what string, do func(GuideCalls, context.Context) error) {
	calls := k.deps.Calls
	if calls == nil {
		return
	}
	k.spawn(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := do(calls, ctx); err != nil {
			slog.Error(what+" not recorded", "err", err)
		}
	})
}

// callHold is how long an open call keeps the visit from being wiped for
// idleness.
const callHold = 15 * time.Minute

// nobodyComes says why no guide can answer a call now — the kiosk cannot
// reach the office, or the office is closed — or "" when someone can.
func (k helpScreens) nobodyComes() string {
	switch {
	case k.deps.Calls == nil || k.sync.Known && !k.sync.Online:
		return k.v.tr.T("call_nobody_offline")
	case k.deps.Hours.Known() && !k.deps.Hours.OpenAt(k.deps.Now()):
		return k.v.tr.T("call_nobody_closed")
	}
	return ""
}

// showCall is the calm message after a call; redrawn, it calls no one.
// When nobody can come it says so, and where and when the counter helps.
func (k helpScreens) showCall() {
	var lines []fyne.CanvasObject
	if why := k.nobodyComes(); why != "" {
		lines = append(lines, errorLine(why), paragraph(k.start.analogText()))
	} else {
		msg := paragraph(k.v.tr.T("call_coming"))
		msg.Alignment = fyne.TextAlignCenter
		stay := paragraph(k.v.tr.T("call_stay"))
		stay.Alignment = fyne.TextAlignCenter
		lines = append(lines, msg, stay)
	}
	ret := widgets.NewTile(k.v.tr.T("help_return"), nil, k.pop)
	k.display(screen{name: "call-guide", bar: true, redraw: k.showCall, back: k.pop,
		content: container.NewBorder(heading(k.v.tr.T("call_title")), container.NewGridWithColumns(3, layout.NewSpacer(), ret),
			nil, nil, middle(lines...))})
}

// callBanner is on every screen while a called guide is on the way: when
// the call went out, and a way to withdraw it.
func (k helpScreens) callBanner() fyne.CanvasObject {
	label := canvas.NewText(k.v.tr.T("call_banner", map[string]any{"Time": k.v.calledAt.Format("15:04")}), widgets.Color(widgets.ColorChosenText))
	label.TextSize = widgets.Size(theme.SizeNameText)
	label.TextStyle.Bold = true
	cancel := widgets.NewSmallButton(k.v.tr.T("call_cancel"), func() {
		k.v.calledAt = time.Time{}
		slog.Info("guide call withdrawn")
		k.tellCalls("guide call withdrawal", GuideCalls.WithdrawCall)
		k.cur.redraw()
	})
	bg := canvas.NewRectangle(widgets.Color(widgets.ColorChosen))
	return container.NewStack(bg, container.NewPadded(container.NewBorder(nil, nil, container.NewCenter(label), cancel)))
}

// showLanguages offers every loaded language, each named in its own
// language; the choice holds for this visitor only.
func (k helpScreens) showLanguages() {
	var tiles []fyne.CanvasObject
	var names []string
	for _, lang := range k.languages() {
		tr := k.deps.Texts.For(lang)
		name := tr.T("language_name")
		if lang != i18n.Easy {
			names = append(names, tr.T("bar_language"))
		}
		// The language in use is marked, in every look, by more than colour.
		tiles = append(tiles, widgets.NewChoice(name, lang == k.v.tr.Lang(), func() {
			k.v.tr = tr
			k.pop()
		}))
	}
	// The title in every language offered: whoever came here by mistake
	// reads in their own language where they are.
	k.display(screen{name: "language", bar: true, redraw: k.showLanguages, back: k.pop,
		content: container.NewBorder(heading(strings.Join(slices.Compact(names), " · ")), nil, nil, nil, tileGrid(tiles...))})
}

// showLooks offers larger text and higher contrast; each tap changes the
// look at once, this screen included, and Zurück returns in the new look.
func (k helpScreens) showLooks() {
	large := widgets.NewChoice(k.v.tr.T("look_large"), k.v.look.Large, func() {
		l := k.v.look
		l.Large = !l.Large
		k.setLook(l)
	})
	contrast := widgets.NewChoice(k.v.tr.T("look_contrast"), k.v.look.Contrast, func() {
		l := k.v.look
		l.Contrast = !l.Contrast
		k.setLook(l)
	})
	tiles := []fyne.CanvasObject{large, contrast}
	if sp := k.deps.Speech; sp != nil {
		// Each step is about 3 dB; saying so at the new volume lets the
		// visitor judge it.
		tiles = append(tiles,
			widgets.NewTile(k.v.tr.T("look_quieter"), theme.VolumeDownIcon(), func() { sp.Quieter(); k.voice.say(k.v.tr.T("look_volume_now")) }),
			widgets.NewTile(k.v.tr.T("look_louder"), theme.VolumeUpIcon(), func() { sp.Louder(); k.voice.say(k.v.tr.T("look_volume_now")) }))
	}
	k.display(screen{name: "look", bar: true, redraw: k.showLooks, back: k.pop,
		content: container.NewBorder(container.NewVBox(heading(k.v.tr.T("look_title")), paragraph(k.v.tr.T("look_hint"))),
			nil, nil, nil, tileGrid(tiles...))})
}

// showWait says the kiosk is busy; it has no buttons, so a second tap
// cannot do the thing twice.
func (k helpScreens) showWait(name string) {
	wait := paragraph(k.v.tr.T("ticket_drawing"))
	wait.Alignment = fyne.TextAlignCenter
	k.display(screen{name: name, busy: true, redraw: func() { k.showWait(name) }, content: middle(wait)})
}

// middle centres wrapped text vertically. (A centring container would
// give a wrapped label no width, one letter per line.)
func middle(objs ...fyne.CanvasObject) fyne.CanvasObject {
	return container.NewVBox(append(append([]fyne.CanvasObject{layout.NewSpacer()}, objs...), layout.NewSpacer())...)
}

// warningLine is a paragraph staff notice by its words and colour.
// errorLine is why an answer was refused: an error icon and the message
// in the error colour, bold — never a colour alone.
func errorLine(text string) fyne.CanvasObject {
	l := paragraph(text)
	l.Importance = widget.DangerImportance
	l.TextStyle.Bold = true
	// As high as a line of the words, not an inline speck: the icon
	// tells that this is an error to those who do not tell red.
	icon := canvas.NewImageFromResource(theme.NewErrorThemedResource(theme.ErrorIcon()))
	icon.FillMode = canvas.ImageFillContain
	icon.SetMinSize(fyne.NewSquareSize(widgets.Size(theme.SizeNameText) * 1.4))
	return container.NewBorder(nil, nil, container.NewVBox(icon), nil, l)
}

func warningLine(text string) *widget.Label {
	l := paragraph(text)
	l.Importance = widget.WarningImportance
	return l
}

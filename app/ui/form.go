package ui

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"lotse/app/desk"
	"lotse/app/flow"
	"lotse/app/i18n"
	"lotse/app/ui/widgets"
)

// submitTimeout bounds sealing, storing and printing one submission.
const submitTimeout = 30 * time.Second

// formState is the screen side of a form visit: the answer being typed
// for the current step and why the last one was refused.
type formState struct {
	draftStep string // the step draft belongs to
	problem   *flow.Problem
	page      int // summary page
	stepsPage int // the guide's list of questions
	// count shows how much of a free text's limit is used.
	count *canvas.Text
	// shown is the step on screen and the progress it states, for the
	// accessibility report.
	shown StepShown
}

// StepShown is a form step as shown: its screen, its service and the
// "Frage N von Total" its head states.
type StepShown struct {
	Screen, Service string
	N, Total        int
}

// startForm begins a visit of a form service with its introduction.
func (k formScreens) startForm(svc flow.Service) {
	if k.v.form != nil {
		k.v.form.Wipe()
	}
	k.v.form = flow.NewForm(svc, k.deps.Now)
	if k.v.guide != nil {
		k.v.form.Guide = k.v.guide.ID
	}
	k.v.fs = formState{}
	k.v.draft = ""
	k.showIntro()
}

func (k formScreens) showIntro() {
	svc := k.texts.tService(k.v.form.Service)
	start := widgets.NewTile(k.v.tr.T("form_begin"), theme.NavigateNextIcon(), func() { k.push(k.showIntro, k.showStep) })
	analog := paragraph(k.v.tr.T("start_analog"))
	k.display(screen{name: svc.ID + "-00-intro", bar: true, redraw: k.showIntro,
		help: svc.Intro, helpEasy: svc.Intro,
		content: container.NewBorder(heading(svc.Title), container.NewVBox(analog, container.NewGridWithColumns(2, layout.NewSpacer(), start)),
			nil, nil, paragraph(svc.Intro))})
}

// stepName is the screen name of a step: service, position in the file,
// step id ("ummelden-05-strasse").
func stepName(f *flow.Form, s flow.Step) string {
	for i, st := range f.Service.Steps {
		if st.ID == s.ID {
			return fmt.Sprintf("%s-%02d-%s", f.Service.ID, i+1, s.ID)
		}
	}
	return f.Service.ID + "-" + s.ID
}

// showStep shows the form's current step, or the summary when all are
// answered.
func (k formScreens) showStep() {
	s, ok := k.v.form.Current()
	if !ok {
		k.showSummary()
		return
	}
	if k.v.fs.draftStep != s.ID {
		k.v.draft, k.v.fs.draftStep = k.v.form.Value(s.ID), s.ID
	}
	n, total := k.v.form.Position()
	// Where the visitor is, and for free text how much is left: one line
	// of plain text, so the question and the keyboard keep their room.
	progress := canvas.NewText(k.v.tr.T("form_progress", map[string]any{"Service": k.texts.tService(k.v.form.Service).Title, "N": n, "Total": total}), widgets.Color(theme.ColorNameForeground))
	progress.TextSize = widgets.Size(theme.SizeNameText)
	k.v.fs.count = canvas.NewText("", widgets.Color(theme.ColorNameForeground))
	k.v.fs.count.TextSize = widgets.Size(theme.SizeNameText)
	ls := k.texts.tStep(s)
	q := ls.Question
	if s.Optional {
		q += " " + k.v.tr.T("form_optional")
	}
	// The municipality's crest, the service and where the visitor is: the
	// head of every question.
	top := container.NewVBox(container.NewBorder(nil, nil, crest(k.deps.Logo, progress.MinSize().Height), k.v.fs.count, progress), question(q))
	var problem fyne.CanvasObject
	if p := k.v.fs.problem; p != nil {
		problem = errorLine(k.v.tr.T("form_problem", map[string]any{"Problem": k.v.tr.T(p.ID, p.Data)}))
	}
	var body fyne.CanvasObject
	orSpace := problem
	if orSpace == nil {
		orSpace = layout.NewSpacer()
	}
	switch s.Type {
	case flow.FieldChoice:
		body = k.choiceInput(ls, orSpace)
	case flow.FieldYesNo:
		body = k.yesNoInput(ls, orSpace)
	case flow.FieldConsent:
		body = k.consentInput(ls, orSpace)
	case flow.FieldDate:
		body = k.dateInput(ls, orSpace)
	default:
		body = k.typedInput(ls, problem) // nil: no line kept free
	}
	k.display(screen{name: stepName(k.v.form, s), bar: true, redraw: k.showStep, help: ls.Help, helpEasy: ls.HelpEasy,
		back: k.stepBack, content: container.NewBorder(top, nil, nil, nil, body)})
	k.v.fs.shown = StepShown{Screen: k.cur.name, Service: k.v.form.Service.ID, N: n, Total: total}
}

// stepBack is Zurück on a step: the previous question, or out of the form.
func (k formScreens) stepBack() {
	k.v.fs.problem = nil
	if k.v.form.Back() {
		k.showStep()
		return
	}
	k.pop()
}

// answer hands the answer to the engine and shows what comes next: the
// same step with the reason when it was refused.
func (k formScreens) answer(v string) {
	if p := k.v.form.Answer(v); p != nil {
		k.v.fs.problem = p
		k.showStep()
		return
	}
	k.v.fs.problem = nil
	k.v.fs.draftStep = ""
	k.v.draft = ""
	k.showStep()
}

// nextButton is the large Weiter of a step.
func (k formScreens) nextButton(onTap func()) *widgets.Tile {
	return widgets.NewActionButton(k.v.tr.T("form_next"), theme.NavigateNextIcon(), onTap)
}

// stepFoot is the row right under a choice or a date: Weiter at its
// right end, as close to the answer as a typed step's Weiter at the
// field's end, with the reason an answer was refused to its left. next
// nil: no Weiter (a tap on a tile answers); the row is then the problem
// alone, or nothing.
func (k formScreens) stepFoot(problem fyne.CanvasObject, next func()) fyne.CanvasObject {
	if next == nil {
		return problem
	}
	return container.NewBorder(nil, nil, nil, k.nextButton(next), problem)
}

// keyboardMode picks the keys a field type needs, and whether words
// start with a capital.
func keyboardMode(t flow.FieldType) (widgets.KeyboardMode, bool) {
	switch t {
	case flow.FieldNumber, flow.FieldPostcode:
		return widgets.KeyboardDigits, false
	case flow.FieldPhone:
		return widgets.KeyboardPhone, false
	case flow.FieldEmail:
		return widgets.KeyboardEmail, false
	case flow.FieldName, flow.FieldStreet:
		return widgets.KeyboardText, true
	}
	return widgets.KeyboardText, false
}

func (k formScreens) keyLabels() widgets.KeyLabels {
	return widgets.KeyLabels{Delete: k.v.tr.T("key_delete"), Space: k.v.tr.T("key_space"), Shift: k.v.tr.T("key_shift"),
		Symbols: k.v.tr.T("key_symbols"), Letters: k.v.tr.T("key_letters"), Accents: k.v.tr.T("key_accents"), Lang: k.v.tr.Lang()}
}

func (k formScreens) typedInput(s flow.Step, problem fyne.CanvasObject) fyne.CanvasObject {
	field := widgets.NewField()
	field.Max = s.MaxLen()
	if s.Type == flow.FieldFreeText {
		field.Lines = 2 // and a visible count of the characters left
	}
	field.SetText(k.v.draft)
	showCount := func(text string) {
		if s.Type == flow.FieldFreeText {
			k.v.fs.count.Text = k.v.tr.T("form_count", map[string]any{"N": len([]rune(text)), "Max": field.Max})
			k.v.fs.count.Refresh()
		}
	}
	showCount(k.v.draft)
	field.OnChanged = func(text string) {
		k.v.draft = text
		showCount(text)
	}
	field.Invalid = problem != nil
	submit := func() { k.answer(field.Text()) }
	field.OnSubmit = submit
	mode, autoCap := keyboardMode(s.Type)
	kb := widgets.NewKeyboard(field, mode, k.keyLabels(), autoCap)
	kb.OnPress = func() { fyne.Do(k.registry.writeUIMap) } // after this layout pass
	kb.OnKey = func(name string) { k.voice.spokenKey(field, name) }
	var skip fyne.CanvasObject
	if s.Optional {
		// Said plainly, and a way past it that needs no empty Weiter: at
		// the field's left end, away from Weiter and from the keys.
		skip = widgets.NewSmallButton(k.v.tr.T("form_skip"), func() {
			k.v.draft = ""
			k.answer("")
		})
	}
	// A physical keyboard, where there is one, types here too.
	defer k.win.Canvas().Focus(field)
	// Weiter at the field's end, not in a row of its own under it: with a
	// two-line question and the keyboard, a 15.6" panel in large text has
	// no room for that row.
	top := container.NewVBox(container.NewBorder(nil, nil, skip, k.nextButton(submit), field))
	if problem != nil {
		top.Add(problem)
	}
	return container.NewBorder(top, nil, nil, nil, container.NewVBox(layout.NewSpacer(), kb))
}

// answerAndFoot puts the foot (Weiter, a problem) right under the
// answer, not at the screen's bottom, however much room is left.
func answerAndFoot(answer, foot fyne.CanvasObject) fyne.CanvasObject {
	if foot == nil {
		return answer
	}
	return container.NewVBox(answer, foot)
}

// choiceInput shows the options as large tiles; the current answer is
// marked by a tick and its colour. A single choice moves on when tapped.
func (k formScreens) choiceInput(s flow.Step, problem fyne.CanvasObject) fyne.CanvasObject {
	selected := map[string]bool{}
	for _, id := range strings.Split(k.v.draft, ",") {
		selected[id] = id != ""
	}
	var tiles []fyne.CanvasObject
	for _, o := range s.Options {
		t := widgets.NewChoice(o.Title, selected[o.ID], func() {
			if !s.Multiple {
				k.answer(o.ID)
				return
			}
			selected[o.ID] = !selected[o.ID]
			var ids []string
			for _, c := range s.Options {
				if selected[c.ID] {
					ids = append(ids, c.ID)
				}
			}
			k.v.draft = strings.Join(ids, ",")
			k.showStep()
		})
		tiles = append(tiles, t)
	}
	var next func()
	if s.Multiple {
		next = func() { k.answer(k.v.draft) }
	}
	return answerAndFoot(tileGrid(tiles...), k.stepFoot(problem, next))
}

func (k formScreens) yesNoInput(s flow.Step, problem fyne.CanvasObject) fyne.CanvasObject {
	yes := widgets.NewChoice(k.v.tr.T("answer_yes"), k.v.draft == flow.Yes, func() { k.answer(flow.Yes) })
	no := widgets.NewChoice(k.v.tr.T("answer_no"), k.v.draft == flow.No, func() { k.answer(flow.No) })
	return answerAndFoot(tileGrid(yes, no), problem)
}

// consentInput is the consent's text and two equal answers: Ja moves on,
// Nein says what it means and sends nothing.
func (k formScreens) consentInput(s flow.Step, problem fyne.CanvasObject) fyne.CanvasObject {
	yes := widgets.NewChoice(k.v.tr.T("form_consent_agree"), k.v.draft == flow.Yes, func() { k.answer(flow.Yes) })
	no := widgets.NewChoice(k.v.tr.T("form_consent_decline"), false, func() { k.showConsentDeclined(s) })
	return answerAndFoot(container.NewVBox(paragraph(s.Text), tileGrid(yes, no)), problem)
}

// showConsentDeclined says what a "Nein" to a consent means — nothing is
// sent, nothing kept — with the step's own reason, and offers the way
// back to the question or out of the visit.
func (k formScreens) showConsentDeclined(s flow.Step) {
	back := widgets.NewActionButton(k.v.tr.T("consent_declined_back"), theme.NavigateBackIcon(), k.showStep)
	end := widgets.NewActionButton(k.v.tr.T("consent_declined_end"), theme.CancelIcon(), k.Home)
	text, why := k.v.tr.T("consent_declined_text"), s.Help
	if k.v.tr.Lang() == i18n.Easy && s.HelpEasy != "" {
		why = s.HelpEasy
	}
	if why != "" {
		text = why + "\n\n" + text
	}
	k.display(screen{name: stepName(k.v.form, s) + "-declined", bar: true, redraw: func() { k.showConsentDeclined(s) },
		back:    k.showStep,
		content: container.NewBorder(heading(k.v.tr.T("consent_declined_title")), tileGrid(back, end), nil, nil, paragraph(text))})
}

// showSummary lists every answer with a Ändern button, as many to a page
// as the screen holds (a finger cannot drag-scroll here), and Absenden
// once the last page has been seen.
func (k formScreens) showSummary() {
	lines := k.v.form.Summary()
	var rows []fyne.CanvasObject
	var texts []string
	for _, l := range lines {
		ls := k.texts.tStep(l.Step)
		value := shorten(flow.Display(ls, l.Value, k.v.tr), summaryValueLen)
		line := widget.NewRichText(
			&widget.TextSegment{Text: ls.Title() + ": ", Style: widget.RichTextStyle{Inline: true, TextStyle: fyne.TextStyle{Bold: true}}},
			&widget.TextSegment{Text: value, Style: widget.RichTextStyleInline},
		)
		line.Wrapping = fyne.TextWrapWord
		change := widgets.NewSmallButton(k.v.tr.T("summary_change"), func() {
			k.v.form.Change(l.Step.ID)
			k.showStep()
		})
		rows = append(rows, container.NewBorder(nil, nil, nil, change, line))
		texts = append(texts, ls.Title()+": "+value)
	}
	send := widgets.NewActionButton(k.v.tr.T("summary_send"), theme.MailSendIcon(), k.submit)
	pages := k.summaryPages(rows, texts, send)
	lo, hi, where, foot := k.pages(pages, len(rows), &k.v.fs.page, k.showSummary)
	hint := paragraph(k.v.tr.T("summary_hint"))
	if len(pages) > 1 {
		hint.SetText(k.v.tr.T("summary_hint_pages"))
	}
	if hi == len(rows) {
		foot = append(foot, send)
	}
	title := container.NewBorder(nil, nil, nil, where, heading(k.v.tr.T("summary_title")))
	k.display(screen{name: k.v.form.Service.ID + "-summary", bar: true, redraw: k.showSummary,
		help: k.v.tr.T("summary_help"), helpEasy: k.v.tr.T("summary_help_easy"), back: k.stepBack,
		content: container.NewBorder(container.NewVBox(title, hint), container.New(barLayout{}, foot...),
			nil, nil, container.NewVBox(rows[lo:hi]...))})
}

// summaryPages cuts the summary's rows into pages that fill the screen:
// the first row of each page. Each row's height is its Ändern button's
// or its text's, wrapped at the width it will have.
func (k formScreens) summaryPages(rows []fyne.CanvasObject, texts []string, send fyne.CanvasObject) []int {
	canvas := k.win.Canvas().Size()
	pad := theme.Padding()
	heading := widget.NewLabel("Ág")
	heading.SizeName = theme.SizeNameHeadingText
	textH := fyne.MeasureText("Ág", theme.TextSize(), fyne.TextStyle{}).Height
	hintLines := max(textLines(k.v.tr.T("summary_hint"), canvas.Width-4*pad, fyne.TextStyle{}),
		textLines(k.v.tr.T("summary_hint_pages"), canvas.Width-4*pad, fyne.TextStyle{}))
	chrome := heading.MinSize().Height + hintLines*textH + 2*pad +
		send.MinSize().Height + k.bar().MinSize().Height + 8*pad
	if k.v.guide != nil {
		chrome += k.guide.guideBanner().MinSize().Height + pad
	}
	avail := canvas.Height - chrome
	var starts []int
	used := avail + 1 // a new page at the first row
	for i, r := range rows {
		button := r.(*fyne.Container).Objects[1].MinSize()
		lines := textLines(texts[i], canvas.Width-button.Width-6*pad, fyne.TextStyle{Bold: true})
		h := max(button.Height, lines*textH+2*pad) + pad
		if used+h > avail && (len(starts) == 0 || i > starts[len(starts)-1]) {
			starts = append(starts, i)
			used = 0
		}
		used += h
	}
	return starts
}

// textLines is how many lines text takes wrapped at width, in body text.
func textLines(text string, width float32, style fyne.TextStyle) float32 {
	n := 0.0
	for _, line := range strings.Split(text, "\n") {
		w := fyne.MeasureText(line, theme.TextSize(), style).Width
		n += max(1, math.Ceil(float64(w/max(1, width))))
	}
	return float32(n)
}

// paging cuts n items into pages of perPage, a finger cannot drag-scroll
// here (see pages).
func (k formScreens) paging(n, perPage int, page *int, redraw func()) (lo, hi int, where fyne.CanvasObject, foot []fyne.CanvasObject) {
	var starts []int
	for i := 0; i < n; i += perPage {
		starts = append(starts, i)
	}
	return k.pages(starts, n, page, redraw)
}

// pages shows n items on pages that begin at starts: the current page's
// range lo:hi, "Seite 1 von 2" (nil for a single page) and the paging
// buttons for the foot (a spacer for a single page). *page is the page
// shown; the buttons move it and call redraw.
func (k formScreens) pages(starts []int, n int, page *int, redraw func()) (lo, hi int, where fyne.CanvasObject, foot []fyne.CanvasObject) {
	if len(starts) == 0 {
		starts = []int{0}
	}
	count := len(starts)
	*page = max(0, min(*page, count-1))
	p := *page
	if count == 1 {
		return 0, n, nil, []fyne.CanvasObject{layout.NewSpacer()}
	}
	prev := widgets.NewBarButton(k.v.tr.T("page_prev"), theme.NavigateBackIcon(), func() { *page = p - 1; redraw() })
	next := widgets.NewBarButton(k.v.tr.T("page_next"), theme.NavigateNextIcon(), func() { *page = p + 1; redraw() })
	prev.Hidden, next.Hidden = p == 0, p == count-1
	label := widget.NewLabel(k.v.tr.T("page_of", map[string]any{"N": p + 1, "Total": count}))
	label.TextStyle.Bold = true
	hi = n
	if p+1 < count {
		hi = starts[p+1]
	}
	return starts[p], hi, label, []fyne.CanvasObject{prev, next}
}

// summaryValueLen is how much of an answer the summary shows; a long
// free text is seen whole behind its Ändern.
const summaryValueLen = 120

// shorten cuts s to n characters, marking the cut.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// submit seals and stores the answers off the UI goroutine; the wait
// screen has no buttons, so a second tap cannot submit twice.
func (k formScreens) submit() {
	f, tr := k.v.form, k.v.tr
	k.help.showWait(f.Service.ID + "-sending")
	k.spawn(func() {
		ctx, cancel := context.WithTimeout(context.Background(), submitTimeout)
		defer cancel()
		r, err := k.deps.Desk.Submit(ctx, f, tr)
		fyne.Do(func() {
			if k.v.form != f {
				return // the visit ended meanwhile (idle wipe)
			}
			if err != nil {
				slog.Error("submission not stored", "service", f.Service.ID, "err", err)
				k.showSubmitFailed(err)
				return
			}
			// Stored and sealed: the answers leave the screen and memory.
			f.Wipe()
			k.v.form, k.v.draft = nil, ""
			k.showReceipt(f.Service, r)
		})
	})
}

// showSubmitFailed keeps the answers and offers to try again; the counter
// can always take the matter instead.
func (k formScreens) showSubmitFailed(err error) {
	msg := k.v.tr.T("submit_failed")
	if errors.Is(err, context.DeadlineExceeded) {
		msg = k.v.tr.T("submit_failed_slow")
	}
	again := widgets.NewActionButton(k.v.tr.T("submit_again"), theme.ViewRefreshIcon(), k.submit)
	review := widgets.NewBarButton(k.v.tr.T("submit_review"), nil, k.showSummary)
	k.display(screen{name: k.v.form.Service.ID + "-failed", bar: true, redraw: func() { k.showSubmitFailed(err) }, back: k.showSummary,
		content: container.NewBorder(heading(k.v.tr.T("submit_failed_title")), container.NewGridWithColumns(2, review, again),
			nil, nil, warningLine(msg))})
}

// showReceipt shows the reference code large and what happens next.
func (k formScreens) showReceipt(svc flow.Service, r desk.Receipt) {
	status := k.tickets.printedLine(k.v.tr.T("receipt_printed"), k.v.tr.T("receipt_not_printed"), r.PrintErr, r.PaperInGerman)
	status.Alignment = fyne.TextAlignCenter
	// What happens next: kept safe, sent, then the office's part.
	next := k.v.tr.T("receipt_stored", map[string]any{"Service": k.texts.tService(svc).Title}) + "\n" + r.NextIn(k.v.tr)
	content := k.tickets.confirmation(
		[]fyne.CanvasObject{
			bigText(k.v.tr.T("receipt_thanks"), theme.SizeNameHeadingText),
			bigText(k.v.tr.T("receipt_code"), theme.SizeNameSubHeadingText),
			bigText(r.Code, widgets.SizeCodeText)},
		// What the code is for: a resident who calls or comes quotes it.
		[]fyne.CanvasObject{status, paragraph(k.v.tr.T("receipt_code_use"))},
		paragraph(next))
	k.display(screen{name: svc.ID + "-receipt", redraw: func() { k.showReceipt(svc, r) }, content: content})
	k.after(2*k.deps.ReturnAfter, k.Home)
}

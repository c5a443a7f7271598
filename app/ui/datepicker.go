package ui

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"lotse/app/flow"
	"lotse/app/ui/widgets"
)

// dateInput chooses a day with three large steppers — day, month, year —
// and no typing. It starts at the stored answer, or today moved into the
// step's allowed range, and never leaves that range.
func (k formScreens) dateInput(s flow.Step, problem fyne.CanvasObject) fyne.CanvasObject {
	today := k.v.form.Today()
	day := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	earliest, latest := time.Time{}, time.Time{}
	if s.Min != nil {
		earliest = day.AddDate(0, 0, *s.Min)
	}
	if s.Max != nil {
		latest = day.AddDate(0, 0, *s.Max)
	}
	inRange := func(d time.Time) bool {
		return (earliest.IsZero() || !d.Before(earliest)) && (latest.IsZero() || !d.After(latest))
	}
	value, err := time.Parse(time.DateOnly, k.v.draft)
	if err != nil {
		value = day
		if !inRange(value) && !earliest.IsZero() && value.Before(earliest) {
			value = earliest
		} else if !inRange(value) {
			value = latest
		}
		k.v.draft = value.Format(time.DateOnly)
	}
	set := func(d time.Time) {
		if inRange(d) {
			k.v.draft = d.Format(time.DateOnly)
			k.showStep()
		}
	}
	// One line of text without a label's padding: in large text a
	// two-line question, the steppers and Weiter under them just fit.
	readout := bigText(k.v.tr.T("date_readout", map[string]any{
		"Weekday": k.v.tr.T(fmt.Sprintf("weekday_%d", value.Weekday())), "Date": k.longDate(value)}), theme.SizeNameText)
	rows := container.NewVBox(
		k.stepper(k.v.tr.T("date_day"), fmt.Sprint(value.Day()), func(n int) { set(value.AddDate(0, 0, n)) }),
		k.stepper(k.v.tr.T("date_month"), k.v.tr.T(fmt.Sprintf("month_%d", value.Month())), func(n int) { set(addMonths(value, n)) }),
		k.stepper(k.v.tr.T("date_year"), fmt.Sprint(value.Year()), func(n int) { set(addMonths(value, 12*n)) }),
	)
	return answerAndFoot(container.NewVBox(readout, rows), k.stepFoot(problem, func() { k.answer(k.v.draft) }))
}

// longDate is "19. November 2026" in the visitor's language.
func (k formScreens) longDate(d time.Time) string {
	return k.v.tr.T("date_long", map[string]any{"Day": d.Day(), "Month": k.v.tr.T(fmt.Sprintf("month_%d", d.Month())), "Year": d.Year()})
}

// addMonths moves by whole months and keeps the day inside the month
// (31 January + 1 month is 28 or 29 February, not 3 March).
func addMonths(d time.Time, n int) time.Time {
	first := time.Date(d.Year(), d.Month()+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(d.Day(), last)-1)
}

// stepper is one row of the date picker: name, −, value, +.
func (k formScreens) stepper(name, value string, step func(int)) fyne.CanvasObject {
	label := widget.NewLabel(name)
	label.TextStyle.Bold = true
	minus := widgets.NewBarButton("−", nil, func() { step(-1) })
	plus := widgets.NewBarButton("+", nil, func() { step(1) })
	shown := bigText(value, theme.SizeNameSubHeadingText) // as large as the question, not larger
	return container.NewGridWithColumns(4, label, minus, shown, plus)
}

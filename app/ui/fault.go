package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"lotse/app/i18n"
	"lotse/app/ui/widgets"
	"lotse/sync/hours"
)

// ShowFault replaces the kiosk with a calm out-of-service screen: residents
// are sent to the counter, staff read what broke. The kiosk does not exit,
// so the session manager does not restart it in a loop.
func ShowFault(app fyne.App, win fyne.Window, texts *i18n.Bundle, week hours.Week, detail string) {
	app.Settings().SetTheme(widgets.Theme{})
	tr := texts.For(i18n.Default)
	resident := paragraph(tr.T("fault_resident"))
	resident.Alignment = fyne.TextAlignCenter
	when := paragraph("")
	if week.Known() {
		when.SetText(tr.T("hours_counter", map[string]any{"Hours": week.Format(tr, "–", " · ")}))
		when.Alignment = fyne.TextAlignCenter
	}
	staff := paragraph(tr.T("fault_staff", map[string]any{"Detail": detail}))
	staff.Importance = widget.WarningImportance
	win.SetContent(container.NewPadded(container.NewVBox(
		layout.NewSpacer(), heading(tr.T("fault_title")), resident, when, layout.NewSpacer(), staff,
	)))
}

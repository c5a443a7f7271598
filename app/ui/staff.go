package ui

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"lotse/app/desk"
	"lotse/app/i18n"
	"lotse/app/ui/widgets"
)

// StaffDesk serves the staff area.
type StaffDesk interface {
	Status(ctx context.Context) desk.Status
	TestPage(ctx context.Context) error
	// Diagnostics writes a support bundle without personal data and
	// returns where.
	Diagnostics(ctx context.Context) (string, error)
}

// showStaff is the staff area: printer, card reader, network, queue,
// disk, and what the kiosk runs; a test page and a diagnostics bundle.
func (k guideScreens) showStaff() {
	if !k.v.staffOpen || k.deps.Staff == nil {
		k.Home()
		return
	}
	// Staff read the office's language, whatever the last visitor chose.
	k.v.tr = k.deps.Texts.For(i18n.Default)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	st := k.deps.Staff.Status(ctx)
	cancel()
	net := k.v.tr.T("staff_offline")
	switch {
	case st.Portal == "":
		net = k.v.tr.T("staff_no_portal")
	case st.Revoked:
		net = k.v.tr.T("staff_revoked")
	case st.Online:
		net = k.v.tr.T("staff_online")
	}
	last := "–"
	if !st.LastSync.IsZero() {
		last = st.LastSync.In(time.Local).Format("02.01. 15:04")
	}
	profileName := k.v.tr.T("staff_no_profile")
	if st.ProfileVersion > 0 {
		profileName = fmt.Sprint(st.ProfileVersion)
	}
	network := k.v.tr.T("staff_network", map[string]any{"Status": net, "Portal": st.Portal, "Last": last})
	if st.Portal == "" {
		network = k.v.tr.T("staff_network_none", map[string]any{"Status": net})
	}
	// Only what is there, in words: "2 warten auf das Netz", not "dead 0".
	var states []string
	for _, c := range st.Outbox {
		if c.Count > 0 {
			states = append(states, k.v.tr.T("staff_outbox_"+c.State, map[string]any{"Count": c.Count}))
		}
	}
	outboxLine := k.v.tr.T("staff_outbox_empty")
	if len(states) > 0 {
		outboxLine = k.v.tr.T("staff_outbox", map[string]any{"Counts": strings.Join(states, ", ")})
	}
	lines := []string{
		k.v.tr.T("staff_kiosk", map[string]any{"Name": st.Kiosk, "Municipality": st.Municipality, "Profile": profileName, "Printer": st.PrinterProfile}),
		k.v.tr.T("staff_printer", map[string]any{"Status": k.v.tr.T("staff_printer_"+st.Printer, map[string]any{"Problem": st.PrinterProblem})}),
		k.v.tr.T("staff_reader", map[string]any{"Status": k.v.tr.T("staff_reader_"+st.Reader,
			map[string]any{"Kind": st.ReaderKind, "Port": st.ReaderPort, "Last": st.ReaderLast})}),
		network,
		outboxLine,
		k.v.tr.T("staff_disk", map[string]any{"MB": st.FreeDiskMB}),
	}
	box := container.NewVBox()
	for _, l := range lines {
		box.Add(paragraph(l))
	}
	if st.ProfileError != "" {
		box.Add(warningLine(k.v.tr.T("staff_profile_error", map[string]any{"Error": st.ProfileError})))
	}
	if k.v.staffNote != "" {
		box.Add(warningLine(k.v.staffNote))
	}
	test := widgets.NewSmallButton(k.v.tr.T("staff_test_page"), func() {
		k.staffAction(func(ctx context.Context) (string, error) {
			return k.v.tr.T("staff_test_page_done"), k.deps.Staff.TestPage(ctx)
		})
	})
	diag := widgets.NewSmallButton(k.v.tr.T("staff_diagnostics"), func() {
		k.staffAction(func(ctx context.Context) (string, error) {
			path, err := k.deps.Staff.Diagnostics(ctx)
			return k.v.tr.T("staff_diagnostics_done", map[string]any{"Path": path}), err
		})
	})
	refresh := widgets.NewSmallButton(k.v.tr.T("staff_refresh"), k.showStaff)
	closeArea := widgets.NewSmallButton(k.v.tr.T("staff_close"), func() { k.v.staffOpen = false; k.Home() })
	k.display(screen{name: "staff", redraw: k.showStaff, back: closeArea.OnTapped,
		content: container.NewBorder(heading(k.v.tr.T("staff_title")), container.New(barLayout{}, test, diag, refresh, closeArea),
			nil, nil, box)})
}

// staffAction runs a slow staff task off the UI goroutine and shows its
// outcome in the staff area.
func (k guideScreens) staffAction(do func(context.Context) (string, error)) {
	k.help.showWait("staff-working")
	k.spawn(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		note, err := do(ctx)
		fyne.Do(func() {
			if err != nil {
				slog.Warn("staff task failed", "err", err)
				note = k.v.tr.T("staff_failed", map[string]any{"Error": err.Error()})
			}
			k.v.staffNote = note
			k.showStaff()
		})
	})
}

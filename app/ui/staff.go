package ui

import (
	"context"
	"fmt"
	"log/slog"
	"lotse/app/ui/widgets"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"lotse/app/i18n"
)

// StaffStatus is what the staff area shows: the devices, the network and
// the queue — nothing about any resident.
type StaffStatus struct {
	Kiosk, Municipality, PrinterProfile string
	ProfileVersion                      int
	ProfileError                        string
	Printer                             string // "bereit", "Papier geht zu Ende", "paper end", …
	Reader                              string // "RDM6300 an /dev/ttyUSB1, letzte Karte …4BB6"
	Portal                              string // the portal's address
	Online, Revoked                     bool
	LastSync                            time.Time
	Outbox                              map[string]int
	FreeDiskMB                          int64
}

// StaffDesk serves the staff area.
type StaffDesk interface {
	Status(ctx context.Context) StaffStatus
	TestPage(ctx context.Context) error
	// Diagnostics writes a support bundle without personal data and
	// returns where.
	Diagnostics(ctx context.Context) (string, error)
}

// showStaff is the staff area: printer, card reader, network, queue,
// disk, and what the kiosk runs; a test page and a diagnostics bundle.
func (k *Kiosk) showStaff() {
	if !k.staffOpen || k.deps.Staff == nil {
		k.Home()
		return
	}
	// Staff read the office's language, whatever the last visitor chose.
	k.tr = k.deps.Texts.For(i18n.Default)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	st := k.deps.Staff.Status(ctx)
	cancel()
	net := k.tr.T("staff_offline")
	switch {
	case st.Portal == "":
		net = k.tr.T("staff_no_portal")
	case st.Revoked:
		net = k.tr.T("staff_revoked")
	case st.Online:
		net = k.tr.T("staff_online")
	}
	last := "–"
	if !st.LastSync.IsZero() {
		last = st.LastSync.In(time.Local).Format("02.01. 15:04")
	}
	profileName := k.tr.T("staff_no_profile")
	if st.ProfileVersion > 0 {
		profileName = fmt.Sprint(st.ProfileVersion)
	}
	network := k.tr.T("staff_network", map[string]any{"Status": net, "Portal": st.Portal, "Last": last})
	if st.Portal == "" {
		network = k.tr.T("staff_network_none", map[string]any{"Status": net})
	}
	var states []string
	for s, n := range st.Outbox {
		states = append(states, fmt.Sprintf("%s %d", s, n))
	}
	sort.Strings(states)
	lines := []string{
		k.tr.T("staff_kiosk", map[string]any{"Name": st.Kiosk, "Municipality": st.Municipality, "Profile": profileName, "Printer": st.PrinterProfile}),
		k.tr.T("staff_printer", map[string]any{"Status": st.Printer}),
		k.tr.T("staff_reader", map[string]any{"Status": st.Reader}),
		network,
		k.tr.T("staff_outbox", map[string]any{"Counts": strings.Join(states, ", ")}),
		k.tr.T("staff_disk", map[string]any{"MB": st.FreeDiskMB}),
	}
	box := container.NewVBox()
	for _, l := range lines {
		box.Add(paragraph(l))
	}
	if st.ProfileError != "" {
		box.Add(warningLine(k.tr.T("staff_profile_error", map[string]any{"Error": st.ProfileError})))
	}
	if k.staffNote != "" {
		box.Add(warningLine(k.staffNote))
	}
	test := widgets.NewSmallButton(k.tr.T("staff_test_page"), func() {
		k.staffAction(func(ctx context.Context) (string, error) {
			return k.tr.T("staff_test_page_done"), k.deps.Staff.TestPage(ctx)
		})
	})
	diag := widgets.NewSmallButton(k.tr.T("staff_diagnostics"), func() {
		k.staffAction(func(ctx context.Context) (string, error) {
			path, err := k.deps.Staff.Diagnostics(ctx)
			return k.tr.T("staff_diagnostics_done", map[string]any{"Path": path}), err
		})
	})
	refresh := widgets.NewSmallButton(k.tr.T("staff_refresh"), k.showStaff)
	closeArea := widgets.NewSmallButton(k.tr.T("staff_close"), func() { k.staffOpen = false; k.Home() })
	k.display(screen{name: "staff", redraw: k.showStaff, back: closeArea.OnTapped,
		content: container.NewBorder(heading(k.tr.T("staff_title")), container.New(barLayout{}, test, diag, refresh, closeArea),
			nil, nil, box)})
}

// staffAction runs a slow staff task off the UI goroutine and shows its
// outcome in the staff area.
func (k *Kiosk) staffAction(do func(context.Context) (string, error)) {
	k.showWait("staff-working")
	k.spawn(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		note, err := do(ctx)
		fyne.Do(func() {
			if err != nil {
				slog.Warn("staff task failed", "err", err)
				note = k.tr.T("staff_failed", map[string]any{"Error": err.Error()})
			}
			k.staffNote = note
			k.showStaff()
		})
	})
}

package ui

import (
	"fmt"
	"time"

	"lotse/app/access"
	"lotse/app/desk"
	"lotse/app/flow"
	"lotse/app/profile"
	"lotse/sync/wire"
)

// Screen is one screen of the kiosk in a known state, for `lotse screens`,
// reports and reviews: Show puts the kiosk there, filled with the
// catalogue's example answers.
type Screen struct {
	Name string
	Show func()
}

// sampleCode is the reference code shown on sample receipt screens.
const sampleCode = "LT-7K3M-9QPD"

// sampleGuide accompanies the sample assisted visits.
var sampleGuide = profile.Guide{ID: "g-sample", Name: "Anna"}

// lastStep walks svc with its examples to its last question: that step
// and the answers before it.
func lastStep(svc flow.Service, now func() time.Time) (flow.Step, map[string]string) {
	f := flow.NewForm(svc, now)
	var last flow.Step
	var answered map[string]string
	for !f.AtSummary() {
		s, _ := f.Current()
		last, answered = s, f.Data()
		if f.Answer(flow.ExampleValue(s, f.Today())) != nil {
			break
		}
	}
	return last, answered
}

// Screens lists every screen of every service in the catalogue, in visit
// order, plus help, guide call and language choice.
func (k *Kiosk) Screens() []Screen {
	list := []Screen{
		{"start", k.Home},
		{"help", func() { k.Home(); k.push(k.cur.redraw, k.help.showHelp) }},
		{"call-guide", func() { k.Home(); k.push(k.cur.redraw, k.help.showCall) }},
		{"language", func() { k.Home(); k.push(k.cur.redraw, k.help.showLanguages) }},
		{"look", func() { k.Home(); k.push(k.cur.redraw, k.help.showLooks) }},
		{"status-ask", func() { k.Home(); k.push(k.cur.redraw, func() { k.tickets.showStatusAsk("") }) }},
		{"status-ask-wrong", func() {
			k.Home()
			k.push(k.cur.redraw, func() { k.tickets.showStatusAsk(k.v.tr.T("status_bad_code")) })
		}},
		{"status-waiting", func() { k.Home(); k.tickets.showStatus("LT-7K3M-9QPD", wire.CaseStatus{State: "waiting"}, nil) }},
		{"status-received", func() { k.Home(); k.tickets.showStatus("LT-7K3M-9QPD", wire.CaseStatus{State: "received"}, nil) }},
		{"status-rejected", func() {
			k.Home()
			k.tickets.showStatus("LT-7K3M-9QPD", wire.CaseStatus{State: "rejected", Reason: "Die Wohnungsgeberbestätigung fehlt."}, nil)
		}},
		{"status-unknown", func() { k.Home(); k.tickets.showStatus("LT-7K3M-9QPD", wire.CaseStatus{}, wire.ErrNoCase) }},
		{"idle-warning", func() {
			k.Home()
			k.tickets.showInfo(k.deps.Catalogue.Services[len(k.deps.Catalogue.Services)-1])
			k.idle.showIdleWarning()
		}},
	}
	for _, svc := range k.deps.Catalogue.Services {
		if svc.Kind.AsksSteps() && len(svc.Steps) > 1 {
			list = append(list, Screen{"start-over", func() {
				k.registry.fillTo(svc, map[string]string{svc.Steps[0].ID: flow.ExampleValue(svc.Steps[0], k.deps.Now())}, svc.Steps[1], "")
				k.startOver()
			}})
			break
		}
	}
	if k.deps.Gate != nil {
		// What guides and staff see: their PIN pads, and a question of an
		// assisted visit with its banner.
		list = append(list,
			Screen{"pin-guide", func() { k.Home(); k.push(k.cur.redraw, func() { k.guide.showPIN(access.Guide, "") }) }},
			Screen{"pin-staff", func() { k.Home(); k.push(k.cur.redraw, func() { k.guide.showPIN(access.Staff, "") }) }})
		for _, svc := range k.deps.Catalogue.Services {
			if svc.Kind.AsksSteps() && len(svc.Steps) > 1 {
				s := svc.Steps[1]
				list = append(list, Screen{"assisted-" + stepName(flow.NewForm(svc, k.deps.Now), s), func() {
					k.registry.fillTo(svc, map[string]string{svc.Steps[0].ID: flow.ExampleValue(svc.Steps[0], k.deps.Now())}, s, "")
					k.guide.startGuide(sampleGuide)
				}}, Screen{"guide-steps", func() {
					// The longest list a guide jumps in: every question
					// answered but the last.
					last, answered := lastStep(svc, k.deps.Now)
					k.registry.fillTo(svc, answered, last, "")
					k.guide.startGuide(sampleGuide)
					k.push(k.cur.redraw, k.guide.showSteps)
				}})
				break
			}
		}
		if k.deps.Reprints != nil {
			list = append(list, Screen{"guide-menu", func() {
				k.Home()
				k.guide.startGuide(sampleGuide)
				k.push(k.cur.redraw, k.guide.showGuideMenu)
			}})
		}
		if k.deps.Staff != nil {
			list = append(list, Screen{"staff", func() { k.Home(); k.v.staffOpen = true; k.guide.showStaff() }})
		}
	}
	for _, svc := range k.deps.Catalogue.Services {
		switch {
		case svc.Kind == flow.KindTicket:
			list = append(list,
				Screen{svc.ID, func() { k.Home(); k.tickets.showTicketChoice(svc) }},
				Screen{svc.ID + "-closed", func() { k.Home(); k.tickets.showTicketsClosed(svc) }},
				Screen{svc.ID + "-number", func() {
					k.Home()
					o := k.texts.tService(svc).Options[0]
					k.tickets.showTicket(desk.Ticket{Number: o.Prefix + "017", Service: o.Title, Room: o.Room, Issued: k.deps.Now()})
				}})
		case svc.Kind == flow.KindInfo:
			list = append(list, Screen{svc.ID, func() { k.Home(); k.tickets.showInfo(svc) }})
			for i := range svc.Pages {
				list = append(list, Screen{fmt.Sprintf("%s-%d", svc.ID, i+1), func() { k.Home(); k.tickets.showInfoPage(svc, i) }})
			}
		case svc.Kind.AsksSteps():
			list = append(list, k.registry.formScreens(svc)...)
		case svc.Kind == flow.KindBooking:
			list = append(list, k.registry.bookingScreens(svc)...)
		case svc.Kind == flow.KindCheckIn:
			list = append(list,
				Screen{svc.ID, func() { k.Home(); k.booking.startCheckIn(svc) }},
				Screen{svc.ID + "-wrong", func() { k.Home(); k.booking.showCheckIn(svc, "123456789", k.v.tr.T("checkin_wrong_code")) }},
				Screen{svc.ID + "-late", func() {
					k.Home()
					k.booking.showBookingMessage(svc.ID+"-late", k.v.tr.T("checkin_late", map[string]any{"Time": "9:20"}))
				}},
				Screen{svc.ID + "-number", func() {
					k.Home()
					now := k.deps.Now()
					k.tickets.showTicket(desk.Ticket{Number: "T017", Service: sampleBookable.Title, Room: sampleBookable.Room, Issued: now,
						Due: now.Add(10 * time.Minute)})
				}})
		}
	}
	return list
}

// sampleBookable is the bookable service the screens of a booking show.
var sampleBookable = wire.BookableService{ID: "ausweis", Title: "Personalausweis oder Reisepass beantragen", Minutes: 20, Room: "Schalter 1"}

// bookingScreens walks a booking with sample times: the screens need no
// portal to be seen and measured.
func (k screenRegistry) bookingScreens(svc flow.Service) []Screen {
	sample := func() {
		k.Home()
		now := k.deps.Now()
		b := &bookingVisit{svc: svc, service: sampleBookable, key: "sample", from: thisMonday(now)}
		for d := 1; d <= 10; d++ {
			day := now.AddDate(0, 0, d)
			if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
				continue
			}
			for m := 8 * 60; m < 11*60; m += 20 {
				b.slots = append(b.slots, wire.Slot{Start: time.Date(day.Year(), day.Month(), day.Day(), m/60, m%60, 0, 0, now.Location()),
					Free: (m / 20) % 3})
			}
		}
		b.day = b.slots[0].Start
		b.start = b.slots[1].Start
		b.name, b.phone = "Fatma Yılmaz", "0171 2345678"
		k.v.book = b
	}
	return []Screen{
		{svc.ID + "-offline", func() { k.Home(); k.booking.showBookingOffline(svc) }},
		{svc.ID + "-service", func() { sample(); k.booking.showBookingServices([]wire.BookableService{sampleBookable}) }},
		{svc.ID + "-day", func() { sample(); k.booking.showBookingDays() }},
		{svc.ID + "-time", func() { sample(); k.booking.showBookingTimes(k.v.book.day) }},
		{svc.ID + "-name", func() { sample(); k.booking.showBookingName("") }},
		{svc.ID + "-name-refused", func() { sample(); k.v.book.name = "A"; k.booking.showBookingName(k.v.tr.T("invalid_name_short")) }},
		{svc.ID + "-phone", func() { sample(); k.booking.showBookingPhone("") }},
		{svc.ID + "-summary", func() { sample(); k.booking.showBookingSummary() }},
		{svc.ID + "-done", func() {
			sample()
			k.booking.showBooked(desk.Appointment{Booked: wire.Booked{Code: "469076400", Start: k.v.book.start, Title: sampleBookable.Title,
				Room: sampleBookable.Room}})
		}},
	}
}

// formScreens walks a form with its examples: the intro, each step with
// its example typed in but not yet confirmed, the summary and the receipt.
// Steps that the examples leave hidden are walked again with the answer
// that shows them, so every step gets its picture. The first typed step
// that can be refused also appears with a wrong answer and its message.
func (k screenRegistry) formScreens(svc flow.Service) []Screen {
	list := []Screen{{svc.ID + "-00-intro", func() { k.Home(); k.forms.startForm(svc) }}}
	seen := map[string]bool{}
	var final map[string]string
	walk := func(override map[string]string) {
		f := flow.NewForm(svc, k.deps.Now)
		for !f.AtSummary() {
			s, _ := f.Current()
			answered := f.Data() // the answers before this step
			if !seen[s.ID] {
				seen[s.ID] = true
				list = append(list, Screen{stepName(f, s), func() { k.fillTo(svc, answered, s, "") }})
			}
			v, ok := override[s.ID]
			if !ok {
				v = flow.ExampleValue(s, f.Today())
			}
			if f.Answer(v) != nil {
				return // the catalogue check refuses such examples; stop rather than loop
			}
		}
		if final == nil {
			final = f.Data()
		}
	}
	walk(nil)
	for _, s := range svc.Steps {
		if !seen[s.ID] && s.When != nil {
			walk(map[string]string{s.When.Step: s.When.Is[0]})
		}
	}
	for _, s := range svc.Steps {
		if wrong, ok := refusedSample[s.Type]; ok && s.When == nil {
			list = append(list, Screen{stepName(flow.NewForm(svc, k.deps.Now), s) + "-refused", func() {
				k.fillTo(svc, final, s, wrong)
			}})
			break
		}
	}
	list = append(list,
		Screen{svc.ID + "-summary", func() { k.fillTo(svc, final, flow.Step{}, "") }},
		Screen{svc.ID + "-receipt", func() {
			k.Home()
			loc := k.texts.tService(svc)
			k.forms.showReceipt(svc, desk.Receipt{Service: loc.Title, Code: sampleCode, Next: loc.Next, Issued: k.deps.Now()})
		}})
	return list
}

// refusedSample is an answer each typed field refuses, for the picture
// of a step with its message.
var refusedSample = map[flow.FieldType]string{
	flow.FieldPostcode: "3503", flow.FieldStreet: "Lindenstraße", flow.FieldEmail: "name@beispiel",
	flow.FieldPhone: "0641", flow.FieldName: "A", flow.FieldNumber: "99",
}

// fillTo starts svc, answers with the given values in order until step
// (or the summary), and types the step's example as a draft — or wrong,
// confirmed, to show the step refusing it.
func (k screenRegistry) fillTo(svc flow.Service, answers map[string]string, step flow.Step, wrong string) {
	k.Home()
	k.forms.startForm(svc)
	for {
		s, ok := k.v.form.Current()
		if !ok || (s.ID == step.ID && step.ID != "") {
			break
		}
		v, known := answers[s.ID]
		if !known || k.v.form.Answer(v) != nil {
			break
		}
	}
	if wrong != "" {
		k.v.draft, k.v.fs.draftStep = wrong, step.ID
		k.forms.answer(wrong)
		return
	}
	if step.ID != "" {
		k.v.draft, k.v.fs.draftStep = flow.ExampleValue(step, k.deps.Now()), step.ID
	}
	k.forms.showStep()
}

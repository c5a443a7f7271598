package ui

import (
	"fmt"

	"lotse/app/flow"
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

// Screens lists every screen of every service in the catalogue, in visit
// order, plus help, guide call and language choice.
func (k *Kiosk) Screens() []Screen {
	list := []Screen{
		{"start", k.Home},
		{"help", func() { k.Home(); k.push(k.cur.redraw, k.showHelp) }},
		{"call-guide", func() { k.Home(); k.push(k.cur.redraw, k.showCall) }},
		{"language", func() { k.Home(); k.push(k.cur.redraw, k.showLanguages) }},
	}
	for _, svc := range k.deps.Catalogue.Services {
		switch {
		case svc.Kind == flow.KindTicket:
			list = append(list,
				Screen{svc.ID, func() { k.Home(); k.showTicketChoice(svc) }},
				Screen{svc.ID + "-number", func() {
					k.Home()
					o := svc.Options[0]
					k.showTicket(flow.Ticket{Number: o.Prefix + "017", Service: o.Title, Room: o.Room, Issued: k.deps.Now()})
				}})
		case svc.Kind == flow.KindInfo:
			list = append(list, Screen{svc.ID, func() { k.Home(); k.showInfo(svc) }})
			for i := range svc.Pages {
				list = append(list, Screen{fmt.Sprintf("%s-%d", svc.ID, i+1), func() { k.Home(); k.showInfoPage(svc, i) }})
			}
		case svc.Kind.AsksSteps():
			list = append(list, k.formScreens(svc)...)
		}
	}
	return list
}

// formScreens walks a form with its examples: the intro, each step with
// its example typed in but not yet confirmed, the first refused answer,
// the summary and the receipt.
func (k *Kiosk) formScreens(svc flow.Service) []Screen {
	list := []Screen{{svc.ID + "-00-intro", func() { k.Home(); k.startForm(svc) }}}
	f := flow.NewForm(svc, k.deps.Now)
	for !f.AtSummary() {
		s, _ := f.Current()
		answered := f.Data() // the answers before this step
		list = append(list, Screen{stepName(f, s), func() { k.fillTo(svc, answered, s) }})
		if p := f.Answer(flow.ExampleValue(s, f.Today())); p != nil {
			break // the catalogue check refuses such examples; stop rather than loop
		}
	}
	final := f.Data()
	list = append(list,
		Screen{svc.ID + "-summary", func() { k.fillTo(svc, final, flow.Step{}) }},
		Screen{svc.ID + "-receipt", func() {
			k.Home()
			k.showReceipt(svc, flow.Receipt{Service: svc.Title, Code: sampleCode, Next: svc.Next, Issued: k.deps.Now()})
		}})
	return list
}

// fillTo starts svc, answers with the given values in order until step
// (or the summary), and types the step's example as a draft.
func (k *Kiosk) fillTo(svc flow.Service, answers map[string]string, step flow.Step) {
	k.Home()
	k.startForm(svc)
	for {
		s, ok := k.form.Current()
		if !ok || (s.ID == step.ID && step.ID != "") {
			break
		}
		v, known := answers[s.ID]
		if !known || k.form.Answer(v) != nil {
			break
		}
	}
	if step.ID != "" {
		k.draft, k.fs.draftStep = flow.ExampleValue(step, k.deps.Now()), step.ID
	}
	k.showStep()
}

package flow

import (
	"fmt"
	"slices"
)

// Texts translates screen and print texts for the current visitor.
type Texts interface {
	T(id string, data ...map[string]any) string
}

// Lookup finds a text in one language without falling back to another;
// i18n.Localizer implements it.
type Lookup interface {
	Lookup(id string) (string, bool)
}

// Localize returns svc with every text a resident reads in the language
// of tr, and the message ids that language lacks (those texts stay as the
// catalogue file has them, in German). Ids and stored answers do not
// change: a submission is the same whatever language it was made in.
//
// The ids are "svc.<service>.title", ".intro", ".next";
// "svc.<service>.<option>.title" and ".room" for waiting-number queues;
// "svc.<service>.page<N>.title" and ".text" for information pages (N
// from 1); "svc.<service>.<step>.question", ".label", ".help", ".text"
// and "svc.<service>.<step>.options.<option>".
func Localize(svc Service, tr Lookup) (Service, []string) {
	var missing []string
	// In Leichte Sprache a step's help is its help_easy, which the
	// catalogue file holds already; help_easy is never translated, since
	// Leichte Sprache is German.
	e, ok := tr.(interface{ Easy() bool })
	easy := ok && e.Easy()
	t := func(s *string, id string) {
		if *s == "" {
			return
		}
		if v, ok := tr.Lookup(id); ok {
			*s = v
			return
		}
		missing = append(missing, id)
	}
	p := "svc." + svc.ID + "."
	t(&svc.Title, p+"title")
	t(&svc.Intro, p+"intro")
	t(&svc.Next, p+"next")
	svc.Notes = slices.Clone(svc.Notes)
	for i := range svc.Notes {
		t(&svc.Notes[i].Text, p+"notes."+svc.Notes[i].ID)
	}
	svc.Options = slices.Clone(svc.Options)
	for i := range svc.Options {
		o := &svc.Options[i]
		t(&o.Title, p+o.ID+".title")
		t(&o.Room, p+o.ID+".room")
	}
	svc.Pages = slices.Clone(svc.Pages)
	for i := range svc.Pages {
		pg := &svc.Pages[i]
		t(&pg.Title, fmt.Sprintf("%spage%d.title", p, i+1))
		t(&pg.Text, fmt.Sprintf("%spage%d.text", p, i+1))
	}
	svc.Steps = slices.Clone(svc.Steps)
	for i := range svc.Steps {
		s := &svc.Steps[i]
		sp := p + s.ID + "."
		t(&s.Question, sp+"question")
		t(&s.Label, sp+"label")
		if !easy {
			t(&s.Help, sp+"help")
		}
		t(&s.Text, sp+"text")
		s.Options = slices.Clone(s.Options)
		for j := range s.Options {
			t(&s.Options[j].Title, sp+"options."+s.Options[j].ID)
		}
	}
	return svc, missing
}

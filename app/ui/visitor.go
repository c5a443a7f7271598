package ui

import (
	"time"

	"lotse/app/flow"
	"lotse/app/i18n"
	"lotse/app/profile"
	"lotse/app/ui/widgets"
)

// visitor is everything one visitor leaves behind at the kiosk. It lives in
// one value, replaced whole when the visit ends (endVisit): a field added
// here later starts every visit at its zero or default, and cannot carry
// one visitor's data to the next (endVisit once reset about fifteen
// fields one by one).
type visitor struct {
	// calledAt is when the visitor called a guide who is on the way: the
	// visit is not wiped for idleness until the guide arrives, the call is
	// withdrawn, or callHold has passed (zero: no open call).
	calledAt time.Time
	// look is the visitor's display; tr translates for them.
	look widgets.Look
	tr   *i18n.Localizer
	// history holds the screens to return to with "Zurück".
	history []func()
	// form is the visitor's form in progress and draft what they typed
	// for its current step but not yet confirmed; fs its screen's state.
	form  *flow.Form
	draft string
	fs    formState
	// book is the appointment being booked.
	book *bookingVisit
	// easyHelp says the help screen shows Leichte Sprache.
	easyHelp bool
	// speechMode reads every screen on arrival.
	speechMode bool
	// guide is the guide assisting this visit; staffOpen says the staff
	// PIN was given; staffNote is the outcome of the last staff task.
	guide     *profile.Guide
	staffOpen bool
	staffNote string
	idle      idleState
}

// freshVisitor is how every visit starts: the kiosk's language and look, the
// voice on when a headset is plugged in, nothing else.
func (k visitLife) freshVisitor() visitor {
	return visitor{look: k.defLook, tr: k.deps.Texts.For(k.lang), speechMode: k.headset, idle: idleState{lastTouch: k.deps.Now()}}
}

package ui

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"lotse/app/i18n"
	"lotse/app/internal/testutil"
	"lotse/app/profile"
	"lotse/app/ui/widgets"
)

// A visitor walks part of „Mangel melden“, switches the look, the voice,
// the help in Leichte Sprache and the language, a guide logs in and the
// staff area was opened; the visit ends. By reflection over the visitor
// value: every field of the next visit is at its start — a field added
// later and forgotten cannot carry one visitor's data to the next.
func TestTheNextVisitStartsFromNothing(t *testing.T) {
	desk := testutil.Desk(t, testutil.DB(t), nil, time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC))
	v := newVisit(t, demoCatalogue(t), desk)
	k := v.k
	v.reportPothole("Markt 3", "Tief.")
	k.help.setLook(widgets.Looks()[len(widgets.Looks())-1])
	k.v.speechMode, k.v.easyHelp, k.v.staffOpen, k.v.staffNote = true, true, true, "Drucker geprüft"
	k.v.guide = &profile.Guide{ID: "g1", Name: "Anna"}
	k.v.calledAt = deskDay
	k.v.draft = "Tief, sehr tief"
	k.v.tr = k.deps.Texts.For("uk")
	// Every field the walk could reach holds something.
	before := reflect.ValueOf(k.v)
	for i := range before.NumField() {
		if f := before.Type().Field(i); f.Name != "book" && f.Name != "idle" && before.Field(i).IsZero() {
			t.Errorf("the walk left %s empty: the test would prove nothing for it", f.Name)
		}
	}
	k.Home()
	got, fresh := k.v, k.visits.freshVisitor()
	if lang := got.tr.Lang(); lang != i18n.Default {
		t.Errorf("the next visit speaks %s", lang)
	}
	if len(got.history) != 0 {
		t.Errorf("the next visit can go back %d screens", len(got.history))
	}
	if !got.idle.warnedAt.IsZero() || got.idle.countdown != nil || got.idle.before.name != "" {
		t.Errorf("the next visit's idle state: %+v", got.idle)
	}
	// Those checked, the rest must be the start itself, field by field.
	got.tr, got.history, got.idle = fresh.tr, fresh.history, fresh.idle
	if !reflect.DeepEqual(got, fresh) {
		g, w := reflect.ValueOf(got), reflect.ValueOf(fresh)
		for i := range g.NumField() {
			if a, b := fmt.Sprintf("%#v", g.Field(i)), fmt.Sprintf("%#v", w.Field(i)); a != b {
				t.Errorf("the next visit starts with %s = %s, want %s", g.Type().Field(i).Name, a, b)
			}
		}
	}
}

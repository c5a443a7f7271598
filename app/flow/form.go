package flow

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Form runs one visitor through a form service: one question at a time,
// back and forth, conditional steps, a summary with "change" per answer.
// It holds the visitor's answers until Wipe.
type Form struct {
	Service Service
	// Guide is the id of the guide assisting, recorded with the submission.
	Guide   string
	now     func() time.Time
	answers map[string]string
	// cur is the index of the current step; len(Steps) is the summary.
	cur int
	// changing says the visitor came from the summary to change an answer
	// and goes back there when done.
	changing bool
}

// NewForm starts a visit of svc at its first visible step.
func NewForm(svc Service, now func() time.Time) *Form {
	f := &Form{Service: svc, now: now, answers: map[string]string{}, cur: -1}
	f.cur = f.nextVisible(-1)
	return f
}

// Today is the visitor's day, for date pickers and date rules.
func (f *Form) Today() time.Time { return f.now() }

// Current is the step on screen; ok is false at the summary.
func (f *Form) Current() (s Step, ok bool) {
	if f.cur >= len(f.Service.Steps) {
		return Step{}, false
	}
	return f.Service.Steps[f.cur], true
}

// AtSummary says all visible steps are answered and the summary shows.
func (f *Form) AtSummary() bool { return f.cur >= len(f.Service.Steps) }

// Value is the stored answer to step id ("" when none).
func (f *Form) Value(id string) string { return f.answers[id] }

// Answered says step id has a stored answer (an optional step may be
// answered with nothing).
func (f *Form) Answered(id string) bool {
	_, ok := f.answers[id]
	return ok
}

// Answer validates v for the current step, stores it and moves on. A
// refused answer is not stored and the step stays.
func (f *Form) Answer(v string) *Problem {
	s, ok := f.Current()
	if !ok {
		return nil
	}
	v = Normalize(s, v)
	if p := Validate(s, v, f.now()); p != nil {
		return p
	}
	f.answers[s.ID] = v
	if f.changing {
		// Back to the summary, unless the change revealed a step that
		// has no answer yet.
		for i := f.cur + 1; i < len(f.Service.Steps); i++ {
			if f.visible(i) && !f.Answered(f.Service.Steps[i].ID) {
				f.cur = i
				return nil
			}
		}
		f.changing = false
		f.cur = len(f.Service.Steps)
		return nil
	}
	f.cur = f.nextVisible(f.cur)
	return nil
}

// Back goes to the previous visible step, or from a change back to the
// summary. It returns false on the first step: the visitor leaves the form.
func (f *Form) Back() bool {
	if f.changing {
		f.changing = false
		f.cur = len(f.Service.Steps)
		return true
	}
	for i := f.cur - 1; i >= 0; i-- {
		if f.visible(i) {
			f.cur = i
			return true
		}
	}
	return false
}

// Change goes from the summary (or, for a guide, from anywhere) to step id;
// after it is answered the form returns to the summary.
func (f *Form) Change(id string) error {
	for i, s := range f.Service.Steps {
		if s.ID == id {
			if !f.visible(i) {
				return fmt.Errorf("change %s: step not shown for these answers", id)
			}
			f.changing = f.AtSummary() || f.changing
			f.cur = i
			return nil
		}
	}
	return fmt.Errorf("change %s: no such step in %s", id, f.Service.ID)
}

// Position is the current step's number among the visible steps and
// their count, for "Frage 2 von 7".
func (f *Form) Position() (n, total int) {
	for i := range f.Service.Steps {
		if !f.possible(i) {
			continue
		}
		total++
		if i <= f.cur && f.visible(i) {
			n = total
		}
	}
	return n, total
}

// possible says step i is asked or may still be: its condition is met, or
// hangs on a step not answered yet that may itself be asked. Counting
// these, the total is that of the longest path and never grows as the
// visitor answers ("Frage 2 von 14" after "1 von 13" would make anyone
// wonder how long this goes on); it shrinks when an answer skips steps.
func (f *Form) possible(i int) bool {
	w := f.Service.Steps[i].When
	if w == nil {
		return true
	}
	if _, ok := f.answers[w.Step]; ok {
		return f.visible(i)
	}
	for j, s := range f.Service.Steps[:i] {
		if s.ID == w.Step {
			return f.possible(j)
		}
	}
	return false
}

// SummaryLine is one line of the summary.
type SummaryLine struct {
	Step  Step
	Value string
}

// Summary lists the visible steps with their answers, in order.
func (f *Form) Summary() []SummaryLine {
	var lines []SummaryLine
	for i, s := range f.Service.Steps {
		if f.visible(i) {
			lines = append(lines, SummaryLine{Step: s, Value: f.answers[s.ID]})
		}
	}
	return lines
}

// Data is what gets sealed: the answers to the visible steps. Answers to
// steps a later change hid are left out; nobody asked for them.
func (f *Form) Data() map[string]string {
	data := map[string]string{}
	for _, l := range f.Summary() {
		if f.Answered(l.Step.ID) {
			data[l.Step.ID] = l.Value
		}
	}
	return data
}

// Complete says every visible step has an answer.
func (f *Form) Complete() bool {
	for _, l := range f.Summary() {
		if !f.Answered(l.Step.ID) {
			return false
		}
	}
	return true
}

// Wipe forgets every answer and starts over.
func (f *Form) Wipe() {
	clear(f.answers)
	f.changing = false
	f.cur = f.nextVisible(-1)
}

func (f *Form) nextVisible(from int) int {
	for i := from + 1; i < len(f.Service.Steps); i++ {
		if f.visible(i) {
			return i
		}
	}
	return len(f.Service.Steps)
}

// Notes are the service's notes that hold for the answers given, with
// the number answers they name: they go on the receipt.
func (f *Form) Notes() []Note {
	var out []Note
	for _, n := range f.Service.Notes {
		if !f.holds(n.When) {
			continue
		}
		n.Values = map[string]string{}
		for _, m := range notePlaceholder.FindAllStringSubmatch(n.Text, -1) {
			n.Values[m[1]] = f.answers[m[1]]
		}
		out = append(out, n)
	}
	return out
}

func (f *Form) visible(i int) bool {
	return f.holds(f.Service.Steps[i].When)
}

// holds says the answers meet w (nil: always).
func (f *Form) holds(w *Condition) bool {
	if w == nil {
		return true
	}
	v, ok := f.answers[w.Step]
	if !ok {
		return false
	}
	for _, got := range strings.Split(v, ",") {
		if slices.Contains(w.Is, got) {
			return true
		}
	}
	return false
}

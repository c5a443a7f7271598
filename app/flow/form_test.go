package flow_test

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"lotse/app/flow"
	"lotse/app/internal/testutil"
	"lotse/assets"
	"lotse/devices/escpossim"
	"lotse/sync/outbox"
)

var today = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

func clock() time.Time { return today }

func demoCatalogue(t *testing.T) *flow.Catalogue {
	t.Helper()
	cat, errs := flow.LoadCatalogue(assets.FS, "services")
	if len(errs) > 0 {
		t.Fatalf("demo catalogue: %v", errs)
	}
	return cat
}

// fill answers every step the form asks with its example.
func fill(t *testing.T, f *flow.Form) {
	t.Helper()
	for guard := 0; !f.AtSummary(); guard++ {
		s, _ := f.Current()
		if guard > 50 {
			t.Fatalf("%s: no summary after 50 answers, stuck at %s", f.Service.ID, s.ID)
		}
		if p := f.Answer(flow.ExampleValue(s, today)); p != nil {
			t.Fatalf("%s: example of %s refused: %v", f.Service.ID, s.ID, p)
		}
	}
}

func TestEveryDemoFormCompletes(t *testing.T) {
	cat := demoCatalogue(t)
	forms := 0
	for _, svc := range cat.Services {
		if !svc.Kind.AsksSteps() {
			continue
		}
		forms++
		f := flow.NewForm(svc, clock)
		fill(t, f)
		if !f.Complete() {
			t.Errorf("%s: at the summary but not complete", svc.ID)
		}
		for _, l := range f.Summary() {
			if want := flow.Normalize(l.Step, flow.ExampleValue(l.Step, today)); l.Value != want {
				t.Errorf("%s.%s = %q, want %q", svc.ID, l.Step.ID, l.Value, want)
			}
		}
	}
	for _, id := range []string{"ummelden", "sperrmuell", "mangel", "termin", "anregung"} {
		if _, ok := cat.Service(id); !ok {
			t.Errorf("demo service %s missing", id)
		}
	}
	if forms < 5 {
		t.Errorf("%d forms in the demo catalogue, want 5", forms)
	}
}

func intp(n int) *int { return &n }

func TestValidationRules(t *testing.T) {
	cases := []struct {
		step      flow.Step
		good, bad string
		problem   string
	}{
		{flow.Step{Type: flow.FieldText}, "Musterstadt", "", "invalid_required"},
		{flow.Step{Type: flow.FieldText, Max: intp(6)}, "Gießen", "Musterstadt", "invalid_too_long"},
		{flow.Step{Type: flow.FieldText, Optional: true}, "", "a\x07b", "invalid_characters"},
		{flow.Step{Type: flow.FieldName}, "Anna-Lena O'Neill", "R2D2", "invalid_name"},
		{flow.Step{Type: flow.FieldName}, "Fatma Yılmaz", "A", "invalid_name_short"},
		{flow.Step{Type: flow.FieldStreet}, "Lindenstraße 12a", "Lindenstraße", "invalid_street"},
		{flow.Step{Type: flow.FieldStreet}, "Am Markt 3-5", "12", "invalid_street"},
		{flow.Step{Type: flow.FieldPostcode}, "35037", "3503", "invalid_postcode"},
		{flow.Step{Type: flow.FieldPostcode}, "01067", "00123", "invalid_postcode"},
		{flow.Step{Type: flow.FieldPhone}, "+49 641 123456", "0641", "invalid_phone"},
		{flow.Step{Type: flow.FieldPhone}, "0641/123456", "0641 abc", "invalid_phone"},
		{flow.Step{Type: flow.FieldEmail}, "a.becker@beispiel.de", "a.becker@beispiel", "invalid_email"},
		{flow.Step{Type: flow.FieldEmail}, "x@y.de", "x y@z.de", "invalid_email"},
		{flow.Step{Type: flow.FieldNumber, Min: intp(1), Max: intp(12)}, "12", "13", "invalid_number_range"},
		{flow.Step{Type: flow.FieldNumber}, "7", "sieben", "invalid_number"},
		{flow.Step{Type: flow.FieldDate, Min: intp(-365), Max: intp(90)}, "2026-11-19", "2027-03-01", "invalid_date_late"},
		{flow.Step{Type: flow.FieldDate, Min: intp(7)}, "2026-11-29", "2026-11-28", "invalid_date_early"},
		{flow.Step{Type: flow.FieldDate}, "2026-02-28", "2026-02-30", "invalid_date"},
		{flow.Step{Type: flow.FieldChoice, Options: []flow.Choice{{ID: "a"}, {ID: "b"}}}, "b", "c", "invalid_choose"},
		{flow.Step{Type: flow.FieldChoice, Multiple: true, Options: []flow.Choice{{ID: "a"}, {ID: "b"}}}, "a,b", "", "invalid_choose"},
		{flow.Step{Type: flow.FieldYesNo}, "nein", "vielleicht", "invalid_choose"},
		{flow.Step{Type: flow.FieldFreeText, Max: intp(20)}, "Zwei\nZeilen", strings.Repeat("x", 21), "invalid_too_long"},
		{flow.Step{Type: flow.FieldConsent}, "ja", "", "invalid_consent"},
	}
	for _, c := range cases {
		name := string(c.step.Type) + "/" + c.problem
		if p := flow.Validate(c.step, flow.Normalize(c.step, c.good), today); p != nil {
			t.Errorf("%s: %q refused: %v", name, c.good, p)
		}
		p := flow.Validate(c.step, flow.Normalize(c.step, c.bad), today)
		if p == nil || p.ID != c.problem {
			t.Errorf("%s: %q gave %v, want %s", name, c.bad, p, c.problem)
		}
	}
}

func TestConditionalStepsAndChange(t *testing.T) {
	svc, _ := demoCatalogue(t).Service("mangel")
	f := flow.NewForm(svc, clock)
	answer := func(v string) {
		t.Helper()
		if p := f.Answer(v); p != nil {
			t.Fatalf("answer %q: %v", v, p)
		}
	}
	current := func() string { s, _ := f.Current(); return s.ID }
	// The count is the longest path's from the first question on: it
	// never grows as the visitor answers.
	if n, total := f.Position(); n != 1 || total != 6 {
		t.Errorf("at the start: %d of %d, want 1 of 6", n, total)
	}
	answer("laterne")
	answer("Markt 3")
	answer("Leuchtet nicht")
	if _, total := f.Position(); total != 6 {
		t.Errorf("before the yes/no: %d steps, want 6", total)
	}
	answer(flow.Yes)
	if current() != "email" {
		t.Fatalf("after yes the form asks %s, want email", current())
	}
	if n, total := f.Position(); n != 5 || total != 6 {
		t.Errorf("position %d of %d, want 5 of 6", n, total)
	}
	answer("a@b.de")
	answer(flow.Yes)
	if !f.AtSummary() || len(f.Summary()) != 6 {
		t.Fatalf("summary has %d lines, want 6", len(f.Summary()))
	}

	// Change the yes/no to no: e-mail and consent disappear, back at the summary.
	if err := f.Change("antwort"); err != nil {
		t.Fatal(err)
	}
	answer(flow.No)
	if !f.AtSummary() {
		t.Fatalf("after a change the form asks %s, want the summary", current())
	}
	data := f.Data()
	if _, ok := data["email"]; ok || len(data) != 4 {
		t.Errorf("hidden answers are submitted: %v", data)
	}

	// Change back to yes: the old e-mail is still known, so straight to the summary.
	f.Change("antwort")
	answer(flow.Yes)
	if !f.AtSummary() || f.Data()["email"] != "a@b.de" {
		t.Fatalf("at %s with %v", current(), f.Data())
	}

	// Change the place: the summary returns, nothing else asked.
	f.Change("wo")
	answer("Lindenweg 4")
	if !f.AtSummary() || f.Data()["wo"] != "Lindenweg 4" {
		t.Fatalf("at %s with %v", current(), f.Data())
	}
	// Zurück during a change goes back to the summary.
	f.Change("art")
	if !f.Back() || !f.AtSummary() {
		t.Error("Zurück during a change did not return to the summary")
	}
	// Zurück from the summary goes to the last step, and on to the first.
	f.Back()
	if current() != "einwilligung" {
		t.Errorf("Zurück from the summary went to %s", current())
	}
	for f.Back() {
	}
	if current() != "art" {
		t.Errorf("Zurück stops at %s, want the first step", current())
	}
	f.Wipe()
	if f.Value("wo") != "" || len(f.Data()) != 0 || current() != "art" {
		t.Errorf("after Wipe: %v at %s", f.Data(), current())
	}
}

func TestNewlyVisibleStepAskedAfterChange(t *testing.T) {
	svc, _ := demoCatalogue(t).Service("anregung")
	f := flow.NewForm(svc, clock)
	f.Answer("gruen")
	f.Answer("Mehr Bänke")
	f.Answer(flow.No)
	if !f.AtSummary() {
		t.Fatal("no summary")
	}
	f.Change("antwort")
	f.Answer(flow.Yes)
	if s, _ := f.Current(); s.ID != "name" {
		t.Fatalf("after yes the form shows %q, want the new step name", s.ID)
	}
	if p := f.Answer("Jan Kowalski"); p != nil {
		t.Fatal(p)
	}
	if s, _ := f.Current(); s.ID != "email" {
		t.Fatalf("then %q, want email", s.ID)
	}
}

func TestBrokenStepsAreReported(t *testing.T) {
	head := "id: x\nkind: form\ntitle: X\nnext: N\nsteps:\n"
	step := func(extra string) string {
		return "  - id: a\n    type: text\n    question: Q\n    help: H\n    help_easy: E\n" + extra
	}
	cases := []struct{ name, steps, want string }{
		{"unknown type", "  - id: a\n    type: colour\n    question: Q\n    help: H\n    help_easy: E\n", "b.yaml:7: steps[0].type: \"colour\" is not a known type"},
		{"no easy help", "  - id: a\n    type: text\n    question: Q\n    help: H\n", "b.yaml:6: steps[0].help_easy: is missing"},
		{"bad example", step("    max: 3\n    example: Gießen\n"), "b.yaml:12: steps[0].example: this step refuses its own example (invalid_too_long)"},
		{"condition on a later step", step("    when: {step: b, is: [ja]}\n"), "steps[0].when.step: \"b\" is not an earlier step"},
		{"condition on text", step("") + "  - id: b\n    type: text\n    question: Q\n    help: H\n    help_easy: E\n    when: {step: a, is: [x]}\n",
			"steps[1].when.step: only a choice or yes/no step"},
		{"choice of one", "  - id: a\n    type: choice\n    question: Q\n    help: H\n    help_easy: E\n    options:\n      - id: o\n        title: O\n", "steps[0].options: a choice needs at least two options"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fsys := fstest.MapFS{"services/b.yaml": {Data: []byte(head + c.steps)}}
			_, errs := flow.LoadCatalogue(fsys, "services")
			if len(errs) == 0 || !strings.Contains(errs[0].Error(), c.want) {
				t.Errorf("errors %v, want %q", errs, c.want)
			}
		})
	}
}

// TestSubmitSealsAndPrints submits a filled form through the real outbox
// (sealed to a real portal's key) and the printer simulator on a pty.
func TestSubmitSealsAndPrints(t *testing.T) {
	db := testutil.DB(t)
	p := testutil.StartPortal(t)
	out, queue := testutil.Enrolled(t, db, p)
	drv, sim := testutil.SimulatedPrinter(t, escpossim.Options{})
	desk := testutil.Desk(t, db, drv, today)
	desk.Sealer = queue
	texts := testutil.Texts(t).For("de")

	svc, _ := demoCatalogue(t).Service("sperrmuell")
	f := flow.NewForm(svc, clock)
	if _, err := desk.Submit(context.Background(), f, texts); err == nil {
		t.Fatal("an incomplete form was submitted")
	}
	fill(t, f)
	r, err := desk.Submit(context.Background(), f, texts)
	if err != nil || r.PrintErr != nil {
		t.Fatalf("submit: %v, print: %v", err, r.PrintErr)
	}
	counts, _ := out.Counts(context.Background())
	if counts[outbox.Queued] != 1 {
		t.Errorf("outbox counts %v, want one queued", counts)
	}
	text := testutil.WaitJobs(t, sim, 1)[0].Text()
	for _, want := range []string{r.Code, "Sperrmüll anmelden", "Abholtermin per Post"} {
		if !strings.Contains(text, want) {
			t.Errorf("receipt lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Gartenweg") || strings.Contains(text, "Becker") {
		t.Errorf("receipt carries personal data:\n%s", text)
	}
}

package flow_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"lotse/app/flow"
)

// FuzzLoadCatalogue feeds any bytes as a service file: the loader must
// never panic, and whatever it accepts must run — every form must reach
// its summary with its own examples.
func FuzzLoadCatalogue(f *testing.F) {
	files, _ := filepath.Glob("../../assets/services/*.yaml")
	for _, name := range files {
		b, _ := os.ReadFile(name)
		f.Add(b)
	}
	f.Add([]byte("id: x\nkind: form\ntitle: X\nnext: N\nsteps:\n  - id: a\n    type: date\n    question: Q\n    help: H\n    help_easy: E\n    min: 5\n    max: 1\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		cat, errs := flow.LoadCatalogue(fstest.MapFS{"services/a.yaml": {Data: b}}, "services")
		if len(cat.Services)+len(errs) == 0 {
			t.Fatal("neither a service nor an error")
		}
		for _, svc := range cat.Services {
			if !svc.Kind.AsksSteps() {
				continue
			}
			now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
			form := flow.NewForm(svc, func() time.Time { return now })
			for i := 0; !form.AtSummary(); i++ {
				s, _ := form.Current()
				if i > len(svc.Steps) {
					t.Fatalf("no summary after %d answers", i)
				}
				v := flow.ExampleValue(s, now)
				if v == "" && !s.Optional {
					return // no example: nothing more to walk
				}
				if p := form.Answer(v); p != nil && !strings.HasPrefix(p.ID, "invalid_") {
					t.Fatalf("odd problem %v", p)
				} else if p != nil {
					return
				}
			}
		}
	})
}

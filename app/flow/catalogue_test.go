package flow_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"lotse/app/flow"
	"lotse/assets"
)

func TestDemoCatalogueLoads(t *testing.T) {
	cat, errs := flow.LoadCatalogue(assets.FS, "services")
	if len(errs) > 0 {
		t.Fatalf("demo catalogue has errors: %v", errs)
	}
	svc, ok := cat.Service("wartenummer")
	if !ok || svc.Kind != flow.KindTicket {
		t.Fatalf("no ticket service wartenummer in %+v", cat.Services)
	}
	want := map[string]string{"Ausweis & Pass": "A", "Wohnsitz melden": "B", "Kfz-Zulassung": "C", "Sonstiges": "D"}
	for _, o := range svc.Options {
		if want[o.Title] != o.Prefix {
			t.Errorf("option %q has prefix %q, want %q", o.Title, o.Prefix, want[o.Title])
		}
		delete(want, o.Title)
	}
	if len(want) > 0 {
		t.Errorf("options missing: %v", want)
	}
}

func TestBrokenFileIsReportedAndOthersLoad(t *testing.T) {
	good := "id: info\nkind: info\ntitle: Info\npages:\n  - title: A\n    text: B\n"
	cases := []struct {
		name, text, want string
	}{
		{"unknown field", "id: x\nkind: ticket\ntitel: X\n", "b.yaml:3: field titel not found"},
		{"bad prefix", "id: x\nkind: ticket\ntitle: X\noptions:\n  - id: a\n    title: A\n    prefix: ab\n", "b.yaml:7: options[0].prefix: must be one capital letter"},
		{"missing title", "id: x\nkind: ticket\noptions:\n  - id: a\n    title: A\n    prefix: A\n", "b.yaml:1: title: is missing"},
		{"unknown kind", "id: x\nkind: lottery\ntitle: X\n", "b.yaml:2: kind: \"lottery\" is not a known kind"},
		{"duplicate id", "id: info\nkind: info\ntitle: X\npages:\n  - title: A\n    text: B\n", "b.yaml:1: id: already used by services/a.yaml"},
		{"not yaml", "id: [x\n", "b.yaml:"},
		{"empty page", "id: y\nkind: info\ntitle: X\npages:\n  - title: A\n", "b.yaml:5: pages[0].text: is missing"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fsys := fstest.MapFS{
				"services/a.yaml": {Data: []byte(good)},
				"services/b.yaml": {Data: []byte(c.text)},
			}
			cat, errs := flow.LoadCatalogue(fsys, "services")
			if len(cat.Services) != 1 || cat.Services[0].ID != "info" {
				t.Errorf("the valid service did not load: %+v", cat.Services)
			}
			if len(errs) == 0 {
				t.Fatal("no error reported")
			}
			if !strings.Contains(errs[0].Error(), c.want) {
				t.Errorf("error %q does not contain %q", errs[0], c.want)
			}
		})
	}
}

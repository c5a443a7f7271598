package flow_test

import (
	"strings"
	"testing"

	"lotse/app/flow"
	"lotse/app/i18n"
	"lotse/assets"
)

// TestDemoCatalogueIsTranslated localizes every demo service into every
// language and finds nothing left in German.
func TestDemoCatalogueIsTranslated(t *testing.T) {
	texts, err := i18n.Load(assets.FS, "i18n")
	if err != nil {
		t.Fatal(err)
	}
	if err := texts.AddDir(assets.FS, "services/i18n"); err != nil {
		t.Fatal(err)
	}
	cat := demoCatalogue(t)
	for _, lang := range texts.Languages() {
		if lang == i18n.Default {
			continue
		}
		tr := texts.For(lang)
		for _, svc := range cat.Services {
			loc, missing := flow.Localize(svc, tr)
			if len(missing) > 0 {
				t.Errorf("%s: %d texts of %s untranslated: %s", lang, len(missing), svc.ID, strings.Join(missing, ", "))
			}
			if lang != i18n.Easy && loc.Title == svc.Title && svc.ID != "informationen" {
				t.Errorf("%s: %s keeps its German title %q", lang, svc.ID, svc.Title)
			}
		}
	}
}

func TestLocalizeKeepsIdsAndAnswers(t *testing.T) {
	texts, _ := i18n.Load(assets.FS, "i18n")
	texts.AddDir(assets.FS, "services/i18n")
	svc, _ := demoCatalogue(t).Service("mangel")
	loc, _ := flow.Localize(svc, texts.For("en"))
	if loc.Title != "Report a defect" || loc.Steps[0].Options[0].Title != "Street light" || loc.Steps[0].Options[0].ID != "laterne" {
		t.Errorf("localized: %q %+v", loc.Title, loc.Steps[0].Options[0])
	}
	if svc.Steps[0].Options[0].Title != "Straßenlaterne" {
		t.Error("Localize changed the catalogue itself")
	}
}

package ui

import (
	"lotse/app/flow"
	"lotse/app/i18n"
)

// tService is svc in the visitor's language. German is the catalogue
// file itself; other languages come from the catalogue's translation
// files, and what they lack is noted for the a11y report.
func (k catalogueTexts) tService(svc flow.Service) flow.Service {
	if k.v.tr.Lang() == i18n.Default {
		return svc
	}
	key := k.v.tr.Lang() + "/" + svc.ID
	if loc, ok := k.localized[key]; ok {
		return loc
	}
	loc, missing := flow.Localize(svc, k.v.tr)
	for _, id := range missing {
		k.missing[k.v.tr.Lang()+": "+id] = true
	}
	k.localized[key] = loc
	return loc
}

// tStep is step s of the current form in the visitor's language.
func (k catalogueTexts) tStep(s flow.Step) flow.Step {
	for _, ls := range k.tService(k.v.form.Service).Steps {
		if ls.ID == s.ID {
			return ls
		}
	}
	return s
}

// catText is one catalogue text in the visitor's language, or def (the
// catalogue file's German).
func (k catalogueTexts) catText(id, def string) string {
	if k.v.tr.Lang() != i18n.Default {
		if v, ok := k.v.tr.Lookup(id); ok {
			return v
		}
	}
	return def
}

// MissingTranslations lists the catalogue texts shown in German because
// the visitor's language lacks them, as "lang: id".
func (k *Kiosk) MissingTranslations() []string {
	var ids []string
	for id := range k.missing {
		ids = append(ids, id)
	}
	return ids
}

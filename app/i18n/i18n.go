// Package i18n gives each visitor session its own localizer. Fyne's lang
// package picks one language per process, which a kiosk serving one visitor
// after another cannot use.
package i18n

import (
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Default is the language every session starts in.
const Default = "de"

// Bundle holds every screen text in every language.
type Bundle struct {
	b     *goi18n.Bundle
	langs []string
}

// Load reads dir/<lang>.toml for every file in dir of fsys.
func Load(fsys fs.FS, dir string) (*Bundle, error) {
	b := goi18n.NewBundle(language.German)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("load translations: %w", err)
	}
	var langs []string
	for _, e := range entries {
		if e.IsDir() || path.Ext(e.Name()) != ".toml" {
			continue
		}
		if _, err := b.LoadMessageFileFS(fsys, path.Join(dir, e.Name())); err != nil {
			return nil, fmt.Errorf("load translations %s: %w", e.Name(), err)
		}
		langs = append(langs, strings.TrimSuffix(e.Name(), ".toml"))
	}
	return &Bundle{b: b, langs: langs}, nil
}

// Languages lists the loaded language codes.
func (b *Bundle) Languages() []string { return append([]string(nil), b.langs...) }

// Localizer translates for one visitor session.
type Localizer struct {
	l *goi18n.Localizer
}

// For returns a localizer for lang, falling back to German.
func (b *Bundle) For(lang string) *Localizer {
	return &Localizer{l: goi18n.NewLocalizer(b.b, lang, Default)}
}

// T translates id with optional template data. A missing text shows its id
// in brackets rather than an empty label, and the translation test catches it.
func (l *Localizer) T(id string, data ...map[string]any) string {
	cfg := &goi18n.LocalizeConfig{MessageID: id}
	if len(data) > 0 {
		cfg.TemplateData = data[0]
		// A "Count" picks the plural form (one, other, …) of the language.
		if n, ok := data[0]["Count"]; ok {
			cfg.PluralCount = n
		}
	}
	s, err := l.l.Localize(cfg)
	if err != nil {
		return "[" + id + "]"
	}
	return s
}

// Package i18n gives each visitor session its own localizer. Fyne's lang
// package picks one language per process, which a kiosk serving one visitor
// after another cannot use.
package i18n

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Default is the language every session starts in.
const Default = "de"

// Easy is Leichte Sprache: German in short sentences, one statement per
// line, no abbreviations, no passive. It is a language of its own here,
// with its own texts, falling back to German only where a text is missing.
const Easy = "de-x-ls"

// offered is the order of the language picker: German first, Leichte
// Sprache beside it, then by how many residents need each.
var offered = []string{Default, Easy, "en", "tr", "uk", "ru", "pl"}

// Bundle holds every screen text in every language: one go-i18n bundle
// per language, whose own language is its default. (One bundle for all
// would let go-i18n's language matching answer de-x-ls with German.)
type Bundle struct {
	langs   map[string]*goi18n.Bundle
	ordered []string
}

// Load reads dir/<lang>.toml for every file in dir of fsys.
func Load(fsys fs.FS, dir string) (*Bundle, error) {
	b := &Bundle{langs: map[string]*goi18n.Bundle{}}
	if err := b.load(fsys, dir, true); err != nil {
		return nil, err
	}
	if b.langs[Default] == nil {
		return nil, fmt.Errorf("load translations: no %s.toml in %s", Default, dir)
	}
	for lang := range b.langs {
		b.ordered = append(b.ordered, lang)
	}
	sort.Slice(b.ordered, func(i, j int) bool {
		ri, rj := rank(b.ordered[i]), rank(b.ordered[j])
		if ri != rj {
			return ri < rj
		}
		return b.ordered[i] < b.ordered[j]
	})
	return b, nil
}

func (b *Bundle) load(fsys fs.FS, dir string, create bool) error {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return fmt.Errorf("load translations: %w", err)
	}
	for _, e := range entries {
		if e.IsDir() || path.Ext(e.Name()) != ".toml" {
			continue
		}
		lang := strings.TrimSuffix(e.Name(), ".toml")
		lb := b.langs[lang]
		if lb == nil {
			if !create {
				continue // only languages the screen texts have
			}
			tag, err := language.Parse(lang)
			if err != nil {
				return fmt.Errorf("load translations %s: %w", e.Name(), err)
			}
			lb = goi18n.NewBundle(tag)
			lb.RegisterUnmarshalFunc("toml", toml.Unmarshal)
			b.langs[lang] = lb
		}
		if _, err := lb.LoadMessageFileFS(fsys, path.Join(dir, e.Name())); err != nil {
			return fmt.Errorf("load translations %s: %w", path.Join(dir, e.Name()), err)
		}
	}
	return nil
}

func rank(lang string) int {
	if i := slices.Index(offered, lang); i >= 0 {
		return i
	}
	return len(offered)
}

// AddDir loads more message files, dir/<lang>.toml, into the bundle: the
// service catalogue's translations live beside the catalogue. Only
// languages the screen texts have are kept; a missing dir is no error.
func (b *Bundle) AddDir(fsys fs.FS, dir string) error {
	if _, err := fs.Stat(fsys, dir); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return b.load(fsys, dir, false)
}

// Languages lists the loaded language codes in the picker's order.
func (b *Bundle) Languages() []string { return slices.Clone(b.ordered) }

// Localizer translates for one visitor session.
type Localizer struct {
	own, fallback *goi18n.Localizer
	lang          string
}

// For returns a localizer for lang, falling back to German for texts the
// language lacks (and German altogether for an unknown language).
func (b *Bundle) For(lang string) *Localizer {
	if b.langs[lang] == nil {
		lang = Default
	}
	l := &Localizer{own: goi18n.NewLocalizer(b.langs[lang], lang), lang: lang}
	if lang != Default {
		l.fallback = goi18n.NewLocalizer(b.langs[Default], Default)
	}
	return l
}

// Easy says the localizer speaks Leichte Sprache.
func (l *Localizer) Easy() bool { return l.lang == Easy }

// Lang is the localizer's language code.
func (l *Localizer) Lang() string { return l.lang }

// Lookup returns the text for id in the localizer's own language, and
// false when that language lacks it (no fallback to German).
func (l *Localizer) Lookup(id string) (string, bool) {
	s, err := l.own.Localize(&goi18n.LocalizeConfig{MessageID: id})
	return s, err == nil && s != ""
}

// T translates id with optional template data. A missing text shows its id
// in brackets rather than an empty label, and the translation test catches it.
func (l *Localizer) T(id string, data ...map[string]any) string {
	cfg := &goi18n.LocalizeConfig{MessageID: id}
	if len(data) > 0 {
		cfg.TemplateData = data[0]
		// A "Count" picks the plural form (one, few, many, other) of the language.
		if n, ok := data[0]["Count"]; ok {
			cfg.PluralCount = n
		}
	}
	s, err := l.own.Localize(cfg)
	if err != nil && l.fallback != nil {
		s, err = l.fallback.Localize(cfg)
	}
	if err != nil {
		return "[" + id + "]"
	}
	return s
}

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
	sort.SliceStable(langs, func(i, j int) bool { return rank(langs[i]) < rank(langs[j]) })
	return &Bundle{b: b, langs: langs}, nil
}

func rank(lang string) int {
	if i := slices.Index(offered, lang); i >= 0 {
		return i
	}
	return len(offered)
}

// AddDir loads more message files, dir/<lang>.toml, into the bundle: the
// service catalogue's translations live beside the catalogue. Only
// languages the screen texts have are kept.
func (b *Bundle) AddDir(fsys fs.FS, dir string) error {
	entries, err := fs.ReadDir(fsys, dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("load translations %s: %w", dir, err)
	}
	for _, e := range entries {
		if e.IsDir() || path.Ext(e.Name()) != ".toml" {
			continue
		}
		if _, err := b.b.LoadMessageFileFS(fsys, path.Join(dir, e.Name())); err != nil {
			return fmt.Errorf("load translations %s: %w", path.Join(dir, e.Name()), err)
		}
	}
	return nil
}

// Languages lists the loaded language codes in the picker's order.
func (b *Bundle) Languages() []string { return append([]string(nil), b.langs...) }

// Localizer translates for one visitor session.
type Localizer struct {
	l    *goi18n.Localizer
	lang string
}

// For returns a localizer for lang, falling back to German.
func (b *Bundle) For(lang string) *Localizer {
	return &Localizer{l: goi18n.NewLocalizer(b.b, lang, Default), lang: lang}
}

// Easy says the localizer speaks Leichte Sprache.
func (l *Localizer) Easy() bool { return l.lang == Easy }

// Lang is the localizer's language code.
func (l *Localizer) Lang() string { return l.lang }

// Lookup returns the text for id in the localizer's own language, and
// false when that language lacks it (no fallback to German).
func (l *Localizer) Lookup(id string) (string, bool) {
	s, tag, err := l.l.LocalizeWithTag(&goi18n.LocalizeConfig{MessageID: id})
	if err != nil || s == "" {
		return "", false
	}
	if l.lang != Default && tag.String() != l.lang {
		return "", false
	}
	return s, true
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

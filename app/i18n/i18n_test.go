package i18n_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"lotse/app/i18n"
	"lotse/assets"
)

// keyUse finds translation keys in calls like tr.T("start_title") and in
// print layouts' {{t "print_ticket_heading"}}.
var keyUse = regexp.MustCompile(`(?:\.T\(|\bt )"([a-z0-9_]+)"`)

func TestEveryKeyTheCodeUsesIsTranslated(t *testing.T) {
	b, err := i18n.Load(assets.FS, "i18n")
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	err = filepath.WalkDir("../..", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, "_test.go") ||
			!(strings.HasSuffix(path, ".go") || strings.HasSuffix(path, ".tmpl")) {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range keyUse.FindAllStringSubmatch(string(src), -1) {
			used[m[1]] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !used["print_ticket_heading"] {
		t.Fatal("keys in print layouts were not found")
	}
	if len(used) < 10 {
		t.Fatalf("found only %d keys in the code: the pattern no longer matches", len(used))
	}
	for _, lang := range b.Languages() {
		tr := b.For(lang)
		for key := range used {
			if got := tr.T(key); strings.HasPrefix(got, "[") {
				t.Errorf("%s: key %q has no text", lang, key)
			}
		}
	}
}

func TestTemplateDataIsFilledIn(t *testing.T) {
	b, err := i18n.Load(assets.FS, "i18n")
	if err != nil {
		t.Fatal(err)
	}
	got := b.For("de").T("start_title", map[string]any{"Place": "Rathaus Beispielstadt"})
	if got != "Willkommen im Rathaus Beispielstadt" {
		t.Fatalf("got %q", got)
	}
	if got := b.For("de").T("no_such_key"); got != "[no_such_key]" {
		t.Fatalf("missing key shows %q", got)
	}
}

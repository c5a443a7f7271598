package i18n_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

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
	// The kiosk's code and layouts; the portal's pages have texts of their own.
	walk := func(path string, d os.DirEntry, err error) error {
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
	}
	for _, dir := range []string{"..", "../../assets"} {
		if err := filepath.WalkDir(dir, walk); err != nil {
			t.Fatal(err)
		}
	}
	if !used["print_ticket_heading"] {
		t.Fatal("keys in print layouts were not found")
	}
	if len(used) < 10 {
		t.Fatalf("found only %d keys in the code: the pattern no longer matches", len(used))
	}
	// Every key the code uses, and every key German has, in every
	// language's own file (not by falling back to German).
	var de map[string]any
	if _, err := toml.DecodeFS(assets.FS, "i18n/de.toml", &de); err != nil {
		t.Fatal(err)
	}
	for key := range de {
		used[key] = true
	}
	// The staff area speaks the office's language: German only.
	for key := range used {
		if strings.HasPrefix(key, "staff_") {
			delete(used, key)
		}
	}
	if len(b.Languages()) < 7 {
		t.Errorf("languages %v, want the seven the kiosk offers", b.Languages())
	}
	for _, lang := range b.Languages() {
		tr := b.For(lang)
		for key := range used {
			if _, ok := tr.Lookup(key); !ok {
				t.Errorf("%s: key %q has no text", lang, key)
			}
		}
		if got := tr.T("language_name"); lang != i18n.Default && got == "Deutsch" {
			t.Errorf("%s names itself %q", lang, got)
		}
	}
}

func TestPluralFormsFollowTheLanguage(t *testing.T) {
	b, _ := i18n.Load(assets.FS, "i18n")
	cases := []struct {
		lang  string
		n     int
		wants string
	}{
		{"de", 1, "Noch 1 Sekunde"}, {"de", 20, "Noch 20 Sekunden"},
		{"uk", 1, "Залишилася 1 секунда"}, {"uk", 3, "Залишилося 3 секунди"}, {"uk", 5, "Залишилося 5 секунд"},
		{"ru", 21, "Осталась 21 секунда"}, {"pl", 2, "Zostały 2 sekundy"}, {"pl", 12, "Zostało 12 sekund"},
		{"de-x-ls", 1, "Noch 1 Sekunde"},
	}
	for _, c := range cases {
		if got := b.For(c.lang).T("idle_countdown", map[string]any{"Count": c.n}); got != c.wants {
			t.Errorf("%s %d: %q, want %q", c.lang, c.n, got, c.wants)
		}
	}
}

func TestLeichteSpracheIsItsOwnLanguage(t *testing.T) {
	b, _ := i18n.Load(assets.FS, "i18n")
	ls := b.For(i18n.Easy)
	if got := ls.T("start_hint"); got == b.For("de").T("start_hint") || !ls.Easy() {
		t.Errorf("Leichte Sprache shows the German %q", got)
	}
	for _, key := range []string{"start_hint", "ticket_wait_hint", "idle_question", "submit_failed"} {
		for _, line := range strings.Split(ls.T(key), "\n") {
			if strings.Count(line, ". ") > 0 {
				t.Errorf("%s: one statement per line, but %q holds more", key, line)
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

package public_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"

	"lotse/sync/portal"
	"lotse/sync/portal/instance"
)

// Every language says everything German says, with the same blanks.
func TestEveryLanguageHasEveryText(t *testing.T) {
	read := func(lang string) map[string]string {
		m := map[string]string{}
		if _, err := toml.DecodeFile(filepath.Join("i18n", lang+".toml"), &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	de := read("de")
	files, _ := filepath.Glob("i18n/*.toml")
	if len(files) < 6 {
		t.Fatalf("%d languages", len(files))
	}
	for _, f := range files {
		lang := strings.TrimSuffix(filepath.Base(f), ".toml")
		m := read(lang)
		for id, text := range de {
			if strings.HasPrefix(id, "number_unknown") || strings.HasPrefix(id, "throttled") {
				continue // said in German to anyone
			}
			got, ok := m[id]
			if !ok {
				t.Errorf("%s lacks %s", lang, id)
				continue
			}
			for _, verb := range []string{"%s", "%d"} {
				if strings.Count(got, verb) != strings.Count(text, verb) {
					t.Errorf("%s %s: %q has other blanks than German %q", lang, id, got, text)
				}
			}
		}
	}
	if _, err := os.Stat("templates/page.html"); err != nil {
		t.Error(err)
	}
}

// A number drawn in Turkish has its page in Turkish, saying who is next;
// a number nobody drew, a German "not found".
func TestTheWaitingNumbersPageSpeaksItsLanguage(t *testing.T) {
	day := time.Date(2026, 12, 7, 9, 30, 0, 0, time.UTC)
	p, err := instance.Open(t.TempDir(), instance.Config{KeyBits: 2048, Options: portal.Options{Now: func() time.Time { return day }}})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	d, err := p.Queue().Draw(context.Background(), "", "A", "tr", 1, "k1")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(p.Handler())
	defer srv.Close()
	get := func(path string) (int, string) {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	st, body := get("/w/" + d.Day + "/" + d.Number)
	if st != 200 || !strings.Contains(body, `lang="tr"`) || !strings.Contains(body, "Sıradaki sizsiniz") {
		t.Errorf("the Turkish number's page: %d\n%s", st, body)
	}
	st, body = get("/w/2026-12-07/nicht-da")
	if st != 404 || !strings.Contains(body, "Diese Wartenummer kennen wir nicht") {
		t.Errorf("an unknown number: %d\n%s", st, body)
	}
	st, body = get("/s/LT-ZZZZ-ZZZZ?lang=uk")
	if st != 404 || !strings.Contains(body, "Справу не знайдено") {
		t.Errorf("an unknown case in Ukrainian: %d\n%s", st, body)
	}
}

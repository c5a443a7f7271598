package escpos_test

import (
	"bytes"
	"strings"
	"testing"

	"lotse/devices/escpos"
)

func render(t testing.TB, src string, data map[string]any) ([]byte, error) {
	l, err := escpos.ParseLayout("t.tmpl", src)
	if err != nil {
		return nil, err
	}
	return l.Render(data, escpos.RenderOptions{Profile: profile(t, "TM-T20II"),
		T: func(id string, _ ...map[string]any) string { return id }})
}

// A line whose actions fill in nothing is left out, text or directive;
// a line written empty prints empty.
func TestOptionalLinesAreLeftOut(t *testing.T) {
	src := "Kopf\n{{with .Room}}Raum {{.}}{{end}}\n@feed {{with .Hours}}2{{end}}\n{{with .Hours}}Offen {{.}}{{end}}\n\nFuß"
	without, err := render(t, src, map[string]any{"Room": "", "Hours": ""})
	if err != nil {
		t.Fatal(err)
	}
	with, err := render(t, src, map[string]any{"Room": "2", "Hours": "Mo 8-12"})
	if err != nil {
		t.Fatal(err)
	}
	feed2 := []byte{0x1B, 'd', 2}
	if bytes.Contains(without, feed2) || bytes.Contains(without, []byte("Raum")) || bytes.Contains(without, []byte("Offen")) {
		t.Errorf("empty optional lines printed: %q", without)
	}
	if !bytes.Contains(with, feed2) || !bytes.Contains(with, []byte("Raum 2")) || !bytes.Contains(with, []byte("Offen Mo 8-12")) {
		t.Errorf("filled optional lines missing: %q", with)
	}
	if !bytes.Contains(without, []byte("Kopf\n\nFu")) {
		t.Errorf("the empty line written in the layout is gone: %q", without)
	}
}

func TestLayoutErrorsNameTheLine(t *testing.T) {
	for src, says := range map[string]string{
		"Kopf\n@blink on\n": "t.tmpl:2: unknown directive @blink",
		"Kopf\n\n{{.Room\n": "t.tmpl:3",
	} {
		if _, err := escpos.ParseLayout("t.tmpl", src); err == nil || !strings.Contains(err.Error(), says) {
			t.Errorf("%q: %v, want %q", src, err, says)
		}
	}
	if _, err := render(t, "@size big\n", nil); err == nil || !strings.Contains(err.Error(), "@size") {
		t.Errorf("bad @size: %v", err)
	}
}

// FuzzLayout: a layout that parses renders or says why; never a panic.
func FuzzLayout(f *testing.F) {
	for _, s := range []string{"@align center\n@bold on\n{{.Room}}\n@size 2 2\n@feed 1\n@qr {{.Room}}\n@cut", "{{with .Room}}Raum {{.}}{{end}}\n@feed {{with .Room}}1{{end}}", "@rule\n@logo\n{{t \"x\" \"A\" .Room}}"} {
		f.Add(s, "B017")
	}
	f.Fuzz(func(t *testing.T, src, room string) {
		l, err := escpos.ParseLayout("f.tmpl", src)
		if err != nil {
			return
		}
		l.Render(map[string]any{"Room": room}, escpos.RenderOptions{Profile: profile(t, "generic-58mm"),
			T: func(id string, _ ...map[string]any) string { return id }})
	})
}

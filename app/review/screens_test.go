package review

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestScreensWritesEveryScreen(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	// Every screen in German; one other language in one other look, to
	// see both switches work (all 28 combinations take minutes to paint).
	if code := Screens([]string{"--out", dir}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if code := Screens([]string{"--out", dir, "--lang", "uk", "--theme", "large-contrast"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "uk", "large-contrast", "ummelden-summary.png")); err != nil {
		t.Error(err)
	}
	for _, name := range []string{"start", "help", "call-guide", "language", "wartenummer", "wartenummer-number",
		"informationen-4", "ummelden-00-intro", "ummelden-06-strasse", "ummelden-09-einzug", "ummelden-summary",
		"ummelden-receipt", "sperrmuell-02-teile-refused", "mangel-05-email", "termin-08-email", "anregung-04-name", "status-received", "status-ask"} {
		f, err := os.Open(filepath.Join(dir, "de", "standard", name+".png"))
		if err != nil {
			t.Errorf("screen %s: %v", name, err)
			continue
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil || img.Bounds().Dx() != 1280 || img.Bounds().Dy() != 800 {
			t.Errorf("screen %s: %v, %v", name, err, img.Bounds())
		}
	}
	if !strings.Contains(out.String(), "screens written") {
		t.Errorf("output: %s", out.String())
	}
	if code := Screens([]string{"--out", dir, "--lang", "xx"}, &out, &errb); code != 2 {
		t.Errorf("an unknown language gave exit %d", code)
	}
}

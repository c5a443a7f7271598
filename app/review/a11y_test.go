package review

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestA11yReportPassesAtThreeScreenSizes runs `lotse a11y-report` for the
// panels kiosks are sold with, 15.6", 21.5" and 27" at 1920×1080: every
// screen in every language and look must pass.
func TestA11yReportPassesAtThreeScreenSizes(t *testing.T) {
	for _, size := range []string{"344x194", "476x268", "598x336"} {
		t.Run(size, func(t *testing.T) {
			var out, errb bytes.Buffer
			file := filepath.Join(t.TempDir(), "report.txt")
			code := A11yReport([]string{"--screen-mm", size, "--pixels", "1920x1080", "--out", file}, &out, &errb)
			if code != 0 {
				var bad []string
				for _, line := range strings.Split(out.String(), "\n") {
					// A contrast, then words: the problems column.
					if problemLine.MatchString(line) {
						bad = append(bad, line)
					}
				}
				t.Fatalf("exit %d: %s\n%s", code, errb.String(), strings.Join(bad, "\n"))
			}
			b, _ := os.ReadFile(file)
			if !strings.Contains(string(b), "screens measured (7 languages × 4 looks)") || !strings.Contains(string(b), ": 0 with problems") {
				t.Errorf("report file ends:\n%s", b[max(0, len(b)-300):])
			}
		})
	}
}

var problemLine = regexp.MustCompile(`:1\s+\S`)

func TestA11yReportNeedsTheScreenSize(t *testing.T) {
	var out, errb bytes.Buffer
	if code := A11yReport([]string{"--screen-mm", "wide"}, &out, &errb); code != 2 {
		t.Errorf("a bad size gave exit %d", code)
	}
}

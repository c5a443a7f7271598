package review

import (
	"bytes"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"lotse/app/speech"
)

// `lotse say --out` writes a WAV whose header tells the truth: before, it
// claimed 48,696 seconds for two seconds of speech (espeak-ng's streaming
// header), which a strict reader refuses.
func TestSayOutWritesAWellFormedWAV(t *testing.T) {
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("espeak-ng missing (make test installs it)")
		}
		t.Skip("espeak-ng missing")
	}
	out := filepath.Join(t.TempDir(), "ansage.wav")
	var stdout, stderr bytes.Buffer
	if code := Say([]string{"--out", out, "Die Nummer A 17 bitte zu Schalter 2."}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	info, err := speech.Inspect(b)
	if err != nil {
		t.Fatalf("strict reader: %v", err)
	}
	if info.Seconds < 1 || info.Seconds > 10 || info.RMS < 0.02 {
		t.Errorf("%.2f s, RMS %.3f", info.Seconds, info.RMS)
	}
	// The sizes a player reads: RIFF is the file less 8 bytes, and the
	// data chunk (44-byte header) the rest.
	if got := binary.LittleEndian.Uint32(b[4:8]); int(got) != len(b)-8 {
		t.Errorf("RIFF size %d, file %d bytes", got, len(b))
	}
	if !strings.Contains(stdout.String(), "s of speech") {
		t.Errorf("stdout %q", stdout.String())
	}
}

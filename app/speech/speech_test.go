package speech_test

import (
	"bytes"
	"context"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"lotse/app/speech"
)

func needEspeak(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("espeak-ng missing (make test installs it)")
		}
		t.Skip("espeak-ng missing")
	}
}

func TestEspeakWritesAudibleSpeech(t *testing.T) {
	needEspeak(t)
	for _, c := range []struct{ lang, text string }{
		{"de", "Bitte nehmen Sie Platz. Ihre Nummer wird aufgerufen."},
		{"uk", "Будь ласка, сідайте. Ваш номер викличуть."},
		{"de-x-ls", "Bitte setzen Sie sich."},
	} {
		var wav bytes.Buffer
		if err := (speech.Synth{}).WAV(context.Background(), c.lang, c.text, speech.DefaultVolume, &wav); err != nil {
			t.Fatal(err)
		}
		// The stream's header has placeholder sizes until fixed.
		if _, err := speech.Inspect(wav.Bytes()); err == nil {
			t.Error("a streamed WAV passed the strict reader with espeak-ng's placeholder sizes")
		}
		if err := speech.FixSizes(wav.Bytes()); err != nil {
			t.Fatal(err)
		}
		info, err := speech.Inspect(wav.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		if info.Seconds < 1 || info.RMS < 0.02 {
			t.Errorf("%s: %.2f s, RMS %.3f: too short or silent", c.lang, info.Seconds, info.RMS)
		}
	}
}

func TestVolumeSpansEighteenDecibels(t *testing.T) {
	needEspeak(t)
	if speech.SpanDB() < 18 {
		t.Errorf("volume spans %.1f dB", speech.SpanDB())
	}
	loud, quiet := rms(t, 6), rms(t, 0)
	if db := 20 * math.Log10(loud/quiet); db < 17 {
		t.Errorf("loudest is %.1f dB above quietest, want about 18", db)
	}
	sp := speech.NewSpeaker(speech.Synth{}, nil)
	for sp.Quieter() {
	}
	if sp.Volume() != 0 {
		t.Error("Quieter stops above 0")
	}
	sp.ResetVolume()
	if sp.Volume() != speech.DefaultVolume {
		t.Error("ResetVolume")
	}
}

func rms(t *testing.T, volume int) float64 {
	var wav bytes.Buffer
	if err := (speech.Synth{}).WAV(context.Background(), "de", "Guten Tag, willkommen im Rathaus.", volume, &wav); err != nil {
		t.Fatal(err)
	}
	speech.FixSizes(wav.Bytes())
	info, _ := speech.Inspect(wav.Bytes())
	return info.RMS
}

// slowSink reads like a sound card: a little at a time.
type slowSink struct {
	mu    sync.Mutex
	bytes int
	ended chan struct{}
}

func (s *slowSink) Play(ctx context.Context, r io.Reader) error {
	defer close(s.ended)
	buf := make([]byte, 1600)
	for {
		n, err := r.Read(buf)
		s.mu.Lock()
		s.bytes += n
		s.mu.Unlock()
		if err != nil || ctx.Err() != nil {
			return nil
		}
		time.Sleep(50 * time.Millisecond) // 1600 bytes = 36 ms of 22 kHz audio
	}
}

func TestStopCutsSpeechShort(t *testing.T) {
	needEspeak(t)
	sink := &slowSink{ended: make(chan struct{})}
	sp := speech.NewSpeaker(speech.Synth{}, sink)
	var full bytes.Buffer
	long := "Dies ist ein langer Satz, der viele Sekunden dauert, damit man ihn unterbrechen kann. Und noch ein Satz dazu."
	speech.Synth{}.WAV(context.Background(), "de", long, speech.DefaultVolume, &full)
	sp.Say("de", long)
	for {
		sink.mu.Lock()
		n := sink.bytes
		sink.mu.Unlock()
		if n > 0 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	sp.Stop()
	<-sink.ended
	if sink.bytes >= full.Len() {
		t.Errorf("Stop did not stop: %d of %d bytes played", sink.bytes, full.Len())
	}
}

func TestHeadsetIsDetectedFromTheSoundCards(t *testing.T) {
	cards := filepath.Join(t.TempDir(), "cards")
	os.WriteFile(cards, []byte(" 0 [PCH            ]: HDA-Intel - HDA Intel PCH\n"), 0o644)
	h := &speech.Headset{Card: "USB Audio", Cards: cards}
	if h.Present() {
		t.Error("a headset that is not plugged in")
	}
	os.WriteFile(cards, []byte(" 0 [PCH            ]: HDA-Intel - HDA Intel PCH\n 1 [Headset        ]: USB-Audio - USB Audio Device\n"), 0o644)
	if !h.Present() {
		t.Error("the plugged-in headset is not seen")
	}
}

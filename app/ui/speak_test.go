package ui

import (
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"lotse/app/flow"
	"lotse/app/internal/testutil"
	"lotse/app/speech"
	"lotse/app/ui/widgets"
	"lotse/devices/escpossim"
)

// said records what the kiosk says, and says it with the real voice
// into a sink that keeps the audio.
type said struct {
	*speech.Speaker
	mu    sync.Mutex
	texts []string
}

func (s *said) Say(lang, text string) {
	s.mu.Lock()
	s.texts = append(s.texts, text)
	s.mu.Unlock()
	s.Speaker.Say(lang, text)
}

func (s *said) last() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.texts) == 0 {
		return ""
	}
	return s.texts[len(s.texts)-1]
}

// discard is a sound card that plays instantly.
type discard struct{}

func (discard) Play(_ context.Context, r io.Reader) error {
	_, err := io.Copy(io.Discard, r)
	return err
}

func TestEveryScreenHasAScriptInItsLanguage(t *testing.T) {
	v := newVisit(t, demoCatalogue(t), nil)
	texts := v.k.deps.Texts
	for _, lang := range texts.Languages() {
		how := texts.For(lang).T("speech_how")
		v.k.SetLanguage(lang)
		for _, s := range v.k.Screens() {
			s.Show()
			script := v.k.Script()
			if rawKey.MatchString(script) || strings.Contains(script, "[") {
				t.Errorf("%s %s: raw key in %q", lang, s.Name, script)
			}
			first := strings.Split(how, ".")[0]
			if !strings.Contains(script, strings.ReplaceAll(first, "·", "")) || len(script) < len(how)+10 {
				t.Errorf("%s %s: script %q", lang, s.Name, script)
			}
		}
	}
	v.k.SetLanguage("de")
	svc, _ := v.k.deps.Catalogue.Service("mangel")
	v.k.registry.fillTo(svc, nil, testStep("art"), "")
	want := []string{"Was möchten Sie melden?", "1: Straßenlaterne.", "2: Schlagloch.", "4: Sonstiges."}
	for _, w := range want {
		if !strings.Contains(v.k.Script(), w) {
			t.Errorf("script lacks %q: %s", w, v.k.Script())
		}
	}
}

func TestATouchStopsTheSpeech(t *testing.T) {
	sink := &slowSink{ended: make(chan struct{})}
	sp := speech.NewSpeaker(speech.Synth{}, sink)
	v := newVisitWith(t, Deps{Catalogue: demoCatalogue(t), Speech: sp})
	v.tap("Informationen")
	v.tap("Beratung und Hilfe") // a long page
	v.tap("Vorlesen")
	for sink.played() == 0 {
		time.Sleep(10 * time.Millisecond)
	}
	v.tap("Ansicht") // any touch
	select {
	case <-sink.ended:
	case <-time.After(10 * time.Second):
		t.Fatal("the speech went on after a touch")
	}
	if n := sink.played(); n > 200_000 {
		t.Errorf("%d bytes played: the whole page, not stopped", n)
	}
}

// slowSink plays at about real time.
type slowSink struct {
	mu    sync.Mutex
	bytes int
	ended chan struct{}
}

func (s *slowSink) played() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bytes
}

func (s *slowSink) Play(ctx context.Context, r io.Reader) error {
	defer close(s.ended)
	buf := make([]byte, 2205) // 50 ms at 22,050 Hz, 16 bit
	for ctx.Err() == nil {
		n, err := r.Read(buf)
		s.mu.Lock()
		s.bytes += n
		s.mu.Unlock()
		if err != nil {
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return nil
}

func TestPinIsNeverSpoken(t *testing.T) {
	rec := &said{Speaker: speech.NewSpeaker(speech.Synth{}, discard{})}
	v := newVisitWith(t, Deps{Catalogue: demoCatalogue(t), Speech: rec})
	field := widgets.NewField()
	field.Masked = true
	kb := widgets.NewKeyboard(field, widgets.KeyboardDigits, v.k.forms.keyLabels(), false)
	kb.OnKey = func(name string) { v.k.voice.spokenKey(field, name) }
	v.k.display(screen{name: "pin", redraw: func() {}, content: container.NewBorder(field, nil, nil, nil, kb)})
	v.k.v.speechMode = true
	for _, d := range []string{"4", "7", "1", "1"} {
		v.tap(d)
		if got := rec.last(); got != "Stern" {
			t.Errorf("the key %s said %q", d, got)
		}
	}
	script := v.k.Script()
	if !strings.Contains(script, "Stern Stern Stern Stern") || strings.Contains(script, "471108") {
		t.Errorf("script of a PIN screen: %q", script)
	}
}

func TestKeypadDrawsAWaitingNumberWithoutTouchingTheScreen(t *testing.T) {
	drv, sim := testutil.SimulatedPrinter(t, escpossim.Options{})
	desk := testutil.Desk(t, testutil.DB(t), drv, time.Now())
	rec := &said{Speaker: speech.NewSpeaker(speech.Synth{}, discard{})}
	v := newVisitWith(t, Deps{Catalogue: demoCatalogue(t), Desk: desk, Speech: rec})
	c := v.win.Canvas()
	c.OnTypedRune()('1')
	if rec.last() != "Wartenummer ziehen" {
		t.Errorf("key 1 said %q", rec.last())
	}
	c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn})
	v.expect("Wofür brauchen Sie eine Wartenummer?")
	c.OnTypedRune()('+')
	c.OnTypedRune()('+')
	c.OnTypedRune()('-') // back to the first
	if rec.last() != "Ausweis & Pass" {
		t.Errorf("after + + - the focus says %q", rec.last())
	}
	c.OnTypedRune()('*')
	if !strings.Contains(rec.last(), "Wofür brauchen Sie eine Wartenummer?") {
		t.Errorf("* said %q", rec.last())
	}
	c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn})
	v.expect("Ihre Wartenummer", "A001")
	if text := testutil.WaitJobs(t, sim, 1)[0].Text(); !strings.Contains(text, "A001") {
		t.Errorf("ticket:\n%s", text)
	}
}

func TestSpeechModeReadsEachScreenAndResetsAfterTheVisit(t *testing.T) {
	rec := &said{Speaker: speech.NewSpeaker(speech.Synth{}, discard{})}
	v := newVisitWith(t, Deps{Catalogue: demoCatalogue(t), Speech: rec})
	v.tap("Alles vorlesen")
	v.tap("Informationen")
	if !strings.Contains(rec.last(), "1: Öffnungszeiten") {
		t.Errorf("arriving on a screen said %q", rec.last())
	}
	v.tap("Ansicht")
	v.tap("Lauter")
	v.tap("Lauter")
	if rec.Volume() != speech.DefaultVolume+2 {
		t.Errorf("volume %d", rec.Volume())
	}
	// Start is the same visitor: the voice stays as they set it.
	v.tap("Start")
	if !v.k.v.speechMode || rec.Volume() != speech.DefaultVolume+2 {
		t.Errorf("after Start: speech mode %v, volume %d", v.k.v.speechMode, rec.Volume())
	}
	v.k.Home() // the visit ends (Fertig, or the idle wipe)
	if v.k.v.speechMode || rec.Volume() != speech.DefaultVolume {
		t.Errorf("after the visit: speech mode %v, volume %d", v.k.v.speechMode, rec.Volume())
	}
}

func TestAHeadsetSwitchesSpeechOn(t *testing.T) {
	rec := &said{Speaker: speech.NewSpeaker(speech.Synth{}, discard{})}
	plugged := false
	v := newVisitWith(t, Deps{Catalogue: demoCatalogue(t), Speech: rec, HeadsetPresent: func() bool { return plugged }})
	v.k.Tick()
	if v.k.v.speechMode {
		t.Fatal("speech mode without a headset")
	}
	plugged = true
	v.k.Tick()
	if !v.k.v.speechMode || !strings.Contains(rec.last(), "Willkommen") {
		t.Errorf("plugging in a headset: speech mode %v, said %q", v.k.v.speechMode, rec.last())
	}
}

func testStep(id string) flow.Step { return flow.Step{ID: id} }

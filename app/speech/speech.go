// Package speech lets the kiosk speak: espeak-ng (a Debian package)
// synthesises, a player command sends the sound to the configured sink,
// and everything runs off the UI goroutine so a tap is never kept waiting.
// A new utterance or Stop cancels the one playing.
package speech

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
)

// Voice is the espeak-ng voice and speed for a language.
type Voice struct {
	Name  string
	Speed int // words per minute
}

// normalSpeed is a little slower than espeak-ng's 175: many listeners
// are old. Leichte Sprache goes slower still.
const (
	normalSpeed = 150
	easySpeed   = 120
)

// VoiceFor picks the voice for a kiosk language code; unknown languages
// speak German.
func VoiceFor(lang string) Voice {
	switch lang {
	case "de-x-ls":
		return Voice{"de", easySpeed}
	case "en":
		return Voice{"en-gb", normalSpeed}
	case "tr", "uk", "ru", "pl":
		return Voice{lang, normalSpeed}
	}
	return Voice{"de", normalSpeed}
}

// Volume steps are espeak-ng amplitudes about 3 dB apart: seven steps
// span 18 dB, from quiet room to busy hall.
var amplitudes = []int{25, 35, 50, 71, 100, 141, 200}

// DefaultVolume is the step every visitor starts with.
const DefaultVolume = 4

// SpanDB is the loudness range of the volume steps.
func SpanDB() float64 {
	return 20 * math.Log10(float64(amplitudes[len(amplitudes)-1])/float64(amplitudes[0]))
}

// Synth runs espeak-ng.
type Synth struct {
	// Binary is the espeak-ng program; "" means "espeak-ng" from PATH.
	Binary string
}

// Command returns the espeak-ng command that writes text as WAV to its
// standard output. The text goes in on standard input, so nothing a
// resident typed appears in a process list.
func (s Synth) Command(ctx context.Context, lang, text string, volume int) *exec.Cmd {
	bin := s.Binary
	if bin == "" {
		bin = "espeak-ng"
	}
	v := VoiceFor(lang)
	volume = max(0, min(volume, len(amplitudes)-1))
	cmd := exec.CommandContext(ctx, bin, "-v", v.Name, "-s", strconv.Itoa(v.Speed),
		"-a", strconv.Itoa(amplitudes[volume]), "--stdout")
	cmd.Stdin = strings.NewReader(text)
	return cmd
}

// WAV synthesises text into w.
func (s Synth) WAV(ctx context.Context, lang, text string, volume int, w io.Writer) error {
	cmd := s.Command(ctx, lang, text, volume)
	cmd.Stdout = w
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("espeak-ng: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// Sink plays a WAV stream.
type Sink interface {
	Play(ctx context.Context, wav io.Reader) error
}

// CommandSink plays through a player program reading WAV on standard
// input: aplay for ALSA, paplay for PulseAudio.
type CommandSink struct {
	Args []string
}

// SinkFor turns the configuration's "alsa:DEVICE" or "pulse:SINK" (or a
// bare sink name, PulseAudio's) into a sink.
func SinkFor(s string) Sink {
	if dev, ok := strings.CutPrefix(s, "alsa:"); ok {
		return ALSA(dev)
	}
	return Pulse(strings.TrimPrefix(s, "pulse:"))
}

// ALSA plays on an ALSA device ("default", "plughw:1,0").
func ALSA(device string) CommandSink {
	return CommandSink{Args: []string{"aplay", "-q", "-D", device, "-"}}
}

// Pulse plays on a PulseAudio (or PipeWire) sink; "" is the default sink.
func Pulse(sink string) CommandSink {
	args := []string{"paplay"}
	if sink != "" {
		args = append(args, "--device="+sink)
	}
	return CommandSink{Args: args}
}

func (c CommandSink) Play(ctx context.Context, wav io.Reader) error {
	cmd := exec.CommandContext(ctx, c.Args[0], c.Args[1:]...)
	cmd.Stdin = wav
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil && ctx.Err() == nil {
		return fmt.Errorf("%s: %w: %s", c.Args[0], err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// Speaker says one thing at a time; anything new, or Stop, cancels what
// is being said.
type Speaker struct {
	Synth Synth
	// Sink is where the sound goes; Headset, when its card is present,
	// is preferred.
	Sink    Sink
	Headset *Headset
	mu      sync.Mutex
	cancel  context.CancelFunc
	done    chan struct{}
	volume  int
}

// NewSpeaker speaks through sink at the default volume.
func NewSpeaker(synth Synth, sink Sink) *Speaker {
	return &Speaker{Synth: synth, Sink: sink, volume: DefaultVolume}
}

// Say cancels what is being said and starts saying text in lang. It
// returns at once.
func (sp *Speaker) Say(lang, text string) {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	sp.stopLocked()
	if strings.TrimSpace(text) == "" {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	sp.cancel, sp.done = cancel, done
	sink := sp.Sink
	if sp.Headset != nil && sp.Headset.Present() {
		sink = sp.Headset.Sink
	}
	cmd := sp.Synth.Command(ctx, lang, text, sp.volume)
	go func() {
		defer close(done)
		pr, pw := io.Pipe()
		cmd.Stdout = pw
		if err := cmd.Start(); err != nil {
			slog.Error("speech", "err", err)
			return
		}
		go func() { pw.CloseWithError(cmd.Wait()) }()
		if err := sink.Play(ctx, pr); err != nil {
			slog.Warn("speech output", "err", err) // never the text: it may hold what was typed
		}
		pr.Close()
	}()
}

// Stop cancels what is being said and waits until it has stopped.
func (sp *Speaker) Stop() {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	sp.stopLocked()
}

func (sp *Speaker) stopLocked() {
	if sp.cancel != nil {
		sp.cancel()
		<-sp.done
		sp.cancel = nil
	}
}

// Louder and Quieter move the volume one step (about 3 dB); they report
// whether it moved.
func (sp *Speaker) Louder() bool { return sp.step(1) }

func (sp *Speaker) Quieter() bool { return sp.step(-1) }

func (sp *Speaker) step(d int) bool {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	v := max(0, min(sp.volume+d, len(amplitudes)-1))
	moved := v != sp.volume
	sp.volume = v
	return moved
}

// Volume is the current step, 0 (quietest) to 6.
func (sp *Speaker) Volume() int {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	return sp.volume
}

// ResetVolume goes back to the default, for the next visitor.
func (sp *Speaker) ResetVolume() {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	sp.volume = DefaultVolume
}

// Headset is a sound card that, when plugged in, is where speech goes —
// and whose arrival switches speech on.
type Headset struct {
	// Card is part of the card's name in /proc/asound/cards ("USB Audio").
	Card string
	Sink Sink
	// Cards is the file listing sound cards; "" is /proc/asound/cards.
	Cards string
}

// Present says the headset's card is plugged in.
func (h *Headset) Present() bool {
	if h == nil || h.Card == "" {
		return false
	}
	path := h.Cards
	if path == "" {
		path = "/proc/asound/cards"
	}
	b, err := os.ReadFile(path)
	return err == nil && strings.Contains(string(b), h.Card)
}

// WAVInfo reads a WAV stream's length and loudness, for tests and
// `lotse say`: espeak-ng writes 16-bit mono PCM.
type WAVInfo struct {
	Seconds float64
	RMS     float64 // root mean square of the samples, 0..1
}

// Inspect reads a 16-bit PCM WAV file strictly: the RIFF size must be
// the file's, every chunk must fit, and the data chunk must hold exactly
// the samples that follow — what a player that trusts the header needs.
func Inspect(b []byte) (WAVInfo, error) {
	fmtChunk, data, err := chunks(b)
	if err != nil {
		return WAVInfo{}, err
	}
	if got := binary.LittleEndian.Uint32(b[4:8]); int(got) != len(b)-8 {
		return WAVInfo{}, fmt.Errorf("RIFF header claims %d bytes, the file has %d", got, len(b)-8)
	}
	if got := binary.LittleEndian.Uint32(b[data-4 : data]); int(got) != len(b)-data {
		return WAVInfo{}, fmt.Errorf("data chunk claims %d bytes, the file has %d", got, len(b)-data)
	}
	if len(fmtChunk) < 16 || binary.LittleEndian.Uint16(fmtChunk[0:2]) != 1 {
		return WAVInfo{}, errors.New("WAV without a PCM format chunk")
	}
	rate := binary.LittleEndian.Uint32(fmtChunk[4:8])
	channels := binary.LittleEndian.Uint16(fmtChunk[2:4])
	bits := binary.LittleEndian.Uint16(fmtChunk[14:16])
	if bits != 16 || rate == 0 || channels != 1 {
		return WAVInfo{}, fmt.Errorf("WAV with %d channels of %d bits at %d Hz, want 16-bit mono PCM", channels, bits, rate)
	}
	pcm := b[data:]
	n := len(pcm) / 2
	var sum float64
	for i := 0; i < n; i++ {
		s := float64(int16(binary.LittleEndian.Uint16(pcm[2*i:]))) / 32768
		sum += s * s
	}
	info := WAVInfo{Seconds: float64(n) / float64(rate)}
	if n > 0 {
		info.RMS = math.Sqrt(sum / float64(n))
	}
	return info, nil
}

// chunks walks a WAV file's chunks and returns the format chunk's body and
// the offset where the data chunk's body starts. The data chunk's size is
// not trusted here: a stream's header carries a placeholder.
func chunks(b []byte) (fmtChunk []byte, data int, err error) {
	if len(b) < 12 || string(b[0:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return nil, 0, errors.New("not a WAV file")
	}
	for off := 12; off+8 <= len(b); {
		id, size := string(b[off:off+4]), int(binary.LittleEndian.Uint32(b[off+4:off+8]))
		body := off + 8
		if id == "data" {
			if fmtChunk == nil {
				return nil, 0, errors.New("WAV data before its format chunk")
			}
			return fmtChunk, body, nil
		}
		if size < 0 || body+size > len(b) {
			return nil, 0, fmt.Errorf("WAV chunk %q of %d bytes runs past the end", id, size)
		}
		if id == "fmt " {
			fmtChunk = b[body : body+size]
		}
		off = body + size + size%2
	}
	return nil, 0, errors.New("WAV without a data chunk")
}

// FixSizes writes the real RIFF and data sizes into a WAV that was
// written as a stream: espeak-ng's --stdout header claims the largest
// size there is (about 13.5 hours), which players and editors believe
// once it is a file.
func FixSizes(b []byte) error {
	_, data, err := chunks(b)
	if err != nil {
		return err
	}
	binary.LittleEndian.PutUint32(b[4:8], uint32(len(b)-8))
	binary.LittleEndian.PutUint32(b[data-4:data], uint32(len(b)-data))
	return nil
}

package kiosk

import (
	"log/slog"
	"os/exec"

	"lotse/app/config"
	"lotse/app/speech"
)

// NewSpeaker is the kiosk's voice, or nil (no Vorlesen) when speech is
// off or espeak-ng is missing; the function says whether a headset is in.
func NewSpeaker(cfg config.Config) (*speech.Speaker, func() bool) {
	if !cfg.Speech.Enabled {
		return nil, nil
	}
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		slog.Warn("no voice: espeak-ng is not installed (apt-get install espeak-ng)")
		return nil, nil
	}
	sp := speech.NewSpeaker(speech.Synth{}, speech.SinkFor(cfg.Speech.Sink))
	if cfg.Speech.HeadsetCard == "" {
		return sp, nil
	}
	sp.Headset = &speech.Headset{Card: cfg.Speech.HeadsetCard, Sink: speech.SinkFor(cfg.Speech.HeadsetSink)}
	return sp, sp.Headset.Present
}

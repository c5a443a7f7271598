package review

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"fyne.io/fyne/v2"

	"lotse/app/config"
	"lotse/app/speech"
	"lotse/app/ui"
)

// silentVoice is a voice that is never asked to speak: the screens a
// reviewer sees and measures are those of a kiosk with speech, Vorlesen
// button included.
func silentVoice() ui.Speaker { return speech.NewSpeaker(speech.Synth{}, speech.Pulse("")) }

const sayUsage = `lotse say — speak a text as the kiosk would.

Usage:
  lotse say [--lang L] [--volume 0-6] [--out FILE.wav] TEXT...

Without --out the text plays on the configured speech sink.
`

func Say(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("say", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, sayUsage); fs.PrintDefaults() }
	lang := fs.String("lang", "de", "language: de, de-x-ls, en, tr, uk, ru, pl")
	volume := fs.Int("volume", speech.DefaultVolume, "volume step, 0 (quietest) to 6")
	out := fs.String("out", "", "write a WAV file instead of playing")
	cfgPath := fs.String("config", "", "configuration file (speech.sink)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	text := strings.Join(fs.Args(), " ")
	if text == "" {
		fmt.Fprint(stderr, sayUsage)
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if *out != "" {
		// Synthesised whole, then written with the sizes the stream's
		// header could not know.
		var wav bytes.Buffer
		if err := (speech.Synth{}).WAV(ctx, *lang, text, *volume, &wav); err != nil {
			fmt.Fprintln(stderr, "lotse say:", err)
			return 1
		}
		b := wav.Bytes()
		if err := speech.FixSizes(b); err != nil {
			fmt.Fprintln(stderr, "lotse say:", err)
			return 1
		}
		if err := os.WriteFile(*out, b, 0o644); err != nil {
			fmt.Fprintln(stderr, "lotse say:", err)
			return 1
		}
		if info, err := speech.Inspect(b); err == nil {
			fmt.Fprintf(stdout, "%s: %.1f s of speech\n", *out, info.Seconds)
		}
		return 0
	}
	cfg, _, err := config.Find(*cfgPath)
	if err != nil {
		fmt.Fprintln(stderr, "lotse:", err)
		return 2
	}
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError((speech.Synth{}).WAV(ctx, *lang, text, *volume, pw)) }()
	if err := speech.SinkFor(cfg.Speech.Sink).Play(ctx, pr); err != nil {
		fmt.Fprintln(stderr, "lotse say:", err)
		return 1
	}
	return 0
}

const scriptUsage = `lotse speech-script — what a screen says when read aloud.

Usage:
  lotse speech-script --screen NAME [--lang L]
  lotse speech-script --list

Screen names are those of lotse screens (start, ummelden-05-strasse, …).
`

func SpeechScript(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("speech-script", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, scriptUsage); fs.PrintDefaults() }
	name := fs.String("screen", "", "the screen")
	lang := fs.String("lang", "de", "language")
	list := fs.Bool("list", false, "list the screens")
	cfgPath := fs.String("config", "", "configuration file (service folder)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *name == "" && !*list {
		fmt.Fprint(stderr, scriptUsage)
		return 2
	}
	cfg, o, code := reviewSetup("speech-script", *cfgPath, "", "", stderr)
	if code != 0 {
		return code
	}
	return withReviewKiosk(cfg, o, func(k *ui.Kiosk, _ fyne.Window) int {
		k.SetLanguage(*lang)
		for _, s := range k.Screens() {
			switch {
			case *list:
				fmt.Fprintln(stdout, s.Name)
			case s.Name == *name:
				s.Show()
				fmt.Fprintln(stdout, k.Script())
				return 0
			}
		}
		if *list {
			return 0
		}
		fmt.Fprintf(stderr, "lotse speech-script: no screen %q (lotse speech-script --list)\n", *name)
		return 2
	})
}

package escpossim_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"lotse/devices/escpos"
	"lotse/devices/escpossim"
)

var tmT20 = func() escpos.Profile {
	p, err := escpos.BuiltinProfile("TM-T20II")
	if err != nil {
		panic(err)
	}
	return p
}()

func sample() []byte {
	return escpos.New(tmT20).Align(escpos.Center).Bold(true).Line("Stadt Musterstadt").Bold(false).
		Size(4, 4).Line("A001").Size(1, 1).Line("Größe: 5 €").Feed(3).Cut().Bytes()
}

func TestParsesEverythingTheEncoderEmits(t *testing.T) {
	cmds, used, err := escpossim.Parse(sample())
	if err != nil {
		t.Fatal(err)
	}
	if used != len(sample()) {
		t.Fatalf("consumed %d of %d bytes", used, len(sample()))
	}
	var names []string
	for _, c := range cmds {
		names = append(names, c.Name)
	}
	want := []string{"init", "intl", "codepage", "align", "bold", "text", "lf", "bold", "size", "text", "lf",
		"size", "text", "lf", "feed", "cut"}
	if !reflect.DeepEqual(names, want) {
		t.Fatalf("commands %v\nwant %v", names, want)
	}
	job := escpossim.NewJob(cmds, tmT20)
	if got := job.Text(); got != "Stadt Musterstadt\nA001\nGröße: 5 €\n\n\n\n" {
		t.Fatalf("text %q", got)
	}
}

func TestSplitStreamParsesTheSame(t *testing.T) {
	// Bytes arrive over serial in arbitrary pieces: any split point must
	// give the same commands.
	full, _, _ := escpossim.Parse(sample())
	b := sample()
	for cut := 0; cut <= len(b); cut++ {
		first, used, err := escpossim.Parse(b[:cut])
		if err != nil {
			t.Fatalf("split at %d: %v", cut, err)
		}
		rest, _, err := escpossim.Parse(append(append([]byte(nil), b[used:cut]...), b[cut:]...))
		if err != nil {
			t.Fatalf("split at %d: %v", cut, err)
		}
		if got := append(first, rest...); !reflect.DeepEqual(mergeText(got), mergeText(full)) {
			t.Fatalf("split at %d gives different commands", cut)
		}
	}
}

// mergeText joins adjacent text runs, which a split may cut in two.
func mergeText(cmds []escpossim.Cmd) []escpossim.Cmd {
	var out []escpossim.Cmd
	for _, c := range cmds {
		if n := len(out); n > 0 && c.Name == "text" && out[n-1].Name == "text" {
			out[n-1].Data = append(append([]byte(nil), out[n-1].Data...), c.Data...)
			out[n-1].Len += c.Len
			continue
		}
		out = append(out, c)
	}
	return out
}

func TestUnknownCommandIsRefused(t *testing.T) {
	for _, b := range [][]byte{{0x1B, 'Z', 1}, {0x1D, 'V', 7}, {0x07}} {
		if _, _, err := escpossim.Parse(b); !errors.Is(err, escpossim.ErrUnknown) {
			t.Errorf("% x: got %v, want ErrUnknown", b, err)
		}
	}
}

// addEncoderStreams seeds a fuzz target with the streams of other
// encoders in testdata/encoders.
func addEncoderStreams(f *testing.F) {
	names, _ := filepath.Glob(filepath.Join("testdata", "encoders", "*.bin"))
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(sample())
	addEncoderStreams(f)
	f.Add([]byte{0x1B})
	f.Add([]byte{0x1D, 'V', 66})
	f.Add([]byte{0x10, 0x04, 2})
	f.Fuzz(func(t *testing.T, b []byte) {
		cmds, used, err := escpossim.Parse(b)
		if used < 0 || used > len(b) {
			t.Fatalf("consumed %d of %d", used, len(b))
		}
		// Without an error, what is left is the start of a command
		// waiting for the rest of its bytes.
		if err == nil && used < len(b) && !bytes.ContainsRune([]byte{0x10, 0x1B, 0x1C, 0x1D}, rune(b[used])) {
			t.Fatalf("left %d bytes unparsed without error, from % x", len(b)-used, b[used:min(len(b), used+8)])
		}
		_ = escpossim.NewJob(cmds, tmT20).Text()
	})
}

// FuzzRender runs the whole interpreter, parser and renderer, on arbitrary
// bytes for both paper widths: it may refuse them, never crash.
func FuzzRender(f *testing.F) {
	f.Add(sample())
	addEncoderStreams(f)
	qr := escpos.New(tmT20)
	qr.QR("https://lotse.example/t/TEST-0001", 6)
	f.Add(qr.Bytes())
	f.Add([]byte{0x1D, '(', 'k', 2, 0, 49, 67})
	f.Add([]byte{0x1D, 'v', '0', 0, 1, 0, 1, 0, 0xFF})
	f.Fuzz(func(t *testing.T, b []byte) {
		cmds, _, _ := escpossim.Parse(b)
		_, _ = escpossim.Render(cmds, tmT20)
	})
}

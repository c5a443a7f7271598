// Package config reads the kiosk's one configuration file. The documented
// example with every key and its default is assets/config/lotse.toml; the
// defaults below must match it (a test checks).
package config

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"lotse/assets"
	"lotse/devices/escpos"
	"lotse/sync/hours"
)

// SystemPath is where an installed kiosk keeps its configuration.
const SystemPath = "/etc/lotse/lotse.toml"

// Config is the whole configuration.
type Config struct {
	Kiosk   Kiosk   `toml:"kiosk"`
	Display Display `toml:"display"`
	Printer Printer `toml:"printer"`
	Speech  Speech  `toml:"speech"`
	Reader  Reader  `toml:"reader"`
	Portal  Portal  `toml:"portal"`
}

type Kiosk struct {
	Name         string `toml:"name"`
	Municipality string `toml:"municipality"`
	Logo         string `toml:"logo"`
	Timezone     string `toml:"timezone"`
	DataDir      string `toml:"data_dir"`
	Services     string `toml:"services"`
	// OpeningHours of the counter beside the kiosk, as app/hours reads them.
	OpeningHours []string `toml:"opening_hours"`
	// ClosedOn are dates the counter stays shut besides (24.12.2026).
	ClosedOn []string `toml:"closed_on"`
	// TicketsOnlyWhenOpen: waiting numbers only while the counter is open.
	TicketsOnlyWhenOpen bool `toml:"tickets_only_when_open"`
}

type Display struct {
	Fullscreen  bool          `toml:"fullscreen"`
	Width       int           `toml:"width"`
	Height      int           `toml:"height"`
	ReturnAfter time.Duration `toml:"return_after"`
	ScreenMM    string        `toml:"screen_mm"`
	IdleAfter   time.Duration `toml:"idle_after"`
	IdleWarning time.Duration `toml:"idle_warning"`
}

// ParseWxH reads "1920x1080" (or with ×).
func ParseWxH(s string) (int, int, error) {
	w, h, ok := strings.Cut(strings.ReplaceAll(s, "×", "x"), "x")
	wi, err1 := strconv.Atoi(strings.TrimSpace(w))
	hi, err2 := strconv.Atoi(strings.TrimSpace(h))
	if !ok || err1 != nil || err2 != nil || wi <= 0 || hi <= 0 {
		return 0, 0, fmt.Errorf("%q is not WIDTHxHEIGHT", s)
	}
	return wi, hi, nil
}

// ScreenSize is the display's visible size in millimetres from
// display.screen_mm, or 0, 0 when it is not set.
func (d Display) ScreenSize() (float32, float32) {
	w, h, err := ParseWxH(d.ScreenMM)
	if err != nil {
		return 0, 0
	}
	return float32(w), float32(h)
}

type Reader struct {
	Port string `toml:"port"`
	Baud int    `toml:"baud"`
	Kind string `toml:"kind"`
}

type Speech struct {
	Enabled     bool   `toml:"enabled"`
	Sink        string `toml:"sink"`
	HeadsetCard string `toml:"headset_card"`
	HeadsetSink string `toml:"headset_sink"`
}

type Printer struct {
	Port    string `toml:"port"`
	Baud    int    `toml:"baud"`
	Profile string `toml:"profile"`
	// Status is "auto" or "off": whether to ask the printer for its
	// status (escpos.StatusMode).
	Status string `toml:"status"`
}

// StatusMode is printer.status as the driver takes it (validated by Load).
func (p Printer) StatusMode() escpos.StatusMode {
	m, _ := escpos.ParseStatusMode(p.Status)
	return m
}

type Portal struct {
	URL         string        `toml:"url"`
	CAFile      string        `toml:"ca_file"`
	KeepDecided time.Duration `toml:"keep_decided"`
}

// Default returns the built-in configuration: the embedded example file.
func Default() Config {
	var c Config
	if _, err := decode(&c, "assets/config/lotse.toml", mustExample()); err != nil {
		panic(err) // the embedded file is checked by the tests
	}
	return c
}

// Example returns the documented example file.
func Example() []byte { return mustExample() }

func mustExample() []byte {
	b, err := fs.ReadFile(assets.FS, "config/lotse.toml")
	if err != nil {
		panic(err)
	}
	return b
}

// Load reads path over the defaults. A missing file is an error when the
// caller named it; an unknown key or a bad value is always an error, so the
// kiosk never starts on a half-read configuration.
func Load(path string) (Config, error) {
	c := Default()
	b, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("read configuration: %w", err)
	}
	if _, err := decode(&c, path, b); err != nil {
		return Config{}, err
	}
	return c, nil
}

// LoadDefault reads SystemPath when it exists and the defaults otherwise.
// It returns the path it read ("" for none).
func LoadDefault() (Config, string, error) {
	if _, err := os.Stat(SystemPath); errors.Is(err, fs.ErrNotExist) {
		return Default(), "", nil
	}
	c, err := Load(SystemPath)
	return c, SystemPath, err
}

// Find reads the file at path, or with path "" what LoadDefault reads. It
// returns the path it read ("" for the defaults).
func Find(path string) (Config, string, error) {
	if path == "" {
		return LoadDefault()
	}
	c, err := Load(path)
	return c, path, err
}

func decode(c *Config, path string, b []byte) (toml.MetaData, error) {
	md, err := toml.Decode(string(b), c)
	if err != nil {
		var perr toml.ParseError
		if errors.As(err, &perr) {
			return md, fmt.Errorf("configuration %s, line %d: %s", path, perr.Position.Line, perr.Message)
		}
		return md, fmt.Errorf("configuration %s: %w", path, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		keys := make([]string, len(und))
		for i, k := range und {
			keys[i] = k.String()
		}
		return md, fmt.Errorf("configuration %s: unknown key %s", path, strings.Join(keys, ", "))
	}
	return md, c.Validate(path)
}

// Validate checks values that would only fail later, at a visitor's tap.
func (c *Config) Validate(path string) error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("configuration %s: %s: %s", path, key, fmt.Sprintf(format, args...)))
	}
	if _, err := time.LoadLocation(c.Kiosk.Timezone); err != nil {
		bad("kiosk.timezone", "unknown time zone %q", c.Kiosk.Timezone)
	}
	if _, err := hours.Parse(c.Kiosk.OpeningHours, c.Kiosk.ClosedOn); err != nil {
		bad("kiosk.opening_hours", "%v", err)
	}
	if c.Display.Width < 320 || c.Display.Height < 240 {
		bad("display.width/height", "%d×%d is smaller than 320×240", c.Display.Width, c.Display.Height)
	}
	if c.Display.ReturnAfter < time.Second {
		bad("display.return_after", "%s is shorter than one second", c.Display.ReturnAfter)
	}
	for key, sink := range map[string]string{"speech.sink": c.Speech.Sink, "speech.headset_sink": c.Speech.HeadsetSink} {
		if sink != "" && !strings.HasPrefix(sink, "alsa:") && !strings.HasPrefix(sink, "pulse:") {
			bad(key, "%q is neither \"alsa:DEVICE\" nor \"pulse:SINK\"", sink)
		}
	}
	switch c.Reader.Kind {
	case "rdm6300", "magstripe", "line":
	default:
		bad("reader.kind", "%q is not rdm6300, magstripe or line", c.Reader.Kind)
	}
	if c.Speech.HeadsetCard != "" && c.Speech.HeadsetSink == "" {
		bad("speech.headset_sink", "is needed with speech.headset_card: where the headset plays")
	}
	if c.Display.ScreenMM != "" {
		if w, h, err := ParseWxH(c.Display.ScreenMM); err != nil || w < 100 || h < 60 {
			bad("display.screen_mm", "%q is not the size of a screen in millimetres, e.g. \"344x194\"", c.Display.ScreenMM)
		}
	}
	if c.Display.IdleAfter < 10*time.Second {
		bad("display.idle_after", "%s is too short to read a question", c.Display.IdleAfter)
	}
	if c.Display.IdleWarning < 20*time.Second {
		bad("display.idle_warning", "%s is shorter than 20 s: a resident needs time to answer", c.Display.IdleWarning)
	}
	switch c.Printer.Baud {
	case 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200:
	default:
		bad("printer.baud", "%d is not a serial speed a printer uses", c.Printer.Baud)
	}
	if _, err := c.LogoImage(); err != nil {
		bad("kiosk.logo", "%v", err)
	}
	if c.Kiosk.Services != "" {
		if st, err := os.Stat(c.Kiosk.Services); err != nil || !st.IsDir() {
			bad("kiosk.services", "%q is not a folder", c.Kiosk.Services)
		}
	}
	if _, err := printerProfiles.Get(c.Printer.Profile); err != nil {
		bad("printer.profile", "%v", err)
	}
	if _, err := escpos.ParseStatusMode(c.Printer.Status); err != nil {
		bad("printer.status", "%v", err)
	}
	return errors.Join(errs...)
}

// printerProfiles are the printer models the kiosk knows.
var printerProfiles = mustProfiles()

func mustProfiles() escpos.Profiles {
	ps, err := escpos.Builtin()
	if err != nil {
		panic(err) // embedded files, checked by the tests
	}
	return ps
}

// PrinterProfile returns the configured printer model (validated by Load).
func (c *Config) PrinterProfile() escpos.Profile {
	p, err := printerProfiles.Get(c.Printer.Profile)
	if err != nil {
		p, _ = printerProfiles.Get(escpos.DefaultProfile)
	}
	return p
}

// LogoImage returns the configured logo, or the built-in emblem.
func (c *Config) LogoImage() (image.Image, error) {
	var b []byte
	var err error
	if c.Kiosk.Logo == "" {
		b, err = fs.ReadFile(assets.FS, "print/logo.png")
	} else {
		b, err = os.ReadFile(c.Kiosk.Logo)
	}
	if err != nil {
		return nil, fmt.Errorf("logo: %w", err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("logo %s: %w", orBuiltIn(c.Kiosk.Logo), err)
	}
	return img, nil
}

func orBuiltIn(path string) string {
	if path == "" {
		return "(built-in)"
	}
	return path
}

// Location is the kiosk's time zone (validated by Load).
func (c *Config) Location() *time.Location {
	loc, err := time.LoadLocation(c.Kiosk.Timezone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// Hours is kiosk.opening_hours (validated by Load).
func (c *Config) Hours() hours.Week {
	w, _ := hours.Parse(c.Kiosk.OpeningHours, c.Kiosk.ClosedOn)
	return w
}

// DataDir resolves where the SQLite file and the demo's printouts live.
func (c *Config) DataDir(demo bool) string {
	if c.Kiosk.DataDir != "" {
		return c.Kiosk.DataDir
	}
	base := os.Getenv("XDG_DATA_HOME")
	if base == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			home = os.TempDir()
		}
		base = filepath.Join(home, ".local", "share")
	}
	if demo {
		return filepath.Join(base, "lotse-demo")
	}
	return filepath.Join(base, "lotse")
}

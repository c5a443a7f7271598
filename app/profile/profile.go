// Package profile is what the portal hands a kiosk to run: its services
// and their translations, the languages it offers, the municipality's
// name and logo, opening hours, printer model, timeouts, and the guides
// who may log in. A kiosk checks a new profile completely before it
// switches, switches atomically, and keeps the old one if the new fails.
package profile

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"image"
	_ "image/png" // logos
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"lotse/app/flow"
	"lotse/app/i18n"
	"lotse/assets"
	"lotse/devices/escpos"
	"lotse/sync/credential"
	"lotse/sync/hours"
)

// Settings is profile.toml.
type Settings struct {
	Municipality string   `toml:"municipality"`
	Name         string   `toml:"name"`          // "Bürgerbüro"
	Logo         string   `toml:"logo"`          // a PNG in the bundle
	OpeningHours []string `toml:"opening_hours"` // as app/hours reads them
	ClosedOn     []string `toml:"closed_on"`     // holidays: 24.12.2026
	// TicketsOnlyWhenOpen: waiting numbers only while the counter is open.
	TicketsOnlyWhenOpen bool     `toml:"tickets_only_when_open"`
	Languages           []string `toml:"languages"`
	PrinterProfile      string   `toml:"printer_profile"`
	ReturnAfter         duration `toml:"return_after"`
	IdleAfter           duration `toml:"idle_after"`
	IdleWarning         duration `toml:"idle_warning"`
	GuideTimeout        duration `toml:"guide_timeout"`
	Guides              []Guide  `toml:"guide"`
	Staff               struct {
		PIN string `toml:"pin"` // keyed PIN hash (sync/credential)
	} `toml:"staff"`
}

// Guide is a Digitallotse who may log in with a card or a PIN.
type Guide struct {
	ID   string `toml:"id"`
	Name string `toml:"name"` // first name, for the banner "Begleitet von …"
	// Cards are keyed hashes of card ids as the reader reports them
	// (sync/credential), so a profile holds no usable card numbers.
	Cards []string `toml:"cards"`
	PIN   string   `toml:"pin"` // keyed PIN hash; "" for card only
}

type duration struct{ time.Duration }

func (d *duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	d.Duration = v
	return err
}

// Profile is a checked profile, ready to apply.
type Profile struct {
	Version   int
	Dir       string
	Settings  Settings
	Catalogue *flow.Catalogue
	Texts     *i18n.Bundle
	Logo      image.Image // nil: the built-in emblem
	Printer   escpos.Profile
	Hours     hours.Week
}

// Load reads and checks the profile in dir: every service file must load
// (a profile is all or nothing, unlike a local service folder), every
// language must have screen texts, the printer model must be known, the
// logo must be a PNG, timeouts sensible, PIN hashes bcrypt.
func Load(dir string, version int) (*Profile, error) {
	fsys := os.DirFS(dir)
	var s Settings
	md, err := toml.DecodeFS(fsys, "profile.toml", &s)
	if err != nil {
		return nil, fmt.Errorf("profile %d: profile.toml: %w", version, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		return nil, fmt.Errorf("profile %d: profile.toml: unknown key %s", version, und[0])
	}
	p := &Profile{Version: version, Dir: dir, Settings: s}
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if s.Municipality == "" || s.Name == "" {
		bad("municipality and name are needed")
	}
	cat, catErrs := flow.LoadCatalogue(fsys, "services")
	if len(catErrs) > 0 {
		bad("catalogue: %w", errors.Join(catErrs...))
	} else if len(cat.Services) == 0 {
		bad("catalogue: no services")
	}
	p.Catalogue = cat
	texts, err := i18n.Load(assets.FS, "i18n")
	if err != nil {
		return nil, err
	}
	if err := texts.AddDir(fsys, "services/i18n"); err != nil {
		bad("%w", err)
	}
	p.Texts = texts
	for _, l := range s.Languages {
		if !slices.Contains(texts.Languages(), l) {
			bad("language %q: the kiosk has no screen texts for it (have %v)", l, texts.Languages())
		}
	}
	if p.Hours, err = hours.Parse(s.OpeningHours, s.ClosedOn); err != nil {
		bad("%w", err)
	}
	if s.PrinterProfile != "" {
		if p.Printer, err = escpos.BuiltinProfile(s.PrinterProfile); err != nil {
			bad("printer_profile: %w", err)
		}
	}
	if s.Logo != "" {
		b, err := fs.ReadFile(fsys, s.Logo)
		if err == nil {
			p.Logo, err = decodeLogo(b)
		}
		if err != nil {
			bad("logo %s: %w", s.Logo, err)
		}
	}
	for name, d := range map[string]duration{"return_after": s.ReturnAfter, "idle_after": s.IdleAfter, "guide_timeout": s.GuideTimeout} {
		if d.Duration != 0 && d.Duration < 5*time.Second {
			bad("%s: %s is too short", name, d.Duration)
		}
	}
	if d := s.IdleWarning.Duration; d != 0 && d < 20*time.Second {
		bad("idle_warning: %s is shorter than 20 s", d)
	}
	ids := map[string]bool{}
	for _, g := range s.Guides {
		if g.ID == "" || g.Name == "" || ids[g.ID] {
			bad("guide %q: needs a unique id and a name", g.ID)
		}
		ids[g.ID] = true
		for _, c := range g.Cards {
			if !credential.ValidCardHash(c) {
				bad("guide %s: card %q is not a keyed card hash (lotse-portal hash-card --site S ID)", g.ID, c)
			}
		}
		if g.PIN != "" {
			if !credential.ValidPINHash(g.PIN) {
				bad("guide %s: pin is not a keyed PIN hash (lotse-portal hash-pin --site S PIN)", g.ID)
			}
		}
	}
	if s.Staff.PIN != "" {
		if !credential.ValidPINHash(s.Staff.PIN) {
			bad("staff pin is not a keyed PIN hash (lotse-portal hash-pin --staff --site S PIN)")
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("profile %d refused: %w", version, errors.Join(errs...))
	}
	return p, nil
}

// MaxLogoSide bounds a logo's width and height in pixels: a receipt is
// 576 dots wide, and a 16000² picture in a 76 KB file took 280 MB to
// decode.
const MaxLogoSide = 2048

// decodeLogo reads the logo's size from its header first and decodes
// only a picture of sensible size.
func decodeLogo(b []byte) (image.Image, error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	if cfg.Width > MaxLogoSide || cfg.Height > MaxLogoSide {
		return nil, fmt.Errorf("%d×%d pixels, at most %d×%d", cfg.Width, cfg.Height, MaxLogoSide, MaxLogoSide)
	}
	img, _, err := image.Decode(bytes.NewReader(b))
	return img, err
}

// Clean removes what an interrupted or refused installation left in
// dataDir/profiles: unpacking folders, and versions never made current
// (newer than the current one). Run at start.
func Clean(dataDir string) error {
	root := filepath.Join(dataDir, "profiles")
	entries, err := os.ReadDir(root)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	cur := 0
	if b, err := os.ReadFile(filepath.Join(root, "current")); err == nil {
		cur, _ = strconv.Atoi(strings.TrimSpace(string(b)))
	}
	var errs []error
	for _, e := range entries {
		v, numErr := strconv.Atoi(e.Name())
		if strings.HasPrefix(e.Name(), "incoming-") || e.Name() == "current.tmp" || (numErr == nil && v > cur) {
			errs = append(errs, os.RemoveAll(filepath.Join(root, e.Name())))
		}
	}
	return errors.Join(errs...)
}

// maxBundle bounds a profile bundle and each file in it, unpacked.
const maxBundle = 64 << 20

// Install unpacks bundle as version into dataDir/profiles, checks it, and
// makes it current with one rename. On any error nothing changes and the
// running profile stays.
func Install(dataDir string, version int, bundle []byte) (*Profile, error) {
	root := filepath.Join(dataDir, "profiles")
	if err := os.MkdirAll(root, 0o700); err != nil {
		return nil, fmt.Errorf("install profile: %w", err)
	}
	tmp, err := os.MkdirTemp(root, "incoming-")
	if err != nil {
		return nil, fmt.Errorf("install profile: %w", err)
	}
	defer os.RemoveAll(tmp)
	if err := unzip(bundle, tmp); err != nil {
		return nil, fmt.Errorf("install profile %d: %w", version, err)
	}
	// Checked in its final folder (its pictures are read from there later)
	// but made current only when the check passed.
	final := filepath.Join(root, strconv.Itoa(version))
	os.RemoveAll(final)
	if err := os.Rename(tmp, final); err != nil {
		return nil, fmt.Errorf("install profile: %w", err)
	}
	p, err := Load(final, version)
	if err != nil {
		os.RemoveAll(final)
		return nil, err
	}
	if err := writeCurrent(root, version); err != nil {
		os.RemoveAll(final)
		return nil, err
	}
	// Keep the previous profile for staff to compare; older ones go.
	entries, _ := os.ReadDir(root)
	for _, e := range entries {
		if v, err := strconv.Atoi(e.Name()); err == nil && v < version-1 {
			os.RemoveAll(filepath.Join(root, e.Name()))
		}
	}
	return p, nil
}

func writeCurrent(root string, version int) error {
	tmp := filepath.Join(root, "current.tmp")
	if err := os.WriteFile(tmp, []byte(strconv.Itoa(version)+"\n"), 0o600); err != nil {
		return fmt.Errorf("install profile: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(root, "current")); err != nil {
		return fmt.Errorf("install profile: %w", err)
	}
	return nil
}

// Current loads the profile in use, or returns nil when the kiosk runs
// on its configuration alone.
func Current(dataDir string) (*Profile, error) {
	root := filepath.Join(dataDir, "profiles")
	b, err := os.ReadFile(filepath.Join(root, "current"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	v, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return nil, fmt.Errorf("profiles/current: %w", err)
	}
	return Load(filepath.Join(root, strconv.Itoa(v)), v)
}

// unzip writes the bundle's files below dir, refusing paths that leave it.
func unzip(bundle []byte, dir string) error {
	zr, err := zip.NewReader(bytes.NewReader(bundle), int64(len(bundle)))
	if err != nil {
		return fmt.Errorf("not a zip: %w", err)
	}
	total := int64(0)
	for _, f := range zr.File {
		name := path.Clean(f.Name)
		if !fs.ValidPath(name) || strings.HasPrefix(name, "..") {
			return fmt.Errorf("unsafe path %q", f.Name)
		}
		if f.FileInfo().IsDir() {
			continue
		}
		dst := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
			return err
		}
		rc, err := f.Open()
		if err != nil {
			return err
		}
		out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
		if err != nil {
			rc.Close()
			return err
		}
		n, err := io.Copy(out, io.LimitReader(rc, maxBundle-total+1))
		rc.Close()
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		if total += n; total > maxBundle {
			return fmt.Errorf("bundle unpacks to more than %d MB", maxBundle>>20)
		}
	}
	return nil
}

// DemoBundle zips the built-in services and the demo profile.toml as a
// profile bundle, as staff would publish it; extra files are added, or
// replace the file of the same name.
func DemoBundle(extra map[string]string) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	put := func(name string, b []byte) error {
		w, err := zw.Create(name)
		if err == nil {
			_, err = w.Write(b)
		}
		return err
	}
	err := fs.WalkDir(assets.FS, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		dst := name
		switch {
		case name == "profile/profile.toml":
			dst = "profile.toml"
		case !strings.HasPrefix(name, "services/"):
			return nil
		}
		if _, replaced := extra[dst]; replaced {
			return nil
		}
		b, err := fs.ReadFile(assets.FS, name)
		if err != nil {
			return err
		}
		return put(dst, b)
	})
	for name, text := range extra {
		if err == nil {
			err = put(name, []byte(text))
		}
	}
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		return nil, fmt.Errorf("demo profile: %w", err)
	}
	return buf.Bytes(), nil
}

package kiosk

import (
	"io/fs"
	"log/slog"
	"os"

	"lotse/app/config"
	"lotse/app/flow"
	"lotse/app/i18n"
	"lotse/app/profile"
	"lotse/app/ui"
	"lotse/app/ui/widgets"
	"lotse/assets"
)

// Offering is what the kiosk offers: the installed profile's services and
// texts when there is one, else the configuration's (or built-in) ones —
// one set, not both.
type Offering struct {
	Profile   *profile.Profile
	Texts     *i18n.Bundle
	Catalogue *flow.Catalogue
	Warnings  []string
	Err       error
}

// LoadOffering is the installed profile's offering in dataDir, or the
// configuration's.
func LoadOffering(cfg config.Config, dataDir string) Offering {
	if err := profile.Clean(dataDir); err != nil {
		slog.Warn("profiles: leftovers of an interrupted installation not removed", "err", err)
	}
	cur, err := profile.Current(dataDir)
	if err != nil {
		slog.Error("the installed profile does not load; running on the configuration", "err", err)
	}
	if cur != nil {
		slog.Info("running profile", "version", cur.Version)
		return Offering{Profile: cur, Texts: cur.Texts, Catalogue: cur.Catalogue}
	}
	return ConfigOffering(cfg)
}

// ConfigOffering is the configuration's services (or the built-in ones)
// and their texts.
func ConfigOffering(cfg config.Config) Offering {
	o := Offering{}
	o.Texts, o.Err = LoadTexts(cfg)
	o.Catalogue, o.Warnings = loadCatalogue(cfg)
	return o
}

// LoadTexts reads the screen texts and the catalogue's translations,
// which live in the catalogue folder's i18n/ beside the service files.
func LoadTexts(cfg config.Config) (*i18n.Bundle, error) {
	texts, err := i18n.Load(assets.FS, "i18n")
	if err != nil {
		return nil, err
	}
	fsys, dir := fs.FS(assets.FS), "services/i18n"
	if cfg.Kiosk.Services != "" {
		fsys, dir = os.DirFS(cfg.Kiosk.Services), "i18n"
	}
	return texts, texts.AddDir(fsys, dir)
}

// loadCatalogue reads the services from the configured folder, or the
// embedded demo catalogue. Broken files are left out and logged; their
// count is shown to staff on the start screen.
func loadCatalogue(cfg config.Config) (*flow.Catalogue, []string) {
	fsys, dir := fs.FS(assets.FS), "services"
	if cfg.Kiosk.Services != "" {
		fsys, dir = os.DirFS(cfg.Kiosk.Services), "."
	}
	cat, errs := flow.LoadCatalogue(fsys, dir)
	for _, e := range errs {
		slog.Warn("catalogue file left out", "err", e)
	}
	return cat, flow.BrokenFiles(errs)
}

// Deps is what every kiosk shows from the configuration and its offering:
// services, texts, place, opening hours and timings, sized by m. The
// kiosk adds its desk, devices and fleet to it (Kiosk.deps), the
// offscreen review kiosk a fixed day and a silent voice (app/review).
func (o Offering) Deps(cfg config.Config, m widgets.Metrics) ui.Deps {
	// The municipality's crest or logo heads the screens as it heads the
	// printouts (none: no badge).
	logo, _ := cfg.LogoImage()
	return ui.Deps{
		Logo:      logo,
		Catalogue: o.Catalogue, Warnings: o.Warnings, Texts: o.Texts,
		Place: cfg.Kiosk.Name + " " + cfg.Kiosk.Municipality, Hours: cfg.Hours(),
		TicketsOnlyWhenOpen: cfg.Kiosk.TicketsOnlyWhenOpen, ReturnAfter: cfg.Display.ReturnAfter,
		IdleAfter: cfg.Display.IdleAfter, IdleWarning: cfg.Display.IdleWarning, Metrics: m,
	}
}

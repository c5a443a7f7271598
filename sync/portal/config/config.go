// Package config reads lotse-portal's one configuration file. The
// documented example, lotse-portal.toml beside this file, holds every key
// with its default and is the built-in default.
package config

import (
	_ "embed"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/netip"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"lotse/sync/portal/mail"
)

// SystemPath is where an installed portal keeps its configuration.
const SystemPath = "/etc/lotse-portal/lotse-portal.toml"

//go:embed lotse-portal.toml
var example []byte

// Example is the documented example file.
func Example() []byte { return example }

// Config is lotse-portal's configuration.
type Config struct {
	Listen               string        `toml:"listen"`
	PublicURL            string        `toml:"public_url"`
	TrustedProxies       []string      `toml:"trusted_proxies"`
	BookingsPerNetwork   int           `toml:"bookings_per_network"`
	KioskDrawPace        time.Duration `toml:"kiosk_draw_pace"`
	KioskBookingPace     time.Duration `toml:"kiosk_booking_pace"`
	Mail                 mail.Config   `toml:"mail"`
	StaffAddr            string        `toml:"staff_addr"`
	DataDir              string        `toml:"data_dir"`
	Database             string        `toml:"database"`
	DatabasePasswordFile string        `toml:"database_password_file"`
	PoolSize             int           `toml:"pool_size"`
	RetentionDecided     time.Duration `toml:"retention_decided"`
	RetentionIdempotency time.Duration `toml:"retention_idempotency"`
}

// Default is the example file's values.
func Default() Config {
	var c Config
	if err := decode(&c, "(built in)", example); err != nil {
		panic(err) // the embedded file is checked by the tests
	}
	return c
}

// Load reads path over the defaults; path "" reads SystemPath when it
// exists and returns the defaults otherwise.
func Load(path string) (Config, error) {
	c := Default()
	if path == "" {
		if _, err := os.Stat(SystemPath); errors.Is(err, fs.ErrNotExist) {
			return c, nil
		}
		path = SystemPath
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("read configuration: %w", err)
	}
	if err := decode(&c, path, b); err != nil {
		return Config{}, err
	}
	return c, nil
}

func decode(c *Config, path string, b []byte) error {
	md, err := toml.Decode(string(b), c)
	if err != nil {
		var perr toml.ParseError
		if errors.As(err, &perr) {
			return fmt.Errorf("configuration %s, line %d: %s", path, perr.Position.Line, perr.Message)
		}
		return fmt.Errorf("configuration %s: %w", path, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		keys := make([]string, len(und))
		for i, k := range und {
			keys[i] = k.String()
		}
		return fmt.Errorf("configuration %s: unknown key %s", path, strings.Join(keys, ", "))
	}
	return c.Validate(path)
}

// Validate checks values that would only fail later.
func (c Config) Validate(path string) error {
	if _, err := c.Proxies(); err != nil {
		return fmt.Errorf("configuration %s: %w", path, err)
	}
	if err := c.Mail.Check(); err != nil {
		return fmt.Errorf("configuration %s: %w", path, err)
	}
	switch {
	case c.PoolSize < 1 || c.PoolSize > 1000:
		return fmt.Errorf("configuration %s: pool_size %d: want 1 to 1000", path, c.PoolSize)
	case c.RetentionDecided < 0:
		return fmt.Errorf("configuration %s: retention_decided is negative", path)
	case c.RetentionIdempotency < 90*24*time.Hour:
		return fmt.Errorf("configuration %s: retention_idempotency %s: at least 2160h (90 days), the longest a kiosk may stay offline", path, c.RetentionIdempotency)
	case c.KioskDrawPace <= 0 || c.KioskBookingPace <= 0:
		return fmt.Errorf("configuration %s: kiosk_draw_pace and kiosk_booking_pace must be above 0", path)
	case c.BookingsPerNetwork < 1 || c.BookingsPerNetwork > 100000:
		return fmt.Errorf("configuration %s: bookings_per_network %d: want 1 to 100000", path, c.BookingsPerNetwork)
	case c.PublicURL != "" && !publicURL(c.PublicURL):
		return fmt.Errorf("configuration %s: public_url %q: want the address residents reach, like https://termine.musterstadt.de", path, c.PublicURL)
	case c.Database != "" && !strings.HasPrefix(c.Database, "postgres://") && !strings.HasPrefix(c.Database, "postgresql://"):
		return fmt.Errorf("configuration %s: database: want \"\" (SQLite) or a postgres:// URL", path)
	}
	return nil
}

// Proxies are trusted_proxies as prefixes (an address alone is a /32 or
// /128).
func (c Config) Proxies() ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, p := range c.TrustedProxies {
		if a, err := netip.ParseAddr(p); err == nil {
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		pre, err := netip.ParsePrefix(p)
		if err != nil {
			return nil, fmt.Errorf("trusted_proxies: %q: want an address or a range like 10.0.0.0/8", p)
		}
		out = append(out, pre.Masked())
	}
	return out, nil
}

// publicURL says raw is an absolute http(s) address without query or
// fragment (http only for a portal on this machine, as kiosks accept it).
func publicURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return false
	}
	return u.Scheme == "https" || u.Scheme == "http" && (u.Hostname() == "localhost" || net.ParseIP(u.Hostname()).IsLoopback())
}

// DSN is the database URL with the password from database_password_file
// filled in ("" for SQLite).
func (c Config) DSN() (string, error) {
	if c.Database == "" || c.DatabasePasswordFile == "" {
		return c.Database, nil
	}
	b, err := os.ReadFile(c.DatabasePasswordFile)
	if err != nil {
		return "", fmt.Errorf("database_password_file: %w", err)
	}
	return withPassword(c.Database, strings.TrimRight(string(b), "\r\n"))
}

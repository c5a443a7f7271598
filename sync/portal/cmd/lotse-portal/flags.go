package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"lotse/sync/portal"
	"lotse/sync/portal/booking"
	"lotse/sync/portal/config"
	"lotse/sync/portal/instance"
	"lotse/sync/portal/mail"
	"lotse/sync/portal/store"
)

// flags is a command's flag set with the flags every command has.
type flags struct {
	*flag.FlagSet
	name, usage            string
	config, data, database *string
	stderr                 io.Writer
}

func newFlags(name, usage string, stderr io.Writer) *flags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	f := &flags{FlagSet: fs, name: name, usage: usage, stderr: stderr}
	f.config = fs.String("config", "", "configuration file (default "+config.SystemPath+" when present)")
	f.data = fs.String("data", "", "the portal's data folder (overrides data_dir)")
	f.database = fs.String("database", "", `"" for SQLite in the data folder, or a postgres:// URL (overrides database)`)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: lotse-portal %s %s\n\nFlags:\n", name, usage)
		fs.PrintDefaults()
	}
	return f
}

// parse reads flags and positional arguments in any order; ok false means
// the caller returns code.
func (f *flags) parse(args []string) (pos []string, code int, ok bool) {
	for len(args) > 0 {
		if err := f.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, 0, false
			}
			return nil, 2, false
		}
		if f.NArg() == 0 {
			break
		}
		pos = append(pos, f.Arg(0))
		args = f.Args()[1:]
	}
	return pos, 0, true
}

// bad prints the command's usage line and returns 2.
func (f *flags) bad() int {
	fmt.Fprintf(f.stderr, "usage: lotse-portal %s %s\n", f.name, f.usage)
	return 2
}

// load is the configuration with the flags applied.
func (f *flags) load() (config.Config, error) {
	cfg, err := config.Load(*f.config)
	if err != nil {
		return cfg, err
	}
	if *f.data != "" {
		cfg.DataDir = *f.data
	}
	if *f.database != "" {
		cfg.Database = *f.database
	}
	return cfg, cfg.Validate("(with flags)")
}

// open loads the configuration and opens the portal it names.
func (f *flags) open() (*instance.Instance, config.Config, error) {
	cfg, err := f.load()
	if err != nil {
		return nil, cfg, err
	}
	dsn, err := cfg.DSN()
	if err != nil {
		return nil, cfg, err
	}
	proxies, err := cfg.Proxies()
	if err != nil {
		return nil, cfg, err
	}
	var mailer booking.Mailer
	if m, err := mail.New(cfg.Mail); err != nil {
		return nil, cfg, err
	} else if m != nil {
		mailer = m // a nil *mail.Sender would not be a nil Mailer
	}
	s, err := instance.Open(cfg.DataDir, instance.Config{Database: dsn, PoolSize: cfg.PoolSize, Options: portal.Options{Version: version, RetentionDecided: cfg.RetentionDecided, RetentionIdempotency: cfg.RetentionIdempotency, PublicURL: cfg.PublicURL, TrustedProxies: proxies, BookingsPerNetwork: cfg.BookingsPerNetwork, KioskDrawPace: cfg.KioskDrawPace, KioskBookingPace: cfg.KioskBookingPace, Mailer: mailer}})
	return s, cfg, err
}

// run parses args, wants n positional arguments (-1: any number), checks
// them with ok (nil: none to check), opens the portal and runs fn with
// it, closing it afterwards.
func (f *flags) run(args []string, n int, ok func(pos []string) bool, fn func(s *portal.Server, cfg config.Config, pos []string) int) int {
	pos, code, parsed := f.parse(args)
	if !parsed {
		return code
	}
	if (n >= 0 && len(pos) != n) || (ok != nil && !ok(pos)) {
		return f.bad()
	}
	s, cfg, err := f.open()
	if err != nil {
		return fail(f.stderr, err)
	}
	defer s.Close()
	return fn(s.Server, cfg, pos)
}

func fail(stderr io.Writer, err error) int {
	fmt.Fprintln(stderr, "lotse-portal:", err)
	return 1
}

var ctx = context.Background()

// auditEntry is a line of the audit log written by a command run on the
// portal's machine.
func auditEntry(who, action, subject string) store.AuditEntry {
	return store.AuditEntry{At: time.Now(), User: who, Action: action, Subject: subject, Addr: "local"}
}

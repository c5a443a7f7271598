package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"time"

	"lotse/app/config"
	"lotse/app/fleet"
	"lotse/app/kiosk"
	"lotse/app/store"
	"lotse/sync/client"
	"lotse/sync/outbox"
)

const syncUsage = `lotse sync — send waiting submissions to the portal.

Usage:
  lotse sync --once [--config F]               send what is due once and pull decisions, then exit
  lotse sync selftest --count N [--config F]   N synthetic test submissions through the whole path;
                                               exit 0 when the portal acknowledged all of them
`

// kioskStore opens the kiosk's database and outbox for a command.
func kioskStore(cfg config.Config, demo bool) (*sql.DB, *outbox.Outbox, error) {
	db, err := store.Open(filepath.Join(cfg.DataDir(demo), "kiosk.db"))
	if err != nil {
		return nil, nil, err
	}
	out, err := outbox.Open(context.Background(), db)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	out.Retention = cfg.Portal.KeepDecided
	return db, out, nil
}

// commonFlags are --config and --demo, shared by the commands that work on
// the kiosk's data.
func commonFlags(fs *flag.FlagSet) (*string, *bool) {
	return fs.String("config", "", "configuration file (default "+config.SystemPath+" when it exists)"),
		fs.Bool("demo", false, "use the demo's data folder")
}

// openKiosk loads the configuration and opens the kiosk's database for the
// command cmd. On failure it has told the user and returns the exit code.
func openKiosk(cmd, cfgPath string, demo bool, stderr io.Writer) (config.Config, *sql.DB, *outbox.Outbox, int) {
	cfg, _, err := config.Find(cfgPath)
	if err != nil {
		fmt.Fprintln(stderr, "lotse:", err)
		return cfg, nil, nil, 2
	}
	db, out, err := kioskStore(cfg, demo)
	if err != nil {
		fmt.Fprintf(stderr, "lotse %s: %v\n", cmd, err)
		return cfg, nil, nil, 1
	}
	return cfg, db, out, 0
}

func runEnroll(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("enroll", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath, demo := commonFlags(fs)
	url := fs.String("portal", "", "the portal's address, e.g. https://portal.musterstadt.de")
	enrollCode := fs.String("code", "", "the one-time code from lotse-portal enroll-code")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *url == "" || *enrollCode == "" {
		fmt.Fprintln(stderr, "lotse enroll: --portal and --code are required")
		return 2
	}
	cfg, db, _, code := openKiosk("enroll", *cfgPath, *demo, stderr)
	if code != 0 {
		return code
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	id, err := client.Enroll(ctx, db, *url, *enrollCode, cfg.Kiosk.Name, kiosk.ClientOptions(cfg))
	if err != nil {
		fmt.Fprintln(stderr, "lotse enroll:", err)
		return 1
	}
	fmt.Fprintf(stdout, "enrolled as kiosk %d at %s; portal key %s pinned\n", id.KioskID, id.Portal, id.Key.ID)
	return 0
}

func runOutbox(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "status" {
		fmt.Fprintln(stderr, "usage: lotse outbox status [--config F] [--demo]")
		return 2
	}
	fs := flag.NewFlagSet("outbox status", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath, demo := commonFlags(fs)
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	_, db, out, code := openKiosk("outbox", *cfgPath, *demo, stderr)
	if code != 0 {
		return code
	}
	defer db.Close()
	counts, err := out.Counts(context.Background())
	if err != nil {
		fmt.Fprintln(stderr, "lotse outbox:", err)
		return 1
	}
	json.NewEncoder(stdout).Encode(counts)
	return 0
}

func runSync(args []string, stdout, stderr io.Writer) int {
	selftest := len(args) > 0 && args[0] == "selftest"
	if selftest {
		args = args[1:]
	}
	fs := flag.NewFlagSet("sync", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, syncUsage) }
	cfgPath, demo := commonFlags(fs)
	once := fs.Bool("once", false, "send once and exit")
	count := fs.Int("count", 10, "selftest: how many test submissions")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if !selftest && !*once {
		fs.Usage()
		return 2
	}
	slog.SetDefault(slog.New(slog.NewTextHandler(stderr, nil)))
	cfg, db, out, code := openKiosk("sync", *cfgPath, *demo, stderr)
	if code != 0 {
		return code
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	c, err := client.New(ctx, db, out, kiosk.ClientOptions(cfg))
	if err != nil {
		fmt.Fprintln(stderr, "lotse sync:", err)
		return 1
	}
	if !selftest {
		// Everything the kiosk owes the portal: submissions, the numbers
		// drawn and the appointments booked while it was out of reach.
		n, err := c.Drain(ctx)
		if err == nil {
			_, err = c.PullChanges(ctx)
		}
		office := fleet.NewOffice(store.NewOfflineTickets(db), store.NewHeldTimes(db))
		office.Set(c)
		numbers, nerr := office.Report(ctx)
		booked, berr := office.SyncHeld(ctx)
		counts, _ := out.Counts(ctx)
		json.NewEncoder(stdout).Encode(map[string]any{"sent": n, "outbox": counts, "offline_numbers": numbers, "offline_bookings": booked})
		if err = errors.Join(err, nerr, berr); err != nil {
			fmt.Fprintln(stderr, "lotse sync:", err)
			return 1
		}
		return 0
	}
	return selfTest(ctx, c, out, *count, stdout, stderr)
}

// selfTest puts count synthetic submissions, sealed like real ones and
// marked as tests, through the whole path.
func selfTest(ctx context.Context, c *client.Client, out *outbox.Outbox, count int, stdout, stderr io.Writer) int {
	var codes []string
	for i := range count {
		code, err := out.Submit(ctx, c.Identity(), "selftest", map[string]string{"probe": fmt.Sprint(i)}, true)
		if err != nil {
			fmt.Fprintln(stderr, "lotse sync selftest:", err)
			return 1
		}
		codes = append(codes, code)
	}
	if _, err := c.Drain(ctx); err != nil {
		fmt.Fprintln(stderr, "lotse sync selftest:", err)
	}
	acked := 0
	var failed error
	for _, code := range codes {
		e, err := out.GetByCode(ctx, code)
		switch {
		case err != nil:
			failed = err
		case e.State == outbox.Acknowledged:
			acked++
		default:
			failed = errors.New(code + ": " + e.State + " " + e.LastError)
		}
	}
	json.NewEncoder(stdout).Encode(map[string]int{"submitted": count, "acknowledged": acked})
	if acked != count {
		fmt.Fprintln(stderr, "lotse sync selftest: not all acknowledged:", failed)
		return 1
	}
	return 0
}

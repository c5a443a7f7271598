package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"time"

	"lotse/app/fleet"
	"lotse/app/flow"
	"lotse/app/kiosk"
	"lotse/app/store"
	"lotse/devices/escpos"
	"lotse/devices/serialport"
	"lotse/sync/client"
)

// drawn is what `lotse ticket draw` prints: one JSON line.
type drawn struct {
	Number  string `json:"number"`
	Ahead   *int   `json:"ahead,omitempty"`
	Wait    string `json:"wait_minutes,omitempty"`
	Offline bool   `json:"offline"`
	Printed bool   `json:"printed"`
}

// runTicket draws a waiting number exactly as the tile does (the office
// queue at the portal, the kiosk's own block offline), prints it unless
// --no-print, and writes one JSON line: for staff tests and scripts.
func runTicket(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "draw" {
		fmt.Fprintln(stderr, "usage: lotse ticket draw --prefix A [--lang de] [--no-print] [--config F] [--demo]")
		return 2
	}
	fs := flag.NewFlagSet("ticket draw", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath, demo := commonFlags(fs)
	prefix := fs.String("prefix", "A", "the queue to draw from (one capital letter)")
	lang := fs.String("lang", "de", "the language of the ticket and the spoken call")
	noPrint := fs.Bool("no-print", false, "do not print the ticket")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	cfg, db, out, code := openKiosk("ticket", *cfgPath, *demo, stderr)
	if code != 0 {
		return code
	}
	defer db.Close()
	texts, err := kiosk.LoadTexts(cfg)
	if err != nil {
		fmt.Fprintln(stderr, "lotse ticket:", err)
		return 1
	}
	desk, err := kiosk.NewDesk(cfg, db, out, texts)
	if err != nil {
		fmt.Fprintln(stderr, "lotse ticket:", err)
		return 1
	}
	ctx := context.Background()
	if c, err := client.New(ctx, db, out, kiosk.ClientOptions(cfg)); err == nil {
		off := store.NewOfflineTickets(db)
		q := fleet.NewOffice(off, store.NewHeldTimes(db))
		q.Set(c)
		desk.Queue, desk.Offline = q, off
	}
	draw := func(ctx context.Context) int {
		t, err := desk.Draw(ctx, flow.Option{ID: "cli", Prefix: *prefix, Title: *prefix}, texts.For(*lang))
		if err != nil {
			fmt.Fprintln(stderr, "lotse ticket:", err)
			return 1
		}
		json.NewEncoder(stdout).Encode(drawn{Number: t.Number, Ahead: t.Ahead, Wait: t.Wait, Offline: t.Offline,
			Printed: desk.Printer != nil && t.PrintErr == nil})
		return 0
	}
	if *noPrint || cfg.Printer.Port == "" {
		return draw(ctx)
	}
	return withDriver(serialport.Config{Device: cfg.Printer.Port, Baud: cfg.Printer.Baud}, cfg.Printer.StatusMode(), func(ctx context.Context, d *escpos.Driver) int {
		fctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		d.FirstStatus(fctx) // a printer that never answers still gets the job
		desk.Printer = d
		return draw(ctx)
	})
}

package main

import (
	"fmt"
	"io"

	"lotse/sync/portal"
	"lotse/sync/portal/config"
	"lotse/sync/portal/store/postgres"
)

// cmdMigrateStore copies a whole SQLite portal — kiosks and their
// credentials, envelopes, idempotency keys, cases, the fleet, profiles,
// sites and their keys — into an empty PostgreSQL database and checks the
// counts, so a town that outgrows SQLite moves without re-enrolling a
// kiosk. The key files stay in the data folder: copy the folder to each
// instance.
func cmdMigrateStore(args []string, stdout, stderr io.Writer) int {
	f := newFlags("migrate-store", "--to postgres://USER@HOST/DB", stderr)
	to := f.String("to", "", "the empty PostgreSQL database to copy into")
	given := func([]string) bool { return *to != "" }
	return f.run(args, 0, given, func(src *portal.Server, cfg config.Config, _ []string) int {
		return migrateStore(src, cfg, *to, stdout, stderr)
	})
}

func migrateStore(src *portal.Server, cfg config.Config, to string, stdout, stderr io.Writer) int {
	if cfg.Database != "" {
		return fail(stderr, fmt.Errorf("migrate-store: this portal is on PostgreSQL already"))
	}
	dst, err := postgres.Open(ctx, to, 4)
	if err != nil {
		return fail(stderr, err)
	}
	defer dst.Close()
	from := src.Store()
	for _, t := range dst.Tables() {
		if n, err := dst.Count(ctx, t); err != nil || n != 0 {
			return fail(stderr, fmt.Errorf("migrate-store: %s is not empty (%s: %d rows, %v): copy only into a new database", postgres.Redact(to), t, n, err))
		}
	}
	for _, t := range from.Tables() {
		var rows [][]any
		if err := from.Dump(ctx, t, func(r []any) error { rows = append(rows, r); return nil }); err != nil {
			return fail(stderr, err)
		}
		if err := dst.Load(ctx, t, rows); err != nil {
			return fail(stderr, err)
		}
		n1, err1 := from.Count(ctx, t)
		n2, err2 := dst.Count(ctx, t)
		if err1 != nil || err2 != nil || n1 != n2 {
			return fail(stderr, fmt.Errorf("migrate-store: %s: %d rows here, %d there (%v %v)", t, n1, n2, err1, err2))
		}
		fmt.Fprintf(stdout, "%-14s %d rows\n", t, n1)
	}
	fmt.Fprintf(stdout, "copied to %s; counts match. Set database in the configuration and start the portal there.\n", postgres.Redact(to))
	return 0
}

package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"lotse/sync/portal"
	"lotse/sync/portal/config"
	"lotse/sync/portal/queue"
	"lotse/sync/portal/store"
)

// cmdQueue is the clerk's page on the command line, for scripts and
// monitoring: call prints the number called and exits 3 when nobody
// waits.
func cmdQueue(args []string, stdout, stderr io.Writer) int {
	f := newFlags("queue", "call|recall|serve|done|noshow|park|status --site S [--counter C] [--prefixes A,B] [--json]\n       lotse-portal queue counters --site S [\"Schalter 1=A,B\" …]   (set up the site's counters; none: list them)", stderr)
	site := f.String("site", "", "the site (\"\": the default site)")
	counter := f.String("counter", "", "the counter or room, e.g. \"Schalter 3\"")
	prefixes := f.String("prefixes", "A", "call: the numbers this counter serves, comma-separated")
	asJSON := f.Bool("json", false, "status: JSON")
	blockSize := f.Int("block-size", 0, "counters: how many numbers each kiosk's own block holds a day for when the portal is away (1-999; default 999)")
	known := func(pos []string) bool {
		switch pos[0] {
		case "status", "counters":
			return true
		case "call", "recall", "serve", "done", "noshow", "park":
			return *counter != ""
		}
		return false
	}
	return f.run(args, -1, known, func(s *portal.Server, _ config.Config, pos []string) int {
		q := s.Queue()
		if pos[0] != "counters" && len(pos) != 1 {
			return f.bad()
		}
		switch pos[0] {
		case "counters":
			if len(pos) > 1 {
				var cs []store.Counter
				for _, arg := range pos[1:] {
					name, prefixes, ok := strings.Cut(arg, "=")
					if !ok {
						return fail(stderr, fmt.Errorf("counter %q: want NAME=A,B", arg))
					}
					cs = append(cs, store.Counter{Name: strings.TrimSpace(name), Prefixes: strings.Split(strings.ToUpper(strings.ReplaceAll(prefixes, " ", "")), ",")})
				}
				if err := q.SetCounters(ctx, *site, cs); err != nil {
					return fail(stderr, err)
				}
				s.Store().Audit(ctx, auditEntry("lotse-portal", "queue_counters_set", *site))
			}
			if *blockSize != 0 {
				if err := q.SetBlockSize(ctx, *site, *blockSize); err != nil {
					return fail(stderr, err)
				}
			}
			if n, err := q.BlockSize(ctx, *site); err == nil {
				fmt.Fprintf(stdout, "each kiosk's own block: %d numbers a day\n", n)
			}
			cs, err := q.Counters(ctx, *site)
			if err != nil {
				return fail(stderr, err)
			}
			for _, c := range cs {
				fmt.Fprintf(stdout, "%s=%s\n", c.Name, strings.Join(c.Prefixes, ","))
			}
			return 0
		case "status":
			st, err := q.Status(ctx, *site)
			if err != nil {
				return fail(stderr, err)
			}
			if *asJSON {
				json.NewEncoder(stdout).Encode(st)
				return 0
			}
			tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "PREFIX\tWAITING\tLONGEST WAIT")
			for _, w := range st.Waiting {
				fmt.Fprintf(tw, "%s\t%d\t%s\n", w.Prefix, w.Count, w.Longest.Round(1e9))
			}
			tw.Flush()
			if len(st.Parked)+len(st.NoShow) > 0 {
				fmt.Fprintf(stdout, "parked: %s; no-show: %s\n", strings.Join(st.Parked, " "), strings.Join(st.NoShow, " "))
			}
			return 0
		case "call":
			t, err := q.Next(ctx, *site, *counter, strings.Split(strings.ToUpper(*prefixes), ","))
			if errors.Is(err, queue.ErrEmpty) {
				fmt.Fprintln(stderr, "nobody waits")
				return 3
			}
			if err != nil {
				return fail(stderr, err)
			}
			s.Store().Audit(ctx, auditEntry("lotse-portal", "queue_call", fmt.Sprintf("%s site=%s counter=%s", t.Label, *site, *counter)))
			fmt.Fprintln(stdout, t.Label)
			return 0
		}
		t, err := q.Act(ctx, *site, *counter, queue.Action(pos[0]), "")
		if err != nil {
			return fail(stderr, err)
		}
		s.Store().Audit(ctx, auditEntry("lotse-portal", "queue_"+pos[0], fmt.Sprintf("%s site=%s counter=%s", t.Label, *site, *counter)))
		fmt.Fprintf(stdout, "%s %s\n", t.Label, t.State)
		return 0
	})
}

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
)

// cmdQueue is the clerk's page on the command line, for scripts and
// monitoring: call prints the number called and exits 3 when nobody
// waits.
func cmdQueue(args []string, stdout, stderr io.Writer) int {
	f := newFlags("queue", "call|recall|serve|done|noshow|park|status --site S [--counter C] [--prefixes A,B] [--json]", stderr)
	site := f.String("site", "", "the site (\"\": the default site)")
	counter := f.String("counter", "", "the counter or room, e.g. \"Schalter 3\"")
	prefixes := f.String("prefixes", "A", "call: the numbers this counter serves, comma-separated")
	asJSON := f.Bool("json", false, "status: JSON")
	known := func(pos []string) bool {
		switch pos[0] {
		case "status":
			return true
		case "call", "recall", "serve", "done", "noshow", "park":
			return *counter != ""
		}
		return false
	}
	return f.run(args, 1, known, func(s *portal.Server, _ config.Config, pos []string) int {
		q := s.Queue()
		switch pos[0] {
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
			fmt.Fprintln(stdout, t.Label)
			return 0
		}
		t, err := q.Act(ctx, *site, *counter, queue.Action(pos[0]), "")
		if err != nil {
			return fail(stderr, err)
		}
		fmt.Fprintf(stdout, "%s %s\n", t.Label, t.State)
		return 0
	})
}

package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"lotse/sync/portal"
	"lotse/sync/portal/config"
	"lotse/sync/portal/staff"
	"lotse/sync/portal/store"
)

// stdin is where user add and user reset read the password (a variable
// for the tests).
var stdin io.Reader = os.Stdin

func readPassword() (string, error) {
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", fmt.Errorf("no password on standard input")
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func cmdUser(args []string, stdout, stderr io.Writer) int {
	f := newFlags("user", "add NAME --role admin|caseworker|clerk --sites S1,S2|--all-sites [--services a,b] | sites NAME --sites …|--all-sites | list | disable NAME | reset NAME   (passwords from standard input)", stderr)
	role := f.String("role", "", "add: admin, caseworker or clerk")
	services := f.String("services", "", "add: a caseworker's services, comma-separated (default: all)")
	sites := f.String("sites", "", "add, sites: the sites the account works for, comma-separated (\"_\" is the default site)")
	allSites := f.Bool("all-sites", false, "add, sites: every site (a district's administration)")
	known := func(pos []string) bool {
		switch {
		case len(pos) == 1 && pos[0] == "list":
			return true
		case len(pos) == 2 && (pos[0] == "add" || pos[0] == "disable" || pos[0] == "reset" || pos[0] == "sites"):
			return true
		}
		return false
	}
	return f.run(args, -1, known, func(s *portal.Server, _ config.Config, pos []string) int {
		acc := &staff.Accounts{St: s.Store()}
		audit := func(action, subject string) {
			s.Store().Audit(ctx, auditEntry("lotse-portal user", action, subject))
		}
		switch pos[0] {
		case "list":
			list, err := s.Store().Users(ctx)
			if err != nil {
				return fail(stderr, err)
			}
			tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tROLE\tSITES\tSERVICES\tSTATE")
			for _, u := range list {
				state := "active"
				if u.Disabled {
					state = "disabled"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.Name, u.Role, siteList(u), orDash(strings.Join(u.Services, ",")), state)
			}
			tw.Flush()
			return 0
		case "add":
			pw, err := readPassword()
			if err != nil {
				return fail(stderr, err)
			}
			var svc []string
			if *services != "" {
				svc = strings.Split(*services, ",")
			}
			u := store.User{Name: pos[1], Role: *role, Services: svc, Sites: staff.ParseSites(*sites), AllSites: *allSites}
			if err := acc.Add(ctx, u, pw); err != nil {
				return fail(stderr, err)
			}
			audit("user_added", pos[1]+" sites="+siteList(u))
			fmt.Fprintf(stdout, "user %s added (%s)\n", pos[1], *role)
		case "sites":
			if err := acc.SetSites(ctx, pos[1], staff.ParseSites(*sites), *allSites); err != nil {
				return fail(stderr, err)
			}
			u, _ := s.Store().User(ctx, pos[1])
			audit("user_sites", pos[1]+" sites="+siteList(u))
			fmt.Fprintf(stdout, "user %s works for %s and is signed out everywhere\n", pos[1], siteList(u))
		case "disable":
			if err := acc.Disable(ctx, pos[1]); err != nil {
				return fail(stderr, err)
			}
			audit("user_disabled", pos[1])
			fmt.Fprintf(stdout, "user %s disabled and signed out everywhere\n", pos[1])
		case "reset":
			pw, err := readPassword()
			if err != nil {
				return fail(stderr, err)
			}
			if err := acc.Reset(ctx, pos[1], pw); err != nil {
				return fail(stderr, err)
			}
			audit("user_reset", pos[1])
			fmt.Fprintf(stdout, "user %s has a new password and is signed out everywhere\n", pos[1])
		}
		return 0
	})
}

// siteList is an account's sites as the CLI shows them.
func siteList(u store.User) string {
	if u.AllSites {
		return "*"
	}
	names := make([]string, len(u.Sites))
	for i, s := range u.Sites {
		names[i] = orDefaultSite(s)
	}
	return strings.Join(names, ",")
}

func orDefaultSite(s string) string {
	if s == "" {
		return "_"
	}
	return s
}

// auditWidth bounds a column of `lotse-portal audit`.
const auditWidth = 40

func cmdAudit(args []string, stdout, stderr io.Writer) int {
	f := newFlags("audit", "[--since T] [--json]", stderr)
	since := f.String("since", "", "entries since (RFC 3339 or YYYY-MM-DD; default: 30 days)")
	asJSON := f.Bool("json", false, "JSON lines instead of a table")
	return f.run(args, 0, nil, func(s *portal.Server, _ config.Config, _ []string) int {
		t := time.Now().AddDate(0, 0, -30)
		if *since != "" {
			var err error
			if t, err = parseSince(*since); err != nil {
				return fail(stderr, err)
			}
		}
		entries, err := s.Store().AuditLog(ctx, t, 100000)
		if err != nil {
			return fail(stderr, err)
		}
		if *asJSON {
			enc := json.NewEncoder(stdout)
			for _, e := range entries {
				e.User, e.Action, e.Subject, e.Addr = cell(e.User, auditWidth), cell(e.Action, auditWidth), cell(e.Subject, 4*auditWidth), cell(e.Addr, auditWidth)
				enc.Encode(e)
			}
			return 0
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "WHEN\tWHO\tWHAT\tSUBJECT\tADDRESS")
		for _, e := range entries {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", e.At.Local().Format("2006-01-02 15:04:05"), cell(e.User, auditWidth), cell(e.Action, auditWidth),
				cell(orDash(e.Subject), auditWidth), cell(orDash(e.Addr), auditWidth))
		}
		tw.Flush()
		return 0
	})
}

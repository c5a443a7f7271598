package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"lotse/sync/portal/queue"
	"lotse/sync/portal/store"
)

type queueData struct {
	Site, Counter, Prefixes string
	Current                 *store.Ticket
	Status                  queue.Status
	Letters                 []string
	Counters                []store.Counter // set up for the site (none: any)
}

// place is the clerk's site, counter and prefixes from the request.
func place(r *http.Request) (site, counter, prefixes string, list []string) {
	get := r.FormValue
	site, counter = strings.TrimSpace(get("site")), strings.TrimSpace(get("counter"))
	// Letters only, each once: anything else went back into a 64 KB
	// Location header.
	for _, p := range strings.Split(strings.ToUpper(get("prefixes")), ",") {
		if p = strings.TrimSpace(p); len(p) == 1 && p[0] >= 'A' && p[0] <= 'Z' && !slices.Contains(list, p) {
			list = append(list, p)
		}
	}
	return site, counter, strings.Join(list, ","), list
}

func (s *officePages) queuePage(w http.ResponseWriter, r *http.Request) {
	se, _ := sessionOf(r)
	site, counter, prefixes, _ := place(r)
	if !s.forSite(w, r, site) {
		return
	}
	d := queueData{Site: site, Counter: counter, Prefixes: prefixes}
	for c := 'A'; c <= 'Z'; c++ {
		d.Letters = append(d.Letters, string(c))
	}
	d.Counters, _ = s.p.Queue().Counters(r.Context(), site)
	for _, c := range d.Counters {
		if c.Name == counter {
			d.Prefixes = strings.Join(c.Prefixes, ",")
		}
	}
	if counter != "" {
		st, err := s.p.Queue().Status(r.Context(), site)
		if err != nil {
			s.fail(w, r, http.StatusServiceUnavailable, "error_title")
			return
		}
		d.Status = st
		if t, err := s.st.AtCounter(r.Context(), site, st.Day, counter); err == nil {
			d.Current = &t
		}
	}
	s.render(w, http.StatusOK, "queue", view{Title: s.t("queue_title"), Nav: "queue", User: se.user, CSRF: se.csrf,
		Notice: s.noticeOf(r, "said"), Problem: s.noticeOf(r, "problem"), Data: d})
}

// back returns the clerk to the counter's page, saying what happened:
// the message's text id under key, about the ticket label.
func back(w http.ResponseWriter, r *http.Request, site, counter, prefixes, key, id, label string) {
	v := url.Values{"site": {site}, "counter": {counter}, "prefixes": {prefixes}}
	noticeLink(v, key, id, label)
	http.Redirect(w, r, "/staff/queue?"+v.Encode(), http.StatusSeeOther)
}

func (s *officePages) queueAct(w http.ResponseWriter, r *http.Request) {
	site, counter, prefixes, list := place(r)
	if !s.forSite(w, r, site) {
		return
	}
	q := s.p.Queue()
	var t store.Ticket
	var err error
	switch action := r.PostFormValue("action"); action {
	case "next":
		t, err = q.Next(r.Context(), site, counter, list)
	case "recall", "serve", "done", "noshow", "park", "forward", "cancel":
		t, err = q.Act(r.Context(), site, counter, queue.Action(action), r.PostFormValue("to"))
	default:
		err = errors.New("unknown action")
	}
	if err != nil {
		back(w, r, site, counter, prefixes, "problem", errID(err), "")
		return
	}
	se, _ := sessionOf(r)
	s.record(r.Context(), r, se.user.Name, "queue_"+r.PostFormValue("action"), t.Label+" site="+orDefault(site)+" counter="+counter)
	back(w, r, site, counter, prefixes, "said", "ticket_"+t.State, t.Label)
}

func (s *officePages) queueReturn(w http.ResponseWriter, r *http.Request) {
	site, counter, prefixes, _ := place(r)
	if !s.forSite(w, r, site) {
		return
	}
	t, err := s.p.Queue().Return(r.Context(), site, r.PostFormValue("label"))
	if err != nil {
		back(w, r, site, counter, prefixes, "problem", errID(err), "")
		return
	}
	back(w, r, site, counter, prefixes, "said", "ticket_"+t.State, t.Label)
}

func minutes(d time.Duration) int { return int(d.Minutes()) }

func concat(a, b []string) []string { return append(append([]string(nil), a...), b...) }

// queueEvents tells the clerk page when its site's queue changed (a new
// number, another clerk's call), so it can show it without a click.
func (s *officePages) queueEvents(w http.ResponseWriter, r *http.Request) {
	site := r.URL.Query().Get("site")
	if !s.forSite(w, r, site) {
		return
	}
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	rc.SetWriteDeadline(time.Time{})
	fmt.Fprint(w, "retry: 3000\n\n")
	if rc.Flush() != nil {
		return
	}
	woken, stop := s.p.Hub().Subscribe(queue.Topic(site))
	defer stop()
	alive := time.NewTicker(15 * time.Second)
	defer alive.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-woken:
			fmt.Fprint(w, "event: changed\ndata: {}\n\n")
		case <-alive.C:
			fmt.Fprint(w, ": alive\n\n")
		}
		if rc.Flush() != nil {
			return
		}
	}
}

// Package queue is the office queue at the portal: one queue per site
// that all its kiosks draw from, clerks who call the next number at their
// counter, and what a call-up display and a ticket's page show. The rules
// follow what Berlin's and Munich's ZMS learnt: claiming the next ticket
// is one conditional update; a ticket called in the last five minutes is
// not called by "Nächste" again; at most three calls, then no-show.
package queue

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"time"

	"lotse/sync/portal/hub"
	"lotse/sync/portal/store"
	"lotse/sync/wire"
)

// Rules.
const (
	MaxCalls    = 3
	RecallPause = 5 * time.Minute
)

// Errors a clerk or a kiosk is told (the staff pages say them in the
// user's language: web/i18n).
var (
	ErrEmpty          = errors.New("nobody is waiting")
	ErrNoTicket       = errors.New("nobody is called at this counter")
	ErrChanged        = errors.New("the number was handled differently in the meantime")
	ErrBadPrefix      = errors.New("prefix: one capital letter A-Z")
	ErrBadName        = errors.New("site and counter: up to 40 letters, digits, spaces, dots or dashes (a counter needs at least one)")
	ErrUnknownCounter = errors.New("no such counter at this site (lotse-portal queue counters)")
	ErrNotParked      = errors.New("no parked or no-show number of that label today")
	// ErrNotYourBlock refuses an offline number that is not of the
	// reporting kiosk's own block.
	ErrNotYourBlock = errors.New("not a number of this kiosk's own block")
)

var (
	prefixRe = regexp.MustCompile(`^[A-Z]$`)
	nameRe   = regexp.MustCompile(`^[\p{L}\p{N} .\-]{0,40}$`) // "": the portal's default site
)

// CheckSite says what is wrong with a site's name (nil: nothing): up to
// 40 letters, digits, spaces, dots or dashes, the letters Latin ones (so
// "Κ1", with a Greek capital kappa, cannot stand beside "K1").
func CheckSite(site string) error {
	if !nameRe.MatchString(site) || !wire.LatinLetters(site) {
		return ErrBadName
	}
	return nil
}

// Service is the office queue over a store.
type Service struct {
	St  store.Queue    // the queue's part of the store, and no more
	Loc *time.Location // the office's time zone: a day is its calendar day
	Now func() time.Time
	// Hub hears of every change of a site's queue (Topic): the display,
	// the clerk page; nil: nobody listens.
	Hub *hub.Hub
}

// Topic is the hub's topic of site's queue.
func Topic(site string) string { return "queue/" + site }

// changed announces a change of site's queue.
func (s *Service) changed(site string) {
	if s.Hub != nil {
		s.Hub.Publish(Topic(site))
	}
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Day is the office's calendar day of t.
func (s *Service) Day(t time.Time) string {
	loc := s.Loc
	if loc == nil {
		loc = time.Local
	}
	return t.In(loc).Format(time.DateOnly)
}

// Drawn is a ticket as a kiosk gets it.
type Drawn struct {
	Number string `json:"number"`
	Ahead  int    `json:"ahead"`
	Day    string `json:"day"`
	Wait   Estimate
}

// Draw issues a number of prefix at site for kiosk; key makes a retry
// return the same ticket.
func (s *Service) Draw(ctx context.Context, site, prefix, lang string, kiosk int64, key string) (Drawn, error) {
	return s.draw(ctx, site, prefix, lang, kiosk, key, time.Time{})
}

// DrawDue draws the waiting number of an appointment checked in: it is
// called from due on, before the walk-ins, and not before.
func (s *Service) DrawDue(ctx context.Context, site, prefix, lang string, kiosk int64, key string, due time.Time) (Drawn, error) {
	return s.draw(ctx, site, prefix, lang, kiosk, key, due)
}

func (s *Service) draw(ctx context.Context, site, prefix, lang string, kiosk int64, key string, due time.Time) (Drawn, error) {
	if !prefixRe.MatchString(prefix) {
		return Drawn{}, ErrBadPrefix
	}
	if !nameRe.MatchString(site) {
		return Drawn{}, ErrBadName
	}
	if key == "" || len(key) > 64 {
		return Drawn{}, errors.New("key: 1 to 64 characters")
	}
	if lang == "" || len(lang) > 16 {
		lang = "de"
	}
	now := s.now()
	t, err := s.St.Draw(ctx, store.Draw{Site: site, Day: s.Day(now), Prefix: prefix, Lang: lang, Kiosk: kiosk, Key: key, At: now, DueAt: due})
	if err != nil {
		return Drawn{}, fmt.Errorf("draw: %w", err)
	}
	s.changed(site)
	wait, err := s.Estimate(ctx, site, prefix, t.Ahead)
	if err != nil {
		wait = Estimate{} // the number stands; only the estimate is missing
	}
	return Drawn{Number: t.Label, Ahead: t.Ahead, Day: t.Day, Wait: wait}, nil
}

// Report takes a number a kiosk drew offline (label from its own block,
// drawnAt when): it joins its site's queue in the order it was drawn,
// once however often it is reported. Only the kiosk whose block it is may
// report it (ErrNotYourBlock); drawnAt is held to the last 24 hours and
// to no earlier than the kiosk's last contact before it fell silent, so a
// backdated number cannot jump the queue.
func (s *Service) Report(ctx context.Context, site, prefix, lang string, kiosk int64, key, label string, drawnAt time.Time) (Drawn, error) {
	if !prefixRe.MatchString(prefix) {
		return Drawn{}, ErrBadPrefix
	}
	if !nameRe.MatchString(site) {
		return Drawn{}, ErrBadName
	}
	p, block, n, ok := wire.ParseOfflineLabel(label)
	if !ok || p != prefix {
		return Drawn{}, fmt.Errorf("%q: %w", label, ErrNotYourBlock)
	}
	own, size, err := s.Block(ctx, site, kiosk)
	if err != nil {
		return Drawn{}, err
	}
	if block != own || n > size {
		return Drawn{}, fmt.Errorf("%s (block %d, number %d; the kiosk's block is %d of %d numbers): %w", label, block, n, own, size, ErrNotYourBlock)
	}
	now := s.now()
	floor := now.Add(-MaxOfflineAge)
	silent, err := s.St.SilentFrom(ctx, kiosk)
	if err != nil {
		return Drawn{}, err
	}
	if silent.After(floor) {
		floor = silent
	}
	if drawnAt.Before(floor) {
		drawnAt = floor
	}
	if drawnAt.After(now) {
		drawnAt = now
	}
	t, err := s.St.Draw(ctx, store.Draw{Site: site, Day: s.Day(drawnAt), Prefix: prefix, Lang: lang, Kiosk: kiosk, Key: key, At: drawnAt, Label: label})
	if err != nil {
		return Drawn{}, fmt.Errorf("report offline number: %w", err)
	}
	s.changed(site)
	return Drawn{Number: t.Label, Ahead: t.Ahead, Day: t.Day}, nil
}

// MaxOfflineAge is how far back an offline number's time is believed.
const MaxOfflineAge = 24 * time.Hour

// DefaultBlockSize is how many numbers a kiosk's own block holds a day
// where the site did not say.
const DefaultBlockSize = 999

// Block is the kiosk's own block of numbers at site for when the portal
// is out of reach (1 to 9; 0: the site's blocks are taken) and how many
// numbers it holds a day.
func (s *Service) Block(ctx context.Context, site string, kiosk int64) (block, size int, err error) {
	if block, err = s.St.Block(ctx, site, kiosk); err != nil {
		return 0, 0, err
	}
	size, err = s.BlockSize(ctx, site)
	return block, size, err
}

// BlockSize is how many numbers a kiosk's block holds a day at site.
func (s *Service) BlockSize(ctx context.Context, site string) (int, error) {
	n, err := s.St.BlockSize(ctx, site)
	if n == 0 {
		n = DefaultBlockSize
	}
	return n, err
}

// SetBlockSize sets it (1 to 999).
func (s *Service) SetBlockSize(ctx context.Context, site string, size int) error {
	if size < 1 || size > wire.MaxBlockNumbers {
		return fmt.Errorf("block size %d: want 1 to %d", size, DefaultBlockSize)
	}
	return s.St.SetBlockSize(ctx, site, size)
}

// Next calls the longest-waiting ticket of prefixes to counter.
func (s *Service) Next(ctx context.Context, site, counter string, prefixes []string) (store.Ticket, error) {
	if !nameRe.MatchString(site) || !nameRe.MatchString(counter) || counter == "" {
		return store.Ticket{}, ErrBadName
	}
	// A site with counters set up: only those, with their numbers.
	counters, err := s.St.Counters(ctx, site)
	if err != nil {
		return store.Ticket{}, err
	}
	if len(counters) > 0 {
		i := slices.IndexFunc(counters, func(c store.Counter) bool { return c.Name == counter })
		if i < 0 {
			return store.Ticket{}, ErrUnknownCounter
		}
		prefixes = counters[i].Prefixes
	}
	now := s.now()
	t, err := s.St.CallNext(ctx, site, s.Day(now), counter, prefixes, now, now.Add(-RecallPause))
	if errors.Is(err, store.ErrQueueEmpty) {
		return t, ErrEmpty
	}
	if err == nil {
		s.changed(site)
	}
	return t, err
}

// Action is what a clerk does with the ticket at the counter.
type Action string

const (
	Recall  Action = "recall"  // call again (the third call is the last; then no-show)
	Serve   Action = "serve"   // the resident is here
	Done    Action = "done"    // finished
	NoShow  Action = "noshow"  // did not come
	Park    Action = "park"    // waits aside (papers missing), to be called later
	Forward Action = "forward" // to another prefix's queue, keeping the number
	Cancel  Action = "cancel"
)

// Act applies action to the ticket at counter; to is the prefix for
// Forward. It returns the ticket as it is now.
func (s *Service) Act(ctx context.Context, site, counter string, action Action, to string) (store.Ticket, error) {
	now := s.now()
	t, err := s.St.AtCounter(ctx, site, s.Day(now), counter)
	if errors.Is(err, store.ErrNoTicket) {
		return t, ErrNoTicket
	}
	if err != nil {
		return t, err
	}
	from := []string{"called", "serving"}
	call := false
	switch action {
	case Recall:
		if t.Calls >= MaxCalls {
			t.State, t.DoneAt = "noshow", now
		} else {
			t.CalledAt, call = now, true
		}
	case Serve:
		t.State = "serving"
	case Done:
		t.State, t.DoneAt = "done", now
	case NoShow:
		t.State, t.DoneAt = "noshow", now
	case Park:
		t.State, t.Counter = "parked", ""
	case Forward:
		if !prefixRe.MatchString(to) {
			return t, ErrBadPrefix
		}
		// Its new queue may call it at once: no pause, no call counted yet.
		t.State, t.Prefix, t.Counter, t.CalledAt = "waiting", to, "", time.Time{}
	case Cancel:
		t.State, t.DoneAt = "cancelled", now
	default:
		return t, fmt.Errorf("unknown action %q", action)
	}
	ok, err := s.St.Update(ctx, t.ID, from, t, call)
	if err != nil {
		return t, err
	}
	if !ok {
		return t, ErrChanged
	}
	if call {
		t.Calls++
	}
	s.changed(site)
	return t, nil
}

// Return puts a parked or no-show ticket back in its queue (it keeps its
// place by the time it was drawn; "Nächste" skips it for the pause).
func (s *Service) Return(ctx context.Context, site, label string) (store.Ticket, error) {
	now := s.now()
	list, err := s.St.Tickets(ctx, site, s.Day(now), "parked", "noshow")
	if err != nil {
		return store.Ticket{}, err
	}
	for _, t := range list {
		if t.Label != label {
			continue
		}
		prev := t.State
		t.State, t.Counter, t.DoneAt = "waiting", "", time.Time{}
		if t.CalledAt.IsZero() {
			t.CalledAt = now
		}
		ok, err := s.St.Update(ctx, t.ID, []string{prev}, t, false)
		if err != nil {
			return t, err
		}
		if !ok {
			return t, ErrChanged
		}
		s.changed(site)
		return t, nil
	}
	return store.Ticket{}, fmt.Errorf("%s: %w", label, ErrNotParked)
}

// Waiting is one prefix's queue at a glance.
type Waiting struct {
	Prefix  string        `json:"prefix"`
	Count   int           `json:"waiting"`
	Longest time.Duration `json:"longest_wait_ns"`
}

// Status is a site's queue now: per prefix, and the parked tickets.
type Status struct {
	Site    string         `json:"site"`
	Day     string         `json:"day"`
	Waiting []Waiting      `json:"queues"`
	Parked  []string       `json:"parked"`
	NoShow  []string       `json:"no_show"`
	Calls   []store.Ticket `json:"-"`
}

// Status reads a site's queue.
func (s *Service) Status(ctx context.Context, site string) (Status, error) {
	now := s.now()
	st := Status{Site: site, Day: s.Day(now)}
	list, err := s.St.Tickets(ctx, site, st.Day, "waiting", "parked", "noshow")
	if err != nil {
		return st, err
	}
	by := map[string]*Waiting{}
	for _, t := range list {
		switch t.State {
		case "parked":
			st.Parked = append(st.Parked, t.Label)
			continue
		case "noshow":
			st.NoShow = append(st.NoShow, t.Label)
			continue
		}
		w := by[t.Prefix]
		if w == nil {
			w = &Waiting{Prefix: t.Prefix}
			by[t.Prefix] = w
		}
		w.Count++
		w.Longest = max(w.Longest, now.Sub(t.DrawnAt))
	}
	for _, w := range by {
		st.Waiting = append(st.Waiting, *w)
	}
	sort.Slice(st.Waiting, func(i, j int) bool { return st.Waiting[i].Prefix < st.Waiting[j].Prefix })
	st.Calls, err = s.St.Calls(ctx, site, st.Day, 6)
	return st, err
}

// Ticket is a number's place today, for its page behind the QR code.
func (s *Service) Ticket(ctx context.Context, site, day, label string) (store.Ticket, int, error) {
	list, err := s.St.Tickets(ctx, site, day)
	if err != nil {
		return store.Ticket{}, 0, err
	}
	i := slices.IndexFunc(list, func(t store.Ticket) bool { return t.Label == label })
	if i < 0 {
		return store.Ticket{}, 0, fmt.Errorf("%s: no such number", label)
	}
	t, ahead := list[i], 0
	for _, o := range list[:i] {
		if o.State == "waiting" && o.Prefix == t.Prefix {
			ahead++
		}
	}
	return t, ahead, nil
}

// SetCounters sets up the counters of site ("Schalter 1" serving A and
// B …); from then on only these call numbers there.
func (s *Service) SetCounters(ctx context.Context, site string, counters []store.Counter) error {
	if !nameRe.MatchString(site) {
		return ErrBadName
	}
	for _, c := range counters {
		if c.Name == "" || !nameRe.MatchString(c.Name) || len(c.Prefixes) == 0 {
			return fmt.Errorf("counter %q: %w", c.Name, ErrBadName)
		}
		for _, p := range c.Prefixes {
			if !prefixRe.MatchString(p) {
				return fmt.Errorf("counter %q: %w", c.Name, ErrBadPrefix)
			}
		}
	}
	return s.St.SetCounters(ctx, site, counters)
}

// Counters are the counters set up at site (none: any counter may call
// the numbers it names).
func (s *Service) Counters(ctx context.Context, site string) ([]store.Counter, error) {
	return s.St.Counters(ctx, site)
}

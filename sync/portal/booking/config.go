// Package booking is the portal's appointment booking: the bookable
// services of a site (a TOML file staff keep), the times they open, and
// the rules around a booking — how far ahead, when a new day is released,
// how long a cancelled time waits before it is offered again, how many
// appointments one contact may hold. Capacity itself is enforced by the
// store, in one conditional update, on every database and instance.
package booking

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"lotse/sync/hours"
)

// Config is a site's booking file (assets/booking/buergerbuero.toml is the
// documented example).
type Config struct {
	AheadMinDays  int      `toml:"ahead_min_days"`
	AheadMaxDays  int      `toml:"ahead_max_days"`
	ReleaseAt     string   `toml:"release_at"`
	CancelPause   Duration `toml:"cancel_pause"`
	KeepDays      int      `toml:"keep_days"`
	MaxPerContact int      `toml:"max_per_contact"`
	CallBefore    Duration `toml:"call_before"`
	LateAfter     Duration `toml:"late_after"`
	ClosedOn      []string `toml:"closed_on"`
	// KioskQuotaDays is how many days ahead kiosks hold their quota of
	// times (each service's kiosk_quota) to book while offline.
	KioskQuotaDays int `toml:"kiosk_quota_days"`
	// ConfirmContact, when set, holds a booking from home until the
	// resident follows the link mailed to the address they gave, and
	// frees the time when they do not within this long (0: no mail).
	ConfirmContact Duration  `toml:"confirm_contact"`
	Services       []Service `toml:"service"`

	release int // minutes after midnight
}

// Service is one bookable service.
type Service struct {
	ID       string   `toml:"id"`
	Title    string   `toml:"title"`
	Minutes  int      `toml:"minutes"`
	Counters int      `toml:"counters"`
	Hours    []string `toml:"hours"`
	Prefix   string   `toml:"prefix"`
	Room     string   `toml:"room"`
	// KioskQuota is how many of its times a day each kiosk holds, to book
	// while it cannot reach the portal (0: kiosks book only online).
	KioskQuota int `toml:"kiosk_quota"`
	// Titles are the title in the kiosk's other languages, by language.
	Titles map[string]string `toml:"titles"`

	week hours.Week
}

// Duration reads "30m" or "1h".
type Duration struct{ time.Duration }

func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("%q is not a duration (write 30m or 1h)", b)
	}
	d.Duration = v
	return nil
}

var (
	idPattern     = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,39}$`)
	prefixPattern = regexp.MustCompile(`^[A-Z]$`)
)

// Parse reads and checks a booking file. Its errors name the key and say
// what is allowed, for the admin who wrote it.
func Parse(b []byte) (Config, error) {
	c := Config{AheadMinDays: 1, AheadMaxDays: 60, ReleaseAt: "07:00", CancelPause: Duration{30 * time.Minute},
		KeepDays: 14, MaxPerContact: 2, CallBefore: Duration{5 * time.Minute}, LateAfter: Duration{15 * time.Minute},
		KioskQuotaDays: 7}
	md, err := toml.NewDecoder(bytes.NewReader(b)).Decode(&c)
	if err != nil {
		return Config{}, fmt.Errorf("booking file: %w", err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		return Config{}, fmt.Errorf("booking file: unknown key %q", und[0].String())
	}
	var problems []string
	bad := func(key, format string, args ...any) {
		problems = append(problems, key+": "+fmt.Sprintf(format, args...))
	}
	if c.AheadMinDays < 0 || c.AheadMinDays > 365 {
		bad("ahead_min_days", "%d: from 0 (today) to 365 days", c.AheadMinDays)
	}
	if c.AheadMaxDays < c.AheadMinDays || c.AheadMaxDays > 366 {
		bad("ahead_max_days", "%d: from ahead_min_days to 366 days", c.AheadMaxDays)
	}
	if t, err := time.Parse("15:04", c.ReleaseAt); err != nil {
		bad("release_at", "%q is not a time of day (write 07:00)", c.ReleaseAt)
	} else {
		c.release = t.Hour()*60 + t.Minute()
	}
	if c.CancelPause.Duration < 0 || c.CancelPause.Duration > 7*24*time.Hour {
		bad("cancel_pause", "%s: from 0 to a week", c.CancelPause.Duration)
	}
	if c.CallBefore.Duration < 0 || c.CallBefore.Duration > time.Hour {
		bad("call_before", "%s: from 0 to an hour", c.CallBefore.Duration)
	}
	if c.LateAfter.Duration < 0 || c.LateAfter.Duration > 2*time.Hour {
		bad("late_after", "%s: from 0 to two hours", c.LateAfter.Duration)
	}
	if c.KeepDays < 1 || c.KeepDays > 365 {
		bad("keep_days", "%d: names and contacts are kept 1 to 365 days after the appointment", c.KeepDays)
	}
	if c.MaxPerContact < 1 || c.MaxPerContact > 20 {
		bad("max_per_contact", "%d: from 1 to 20", c.MaxPerContact)
	}
	if c.ConfirmContact.Duration < 0 || c.ConfirmContact.Duration > 24*time.Hour ||
		c.ConfirmContact.Duration > 0 && c.ConfirmContact.Duration < 5*time.Minute {
		bad("confirm_contact", "%s: 0 (no confirmation) or 5 minutes to a day", c.ConfirmContact.Duration)
	}
	if c.KioskQuotaDays < 1 || c.KioskQuotaDays > 31 {
		bad("kiosk_quota_days", "%d: kiosks hold times for 1 to 31 days ahead", c.KioskQuotaDays)
	}
	if _, err := hours.Parse(nil, c.ClosedOn); err != nil {
		bad("closed_on", "%v", err)
	}
	if len(c.Services) == 0 {
		bad("service", "no [[service]]: nothing to book")
	}
	seen := map[string]bool{}
	for i := range c.Services {
		s := &c.Services[i]
		key := fmt.Sprintf("service[%d]", i+1)
		if !idPattern.MatchString(s.ID) {
			bad(key+".id", "%q: lower-case letters, digits and dashes, up to 40", s.ID)
		} else if seen[s.ID] {
			bad(key+".id", "%q is there twice", s.ID)
		}
		seen[s.ID] = true
		if strings.TrimSpace(s.Title) == "" || len(s.Title) > 120 {
			bad(key+".title", "a title of 1 to 120 characters, as residents will read it")
		}
		if s.Minutes < 5 || s.Minutes > 240 {
			bad(key+".minutes", "%d: an appointment lasts 5 to 240 minutes", s.Minutes)
		}
		if s.Counters < 1 || s.Counters > 50 {
			bad(key+".counters", "%d: 1 to 50 residents at once", s.Counters)
		}
		if s.KioskQuota < 0 || s.KioskQuota > s.Counters*4 {
			bad(key+".kiosk_quota", "%d: from 0 to a few times a day per kiosk (at most 4 per counter)", s.KioskQuota)
		}
		if !prefixPattern.MatchString(s.Prefix) {
			bad(key+".prefix", "%q: one capital letter, the waiting number's at check-in", s.Prefix)
		}
		w, err := hours.Parse(s.Hours, c.ClosedOn)
		switch {
		case err != nil:
			bad(key+".hours", "%v", err)
		case !w.Known():
			bad(key+".hours", "no hours: when can it be booked? (write \"Mo-Fr 8:00-12:00\")")
		}
		s.week = w
	}
	if len(problems) > 0 {
		return Config{}, fmt.Errorf("booking file: %s", strings.Join(problems, "; "))
	}
	return c, nil
}

// TitleIn is the service's title in lang, German where it has none.
func (s Service) TitleIn(lang string) string {
	if t := s.Titles[lang]; t != "" {
		return t
	}
	return s.Title
}

// Service returns the service id.
func (c Config) Service(id string) (Service, bool) {
	for _, s := range c.Services {
		if s.ID == id {
			return s, true
		}
	}
	return Service{}, false
}

// Days is the first and the last day a resident may book at now (dates at
// midnight in now's location): the last day opens at release_at.
func (c Config) Days(now time.Time) (first, last time.Time) {
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	ahead := c.AheadMaxDays
	if now.Hour()*60+now.Minute() < c.release && ahead > c.AheadMinDays {
		ahead-- // today's new day is not released yet
	}
	return today.AddDate(0, 0, c.AheadMinDays), today.AddDate(0, 0, ahead)
}

// Starts are the appointment times of s on day's date: every s.Minutes
// within its hours, none on a closed day.
func (s Service) Starts(day time.Time) []time.Time {
	var out []time.Time
	midnight := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, day.Location())
	for _, sp := range s.week.On(midnight) {
		for m := sp.From; m+s.Minutes <= sp.To; m += s.Minutes {
			// Wall-clock times: a day of a clock change keeps 8:00 at 8:00.
			out = append(out, time.Date(day.Year(), day.Month(), day.Day(), m/60, m%60, 0, 0, day.Location()))
		}
	}
	return out
}

// Bookable says start is one of s's times within the days open at now.
func (c Config) Bookable(s Service, start, now time.Time) bool {
	first, last := c.Days(now)
	day := time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, start.Location())
	if day.Before(first) || day.After(last) || !start.After(now) {
		return false
	}
	for _, t := range s.Starts(day) {
		if t.Equal(start) {
			return true
		}
	}
	return false
}

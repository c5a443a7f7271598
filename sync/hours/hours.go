// Package hours holds the opening hours of the office beside the kiosk.
// The kiosk is never the only way: the start screen says when the
// counter is open today, and receipts say when it is open at all.
//
// Staff write the hours the way a door sign does, one entry per group of
// days, with German day names:
//
//	opening_hours = ["Mo-Mi 8:00-16:00", "Do 8:00-12:00, 13:00-18:00", "Fr 8:00-12:00"]
//
// and the days the counter stays shut besides (public holidays, the days
// between Christmas and New Year) as dates:
//
//	closed_on = ["24.12.2026", "25.12.2026", "2027-01-01"]
package hours

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Span is one opening period of a day, in minutes after midnight.
type Span struct{ From, To int }

// Week is the opening hours, Monday first, and the dates the counter is
// shut besides. A day without spans is closed. The zero Week means "not
// known": nothing is said.
type Week struct {
	days   [7][]Span
	closed map[string]bool // "2006-01-02"
}

// Day is day d's spans (0 = Monday).
func (w Week) Day(d int) []Span { return w.days[d] }

// dayNames are the German abbreviations staff write, Monday first.
var dayNames = [7]string{"mo", "di", "mi", "do", "fr", "sa", "so"}

// Parse reads entries like "Mo-Mi 8:00-16:00" or "Do 8:00-12:00,
// 13:00-18:00", and the closed dates as 24.12.2026 or 2026-12-24. Errors
// name the entry, so staff find their typo.
func Parse(entries, closedOn []string) (Week, error) {
	var w Week
	for i, e := range entries {
		if err := w.add(e); err != nil {
			return Week{}, fmt.Errorf("opening hours, entry %d %q: %w", i+1, e, err)
		}
	}
	for i, c := range closedOn {
		d, err := time.Parse("02.01.2006", strings.TrimSpace(c))
		if err != nil {
			d, err = time.Parse(time.DateOnly, strings.TrimSpace(c))
		}
		if err != nil {
			return Week{}, fmt.Errorf("closed days, entry %d %q: not a date: write 24.12.2026", i+1, c)
		}
		if w.closed == nil {
			w.closed = map[string]bool{}
		}
		w.closed[d.Format(time.DateOnly)] = true
	}
	return w, nil
}

func (w *Week) add(entry string) error {
	days, times, ok := strings.Cut(strings.TrimSpace(entry), " ")
	if !ok {
		return fmt.Errorf("write the days, a space, then the times (Mo-Fr 8:00-12:00)")
	}
	first, last, err := dayRange(days)
	if err != nil {
		return err
	}
	var spans []Span
	for part := range strings.SplitSeq(times, ",") {
		s, err := span(strings.TrimSpace(part))
		if err != nil {
			return err
		}
		for _, o := range spans {
			if s.From < o.To && o.From < s.To {
				return fmt.Errorf("%s overlaps %s", s, o)
			}
		}
		spans = append(spans, s)
	}
	for d := first; ; d = (d + 1) % 7 {
		if len(w.days[d]) > 0 {
			return fmt.Errorf("%s already has opening hours", strings.ToUpper(dayNames[d][:1])+dayNames[d][1:])
		}
		w.days[d] = slices.SortedFunc(slices.Values(spans), func(a, b Span) int { return a.From - b.From })
		if d == last {
			break
		}
	}
	return nil
}

func dayRange(s string) (first, last int, err error) {
	s = strings.ReplaceAll(s, "–", "-")
	a, b, isRange := strings.Cut(s, "-")
	if first, err = day(a); err != nil {
		return 0, 0, err
	}
	last = first
	if isRange {
		if last, err = day(b); err != nil {
			return 0, 0, err
		}
	}
	return first, last, nil
}

func day(s string) (int, error) {
	for i, n := range dayNames {
		if strings.EqualFold(strings.TrimSuffix(strings.TrimSpace(s), "."), n) {
			return i, nil
		}
	}
	return 0, fmt.Errorf("%q is not a day: write Mo, Di, Mi, Do, Fr, Sa or So", s)
}

func span(s string) (Span, error) {
	s = strings.ReplaceAll(s, "–", "-")
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return Span{}, fmt.Errorf("%q is not a time span: write 8:00-16:00", s)
	}
	from, err := clock(a)
	if err != nil {
		return Span{}, err
	}
	to, err := clock(b)
	if err != nil {
		return Span{}, err
	}
	if to <= from {
		return Span{}, fmt.Errorf("%q ends before it begins", s)
	}
	return Span{from, to}, nil
}

// clock reads "8:00", "08:30" or "24:00" as minutes after midnight.
func clock(s string) (int, error) {
	s = strings.TrimSpace(s)
	hh, mm, ok := strings.Cut(s, ":")
	h, errH := strconv.Atoi(hh)
	m, errM := strconv.Atoi(mm)
	if !ok || errH != nil || errM != nil || len(mm) != 2 || len(hh) > 2 || h < 0 || m < 0 || m > 59 || h*60+m > 24*60 {
		return 0, fmt.Errorf("%q is not a time: write 8:00 or 16:30", s)
	}
	return h*60 + m, nil
}

// Known reports whether any opening hours were given.
func (w Week) Known() bool {
	for _, d := range w.days {
		if len(d) > 0 {
			return true
		}
	}
	return false
}

// weekday is t's index in a Week: Monday 0, Sunday 6.
func weekday(t time.Time) int { return (int(t.Weekday()) + 6) % 7 }

// On is the spans of t's date: none on a closed date.
func (w Week) On(t time.Time) []Span {
	if w.closed[t.Format(time.DateOnly)] {
		return nil
	}
	return w.days[weekday(t)]
}

// Today is what is still ahead today at t: the spans that have not ended.
func (w Week) Today(t time.Time) []Span {
	now := t.Hour()*60 + t.Minute()
	var left []Span
	for _, s := range w.On(t) {
		if s.To > now {
			left = append(left, s)
		}
	}
	return left
}

// OpenAt reports whether the counter is open at t.
func (w Week) OpenAt(t time.Time) bool {
	now := t.Hour()*60 + t.Minute()
	for _, s := range w.On(t) {
		if s.From <= now && now < s.To {
			return true
		}
	}
	return false
}

// Next is when the counter opens next after t: later today, or on the
// next day that opens and is not closed, within a year. ok is false when
// it never opens.
func (w Week) Next(t time.Time) (at time.Time, ok bool) {
	now := t.Hour()*60 + t.Minute()
	// Wall-clock times, not midnight plus minutes: the night the clocks
	// change is an hour shorter or longer.
	wall := func(day time.Time, m int) time.Time {
		return time.Date(day.Year(), day.Month(), day.Day(), m/60, m%60, 0, 0, day.Location())
	}
	for _, s := range w.On(t) {
		if s.From > now {
			return wall(t, s.From), true
		}
	}
	for i := 1; i <= 366; i++ {
		day := t.AddDate(0, 0, i)
		if spans := w.On(day); len(spans) > 0 {
			return wall(day, spans[0].From), true
		}
	}
	return time.Time{}, false
}

// When names an opening at, seen at now, as people say it: the day's
// name within the coming week ("Montag"), with the date beyond it
// ("Montag, 4.1."), and the time ("8:00").
func When(tr Texts, now, at time.Time) (day, hour string) {
	day = dayName(tr, weekday(at))
	if at.Sub(now) > 6*24*time.Hour {
		day += fmt.Sprintf(", %d.%d.", at.Day(), int(at.Month()))
	}
	return day, hhmm(at.Hour()*60 + at.Minute())
}

// Texts gives the day names in the visitor's language.
type Texts interface {
	T(id string, data ...map[string]any) string
}

// dayName is the full name of day d (0 = Monday) in the visitor's language.
func dayName(tr Texts, d int) string { return tr.T(dayKey("day", d)) }

// dayKey is the translation key of day d's name: hours_day_1 is Monday's,
// hours_short_1 its short form.
func dayKey(form string, d int) string { return "hours_" + form + "_" + strconv.Itoa(d+1) }

// hhmm is m minutes after midnight as 8:00 or 16:30.
func hhmm(m int) string { return fmt.Sprintf("%d:%02d", m/60, m%60) }

func (s Span) String() string { return hhmm(s.From) + "-" + hhmm(s.To) }

// Spans is a day's spans as "8:00–12:00, 13:00–18:00", with dash between
// times (the printer's code page has no en dash; the screen has).
func Spans(spans []Span, dash string) string {
	parts := make([]string, len(spans))
	for i, s := range spans {
		parts[i] = hhmm(s.From) + dash + hhmm(s.To)
	}
	return strings.Join(parts, ", ")
}

// Format is the whole week as a door sign says it, consecutive days with
// the same hours joined: "Mo–Mi 8:00–16:00 · Do 8:00–18:00 · Fr 8:00–12:00".
// Day names are the visitor's language's short forms.
func (w Week) Format(tr Texts, dash, sep string) string {
	var groups []string
	for d := 0; d < 7; {
		if len(w.days[d]) == 0 {
			d++
			continue
		}
		end := d
		for end+1 < 7 && slices.Equal(w.days[end+1], w.days[d]) {
			end++
		}
		days := tr.T(dayKey("short", d))
		if end > d {
			days += dash + tr.T(dayKey("short", end))
		}
		groups = append(groups, days+" "+Spans(w.days[d], dash))
		d = end + 1
	}
	return strings.Join(groups, sep)
}

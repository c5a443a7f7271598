package hours_test

import (
	"strings"
	"testing"
	"time"

	"lotse/app/i18n"
	"lotse/assets"
	"lotse/sync/hours"
	"lotse/sync/hours/hourstest"
)

var demo = []string{"Mo-Mi 8:00-16:00", "Do 8:00-12:00, 13:00-18:00", "Fr 8:00-12:00"}

func texts(t *testing.T, lang string) *i18n.Localizer {
	t.Helper()
	b, err := i18n.Load(assets.FS, "i18n")
	if err != nil {
		t.Fatal(err)
	}
	return b.For(lang)
}

func at(t *testing.T, s string) time.Time {
	t.Helper()
	berlin, _ := time.LoadLocation("Europe/Berlin")
	v, err := time.ParseInLocation("2006-01-02 15:04", s, berlin)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestWeekAsADoorSignSaysIt(t *testing.T) {
	w, err := hours.Parse(demo, nil)
	if err != nil {
		t.Fatal(err)
	}
	for lang, want := range map[string]string{
		"de":      "Mo–Mi 8:00–16:00 · Do 8:00–12:00, 13:00–18:00 · Fr 8:00–12:00",
		"en":      "Mon–Wed 8:00–16:00 · Thu 8:00–12:00, 13:00–18:00 · Fri 8:00–12:00",
		"de-x-ls": "Montag–Mittwoch 8:00–16:00 · Donnerstag 8:00–12:00, 13:00–18:00 · Freitag 8:00–12:00",
		"uk":      "Пн–Ср 8:00–16:00 · Чт 8:00–12:00, 13:00–18:00 · Пт 8:00–12:00",
	} {
		if got := w.Format(texts(t, lang), "–", " · "); got != want {
			t.Errorf("%s: %q, want %q", lang, got, want)
		}
	}
}

func TestTodayAndNext(t *testing.T) {
	w, _ := hours.Parse(demo, nil)
	// 2026-11-26 is a Thursday.
	for _, c := range []struct {
		at, today string
		nextDay   string
	}{
		{"2026-11-26 07:00", "8:00-12:00, 13:00-18:00", "Donnerstag 8:00"},
		{"2026-11-26 10:00", "8:00-12:00, 13:00-18:00", "Donnerstag 13:00"},
		{"2026-11-26 12:30", "13:00-18:00", "Donnerstag 13:00"}, // the lunch break
		{"2026-11-26 18:00", "", "Freitag 8:00"},
		{"2026-11-27 13:00", "", "Montag 8:00"}, // Friday afternoon: the weekend is closed
		{"2026-11-29 10:00", "", "Montag 8:00"}, // Sunday
	} {
		now := at(t, c.at)
		if got := hours.Spans(w.Today(now), "-"); got != c.today {
			t.Errorf("%s: today %q, want %q", c.at, got, c.today)
		}
		if c.nextDay == "" {
			continue
		}
		next, ok := w.Next(now)
		day, clock := hours.When(texts(t, "de"), now, next)
		if got := day + " " + clock; !ok || got != c.nextDay {
			t.Errorf("%s: next %q, want %q", c.at, got, c.nextDay)
		}
	}
	for when, open := range map[string]bool{"2026-11-26 07:59": false, "2026-11-26 08:00": true, "2026-11-26 12:30": false,
		"2026-11-26 17:59": true, "2026-11-26 18:00": false, "2026-11-29 10:00": false} {
		if w.OpenAt(at(t, when)) != open {
			t.Errorf("open at %s: %v, want %v", when, !open, open)
		}
	}
	if _, ok := (hours.Week{}).Next(time.Now()); ok || (hours.Week{}).Known() {
		t.Error("no hours given, yet an opening is named")
	}
}

// TestHolidaysAreClosed: on a closed date the counter is not open, the
// next opening skips it, and one more than a week away carries its date.
func TestHolidaysAreClosed(t *testing.T) {
	w, err := hours.Parse(demo, []string{"24.12.2026", "2026-12-25", "28.12.2026", "29.12.2026", "30.12.2026", "31.12.2026", "01.01.2027"})
	if err != nil {
		t.Fatal(err)
	}
	de := texts(t, "de")
	eve := at(t, "2026-12-24 10:00") // a Thursday
	if w.OpenAt(eve) || len(w.Today(eve)) != 0 {
		t.Error("open on a closed date")
	}
	next, _ := w.Next(eve)
	if day, clock := hours.When(de, eve, next); day != "Montag, 4.1." || clock != "8:00" {
		t.Errorf("after Christmas Eve the counter opens %s %s, want Montag, 4.1. 8:00", day, clock)
	}
	if !w.OpenAt(at(t, "2026-12-23 10:00")) {
		t.Error("closed on the day before")
	}
	// The night the clocks go forward is an hour short: still 10:00.
	sunday, _ := hours.Parse([]string{"So 10:00-14:00"}, nil)
	next, _ = sunday.Next(at(t, "2027-03-27 18:00"))
	if got := next.Format("2006-01-02 15:04"); got != "2027-03-28 10:00" {
		t.Errorf("over the change to summer time the counter opens at %s", got)
	}
	for _, bad := range []string{"24.12.", "2026-13-01", "morgen"} {
		if _, err := hours.Parse(demo, []string{"01.01.2027", bad}); err == nil || !strings.Contains(err.Error(), "closed days, entry 2") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestTyposAreNamed(t *testing.T) {
	for entry, says := range map[string]string{
		"Mo-Mi":                      "the times",
		"Mon 8:00-12:00":             `"Mon" is not a day`,
		"Mo 8-12":                    `"8" is not a time`,
		"Mo 16:00-8:00":              "ends before it begins",
		"Mo 8:00-12:00, 11:00-13:00": "overlaps",
		"Mo 25:00-26:00":             "is not a time",
		"Mo 8:60-9:00":               "is not a time",
	} {
		_, err := hours.Parse([]string{"Fr 8:00-12:00", entry}, nil)
		if err == nil || !strings.Contains(err.Error(), says) || !strings.Contains(err.Error(), "entry 2") {
			t.Errorf("%q: %v, want it to say %q and name entry 2", entry, err, says)
		}
	}
	if _, err := hours.Parse([]string{"Mo-Fr 8:00-12:00", "Mi 14:00-18:00"}, nil); err == nil || !strings.Contains(err.Error(), "Mi already has") {
		t.Errorf("a day given twice: %v", err)
	}
	// Over the weekend and written with the en dash a door sign uses.
	w, err := hours.Parse([]string{"Sa–Mo 10:00–14:00"}, nil)
	if err != nil || len(w.Day(5)) != 1 || len(w.Day(6)) != 1 || len(w.Day(0)) != 1 || len(w.Day(1)) != 0 {
		t.Errorf("Sa–Mo: %v %v", w, err)
	}
}

// FuzzParse: whatever parses describes a sane week, and its own door
// sign reads back to the same week.
func FuzzParse(f *testing.F) {
	for _, e := range append(demo, "Sa–Mo 10:00–14:00", "Mo 0:00-24:00", "So 9:00-9:01") {
		f.Add(e, "24.12.2026;2027-01-01")
	}
	f.Fuzz(func(t *testing.T, entry, closed string) {
		w, err := hours.Parse(strings.Split(entry, ";"), strings.Split(closed, ";"))
		if err != nil {
			return
		}
		// Whatever opens at all opens again within a year, and then it
		// is open.
		now := time.Date(2026, 12, 23, 17, 0, 0, 0, time.UTC)
		if next, ok := w.Next(now); ok && (!w.OpenAt(next) || !next.After(now)) {
			t.Fatalf("%q closed %q: next opening %v is not open", entry, closed, next)
		}
		var again []string
		names := []string{"Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"}
		for d := range 7 {
			spans := w.Day(d)
			for i, s := range spans {
				if s.From < 0 || s.To > 24*60 || s.To <= s.From || (i > 0 && spans[i-1].To > s.From) {
					t.Fatalf("%q gave %v", entry, w)
				}
			}
			if len(spans) > 0 {
				again = append(again, names[d]+" "+hours.Spans(spans, "-"))
			}
		}
		if w2, err := hours.Parse(again, nil); err != nil || w2.Format(plain{}, "-", ";") != w.Format(plain{}, "-", ";") {
			t.Fatalf("%q: read back %v (%v)", entry, again, err)
		}
	})
}

type plain struct{}

func (plain) T(id string, _ ...map[string]any) string { return id }

// On every awkward day of the year, after closing time, on a Sunday, the
// days the clocks change and New Year's Eve: the next opening lies ahead,
// at a time the door sign names on a day it names, never on a closed date,
// and "open now" agrees with today's hours.
func TestOpeningHoursOnAnyDay(t *testing.T) {
	closed := []string{"24.12.2026", "25.12.2026", "31.12.2026", "01.01.2027", "29.03.2027"}
	w, err := hours.Parse(demo, closed)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range hourstest.Days {
		now := d.At
		next, ok := w.Next(now)
		if !ok || !next.After(now) && !w.OpenAt(now) {
			t.Errorf("%s: next opening %v %v", d.Name, next, ok)
			continue
		}
		starts := false
		for _, sp := range w.On(next) {
			if next.Hour()*60+next.Minute() == sp.From {
				starts = true
			}
		}
		if !starts {
			t.Errorf("%s: next opening %s is no opening time of that day", d.Name, next.Format(time.DateTime))
		}
		for _, c := range closed {
			if next.Format("02.01.2006") == c {
				t.Errorf("%s: next opening on the closed date %s", d.Name, c)
			}
		}
		if open := w.OpenAt(now); open != (len(w.Today(now)) > 0 && w.Today(now)[0].From <= now.Hour()*60+now.Minute()) {
			t.Errorf("%s: open %v, today %v", d.Name, open, w.Today(now))
		}
	}
}

package booking_test

import (
	"io/fs"
	"strings"
	"testing"
	"time"

	"lotse/assets"
	"lotse/sync/portal/booking"
)

var berlin, _ = time.LoadLocation("Europe/Berlin")

func example(t testing.TB) []byte {
	b, err := fs.ReadFile(assets.FS, "booking/buergerbuero.toml")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestTheExampleFile(t *testing.T) {
	c, err := booking.Parse(example(t))
	if err != nil {
		t.Fatal(err)
	}
	sv, ok := c.Service("ausweis")
	if !ok || sv.Minutes != 20 || sv.Counters != 2 || sv.Prefix != "T" {
		t.Fatalf("ausweis: %+v", sv)
	}
	// Tuesday 8:00-15:00 every 20 minutes; Thursday 9:00-17:40.
	tue := sv.Starts(time.Date(2026, 12, 8, 0, 0, 0, 0, berlin))
	if len(tue) != 21 || tue[0].Format("15:04") != "08:00" || tue[20].Format("15:04") != "14:40" {
		t.Errorf("Tuesday: %d times from %v", len(tue), tue)
	}
	if sv.TitleIn("uk") != "Оформити посвідчення або паспорт" || sv.TitleIn("fr") != sv.Title {
		t.Errorf("titles: %q, %q", sv.TitleIn("uk"), sv.TitleIn("fr"))
	}
	if sun := sv.Starts(time.Date(2026, 12, 13, 0, 0, 0, 0, berlin)); len(sun) != 0 {
		t.Errorf("Sunday: %v", sun)
	}
	if xmas := sv.Starts(time.Date(2026, 12, 24, 0, 0, 0, 0, berlin)); len(xmas) != 0 {
		t.Errorf("a closed day: %v", xmas)
	}
	// The day clocks go back keeps its times on the wall clock.
	if oct := sv.Starts(time.Date(2026, 10, 26, 0, 0, 0, 0, berlin)); len(oct) == 0 || oct[0].Format("15:04") != "08:00" {
		t.Errorf("after the clock change: %v", oct)
	}
}

// The newest day opens at release_at: at 6:59 the window ends a day
// earlier than at 7:00.
func TestDaysOpenAtTheReleaseTime(t *testing.T) {
	c, _ := booking.Parse(example(t))
	early := time.Date(2026, 12, 7, 6, 59, 0, 0, berlin)
	first, last := c.Days(early)
	if first.Format(time.DateOnly) != "2026-12-08" || last.Format(time.DateOnly) != "2027-02-04" {
		t.Errorf("at 6:59: %s to %s", first, last)
	}
	_, last = c.Days(early.Add(time.Minute))
	if last.Format(time.DateOnly) != "2027-02-05" {
		t.Errorf("at 7:00 the last day is %s", last)
	}
	sv, _ := c.Service("ausweis")
	for _, tc := range []struct {
		at   time.Time
		want bool
	}{
		{time.Date(2026, 12, 8, 9, 0, 0, 0, berlin), true},
		{time.Date(2026, 12, 8, 9, 5, 0, 0, berlin), false},  // not a start
		{time.Date(2026, 12, 7, 11, 0, 0, 0, berlin), false}, // today
		{time.Date(2027, 2, 5, 9, 0, 0, 0, berlin), false},   // not released at 6:59
	} {
		if got := c.Bookable(sv, tc.at, early); got != tc.want {
			t.Errorf("%s bookable: %v, want %v", tc.at, got, tc.want)
		}
	}
}

func TestBadFilesNameTheKey(t *testing.T) {
	base := "[[service]]\nid = \"pass\"\ntitle = \"Pass\"\nminutes = 20\ncounters = 1\nprefix = \"P\"\nhours = [\"Mo 8:00-9:00\"]\n"
	for _, tc := range []struct{ file, key string }{
		{base + "colour = 1\n", "colour"},
		{strings.Replace(base, "minutes = 20", "minutes = 0", 1), "service[1].minutes"},
		{strings.Replace(base, `prefix = "P"`, `prefix = "pp"`, 1), "service[1].prefix"},
		{strings.Replace(base, `"Mo 8:00-9:00"`, `"Mo 9:00-8:00"`, 1), "service[1].hours"},
		{strings.Replace(base, `id = "pass"`, `id = "Pass!"`, 1), "service[1].id"},
		{"release_at = \"7 Uhr\"\n" + base, "release_at"},
		{"closed_on = [\"31.02.2026\"]\n" + base, "closed_on"},
		{"ahead_max_days = 0\n" + base, "ahead_max_days"},
		{"", "service"},
	} {
		if _, err := booking.Parse([]byte(tc.file)); err == nil || !strings.Contains(err.Error(), tc.key) {
			t.Errorf("%q: %v, want %s named", tc.file, err, tc.key)
		}
	}
}

func TestBookingCodes(t *testing.T) {
	if !booking.ValidCode("123456782") || booking.ValidCode("123456781") || booking.ValidCode("12345678") || booking.ValidCode("12345678a") {
		t.Error("Luhn check digit")
	}
}

func FuzzParse(f *testing.F) {
	f.Add(example(f))
	f.Add([]byte("[[service]]\nid = \"a\"\ntitle = \"A\"\nminutes = 5\ncounters = 1\nprefix = \"A\"\nhours = [\"Mo-So 0:00-23:59\"]\n"))
	f.Add([]byte("release_at = \"25:00\""))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := booking.Parse(b)
		if err != nil {
			return
		}
		for _, s := range c.Services {
			if s.Minutes < 5 || s.Counters < 1 || len(s.Prefix) != 1 {
				t.Fatalf("accepted %+v", s)
			}
			for _, st := range s.Starts(time.Date(2026, 12, 8, 0, 0, 0, 0, berlin)) {
				if st.Day() != 8 {
					t.Fatalf("a time on another day: %v", st)
				}
			}
		}
	})
}

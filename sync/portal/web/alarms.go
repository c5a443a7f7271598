package web

import (
	"regexp"

	"github.com/nicksnyder/go-i18n/v2/i18n"
)

// alarmTexts maps the portal's alarms (English, for the command line and
// monitoring) to the dashboard's German, keeping their figures.
var alarmTexts = []struct {
	re *regexp.Regexp
	id string
}{
	{regexp.MustCompile(`^never reported$`), "alarm_never"},
	{regexp.MustCompile(`^offline for (.+)$`), "alarm_offline"},
	{regexp.MustCompile(`^printer: (.+)$`), "alarm_printer"},
	{regexp.MustCompile(`^card reader: (.+)$`), "alarm_reader"},
	{regexp.MustCompile(`^outbox stuck: (\d+) waiting, nothing sent for (.+)$`), "alarm_stuck"},
	{regexp.MustCompile(`^profile refused: (.+)$`), "alarm_profile"},
	{regexp.MustCompile(`^runs profile version (\d+), which this portal never issued$`), "alarm_foreign"},
	{regexp.MustCompile(`^guide called \((\d+) in the last hour\)$`), "alarm_guide"},
	{regexp.MustCompile(`^disk nearly full: (\d+) MB free$`), "alarm_disk"},
	{regexp.MustCompile(`^revoked$`), "alarm_revoked"},
	{regexp.MustCompile(`^offline numbers: ([A-Z] \d+) of (\d+) used today$`), "alarm_offline_block"},
	{regexp.MustCompile(`^too fast: (draws|bookings) refused at (\d\d:\d\d)$`), "alarm_pace"},
}

var problems = map[string]string{"draws": "pace_draws", "bookings": "pace_bookings", "paper end": "problem_paper_end", "cover open": "problem_cover_open", "offline": "problem_offline",
	"paper near end": "problem_paper_near_end"}

// alarm is one alarm in German (as it came when there is no text for it).
func (s *Server) alarm(a string) string {
	for _, t := range alarmTexts {
		m := t.re.FindStringSubmatch(a)
		if m == nil {
			continue
		}
		data := map[string]string{}
		for i, name := range []string{"A", "B"} {
			if i+1 < len(m) {
				data[name] = m[i+1]
				if id, ok := problems[m[i+1]]; ok {
					data[name] = s.t(id)
				}
			}
		}
		msg, err := s.tr.Localize(&i18n.LocalizeConfig{MessageID: t.id, TemplateData: data})
		if err == nil {
			return msg
		}
	}
	return a
}

// alarms is a kiosk's alarms in German.
func (s *Server) alarms(list []string) []string {
	out := make([]string, len(list))
	for i, a := range list {
		out[i] = s.alarm(a)
	}
	return out
}

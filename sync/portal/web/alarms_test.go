package web

import "testing"

// The dashboard is German: the portal's alarms are shown in German with
// their figures; an alarm without a text shows as it came.
func TestAlarmsInGerman(t *testing.T) {
	tr, err := newTexts()
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{tr: tr}
	for in, want := range map[string]string{
		"never reported":                                          "hat sich noch nie gemeldet",
		"printer: paper end":                                      "Drucker: Papier leer",
		"guide called (2 in the last hour)":                       "Lotse gerufen (2 in der letzten Stunde)",
		"outbox stuck: 3 waiting, nothing sent for 1h5m0s":        "Warteschlange steht: 3 warten, seit 1h5m0s nichts gesendet",
		"runs profile version 99, which this portal never issued": "läuft mit Profil-Version 99, die dieses Portal nie ausgegeben hat",
		"something new":                                           "something new",
	} {
		if got := s.alarm(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

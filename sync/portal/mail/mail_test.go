package mail_test

import (
	"strings"
	"testing"

	"lotse/sync/portal/mail"
)

// Residents' addresses never cross the network in clear: tls = "none"
// only to a server on this machine; the rest is checked with its key named.
func TestConfigIsChecked(t *testing.T) {
	for _, c := range []struct {
		cfg  mail.Config
		want string
	}{
		{mail.Config{}, ""},
		{mail.Config{SMTP: "127.0.0.1:25", From: "Amt <a@b.de>", TLS: "none"}, ""},
		{mail.Config{SMTP: "mail.musterstadt.de:587", From: "a@b.de"}, ""},
		{mail.Config{SMTP: "mail.musterstadt.de:25", From: "a@b.de", TLS: "none"}, "only for a server on this machine"},
		{mail.Config{SMTP: "mail.musterstadt.de", From: "a@b.de"}, "host:port"},
		{mail.Config{SMTP: "mail.musterstadt.de:587", From: "kein Absender"}, "from"},
		{mail.Config{SMTP: "mail.musterstadt.de:587", From: "a@b.de", TLS: "ssl"}, "tls"},
		{mail.Config{SMTP: "mail.musterstadt.de:587", From: "a@b.de", Username: "amt"}, "password_file"},
	} {
		err := c.cfg.Check()
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%+v: %v, want %q", c.cfg, err, c.want)
		}
	}
	if s, err := mail.New(mail.Config{}); s != nil || err != nil {
		t.Errorf("no smtp: %v %v", s, err)
	}
}

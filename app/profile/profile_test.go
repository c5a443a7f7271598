package profile_test

import (
	"strings"
	"testing"

	"lotse/app/profile"
)

// validBundle is the demo profile with extra files.
func validBundle(t testing.TB, extra map[string]string) []byte {
	t.Helper()
	b, err := profile.DemoBundle(extra)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestInstallChecksEverythingAndKeepsTheOld(t *testing.T) {
	dir := t.TempDir()
	p, err := profile.Install(dir, 1, validBundle(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	if p.Settings.Municipality != "Musterstadt" || len(p.Settings.Guides) != 1 || len(p.Catalogue.Services) < 7 || len(p.Hours.Day(3)) != 1 {
		t.Errorf("installed %+v", p.Settings)
	}
	for name, extra := range map[string]map[string]string{
		"broken service": {"services/99-x.yaml": "id: x\nkind: form\n"},
		"unsafe path":    {"../escape.txt": "x"},
		"unknown key":    {"profile.toml": "municipality = \"M\"\nname = \"N\"\ncolour = \"red\"\n"},
		"opening hours":  {"profile.toml": "municipality = \"M\"\nname = \"N\"\nopening_hours = [\"Mo bis Fr 8-16\"]\n"},
	} {
		if _, err := profile.Install(dir, 2, validBundle(t, extra)); err == nil {
			t.Errorf("%s: accepted", name)
		}
		if cur, err := profile.Current(dir); err != nil || cur.Version != 1 {
			t.Errorf("%s: the running profile changed: %v %v", name, cur, err)
		}
	}
	if _, err := profile.Install(dir, 3, []byte("not a zip")); err == nil || !strings.Contains(err.Error(), "zip") {
		t.Errorf("garbage: %v", err)
	}
}

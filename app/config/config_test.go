package config_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"lotse/app/config"
)

func write(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "lotse.toml")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDefaultsComeFromTheDocumentedExample(t *testing.T) {
	c := config.Default()
	if c.Kiosk.Timezone != "Europe/Berlin" || c.Display.ReturnAfter != 15*time.Second ||
		c.Display.Width != 1280 || c.Display.Height != 800 || c.Printer.Baud != 9600 {
		t.Fatalf("defaults drifted from the issue's: %+v", c)
	}
	// The example names every key: loading it must set nothing new.
	c2, err := config.Load(write(t, string(config.Example())))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c2, c) {
		t.Fatalf("example file and defaults differ:\n%+v\n%+v", c2, c)
	}
}

func TestFileOverridesDefaults(t *testing.T) {
	c, err := config.Load(write(t, "[printer]\nport = \"/dev/ttyUSB0\"\nbaud = 19200\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Printer.Port != "/dev/ttyUSB0" || c.Printer.Baud != 19200 || c.Printer.Profile != "TM-T20II" {
		t.Fatalf("got %+v", c.Printer)
	}
}

func TestUnknownKeyNamesKeyAndFile(t *testing.T) {
	p := write(t, "[printer]\nbuad = 9600\n")
	_, err := config.Load(p)
	if err == nil {
		t.Fatal("mistyped key accepted")
	}
	for _, want := range []string{"printer.buad", p} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestBadValuesAreRefused(t *testing.T) {
	for _, text := range []string{
		"[kiosk]\ntimezone = \"Europe/Musterstadt\"\n",
		"[printer]\nbaud = 9601\n",
		"[printer]\nprofile = \"TM-T99\"\n",
		"[kiosk]\nlogo = \"/nonexistent/logo.png\"\n",
		"[kiosk]\nservices = \"/nonexistent/services\"\n",
		"[display]\nreturn_after = \"0s\"\n",
		"[display]\nreturn_after = \"soon\"\n",
		"[display]\nwidth = \"wide\"\n",
		"[kiosk\n",
		"[kiosk]\nopening_hours = [\"Mo 8-12\"]\n",
	} {
		if _, err := config.Load(write(t, text)); err == nil {
			t.Errorf("accepted %q", text)
		}
	}
}

func TestOpeningHoursTypoNamesKeyAndEntry(t *testing.T) {
	_, err := config.Load(write(t, "[kiosk]\nopening_hours = [\"Mo-Fr 8:00-12:00\", \"Sa 9.00-12.00\"]\n"))
	if err == nil || !strings.Contains(err.Error(), "kiosk.opening_hours") || !strings.Contains(err.Error(), "entry 2") {
		t.Fatalf("got %v", err)
	}
}

func TestMissingNamedFileIsAnError(t *testing.T) {
	if _, err := config.Load(filepath.Join(t.TempDir(), "nope.toml")); err == nil {
		t.Fatal("missing file accepted")
	}
}

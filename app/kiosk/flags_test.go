package kiosk

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFlagsOverrideTheFile(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "lotse.toml")
	if err := os.WriteFile(cfg, []byte("[printer]\nport = \"/dev/ttyUSB0\"\nbaud = 19200\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := ParseFlags("run", []string{"--config", cfg, "--printer-port", "/dev/ttyS1", "--fullscreen"}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	c := f.Config
	if c.Printer.Port != "/dev/ttyS1" || c.Printer.Baud != 19200 || !c.Display.Fullscreen {
		t.Errorf("got %+v %+v", c.Printer, c.Display)
	}
	if _, err := ParseFlags("run", []string{"--config", cfg, "--printer-baud", "12345"}, &bytes.Buffer{}); err == nil {
		t.Error("a bad baud rate from the command line was accepted")
	}
}

// "lotse run --demo" names the program the demo moved to.
func TestRunDemoNamesTheDemoProgram(t *testing.T) {
	_, err := ParseFlags("run", []string{"--demo", "--config", "../../assets/config/lotse.toml"}, &bytes.Buffer{})
	if !errors.Is(err, ErrDemoMoved) || !strings.Contains(err.Error(), "lotse-demo") {
		t.Errorf("got %v", err)
	}
}

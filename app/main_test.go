package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestHelpListsCommands(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"--help"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"lotse run", "lotse version", "lotse-demo", "/etc/lotse/lotse.toml"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("help lacks %q:\n%s", want, out.String())
		}
	}
	if code := run([]string{"frobnicate"}, &out, &errb); code != 2 || !strings.Contains(errb.String(), `unknown command "frobnicate"`) {
		t.Errorf("unknown command: exit %d, %q", code, errb.String())
	}
}

func TestNoDisplayIsOneLineNamingXvfb(t *testing.T) {
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	var out, errb bytes.Buffer
	code := run([]string{"run", "--config", "../assets/config/lotse.toml"}, &out, &errb)
	if code == 0 {
		t.Fatal("started without a display")
	}
	msg := errb.String()
	if strings.Count(strings.TrimSpace(msg), "\n") != 0 || !strings.Contains(msg, "Xvfb") {
		t.Errorf("want one line naming Xvfb, got:\n%s", msg)
	}
}

func TestBadConfigurationStopsStartNamingKeyAndFile(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "lotse.toml")
	if err := os.WriteFile(cfg, []byte("[printer]\nprot = \"/dev/ttyUSB0\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	code := run([]string{"run", "--config", cfg}, &out, &errb)
	if code != 2 {
		t.Fatalf("exit %d, want 2", code)
	}
	for _, want := range []string{"printer.prot", cfg} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("message lacks %q: %s", want, errb.String())
		}
	}
}

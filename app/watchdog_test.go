package main

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The real kiosk under Xvfb tells a systemd-style notify socket it is
// ready once its window is up, then feeds the watchdog from its UI loop.
func TestTellsSystemdReadyAndFeedsTheWatchdog(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Xvfb and the real binary")
	}
	x := startXvfb(t)
	bin := buildDemo(t)
	sock := filepath.Join(t.TempDir(), "notify")
	ln, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	startKioskEnv(t, x, bin, []string{"NOTIFY_SOCKET=" + sock, "WATCHDOG_USEC=300000"})
	var got []string
	buf := make([]byte, 256)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) && countPrefix(got, "WATCHDOG=1") < 3 {
		ln.SetReadDeadline(time.Now().Add(time.Second))
		n, err := ln.Read(buf)
		if err == nil {
			got = append(got, string(buf[:n]))
		}
	}
	if len(got) == 0 || got[0] != "READY=1" {
		t.Fatalf("first message %q, want READY=1", got)
	}
	if countPrefix(got, "WATCHDOG=1") < 3 {
		t.Fatalf("watchdog not fed: %q", got)
	}
}

func countPrefix(msgs []string, p string) int {
	n := 0
	for _, m := range msgs {
		if strings.HasPrefix(m, p) {
			n++
		}
	}
	return n
}

// systemd stops the kiosk with SIGTERM: the window closes, the database
// is closed, and the process ends with 0 — not with a panic from closing
// a window that was already gone (which systemd would count as a failure).
func TestTheKioskStopsCleanlyOnSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Xvfb and the real binary")
	}
	x := startXvfb(t)
	bin := buildLotse(t)
	home := t.TempDir()
	logPath := filepath.Join(t.TempDir(), "lotse.log")
	cmd := x.command(bin, "run", "--config", "../assets/config/lotse.toml", "--data-dir", filepath.Join(home, "data"))
	cmd.Env = append(cmd.Env, "LANG=de_DE.UTF-8", "HOME="+home)
	startLogged(t, cmd, logPath)
	x.waitWindow(t)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		b, _ := os.ReadFile(logPath)
		if err != nil || strings.Contains(string(b), "panic") {
			t.Errorf("stopped with %v\n%s", err, b)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the kiosk did not stop within 20 s of SIGTERM")
	}
}

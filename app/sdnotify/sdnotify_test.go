package sdnotify_test

import (
	"net"
	"path/filepath"
	"testing"
	"time"

	"lotse/app/sdnotify"
)

func TestNotifyReachesTheSocket(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notify")
	ln, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	t.Setenv("NOTIFY_SOCKET", path)
	if ok, err := sdnotify.Notify("WATCHDOG=1"); !ok || err != nil {
		t.Fatalf("notify: %v %v", ok, err)
	}
	buf := make([]byte, 64)
	ln.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, err := ln.Read(buf)
	if err != nil || string(buf[:n]) != "WATCHDOG=1" {
		t.Fatalf("socket got %q, %v", buf[:n], err)
	}
}

func TestWithoutSystemdNothingHappens(t *testing.T) {
	t.Setenv("NOTIFY_SOCKET", "")
	t.Setenv("WATCHDOG_USEC", "")
	if ok, err := sdnotify.Notify("READY=1"); ok || err != nil {
		t.Fatalf("got %v %v", ok, err)
	}
	if sdnotify.WatchdogInterval() != 0 {
		t.Fatal("watchdog without WATCHDOG_USEC")
	}
	t.Setenv("WATCHDOG_USEC", "30000000")
	if got := sdnotify.WatchdogInterval(); got != 30*time.Second {
		t.Fatalf("got %v", got)
	}
}

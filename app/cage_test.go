package main

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestRunsInsideCage starts the kiosk as the Debian package does: inside
// the cage compositor (headless here), through Xwayland, as an
// unprivileged user (cage refuses root), and waits for READY=1 on the
// notify socket.
func TestRunsInsideCage(t *testing.T) {
	if testing.Short() {
		t.Skip("starts cage and the real binary")
	}
	needTools(t, "cage", "Xwayland", "setpriv")
	if os.Geteuid() != 0 {
		t.Skip("needs root to run the kiosk as the unprivileged user nobody")
	}
	// A folder nobody can use: binary, data, runtime dir, notify socket.
	dir, err := os.MkdirTemp("", "lotse-cage-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	os.Chmod(dir, 0o777)
	bin := filepath.Join(dir, "lotse-demo")
	if out, err := exec.Command("cp", buildDemo(t), bin).CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	os.Chmod(bin, 0o755)
	sock := filepath.Join(dir, "notify")
	ln, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	os.Chmod(sock, 0o777)

	cmd := exec.Command("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
		"env", "-i", "PATH=/usr/bin:/bin", "HOME="+dir, "XDG_RUNTIME_DIR="+dir, "LANG=de_DE.UTF-8",
		"WLR_BACKENDS=headless", "WLR_RENDERER=pixman", "WLR_LIBINPUT_NO_DEVICES=1",
		"NOTIFY_SOCKET="+sock, "XDG_DATA_HOME="+filepath.Join(dir, "data"),
		"cage", "--", bin, "--fullscreen")
	var log strings.Builder
	cmd.Stdout, cmd.Stderr = &log, &log
	// A process group of its own: cage, its Xwayland and the kiosk end
	// together (an Xwayland left behind once removed a later Xvfb's socket).
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); cmd.Wait() }()
	buf := make([]byte, 64)
	ln.SetReadDeadline(time.Now().Add(60 * time.Second))
	n, err := ln.Read(buf)
	if err != nil || string(buf[:n]) != "READY=1" {
		t.Fatalf("no READY=1 from the kiosk in cage (%q, %v); log:\n%s", buf[:n], err, log.String())
	}
}

// Package sdnotify speaks systemd's notify protocol: READY=1 when the kiosk
// shows its window, WATCHDOG=1 from the UI loop so that a frozen interface
// is restarted. It needs no library: one datagram to $NOTIFY_SOCKET.
package sdnotify

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"time"
)

// Notify sends state to the service manager. It reports false when not
// running under systemd (no NOTIFY_SOCKET).
func Notify(state string) (bool, error) {
	path := os.Getenv("NOTIFY_SOCKET")
	if path == "" {
		return false, nil
	}
	if path[0] == '@' {
		path = "\x00" + path[1:] // abstract socket
	}
	conn, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		return false, fmt.Errorf("sd_notify: %w", err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte(state)); err != nil {
		return false, fmt.Errorf("sd_notify: %w", err)
	}
	return true, nil
}

// WatchdogInterval is the watchdog timeout systemd set (WatchdogSec=), or 0.
// WATCHDOG_PID is deliberately not checked: the unit's main process is the
// cage compositor, and the kiosk, its child, feeds the watchdog under
// NotifyAccess=all.
func WatchdogInterval() time.Duration {
	us, err := strconv.ParseInt(os.Getenv("WATCHDOG_USEC"), 10, 64)
	if err != nil || us <= 0 {
		return 0
	}
	return time.Duration(us) * time.Microsecond
}

package serialport

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"golang.org/x/sys/unix"
)

// Pair is a pseudo-terminal pair standing in for a serial cable: the kiosk
// opens Device (the slave side) through Open exactly as it would open
// /dev/ttyUSB0, and a simulator or test reads and writes Far (the master side).
type Pair struct {
	Far    *os.File
	Device string
	// hold keeps the slave side open so the far end never reads EIO while
	// the kiosk closes and reopens the port between jobs.
	hold *os.File
}

// OpenPair opens a new pty pair in raw mode, so no byte of an ESC/POS stream
// is translated or echoed on the way.
func OpenPair() (*Pair, error) {
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open pty master: %w", err)
	}
	// Fd() would switch the file to blocking mode and break read deadlines,
	// so the ioctls go through the raw connection.
	rc, err := master.SyscallConn()
	if err != nil {
		master.Close()
		return nil, fmt.Errorf("pty master: %w", err)
	}
	var n int
	var ioErr error
	err = rc.Control(func(fd uintptr) {
		if ioErr = unix.IoctlSetPointerInt(int(fd), unix.TIOCSPTLCK, 0); ioErr != nil {
			ioErr = fmt.Errorf("unlock pty: %w", ioErr)
			return
		}
		if n, ioErr = unix.IoctlGetInt(int(fd), unix.TIOCGPTN); ioErr != nil {
			ioErr = fmt.Errorf("pty number: %w", ioErr)
			return
		}
		if ioErr = makeRaw(int(fd)); ioErr != nil {
			ioErr = fmt.Errorf("raw pty master: %w", ioErr)
		}
	})
	if err == nil {
		err = ioErr
	}
	if err != nil {
		master.Close()
		return nil, err
	}
	dev := "/dev/pts/" + strconv.Itoa(n)
	hold, err := os.OpenFile(dev, os.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		master.Close()
		return nil, fmt.Errorf("open pty slave: %w", err)
	}
	return &Pair{Far: master, Device: dev, hold: hold}, nil
}

// Close closes both ends; the kiosk side sees the line drop.
func (p *Pair) Close() error {
	p.hold.Close()
	return p.Far.Close()
}

// ReadFar reads from the far end, waiting at most d for the first byte. It
// returns (0, nil) on silence.
func (p *Pair) ReadFar(b []byte, d time.Duration) (int, error) {
	if err := p.Far.SetReadDeadline(time.Now().Add(d)); err != nil {
		return 0, err
	}
	n, err := p.Far.Read(b)
	if os.IsTimeout(err) {
		return n, nil
	}
	return n, err
}

func makeRaw(fd int) error {
	t, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return err
	}
	t.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
	t.Oflag &^= unix.OPOST
	t.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	t.Cflag &^= unix.CSIZE | unix.PARENB
	t.Cflag |= unix.CS8
	t.Cc[unix.VMIN] = 1
	t.Cc[unix.VTIME] = 0
	return unix.IoctlSetTermios(fd, unix.TCSETS, t)
}

// Write writes to the far end: what the kiosk side will read.
func (p *Pair) Write(b []byte) (int, error) { return p.Far.Write(b) }

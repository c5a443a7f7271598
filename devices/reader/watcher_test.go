package reader_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"lotse/devices/reader"
	"lotse/devices/serialport"
)

// The watcher finds a reader plugged in after the kiosk started (its
// device, a udev symlink, appears late), says so, and reads its cards.
func TestWatcherFindsAReaderPluggedInLate(t *testing.T) {
	defer reader.SetReopenEvery(50 * time.Millisecond)()
	pair, err := serialport.OpenPair()
	if err != nil {
		t.Fatal(err)
	}
	defer pair.Close()
	link := filepath.Join(t.TempDir(), "ttyCard")
	cards := make(chan reader.Card, 4)
	conn := make(chan bool, 8)
	w := reader.NewWatcher(serialport.Config{Device: link, Baud: 9600}, "rdm6300")
	w.OnCard(func(c reader.Card) { cards <- c })
	w.OnConnected(func(ok bool) { conn <- ok })
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	if w.Connected() {
		t.Fatal("connected to a device that is not there")
	}
	if err := os.Symlink(pair.Device, link); err != nil {
		t.Fatal(err)
	}
	want := func(ok bool) {
		t.Helper()
		select {
		case got := <-conn:
			if got != ok {
				t.Fatalf("connected=%v, want %v", got, ok)
			}
		case <-ctx.Done():
			t.Fatalf("never connected=%v", ok)
		}
	}
	want(true)
	pair.Write(frame("1F00644BB686\r\n"))
	select {
	case c := <-cards:
		if c.ID != "1F00644BB6" {
			t.Fatalf("card %+v", c)
		}
	case <-ctx.Done():
		t.Fatal("no card read")
	}
	if got := w.LastCard(); got != "…4BB6" {
		t.Errorf("last card %q, want only its end", got)
	}
}

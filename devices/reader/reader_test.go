package reader_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"reflect"
	"testing"
	"time"

	"lotse/devices/reader"
	"lotse/devices/serialport"
)

var t0 = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

func frame(body string) []byte { return append(append([]byte{0x02}, body...), 0x03) }

func TestRDM6300ChecksumCoversTheVersionByte(t *testing.T) {
	r := reader.NewRDM6300()
	got := r.Feed(frame("1F00644BB686"), t0)
	if !reflect.DeepEqual(got, []reader.Card{{Kind: "rfid", ID: "1F00644BB6"}}) {
		t.Fatalf("got %+v", got)
	}
	// CR LF before ETX, as some readers send.
	r = reader.NewRDM6300()
	if got := r.Feed(frame("1F00644BB686\r\n"), t0); len(got) != 1 {
		t.Fatalf("CR LF frame: %+v", got)
	}
}

func TestRDM6300DropsBadFramesAndCountsThem(t *testing.T) {
	r := reader.NewRDM6300()
	var in []byte
	in = append(in, frame("1F00644BB687")...) // checksum off by one
	in = append(in, 0x02, '1', 'F', '0')      // truncated, then a new frame starts
	in = append(in, frame("1F00644BB6ZZ")...) // not hex
	in = append(in, 'x', 'y')                 // line noise
	in = append(in, frame("1F0064")...)       // too short
	in = append(in, frame("1F00644BB686")...) // good
	got := r.Feed(in, t0)
	if len(got) != 1 || got[0].ID != "1F00644BB6" {
		t.Fatalf("cards %+v", got)
	}
	want := map[string]int{"checksum": 1, "truncated": 1, "not hex": 1, "noise": 1, "wrong length": 1}
	if !reflect.DeepEqual(r.Drops(), want) {
		t.Errorf("drops %v, want %v", r.Drops(), want)
	}
}

func TestRDM6300DebouncesAHeldCard(t *testing.T) {
	r := reader.NewRDM6300()
	f := frame("1F00644BB686")
	n := 0
	for i := 0; i < 20; i++ { // held for 2 s, a frame every 100 ms
		n += len(r.Feed(f, t0.Add(time.Duration(i)*100*time.Millisecond)))
	}
	if n != 1 {
		t.Fatalf("held card gave %d reads, want 1", n)
	}
	if got := r.Feed(f, t0.Add(5*time.Second)); len(got) != 1 {
		t.Fatal("card shown again later was not read")
	}
}

func TestRDM6300SplitAcrossReads(t *testing.T) {
	r := reader.NewRDM6300()
	f := frame("1F00644BB686")
	if got := append(r.Feed(f[:5], t0), r.Feed(f[5:], t0)...); len(got) != 1 {
		t.Fatalf("split frame: %+v", got)
	}
}

func TestMagstripeTakesTrack2NumberAndNeverLogsTracks(t *testing.T) {
	var logs bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	defer slog.SetDefault(old)

	m := reader.NewMagstripe()
	swipe := "%B6009123456789012^MUSTERMANN/ERIKA^2912101?;6009123456789012=2912101?\r"
	got := m.Feed([]byte(swipe), t0)
	if !reflect.DeepEqual(got, []reader.Card{{Kind: "magstripe", ID: "6009123456789012"}}) {
		t.Fatalf("got %+v", got)
	}
	// Track 2 failed: the number comes from track 1.
	got = m.Feed([]byte("%B6009123456789012^MUSTERMANN/ERIKA^2912101?;E?\r"), t0)
	if len(got) != 1 || got[0].ID != "6009123456789012" {
		t.Fatalf("from track 1: %+v", got)
	}
	// Both failed, garbage, a swipe ended by a pause.
	m.Feed([]byte("%E?;E?\r"), t0)
	m.Feed([]byte("MUSTERMANN\r"), t0)
	m.Feed([]byte(";6009123456789012=29?"), t0)
	if got := m.Idle(t0.Add(time.Second)); len(got) != 1 {
		t.Fatalf("swipe without CR: %+v", got)
	}
	if d := m.Drops(); d["read error"] != 1 || d["no track"] != 1 {
		t.Errorf("drops %v", d)
	}
	for _, secret := range []string{"MUSTERMANN", "ERIKA", "6009123456789012", "2912101"} {
		if bytes.Contains(logs.Bytes(), []byte(secret)) {
			t.Errorf("log carries track data %q:\n%s", secret, logs.String())
		}
	}
	if logs.Len() == 0 {
		t.Error("drops were not logged at all: the check above proves nothing")
	}
}

func TestLineScannerCRLFAndPause(t *testing.T) {
	l := reader.NewLine()
	got := l.Feed([]byte("4006381333931\r\nLOTSE-GUIDE-17\r"), t0)
	want := []reader.Card{{Kind: "barcode", ID: "4006381333931"}, {Kind: "barcode", ID: "LOTSE-GUIDE-17"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v", got)
	}
	l.Feed([]byte("12345"), t0)
	if got := l.Idle(t0.Add(10 * time.Millisecond)); len(got) != 0 {
		t.Fatal("a short pause ended the code")
	}
	if got := l.Idle(t0.Add(200 * time.Millisecond)); len(got) != 1 || got[0].ID != "12345" {
		t.Fatalf("pause did not end the code: %+v", got)
	}
	l.Feed([]byte("ab\x01cd\r"), t0)
	if l.Drops()["not printable"] != 1 {
		t.Errorf("drops %v", l.Drops())
	}
}

func TestRunReadsCardsOverAPty(t *testing.T) {
	pair, err := serialport.OpenPair()
	if err != nil {
		t.Fatal(err)
	}
	defer pair.Close()
	port, err := serialport.Open(serialport.Config{Device: pair.Device, Baud: 9600})
	if err != nil {
		t.Fatal(err)
	}
	defer port.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cards := make(chan reader.Card, 4)
	go reader.Run(ctx, port, reader.NewRDM6300(), func(c reader.Card) { cards <- c })
	pair.Write([]byte{'n', 'o', 'i', 's', 'e'})
	pair.Write(frame("1F00644BB686\r\n"))
	select {
	case c := <-cards:
		b, _ := json.Marshal(c)
		if string(b) != `{"kind":"rfid","id":"1F00644BB6"}` {
			t.Fatalf("got %s", b)
		}
	case <-ctx.Done():
		t.Fatal("no card read")
	}
}

// A card held to the reader that never gives one good frame is reported
// once, when it is taken away, so whoever holds it can try again; a bad
// frame followed by a good one is just the good card.
func TestACardThatWasNotReadIsReportedOnce(t *testing.T) {
	r := reader.NewRDM6300()
	bad := "\x021F00644BB687\x03" // checksum off by one
	got := append(r.Feed([]byte(bad+bad+bad), t0), r.Idle(t0.Add(200*time.Millisecond))...)
	got = append(got, r.Idle(t0.Add(400*time.Millisecond))...)
	if len(got) != 1 || !got[0].Unreadable || got[0].ID != "" || got[0].Kind != "rfid" {
		t.Errorf("bad frames, then silence: %+v", got)
	}
	got = append(r.Feed([]byte(bad+"\x021F00644BB686\x03"), t0.Add(5*time.Second)), r.Idle(t0.Add(6*time.Second))...)
	if len(got) != 1 || got[0].Unreadable || got[0].ID != "1F00644BB6" {
		t.Errorf("a bad frame, then a good one: %+v", got)
	}

	m := reader.NewMagstripe()
	if got := m.Feed([]byte("%E?;E?\r"), t0); len(got) != 1 || !got[0].Unreadable || got[0].ID != "" {
		t.Errorf("a swipe the reader could not read: %+v", got)
	}
}

package main

import (
	"context"
	"encoding/json"
	"errors"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"lotse/app/internal/testutil"
	"lotse/devices/escpossim"
	"lotse/devices/serialport"
	"lotse/sync/identity"
	"lotse/sync/portal"
	"lotse/sync/portal/instance"
)

// enrolledKiosk is the real binary set up as the README says: `lotse
// enroll --portal URL --code CODE`, then `lotse run` with no
// configuration file and no demo, printing to a pty pair, on its own
// virtual screen.
type enrolledKiosk struct {
	x    *xserver
	home string
	bin  string
	sim  *escpossim.Printer
	d    *uiDriver
	ctx  context.Context
}

func (k *enrolledKiosk) env(cmd *exec.Cmd) *exec.Cmd {
	cmd.Env = append(cmd.Env, "LANG=de_DE.UTF-8", "HOME="+k.home, "XDG_CONFIG_HOME="+filepath.Join(k.home, "config"),
		"XDG_DATA_HOME="+filepath.Join(k.home, "data"))
	return cmd
}

// lotse runs a lotse command of this kiosk to its end.
func (k *enrolledKiosk) lotse(t *testing.T, args ...string) string {
	t.Helper()
	out, err := k.env(k.x.command(k.bin, args...)).CombinedOutput()
	if err != nil {
		t.Fatalf("lotse %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func enrolKiosk(t *testing.T, bin, portalURL, code string) *enrolledKiosk {
	t.Helper()
	k := &enrolledKiosk{x: startXvfb(t), home: t.TempDir(), bin: bin}
	if out := k.lotse(t, "enroll", "--portal", portalURL, "--code", code); !strings.Contains(out, "enrolled as kiosk") {
		t.Fatalf("enrol: %s", out)
	}
	pair, err := serialport.OpenPair()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pair.Close() })
	k.sim = escpossim.NewPrinter(escpossim.Options{Profile: testutil.Profile(t, "TM-T20II"), XonXoff: true})
	ctx, cancel := withTimeout(3 * time.Minute)
	t.Cleanup(cancel)
	k.ctx = ctx
	go k.sim.Serve(ctx, pair)
	uiMap := filepath.Join(t.TempDir(), "ui.json")
	cmd := k.env(k.x.command(bin, "run", "--printer-port", pair.Device, "--ui-map", uiMap))
	log := filepath.Join(t.TempDir(), "lotse.log")
	startLogged(t, cmd, log)
	k.d = &uiDriver{t: t, x: k.x, g: k.x.waitWindow(t), path: uiMap}
	return k
}

// draw takes a waiting number for "Ausweis & Pass" and returns the
// printed ticket's text.
func (k *enrolledKiosk) draw(t *testing.T, n int) string {
	t.Helper()
	k.d.tap("start", "Wartenummer ziehen")
	k.d.tap("wartenummer", "Ausweis & Pass")
	jobs, err := k.sim.WaitJobs(k.ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	k.d.tap("ticket", "Fertig")
	return jobs[n-1].Text()
}

// A kiosk set up as the README says once never joined its office: with
// no portal.url in a configuration file it drew A001 from its own
// counter, a second kiosk A001 as well, and numbers drawn while the
// portal was away never reached it. Enrolment is enough now.
func TestEnrolledKiosksJoinTheirOffice(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Xvfb and the real binary")
	}
	bin := buildLotse(t)
	ctx := context.Background()
	p, err := instance.Open(t.TempDir(), instance.Config{KeyBits: 2048, Options: portal.Options{PublicURL: "https://termine.musterstadt.example"}})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	sctx, stop := context.WithCancel(ctx)
	url, done, err := p.Listen(sctx, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var kiosks []*enrolledKiosk
	for range 2 {
		code, err := p.Enrolment().EnrollCodeFor(ctx, time.Hour, "Rathaus")
		if err != nil {
			t.Fatal(err)
		}
		kiosks = append(kiosks, enrolKiosk(t, bin, url, code))
	}
	first := kiosks[0].draw(t, 1)
	second := kiosks[1].draw(t, 1)
	if !strings.Contains(first, "A001") || !strings.Contains(first, "Vor Ihnen: 0") {
		t.Errorf("the first kiosk's ticket is not the site's first:\n%s", first)
	}
	if !strings.Contains(second, "A002") || !strings.Contains(second, "Vor Ihnen: 1") {
		t.Errorf("the second kiosk's ticket is not the site's second:\n%s", second)
	}
	status, err := p.Queue().Status(ctx, "Rathaus")
	if err != nil || len(status.Waiting) != 1 || status.Waiting[0].Count != 2 {
		t.Errorf("the site's queue: %+v %v", status, err)
	}

	// The portal named its public address with a heartbeat: the QR codes
	// point there, not at the address the kiosk uses.
	waitPublicURL(t, filepath.Join(kiosks[0].home, "data", "lotse", "kiosk.db"))

	// The portal goes away: numbers from the kiosk's own block.
	stop()
	<-done
	var offline []string
	for i := range 2 {
		text := kiosks[0].draw(t, 2+i)
		label := ticketNumber(text)
		if label == "" || len(label) != 5 {
			t.Fatalf("offline ticket without a number of the kiosk's block:\n%s", text)
		}
		offline = append(offline, label)
	}
	jobs, _ := kiosks[0].sim.WaitJobs(kiosks[0].ctx, 3)
	img, err := jobs[1].Image()
	if err != nil {
		t.Fatal(err)
	}
	want := escpossim.Symbol{Format: "QR_CODE", Text: "https://termine.musterstadt.example/w/" + p.Queue().Day(time.Now()) + "/" + offline[0]}
	if got := escpossim.Scan(img); !slices.Contains(got, want) {
		t.Errorf("the offline ticket's QR code: %v, want %v", got, want)
	}
	// It comes back on the same address; `lotse sync --once` sends what
	// the kiosk owes, the numbers among it.
	sctx, stop = context.WithCancel(ctx)
	_, done, err = p.Listen(sctx, strings.TrimPrefix(url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { stop(); <-done }()
	out := kiosks[0].lotse(t, "sync", "--once")
	var sent struct {
		Numbers int `json:"offline_numbers"`
	}
	if err := json.Unmarshal([]byte(out[strings.LastIndex(strings.TrimSpace(out), "\n")+1:]), &sent); err != nil || sent.Numbers != 2 {
		t.Errorf("sync --once: %s", out)
	}
	tickets, err := p.Store().Tickets(ctx, "Rathaus", p.Queue().Day(time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	var labels []string
	for _, tk := range tickets {
		labels = append(labels, tk.Label)
	}
	for _, want := range append([]string{"A001", "A002"}, offline...) {
		if !slices.Contains(labels, want) {
			t.Errorf("%s is not in the site's queue: %v", want, labels)
		}
	}
}

// A configuration that names another portal than the enrolled one is a
// clear error at start, not a kiosk half in one office and half in none.
func TestAPortalURLThatDisagreesWithTheEnrolmentStopsTheStart(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Xvfb and the real binary")
	}
	bin := buildLotse(t)
	ctx := context.Background()
	p, err := instance.Open(t.TempDir(), instance.Config{KeyBits: 2048})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	sctx, stop := context.WithCancel(ctx)
	defer stop()
	url, _, err := p.Listen(sctx, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	code, _ := p.Enrolment().EnrollCodeFor(ctx, time.Hour, "Rathaus")
	k := &enrolledKiosk{x: startXvfb(t), home: t.TempDir(), bin: bin}
	k.lotse(t, "enroll", "--portal", url, "--code", code)
	out, err := k.env(k.x.command(bin, "run", "--portal-url", "http://127.0.0.1:9")).CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 2 || !strings.Contains(string(out), "is not the portal this kiosk is enrolled at ("+url+")") {
		t.Errorf("a disagreeing portal.url: %v\n%s", err, out)
	}
	// The same portal written another way is the same portal.
	if !identity.SamePortal(url+"/", strings.ToUpper(url[:4])+url[4:]) {
		t.Error("a trailing slash or the scheme's case made another portal")
	}
}

// waitPublicURL waits until the kiosk kept the public address its portal
// named.
func waitPublicURL(t *testing.T, path string) {
	t.Helper()
	waitKioskDB(t, path, `SELECT public_url <> '' FROM kiosk_identity WHERE id = 1`, "public address from its portal")
}

// ticketNumber is the waiting number printed under "Ihre Wartenummer".
func ticketNumber(text string) string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if strings.Contains(l, "Ihre Wartenummer") {
			for _, n := range lines[i+1:] {
				if n = strings.TrimSpace(n); n != "" {
					return n
				}
			}
		}
	}
	return ""
}

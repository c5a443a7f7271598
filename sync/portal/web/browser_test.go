package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"lotse/sync/wire"
)

//go:embed testdata/axe-core/axe.min.js
var axeSource string

// artifacts is where the screenshots for reviewers go.
const artifacts = "../../../bin/artifacts/staff"

// chrome is Debian's chromium, headless, with a fresh profile and no
// network but loopback.
func chrome(t *testing.T) context.Context {
	t.Helper()
	const exe = "/usr/bin/chromium"
	if _, err := os.Stat(exe); err != nil {
		t.Fatalf("%s: %v (make deps-test installs Debian's chromium)", exe, err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 1000),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true),
		chromedp.Flag("lang", "de-DE"))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	return ctx
}

// steps are a test's browser actions: run does steps or fails the test
// naming what, textOf reads an element's text.
func steps(t *testing.T, ctx context.Context) (run func(what string, steps ...chromedp.Action[chromedp.Void]), textOf func(sel string) string) {
	run = func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	textOf = func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	return run, textOf
}

type axeFinding struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// check saves a screenshot of the page as name and runs axe-core over it:
// no serious or critical finding (WCAG 2.1 A and AA rules).
func check(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(90))
	if err != nil {
		t.Fatalf("%s: screenshot: %v", name, err)
	}
	os.MkdirAll(artifacts, 0o755)
	os.WriteFile(filepath.Join(artifacts, name+".jpg"), shot, 0o644)
	found, err := axeFindings(ctx)
	if err != nil {
		t.Fatalf("%s: axe: %v", name, err)
	}
	for _, f := range found {
		t.Errorf("%s: axe %s (%s): %s at %v", name, f.ID, f.Impact, f.Help, f.Nodes)
	}
}

// axeFindings runs axe-core over the page: its serious and critical
// findings.
func axeFindings(ctx context.Context) ([]axeFinding, error) {
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](axeSource)); err != nil {
		return nil, err
	}
	return chromedp.Run(ctx, chromedp.Evaluate[[]axeFinding](`axe.run(document, {runOnly: {type: 'tag',
		values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}}).then(r => r.violations
		.filter(v => v.impact === 'serious' || v.impact === 'critical')
		.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))})))`,
		chromedp.EvalAwaitPromise, chromedp.EvalAsValue))
}

// The accessibility check can fail: a page with an unlabelled field and
// grey-on-white text has serious findings.
func TestAxeFindsWhatIsWrong(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, `<!doctype html><html lang="de"><head><title>x</title></head><body><main>
<p style="color:#bbb;background:#fff">kaum lesbar</p><input type="text"></main></body></html>`)
	}))
	defer srv.Close()
	ctx := chrome(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL)); err != nil {
		t.Fatal(err)
	}
	found, err := axeFindings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, f := range found {
		ids[f.ID] = true
	}
	if !ids["label"] || !ids["color-contrast"] {
		t.Errorf("axe found %+v", found)
	}
}

// bulkyWasteProfile is a profile with the real bulky-waste service file,
// so the case page has its labels and option titles.
func bulkyWasteProfile(t *testing.T) []byte {
	t.Helper()
	svc, err := os.ReadFile("../../../assets/services/30-sperrmuell.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range map[string][]byte{"profile.toml": []byte("municipality = \"Musterstadt\"\nname = \"Bürgerbüro\"\n"),
		"services/30-sperrmuell.yaml": svc} {
		w, _ := zw.Create(name)
		w.Write(body)
	}
	zw.Close()
	return buf.Bytes()
}

// A caseworker signs in, finds the case a kiosk sent, opens it (the typed
// values appear, labelled as the resident saw them), rejects it with a
// reason; the resident's status page and the kiosk's changes feed show
// the decision; the audit log has the opening and the decision. An admin
// sees a guide call arrive live. Every page: a screenshot and axe-core.
func TestStaffInABrowser(t *testing.T) {
	r := newRig(t)
	if _, err := r.p.Fleet().PublishProfile(r.ctx, "", bulkyWasteProfile(t)); err != nil {
		t.Fatal(err)
	}
	code := r.submit(t, "sperrmuell", map[string]string{"was": "moebel,matratzen", "teile": "3", "name": "Fatma Yılmaz"})
	ctx := chrome(t)
	run, textOf := steps(t, ctx)
	var text string
	signIn := func(name string) {
		run("sign in as "+name, chromedp.Navigate(r.url+"/staff/login"), chromedp.WaitVisible(chromedp.CSS("#name")),
			chromedp.SendKeys(chromedp.CSS("#name"), name), chromedp.SendKeys(chromedp.CSS("#password"), password),
			chromedp.Click(chromedp.CSS(`button[type=submit]`)), chromedp.WaitVisible(chromedp.Search(`//h1[text()="Heute"]`)))
	}
	run("sign-in page", chromedp.Navigate(r.url+"/staff/login"), chromedp.WaitVisible(chromedp.CSS("#name")))
	check(t, ctx, "01-login")
	signIn("carl.sachbearbeitung")
	check(t, ctx, "02-today-caseworker")
	run("inbox", chromedp.Navigate(r.url+"/staff/cases"), chromedp.WaitVisible(chromedp.CSS("table")))
	text = textOf("main")
	if !strings.Contains(text, code) || !strings.Contains(text, "Sperrmüll anmelden") {
		t.Errorf("inbox:\n%s", text)
	}
	check(t, ctx, "03-cases")
	run("open the case", chromedp.Click(chromedp.Search(`//a[text()="`+code+`"]`)), chromedp.WaitVisible(chromedp.CSS(`#reason`)))
	text = textOf("main")
	for _, want := range []string{"Fatma Yılmaz", "Möbel, Matratzen", "Anzahl Teile", "3", "Keine persönlichen Daten"} {
		if !strings.Contains(text, want) && !(want == "Keine persönlichen Daten" && strings.Contains(text, "keine persönlichen Daten")) {
			t.Errorf("case page lacks %q:\n%s", want, text)
		}
	}
	check(t, ctx, "04-case")
	run("print view", chromedp.Navigate(r.url+"/staff/cases/"+code+"/print"), chromedp.WaitVisible(chromedp.CSS("dl")))
	check(t, ctx, "05-case-print")
	run("reject", chromedp.Navigate(r.url+"/staff/cases/"+code), chromedp.WaitVisible(chromedp.CSS(`#reason`)),
		chromedp.SendKeys(chromedp.CSS("#reason"), "Bitte einen Termin im Bürgerbüro vereinbaren."),
		chromedp.Click(chromedp.CSS(`button[value=rejected]`)), chromedp.WaitVisible(chromedp.CSS(`.notice`)))
	text = textOf(".notice")
	if !strings.Contains(text, "abgelehnt") {
		t.Errorf("after rejecting: %q", text)
	}
	check(t, ctx, "06-case-decided")

	// The resident's status page and the kiosk's changes feed.
	resp, err := http.Get(r.url + "/s/" + code)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(page), "konnte so nicht angenommen werden") || !strings.Contains(string(page), "Termin im Bürgerbüro") ||
		strings.Contains(string(page), "Yılmaz") {
		t.Errorf("status page:\n%s", page)
	}
	run("status page", chromedp.Navigate(r.url+"/s/"+code), chromedp.WaitVisible(chromedp.CSS("h1")))
	check(t, ctx, "07-status-page")
	if n, err := r.kiosk.PullChanges(r.ctx); err != nil || n != 1 {
		t.Errorf("the kiosk's changes: %d %v", n, err)
	}
	log, _ := r.p.Store().AuditLog(r.ctx, time.Now().Add(-time.Hour), 100)
	var actions []string
	for _, e := range log {
		if e.Subject == code {
			actions = append(actions, e.User+":"+e.Action)
		}
	}
	if all := strings.Join(actions, " "); !strings.Contains(all, "carl.sachbearbeitung:case_opened") ||
		!strings.Contains(all, "carl.sachbearbeitung:case_decided_rejected") {
		t.Errorf("audit for %s: %s", code, all)
	}

	// The admin: fleet, users, audit, a refused page; a guide call arrives live.
	run("sign out", chromedp.Navigate(r.url+"/staff/"), chromedp.WaitVisible(chromedp.CSS("header button")), chromedp.Click(chromedp.CSS(`header button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS("#name")))
	signIn("anna.admin")
	check(t, ctx, "08-today-admin")
	hb := wire.Heartbeat{Version: "test", GuideCalls: []wire.GuideCall{{At: time.Now().UTC(), Screen: "sperrmuell-02-teile"}}}
	if _, err := r.kiosk.Heartbeat(r.ctx, hb); err != nil {
		t.Fatal(err)
	}
	run("a guide call arrives", chromedp.WaitVisible(chromedp.Search(`//ul[@id="calls"]/li[contains(., "Rathaus Eingang")]`)))
	text = textOf("#calls")
	if !strings.Contains(text, "sperrmuell-02-teile") || strings.Contains(text, "zurückgenommen") {
		t.Errorf("live calls: %q", text)
	}
	// The resident says "Doch nicht nötig": the page says so, live, and
	// still after a reload.
	hb.GuideCalls[0].Withdrawn = time.Now().UTC()
	if _, err := r.kiosk.Heartbeat(r.ctx, hb); err != nil {
		t.Fatal(err)
	}
	run("the call is withdrawn", chromedp.WaitVisible(chromedp.Search(`//ul[@id="calls"]/li[contains(., "zurückgenommen")]`)))
	run("reload", chromedp.Reload(), chromedp.WaitVisible(chromedp.Search(`//ul[@id="calls"]/li[contains(., "zurückgenommen – doch nicht nötig")]`)))
	check(t, ctx, "08b-call-withdrawn")
	for i, page := range []string{"fleet", "users", "audit"} {
		run(page, chromedp.Navigate(r.url+"/staff/"+page), chromedp.WaitVisible(chromedp.CSS("h1")))
		check(t, ctx, fmt.Sprintf("%02d-%s", 9+i, page))
	}
	text = textOf("main")
	if !strings.Contains(text, "case_decided_rejected") || strings.Contains(text, "Yılmaz") {
		t.Errorf("audit page:\n%s", text)
	}
	run("a page not for admins", chromedp.Navigate(r.url+"/staff/cases"), chromedp.WaitVisible(chromedp.CSS(".problem")))
	check(t, ctx, "12-forbidden")
}

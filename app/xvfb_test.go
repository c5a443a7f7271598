package main

import (
	"context"
	"fmt"
	mathrand "math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The helpers below run the real lotse binary in a real X server (Xvfb)
// and touch it with xdotool, as a finger would.

// needTools skips when a tool is missing on a developer's machine, and
// fails in CI, where `make test` must have installed it.
func needTools(t testing.TB, names ...string) {
	t.Helper()
	for _, n := range names {
		if _, err := exec.LookPath(n); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s missing: `make test` installs it", n)
			}
			t.Skipf("%s missing: run `make test`, which installs it", n)
		}
	}
}

// buildLotse builds the kiosk binary.
func buildLotse(t testing.TB) string {
	t.Helper()
	return buildProgram(t, "lotse", ".")
}

// buildDemo builds the demo (lotse-demo), which takes the flags of
// "lotse run".
func buildDemo(t testing.TB) string {
	t.Helper()
	return buildProgram(t, "lotse-demo", "./demo")
}

func buildProgram(t testing.TB, name, pkg string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), name)
	out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput()
	if err != nil {
		t.Fatalf("build %s: %v\n%s", name, err, out)
	}
	return bin
}

type xserver struct {
	display string
}

// startXvfb starts a virtual 1280×800 screen on a free display number
// and returns once the screen answers a client. A server that gave its
// number but does not answer (seen once in CI: the kiosk could not open
// the display) is stopped and another started.
func startXvfb(t testing.TB) *xserver {
	t.Helper()
	needTools(t, "Xvfb", "xdotool", "import")
	var last error
	for try := 0; try < 5; try++ {
		x, stop, err := launchXvfb()
		if err != nil {
			last = err
			continue
		}
		if err = x.answers(10 * time.Second); err != nil {
			stop()
			last = err
			continue
		}
		t.Cleanup(stop)
		return x
	}
	t.Fatalf("no working Xvfb after 5 tries: %v", last)
	return nil
}

// launchXvfb starts Xvfb on a random display number from 200 up: the low
// numbers are where other X servers go (Xwayland under the cage test took
// :0, and its end once removed the socket of a later Xvfb on :0).
func launchXvfb() (*xserver, func(), error) {
	n := 200 + mathrand.IntN(800)
	if _, err := os.Stat(fmt.Sprintf("/tmp/.X%d-lock", n)); err == nil {
		return nil, nil, fmt.Errorf("display :%d is taken", n)
	}
	cmd := exec.Command("Xvfb", fmt.Sprintf(":%d", n), "-screen", "0", "1280x800x24", "-nolisten", "tcp")
	if err := cmd.Start(); err != nil {
		return nil, nil, err
	}
	// SIGTERM first: a server killed outright leaves its lock file and
	// socket behind for the next test's server to trip over.
	stop := func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	}
	return &xserver{display: fmt.Sprintf(":%d", n)}, stop, nil
}

// answers waits until a client can talk to the display.
func (x *xserver) answers(within time.Duration) error {
	var err error
	for deadline := time.Now().Add(within); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		var out []byte
		if out, err = x.command("xdotool", "getdisplaygeometry").CombinedOutput(); err == nil {
			return nil
		}
		err = fmt.Errorf("display %s: %v: %s", x.display, err, out)
	}
	return err
}

func (x *xserver) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "DISPLAY="+x.display)
	return cmd
}

func (x *xserver) run(t testing.TB, name string, args ...string) string {
	t.Helper()
	out, err := x.command(name, args...).Output()
	if err != nil {
		t.Fatalf("%s %v: %v", name, args, err)
	}
	return string(out)
}

// startKioskEnv runs lotse with extra environment variables.
func startKioskEnv(t testing.TB, x *xserver, bin string, env []string, args ...string) *exec.Cmd {
	t.Helper()
	return startKioskWith(t, x, bin, t.TempDir(), env, args...)
}

// startKioskIn runs lotse with its data in home, which may hold a previous
// run's data.
func startKioskIn(t testing.TB, x *xserver, bin, home string, args ...string) *exec.Cmd {
	t.Helper()
	return startKioskWith(t, x, bin, home, nil, args...)
}

func startKioskWith(t testing.TB, x *xserver, bin, home string, env []string, args ...string) *exec.Cmd {
	t.Helper()
	args = append([]string{"--config", "../assets/config/lotse.toml", "--data-dir", filepath.Join(home, "data")}, args...)
	if filepath.Base(bin) != "lotse-demo" {
		args = append([]string{"run"}, args...)
	}
	cmd := x.command(bin, args...)
	cmd.Env = append(cmd.Env, "LANG=de_DE.UTF-8", "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, "config"))
	cmd.Env = append(cmd.Env, env...)
	startLogged(t, cmd, filepath.Join(t.TempDir(), "lotse.log"))
	return cmd
}

// startLogged starts cmd with its output in the file path, kills it when
// the test ends and shows the log when the test failed.
func startLogged(t testing.TB, cmd *exec.Cmd, path string) {
	t.Helper()
	log, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		log.Close()
		if t.Failed() {
			b, _ := os.ReadFile(log.Name())
			t.Logf("lotse log:\n%s", b)
		}
	})
}

var srgb = regexp.MustCompile(`srgb\((\d+),(\d+),(\d+)\)`)

type geometry struct{ x, y, w, h int }

// waitWindow waits for the kiosk's window and returns where it is.
func (x *xserver) waitWindow(t testing.TB) geometry {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		out, err := x.command("xdotool", "search", "--name", "^Lotse$").Output()
		if err == nil && strings.TrimSpace(string(out)) != "" {
			id := strings.Fields(string(out))[0]
			return x.geometry(t, id)
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("the kiosk window did not appear within 30 s")
	return geometry{}
}

func (x *xserver) geometry(t testing.TB, id string) geometry {
	var g geometry
	for _, line := range strings.Split(x.run(t, "xdotool", "getwindowgeometry", "--shell", id), "\n") {
		k, v, _ := strings.Cut(line, "=")
		n, _ := strconv.Atoi(v)
		switch k {
		case "X":
			g.x = n
		case "Y":
			g.y = n
		case "WIDTH":
			g.w = n
		case "HEIGHT":
			g.h = n
		}
	}
	return g
}

// pixel reads one screen pixel as "RRGGBB".
func (x *xserver) pixel(t testing.TB, px, py int) string {
	out := x.run(t, "import", "-window", "root", "-crop", fmt.Sprintf("1x1+%d+%d", px, py), "txt:-")
	m := srgb.FindStringSubmatch(out)
	if m == nil {
		return ""
	}
	var rgb [3]int
	for i := range rgb {
		rgb[i], _ = strconv.Atoi(m[i+1])
	}
	return fmt.Sprintf("%02X%02X%02X", rgb[0], rgb[1], rgb[2])
}

// waitPixel waits until the pixel has colour (or, with not, any other).
func (x *xserver) waitPixel(t testing.TB, px, py int, colour string, not bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var got string
	for time.Now().Before(deadline) {
		got = x.pixel(t, px, py)
		if (got == colour) != not {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("pixel %d,%d stayed %s (waiting for %s%s)", px, py, got, map[bool]string{true: "not ", false: ""}[not], colour)
}

func (x *xserver) tap(t testing.TB, px, py int) {
	t.Helper()
	x.run(t, "xdotool", "mousemove", strconv.Itoa(px), strconv.Itoa(py), "click", "1")
}

func (x *xserver) screenshot(t testing.TB, path string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	x.run(t, "import", "-window", "root", path)
	abs, _ := filepath.Abs(path)
	t.Logf("screenshot: %s", abs)
}

// artifacts is where screenshots for reviewers go: bin/artifacts in the
// repository (git ignores it).
func artifacts(name string) string {
	return filepath.Join("..", "bin", "artifacts", name)
}

func withTimeout(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), d)
}

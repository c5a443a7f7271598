// Package packaging holds the Debian packaging; its test builds both
// packages with `make package` and checks what a municipality's IT staff
// will install.
package packaging

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"lotse/app/config"
)

// needTool skips on a developer's machine without the tool and fails in
// CI, where `make test` installs it.
func needTool(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s missing: `make test` installs it", name)
		}
		t.Skipf("%s missing: run `make test`, which installs it", name)
	}
}

var (
	buildOnce sync.Once
	built     map[string]string // package name → .deb path
	buildErr  string
	buildDir  string
)

// debs builds both packages once for all tests in this file.
func debs(t *testing.T) map[string]string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the Debian packages")
	}
	needTool(t, "dpkg-deb")
	buildOnce.Do(func() {
		// `make test` builds the packages before the tests run (the build
		// then has the machine to itself and no test's timeout to meet) and
		// names the folder; a test run alone builds them here.
		dir := os.Getenv("LOTSE_TEST_DIST")
		if dir == "" {
			var err error
			if dir, err = os.MkdirTemp("", "lotse-deb-"); err != nil {
				buildErr = err.Error()
				return
			}
			buildDir = dir
			out, err := exec.Command("make", "-C", "..", "-s", "package", "DIST="+dir).CombinedOutput()
			if err != nil {
				buildErr = string(out)
				return
			}
		}
		built = map[string]string{}
		for _, name := range []string{"lotse", "lotse-portal"} {
			m, _ := filepath.Glob(filepath.Join(dir, name+"_*.deb"))
			if len(m) == 1 {
				built[name] = m[0]
			}
		}
	})
	if buildErr != "" {
		t.Fatalf("make package failed:\n%s", buildErr)
	}
	if len(built) != 2 {
		t.Fatalf("want lotse and lotse-portal packages, got %v", built)
	}
	return built
}

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

func dpkgDeb(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("dpkg-deb", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("dpkg-deb %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func TestPackageNamesAndVersionComeFromGit(t *testing.T) {
	d := debs(t)
	head, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		t.Skip("not a git checkout")
	}
	arch := strings.TrimSpace(run(t, "dpkg", "--print-architecture"))
	for name, path := range d {
		version := strings.TrimSpace(dpkgDeb(t, "-f", path, "Version"))
		if !strings.HasSuffix(version, "."+strings.TrimSpace(string(head))) && !regexp.MustCompile(`^\d+\.\d+\.\d+$`).MatchString(version) {
			t.Errorf("%s version %q is neither a release tag nor the commit", name, version)
		}
		if want := name + "_" + version + "_" + arch + ".deb"; filepath.Base(path) != want {
			t.Errorf("file %s, want %s", filepath.Base(path), want)
		}
	}
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		t.Fatalf("%s %v: %v", name, args, err)
	}
	return string(out)
}

func TestKioskPackageContentsAndMetadata(t *testing.T) {
	deb := debs(t)["lotse"]
	depends := dpkgDeb(t, "-f", deb, "Depends")
	for _, want := range []string{"cage", "xwayland", "espeak-ng", "fonts-noto-core", "libsqlite3-0", "adduser"} {
		if !regexp.MustCompile(`(^|, )` + regexp.QuoteMeta(want) + `(,|$| )`).MatchString(strings.TrimSpace(depends)) {
			t.Errorf("Depends lacks %s: %s", want, depends)
		}
	}
	if regexp.MustCompile(`(?i)gnome|kde|xfce|lxde|lxqt|mate-|desktop|lightdm|gdm`).MatchString(depends) {
		t.Errorf("depends on a desktop environment: %s", depends)
	}
	listing := dpkgDeb(t, "-c", deb)
	for _, want := range []string{
		"-rwxr-xr-x root/root .* ./usr/bin/lotse\n",
		"-rw-r--r-- root/root .* ./etc/lotse/lotse.toml\n",
		"-rw-r--r-- root/root .* ./etc/pam.d/lotse\n",
		"-rw-r--r-- root/root .* ./lib/systemd/system/lotse.service\n",
		"-rw-r--r-- root/root .* ./usr/share/doc/lotse/copyright\n",
		"-rw-r--r-- root/root .* ./usr/share/doc/lotse/changelog.gz\n",
		"-rw-r--r-- root/root .* ./usr/share/doc/lotse/lotse.example.toml\n",
	} {
		if !regexp.MustCompile(want).MatchString(listing) {
			t.Errorf("contents lack %q:\n%s", want, listing)
		}
	}
	conffiles := dpkgDeb(t, "-I", deb, "conffiles")
	if !strings.Contains(conffiles, "/etc/lotse/lotse.toml") {
		t.Errorf("lotse.toml is not a conffile: %q", conffiles)
	}

	root := extract(t, deb)
	// The shipped configuration is valid and sets a kiosk up for real.
	cfg, err := config.Load(filepath.Join(root, "etc/lotse/lotse.toml"))
	if err != nil {
		t.Fatalf("shipped configuration: %v", err)
	}
	if cfg.Kiosk.DataDir != "/var/lib/lotse" || !cfg.Display.Fullscreen {
		t.Errorf("shipped configuration: data_dir %q, fullscreen %v", cfg.Kiosk.DataDir, cfg.Display.Fullscreen)
	}
	unit := read(t, filepath.Join(root, "lib/systemd/system/lotse.service"))
	for _, want := range []string{
		"ExecStart=/usr/bin/cage -- /usr/bin/lotse run --fullscreen", "User=lotse\n", "TTYPath=/dev/tty1",
		"Restart=always", "WatchdogSec=", "NotifyAccess=all", "Type=notify", "SupplementaryGroups=dialout",
		"StandardError=journal", "Conflicts=getty@tty1.service", "WantedBy=graphical.target",
	} {
		if !strings.Contains(unit, want) {
			t.Errorf("lotse.service lacks %q", want)
		}
	}
	if strings.Contains(unit, "cage -s") {
		t.Error("cage -s would let residents switch to another console")
	}
}

func TestPortalPackageIsHardened(t *testing.T) {
	deb := debs(t)["lotse-portal"]
	listing := dpkgDeb(t, "-c", deb)
	for _, want := range []string{"-rwxr-xr-x root/root .* ./usr/bin/lotse-portal\n", " ./lib/systemd/system/lotse-portal.service\n"} {
		if !regexp.MustCompile(want).MatchString(listing) {
			t.Errorf("contents lack %q", want)
		}
	}
	root := extract(t, deb)
	unit := read(t, filepath.Join(root, "lib/systemd/system/lotse-portal.service"))
	for _, want := range []string{"User=lotse-portal", "ProtectSystem=strict", "NoNewPrivileges=yes", "PrivateTmp=yes",
		"ReadWritePaths=/var/lib/lotse-portal", "--config /etc/lotse-portal/lotse-portal.toml", "ProtectHome=yes", "CapabilityBoundingSet=\n"} {
		if !strings.Contains(unit, want) {
			t.Errorf("lotse-portal.service lacks %q", want)
		}
	}
	// The configuration is a conffile whose data folder is the one the
	// unit may write to.
	if conf := read(t, filepath.Join(root, "etc/lotse-portal/lotse-portal.toml")); !strings.Contains(conf, `data_dir = "/var/lib/lotse-portal"`) {
		t.Errorf("lotse-portal.toml:\n%s", conf)
	}
	if !strings.Contains(dpkgDeb(t, "-I", deb, "conffiles"), "/etc/lotse-portal/lotse-portal.toml") {
		t.Error("the configuration is not a conffile")
	}
}

func TestMaintainerScriptsParse(t *testing.T) {
	for _, pkg := range []string{"lotse", "lotse-portal"} {
		for _, s := range []string{"postinst", "prerm", "postrm"} {
			path := filepath.Join(pkg, "DEBIAN", s)
			if out, err := exec.Command("sh", "-n", path).CombinedOutput(); err != nil {
				t.Errorf("%s: %v\n%s", path, err, out)
			}
			if fi, err := os.Stat(path); err != nil || fi.Mode()&0o111 == 0 {
				t.Errorf("%s is not executable", path)
			}
		}
	}
}

func TestLintianReportsNoErrors(t *testing.T) {
	d := debs(t)
	needTool(t, "lintian")
	out, err := exec.Command("lintian", "--fail-on", "error", d["lotse"], d["lotse-portal"]).CombinedOutput()
	if err != nil {
		t.Fatalf("lintian: %v\n%s", err, out)
	}
	t.Logf("lintian:\n%s", out)
}

func TestSystemdAcceptsTheUnits(t *testing.T) {
	d := debs(t)
	needTool(t, "systemd-analyze")
	needTool(t, "cage")
	// A root with both packages, the real cage and the system's own units,
	// so systemd-analyze checks ours against real targets and binaries.
	root := extract(t, d["lotse"])
	if out, err := exec.Command("dpkg-deb", "-x", d["lotse-portal"], root).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if err := os.MkdirAll(filepath.Join(root, "usr/lib/systemd"), 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("cp", "-a", "/lib/systemd/system", filepath.Join(root, "usr/lib/systemd/")).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if out, err := exec.Command("cp", "/usr/bin/cage", filepath.Join(root, "usr/bin/cage")).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	out, err := exec.Command("systemd-analyze", "verify", "--root="+root,
		filepath.Join(root, "lib/systemd/system/lotse.service"),
		filepath.Join(root, "lib/systemd/system/lotse-portal.service")).CombinedOutput()
	// verify exits 0 on many problems and only prints them: any output fails.
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Fatalf("systemd-analyze verify: %v\n%s", err, out)
	}
}

func extract(t *testing.T, deb string) string {
	t.Helper()
	root := t.TempDir()
	dpkgDeb(t, "-x", deb, root)
	return root
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

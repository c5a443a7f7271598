// Package pgtest runs a private, throw-away PostgreSQL cluster for tests:
// Debian's postgresql package (make deps-test installs it), initdb into a
// temporary folder, the server on a unix socket there and a free loopback
// port, as the unprivileged user postgres when the tests run as root (CI
// does; PostgreSQL refuses to run as root). No Docker, no download.
package pgtest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Cluster is one running PostgreSQL server.
type Cluster struct {
	bin, dir string
	Port     int
	cmd      *exec.Cmd
	exited   chan struct{}
	dbs      atomic.Int32
}

var (
	shared    *Cluster
	sharedErr error
	once      sync.Once
)

// Main runs a package's tests and stops the shared cluster afterwards:
// func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }.
func Main(m *testing.M) int {
	code := m.Run()
	if shared != nil {
		shared.Stop()
		os.RemoveAll(shared.dir)
	}
	return code
}

// DSN is a fresh, empty database on the package's shared cluster.
func DSN(t testing.TB) string {
	t.Helper()
	once.Do(func() { shared, sharedErr = Start() })
	if sharedErr != nil {
		t.Fatalf("PostgreSQL for tests: %v", sharedErr)
	}
	return shared.NewDatabase(t)
}

// Start makes and starts a cluster of its own (stop it with Stop, remove
// it with Remove).
func Start() (*Cluster, error) {
	bin, err := binDir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "lotse-pg-")
	if err != nil {
		return nil, err
	}
	c := &Cluster{bin: bin, dir: dir}
	if err := c.own(); err != nil {
		return nil, err
	}
	out, err := c.run("initdb", "-D", c.data(), "--no-sync", "-A", "trust", "-U", "lotse", "-E", "UTF8", "--locale=C.UTF-8").CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("initdb: %v\n%s", err, out)
	}
	if c.Port, err = freePort(); err != nil {
		return nil, err
	}
	return c, c.Start()
}

func (c *Cluster) data() string { return filepath.Join(c.dir, "data") }

// Start starts the server (again, after Stop) and waits until it answers.
func (c *Cluster) Start() error {
	c.cmd = c.run("postgres", "-D", c.data(), "-k", c.dir, "-h", "127.0.0.1", "-p", strconv.Itoa(c.Port),
		"-F", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=200")
	c.cmd.Stdout, c.cmd.Stderr = nil, nil
	log, err := os.Create(filepath.Join(c.dir, "server.log"))
	if err == nil {
		c.cmd.Stdout, c.cmd.Stderr = log, log
	}
	c.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := c.cmd.Start(); err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	c.exited = make(chan struct{})
	go func() { c.cmd.Wait(); close(c.exited) }()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		conn, err := pgx.Connect(context.Background(), c.url("postgres"))
		if err == nil {
			conn.Close(context.Background())
			return nil
		}
		select {
		case <-c.exited:
			b, _ := os.ReadFile(filepath.Join(c.dir, "server.log"))
			return fmt.Errorf("postgres exited at start:\n%s", b)
		default:
		}
	}
	return fmt.Errorf("postgres did not answer within 30 s (log in %s)", c.dir)
}

// Stop shuts the server down fast (SIGINT: connections are cut, nothing
// committed is lost) and waits for it.
func (c *Cluster) Stop() {
	if c.cmd == nil || c.cmd.Process == nil {
		return
	}
	syscall.Kill(-c.cmd.Process.Pid, syscall.SIGINT)
	select {
	case <-c.exited:
	case <-time.After(30 * time.Second):
		syscall.Kill(-c.cmd.Process.Pid, syscall.SIGKILL)
		<-c.exited
	}
}

// Remove deletes the cluster's folder (after Stop).
func (c *Cluster) Remove() { os.RemoveAll(c.dir) }

// NewDatabase creates an empty database and returns its URL.
func (c *Cluster) NewDatabase(t testing.TB) string {
	t.Helper()
	name := fmt.Sprintf("t%d_%d", os.Getpid(), c.dbs.Add(1))
	conn, err := pgx.Connect(context.Background(), c.url("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	return c.url(name)
}

func (c *Cluster) url(db string) string {
	return fmt.Sprintf("postgres://lotse@127.0.0.1:%d/%s?sslmode=disable", c.Port, db)
}

// run prepares a PostgreSQL program, as postgres when we are root.
func (c *Cluster) run(prog string, args ...string) *exec.Cmd {
	path := filepath.Join(c.bin, prog)
	if os.Geteuid() == 0 {
		return exec.Command("runuser", append([]string{"-u", "postgres", "--", path}, args...)...)
	}
	return exec.Command(path, args...)
}

// own gives the folder to postgres when we are root.
func (c *Cluster) own() error {
	if os.Geteuid() != 0 {
		return nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return fmt.Errorf("running as root needs the user postgres (Debian's postgresql package makes it): %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return os.Chown(c.dir, uid, gid)
}

func binDir() (string, error) {
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/postgres")
	if len(found) == 0 {
		return "", fmt.Errorf("no PostgreSQL server found under /usr/lib/postgresql: `make deps-test` installs Debian's postgresql package")
	}
	sort.Slice(found, func(i, j int) bool {
		vi, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(found[i]))))
		vj, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(found[j]))))
		return vi > vj
	})
	return filepath.Dir(found[0]), nil
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// Package pgtest gives tests an empty PostgreSQL database of their own.
//
// With NHSREVIEW_TEST_POSTGRES set to a server's URL (a user allowed to
// create databases), each test gets a new database there. Otherwise,
// when PostgreSQL's initdb and postgres are installed (on PATH, or in
// Debian's /usr/lib/postgresql/*/bin), the first test to ask starts a
// throwaway cluster for the test process: initdb into a temporary
// directory and the server on a free loopback port, run as an ordinary
// user when the tests run as root (PostgreSQL refuses to run as root),
// stopped by Stop or, should the test process die, by the kernel's
// parent-death signal (its files are then left in the temporary
// directory). With neither, the test is skipped with a message
// saying what to install.
package pgtest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
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

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver

	"github.com/nhsreview/nhsreview/internal/testkit/hang"
)

// Env is the variable naming a server for the tests.
const Env = "NHSREVIEW_TEST_POSTGRES"

var (
	once    sync.Once
	admin   string // the server's URL, for creating databases
	skip    string // why there is no server, to skip with
	failure error  // why the server given or started cannot be used
	cluster *exec.Cmd
	exited  chan error // the server's end, once started
	dataDir string
	serial  atomic.Int64
)

// URL returns the URL of a new, empty database, dropped when the test
// ends; it skips the test when no PostgreSQL can be had, and fails it
// when one is there but does not answer.
func URL(t testing.TB) string {
	t.Helper()
	once.Do(start)
	if skip != "" {
		t.Skip(skip)
	}
	if failure != nil {
		t.Fatalf("PostgreSQL for the tests: %v", failure)
	}
	name := fmt.Sprintf("nhsreview_test_%d_%d", os.Getpid(), serial.Add(1))
	db, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE DATABASE ` + name); err != nil {
		t.Fatalf("PostgreSQL for the tests: creating a database: %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", admin)
		if err != nil {
			return
		}
		defer db.Close()
		if _, err := db.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`); err != nil {
			t.Logf("PostgreSQL for the tests: dropping %s: %v", name, err)
		}
	})
	u, _ := url.Parse(admin)
	u.Path = "/" + name
	return u.String()
}

// Stop stops the cluster this process started, if any, and removes its
// files; TestMain calls it after the tests.
func Stop() {
	defer func() {
		if dataDir != "" {
			os.RemoveAll(dataDir)
		}
	}()
	if cluster == nil {
		return
	}
	// SIGINT is PostgreSQL's fast shutdown: sessions are ended, the
	// server stops at once and cleanly.
	cluster.Process.Signal(syscall.SIGINT)
	select {
	case <-exited:
	case <-time.After(hang.Bound(5 * time.Second)):
		cluster.Process.Kill()
		<-exited
	}
	cluster = nil
}

func start() {
	if u := os.Getenv(Env); u != "" {
		admin = u
		failure = ping(u)
		if failure != nil {
			failure = fmt.Errorf("%s=%s: %w", Env, redact(u), failure)
		}
		return
	}
	initdb, postgres := binaries()
	if initdb == "" || postgres == "" {
		skip = "PostgreSQL tests skipped: no initdb and postgres on PATH or in /usr/lib/postgresql/*/bin (apt-get install postgresql, as .ci/run does), and " + Env + " does not name a server"
		return
	}
	failure = startCluster(initdb, postgres)
}

func redact(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "(not a URL)"
	}
	return p.Redacted()
}

// binaries finds initdb and postgres: on PATH, else in the newest of
// Debian's versioned directories (the package does not put them on
// PATH).
func binaries() (initdb, postgres string) {
	initdb, _ = exec.LookPath("initdb")
	postgres, _ = exec.LookPath("postgres")
	if initdb != "" && postgres != "" {
		return initdb, postgres
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		i, p := filepath.Join(d, "initdb"), filepath.Join(d, "postgres")
		if isFile(i) && isFile(p) {
			return i, p
		}
	}
	return "", ""
}

func version(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}

// startCluster makes a cluster in a temporary directory and starts its
// server on a free loopback port, waiting until it answers.
func startCluster(initdb, postgres string) error {
	cred, err := runAs()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "nhsreview-pg-")
	if err != nil {
		return err
	}
	dataDir = dir
	data := filepath.Join(dir, "data")
	if cred != nil {
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			return err
		}
	}
	logPath := filepath.Join(dir, "server.log")
	run := func(name string, args ...string) *exec.Cmd {
		c := exec.Command(name, args...)
		c.Dir = dir
		c.Env = append(os.Environ(), "LC_ALL=C")
		// The server dies with the test process: a killed test leaves
		// no server behind.
		c.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGQUIT}
		return c
	}
	c := run(initdb, "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync")
	if out, err := c.CombinedOutput(); err != nil {
		return fmt.Errorf("initdb: %v: %s", err, lastLines(out))
	}
	port, err := freePort()
	if err != nil {
		return err
	}
	logFile, err := os.Create(logPath)
	if err != nil {
		return err
	}
	defer logFile.Close()
	// Durability is not what these tests measure: without fsync the
	// server is faster on a busy machine.
	c = run(postgres, "-D", data, "-p", strconv.Itoa(port), "-c", "listen_addresses=127.0.0.1",
		"-c", "unix_socket_directories="+dir, "-c", "fsync=off", "-c", "synchronous_commit=off",
		"-c", "full_page_writes=off", "-c", "max_connections=200")
	c.Stdout, c.Stderr = logFile, logFile
	if err := c.Start(); err != nil {
		return fmt.Errorf("starting postgres: %w", err)
	}
	exited = make(chan error, 1)
	go func() { exited <- c.Wait() }()
	admin = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
	deadline := time.Now().Add(hang.Bound(10 * time.Second))
	for {
		if ping(admin) == nil {
			cluster = c
			return nil
		}
		select {
		case err := <-exited:
			log, _ := os.ReadFile(logPath)
			return fmt.Errorf("postgres exited (%v): %s", err, lastLines(log))
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			c.Process.Kill()
			<-exited
			return errors.New("postgres did not answer in time")
		}
	}
}

// runAs is the user the cluster runs as: the test's own, unless that is
// root, whom PostgreSQL refuses; then nobody.
func runAs() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("nobody")
	if err != nil {
		return nil, fmt.Errorf("running as root, PostgreSQL needs an ordinary user to run as: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func ping(u string) error {
	db, err := sql.Open("pgx", u)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return db.PingContext(ctx)
}

func lastLines(b []byte) string {
	const keep = 2000
	if len(b) > keep {
		b = b[len(b)-keep:]
	}
	return string(b)
}

//go:build unix

package main

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestOutputTargets: -o writes a regular file atomically with the mode
// files get (0666 less the umask), keeps an existing file's mode, follows
// a symbolic link to its target, and writes a device or a FIFO in place
// instead of renaming over it (issue 14).
func TestOutputTargets(t *testing.T) {
	dir := t.TempDir()
	sample := filepath.Join(dir, "s.md")
	if err := os.WriteFile(sample, sampleStrategy, 0o644); err != nil {
		t.Fatal(err)
	}
	score := func(out string) {
		t.Helper()
		if _, stderr, code := runCLI(t, "score", sample, "-o", out); code != 0 {
			t.Fatalf("-o %s: exit %d: %s", out, code, stderr)
		}
	}

	fresh := filepath.Join(dir, "fresh.txt")
	score(fresh)
	if fi, err := os.Stat(fresh); err != nil || fi.Mode().Perm() != newFileMode() {
		t.Errorf("a new report has mode %v, want %v (0666 less the umask)", fi.Mode().Perm(), newFileMode())
	}

	kept := filepath.Join(dir, "kept.txt")
	if err := os.WriteFile(kept, []byte("old"), 0o640); err != nil {
		t.Fatal(err)
	}
	os.Chmod(kept, 0o640)
	score(kept)
	if fi, _ := os.Stat(kept); fi.Mode().Perm() != 0o640 {
		t.Errorf("an existing report's mode became %v, want 0640", fi.Mode().Perm())
	}

	target := filepath.Join(dir, "target.txt")
	link := filepath.Join(dir, "link.txt")
	if err := os.Symlink("target.txt", link); err != nil {
		t.Fatal(err)
	}
	score(link)
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v %v", fi.Mode(), err)
	}
	if b, err := os.ReadFile(target); err != nil || !bytes.Contains(b, []byte("Northvale")) {
		t.Errorf("the link's target was not written: %v", err)
	}

	score(os.DevNull)
	if fi, err := os.Stat(os.DevNull); err != nil || fi.Mode()&fs.ModeCharDevice == 0 {
		t.Fatalf("%s is no longer a character device: %v", os.DevNull, fi.Mode())
	}

	fifo := filepath.Join(dir, "out.fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	got := make(chan []byte)
	go func() {
		f, err := os.Open(fifo) // waits for the writer
		if err != nil {
			got <- nil
			return
		}
		b, _ := io.ReadAll(f)
		f.Close()
		got <- b
	}()
	score(fifo)
	if b := <-got; !bytes.Contains(b, []byte("Northvale")) {
		t.Errorf("nothing came through the FIFO given to -o: %q", b)
	}
	if fi, _ := os.Lstat(fifo); fi.Mode()&fs.ModeNamedPipe == 0 {
		t.Errorf("the FIFO was replaced by a %v", fi.Mode())
	}
	if matches, _ := filepath.Glob(filepath.Join(dir, ".*.tmp")); len(matches) > 0 {
		t.Errorf("temporary files left behind: %v", matches)
	}
}

// TestSpecialSources: a FIFO is read like a download (under --timeout,
// waiting for a writer that comes late), and a device is refused; one
// line each, and the good source after them is still scored.
func TestSpecialSources(t *testing.T) {
	dir := t.TempDir()
	sample := filepath.Join(dir, "s.md")
	os.WriteFile(sample, sampleStrategy, 0o644)
	idle := filepath.Join(dir, "idle.fifo")
	if err := syscall.Mkfifo(idle, 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr, code := runCLI(t, "score", "--timeout", "1s", idle, "/dev/zero", sample)
	if code != exitFailure || !strings.Contains(out, "Northvale") {
		t.Errorf("exit %d; the good source after the bad ones was not scored:\n%s", code, out)
	}
	for _, want := range []string{"idle.fifo: nothing arrived from the pipe within 1s (--timeout)", "/dev/zero: is a device, not a document: refused"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}

	late := filepath.Join(dir, "late.fifo")
	if err := syscall.Mkfifo(late, 0o644); err != nil {
		t.Fatal(err)
	}
	go func() {
		// The writer opens only once the reader has: the reader must not
		// take "no writer yet" for the end of the document.
		for {
			f, err := os.OpenFile(late, os.O_WRONLY|syscall.O_NONBLOCK, 0)
			if err == nil {
				f.Write(sampleStrategy)
				f.Close()
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	}()
	out, stderr, code = runCLI(t, "score", "--timeout", "10m", late)
	if code != 0 || !strings.Contains(out, "Northvale") {
		t.Errorf("a FIFO written late: exit %d: %s", code, stderr)
	}
}

// TestSignals: SIGINT and SIGTERM stop a run that waits on a silent pipe
// at once, exit 130 and 143, and leave no -o file.
func TestSignals(t *testing.T) {
	for _, tc := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGINT, exitInterrupt}, {syscall.SIGTERM, exitTerminate}} {
		dir := t.TempDir()
		fifo := filepath.Join(dir, "silent.fifo")
		if err := syscall.Mkfifo(fifo, 0o644); err != nil {
			t.Fatal(err)
		}
		report := filepath.Join(dir, "report.txt")
		cmd := exec.Command(os.Args[0], "score", "--timeout", "1h", fifo, "-o", report)
		cmd.Env = append(os.Environ(), "NHSREVIEW_TEST_MAIN=1")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Once the pipe has a reader, nhsreview is waiting on it, with
		// its signal handlers long in place. Keep the write end open so
		// the pipe stays silent rather than ended.
		var w *os.File
		for {
			f, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0)
			if err == nil {
				w = f
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		cmd.Process.Signal(tc.sig)
		err := cmd.Wait()
		w.Close()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != tc.code {
			t.Errorf("%v: %v, want exit %d; stderr:\n%s", tc.sig, err, tc.code, stderr.String())
		}
		if _, err := os.Stat(report); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%v: the -o file was left behind (%v)", tc.sig, err)
		}
	}
}

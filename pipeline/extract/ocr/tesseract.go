package ocr

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Program is the name of the Tesseract executable, looked up on PATH.
const Program = "tesseract"

// InstallHint is the one line that says how to get Tesseract where it is
// missing (Debian and Ubuntu package names; the English model is a
// package of its own).
const InstallHint = "install Tesseract to read it by OCR (apt-get install tesseract-ocr tesseract-ocr-eng)"

// Language is the Tesseract model nhsreview reads with.
const Language = "eng"

var lookup struct {
	sync.Mutex
	done    bool
	path    string
	version string
	err     error
}

// Find returns the path of Tesseract and its version ("tesseract 5.3.0"),
// or an error saying it is missing or has no English model. The answer is
// kept for the life of the process.
func Find() (path, version string, err error) {
	lookup.Lock()
	defer lookup.Unlock()
	if !lookup.done {
		lookup.path, lookup.version, lookup.err = find()
		lookup.done = true
	}
	return lookup.path, lookup.version, lookup.err
}

func find() (string, string, error) {
	path, err := exec.LookPath(Program)
	if err != nil {
		return "", "", fmt.Errorf("Tesseract is not installed: %s", InstallHint)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, "--list-langs").CombinedOutput()
	if err != nil {
		return "", "", fmt.Errorf("running %s --list-langs: %v", path, err)
	}
	if !hasLanguage(out, Language) {
		return "", "", fmt.Errorf("Tesseract has no English model: %s", InstallHint)
	}
	version := "tesseract"
	if v, err := exec.CommandContext(ctx, path, "--version").CombinedOutput(); err == nil {
		version = firstVersion(v)
	}
	return path, version, nil
}

// hasLanguage reads the output of --list-langs: a header line, then one
// model name a line.
func hasLanguage(out []byte, lang string) bool {
	for _, l := range strings.Split(string(out), "\n") {
		if strings.TrimSpace(l) == lang {
			return true
		}
	}
	return false
}

// firstVersion is the first line of --version ("tesseract 5.3.0").
func firstVersion(out []byte) string {
	line, _, _ := strings.Cut(string(bytes.TrimSpace(out)), "\n")
	line = strings.TrimSpace(line)
	if !strings.HasPrefix(line, "tesseract ") || len(line) > 40 {
		return "tesseract"
	}
	return line
}

// Args are Tesseract's arguments to read one image from standard input
// and write hOCR on standard output. dpi is the image's resolution on the
// page, which Tesseract would otherwise guess (and print a warning about);
// psm 3 is its default, automatic page segmentation, said outright so
// that a user's config cannot change it.
func Args(dpi int) []string {
	args := []string{"stdin", "stdout", "-l", Language, "--psm", "3"}
	if dpi > 0 {
		args = append(args, "--dpi", strconv.Itoa(min(max(dpi, 70), 2400)))
	}
	return append(args, "hocr")
}

// Env is the environment Tesseract runs in: one thread per page
// (OMP_THREAD_LIMIT), since nhsreview reads pages in parallel itself with
// -j, and Tesseract's own threads would only contend for the same cores.
func Env(base []string) []string {
	out := make([]string, 0, len(base)+1)
	for _, e := range base {
		if !strings.HasPrefix(e, "OMP_THREAD_LIMIT=") {
			out = append(out, e)
		}
	}
	return append(out, "OMP_THREAD_LIMIT=1")
}

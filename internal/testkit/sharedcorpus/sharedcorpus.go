// Package sharedcorpus finds, for tests and benchmarks, the read-only
// material in ../shared next to the repository root (real documents,
// labels, rubric). It is never copied into the project; CI has it, a
// fresh clone may not, and tests that need it skip with a message saying
// so.
package sharedcorpus

import (
	"os"
	"path/filepath"
	"testing"
)

// Path returns ../shared/elem... beside the repository root holding the
// working directory, or "" when the repository root or the path is not
// found.
func Path(elem ...string) string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
	p := filepath.Join(append([]string{dir, "..", "shared"}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		return ""
	}
	return p
}

// Require returns Path(elem...) or skips tb, naming what is missing.
func Require(tb testing.TB, elem ...string) string {
	tb.Helper()
	p := Path(elem...)
	if p == "" {
		tb.Skipf("../shared/%s not found beside the repository: skipped (CI has it)", filepath.Join(elem...))
	}
	return p
}

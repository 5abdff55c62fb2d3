package main

import (
	"testing"

	"github.com/nhsreview/nhsreview/internal/lazyre"
)

// TestPatternsCompile compiles every regular expression that the linked
// packages compile on first use (internal/lazyre), so that a pattern that
// does not compile fails here rather than when a document first needs it.
func TestPatternsCompile(t *testing.T) {
	if n := lazyre.Count(); n < 150 {
		t.Errorf("only %d lazily compiled patterns: a package is no longer linked?", n)
	}
	if err := lazyre.CompileAll(); err != nil {
		t.Fatal(err)
	}
}

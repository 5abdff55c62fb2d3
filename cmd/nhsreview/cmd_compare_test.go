package main

import (
	"os"
	"strings"
	"testing"

	"github.com/nhsreview/nhsreview/internal/testkit/pdfgen"
)

// writeFixtures writes generated PDFs into the current directory.
func writeFixtures(t *testing.T, names ...string) {
	t.Helper()
	for _, name := range names {
		f, ok := pdfgen.ByName(name)
		if !ok {
			t.Fatalf("no fixture %s", name)
		}
		if err := os.WriteFile(name+".pdf", f.PDF, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// sampleV2 is a later version of the bundled sample: the headline sum now
// has a period, a source and what it buys; a problem paragraph is gone;
// the voluntary sector is commissioned.
func sampleV2(t *testing.T) string {
	t.Helper()
	s := string(sampleStrategy)
	for _, r := range []struct{ old, new string }{
		{"We will invest £12.5m in these priorities.", "We will invest £12.5m over five years (2025/26 to 2029/30) from the ICB's recurrent allocation: £1.5m a year funds the lung health checks and £1m a year funds community pulmonary rehabilitation."},
		{"Waiting lists have grown: 58,300 people were waiting for planned hospital care in January 2025, up 41% since January 2020.\n", ""},
		{"We will keep our partners informed through a quarterly newsletter.", "Eastmoor Community Voluntary Service is commissioned with £300,000 a year to run the health check champions and has a vote on the Population Health Committee."},
	} {
		if !strings.Contains(s, r.old) {
			t.Fatalf("the sample no longer says %q: update sampleV2", r.old)
		}
		s = strings.Replace(s, r.old, r.new, 1)
	}
	return s
}

// The reports of the command line, every format, pinned by golden files
// (go test ./cmd/nhsreview -update rewrites them): the sample as Markdown,
// HTML and CSV; a comparison of the sample and generated PDFs; a diff of
// two versions of the sample.
func TestReportsGolden(t *testing.T) {
	for _, f := range []string{"md", "html", "csv"} {
		out, stderr, code := runCLI(t, "score", "--sample", "-f", f)
		if code != 0 {
			t.Fatalf("score -f %s: exit %d: %s", f, code, stderr)
		}
		goldenFile(t, "sample.score."+f, out)
	}
	v2 := sampleV2(t)
	t.Chdir(t.TempDir())
	writeFixtures(t, "numbered-headings", "lists-tables")
	for name, data := range map[string]string{"sample-v1.md": string(sampleStrategy), "sample-v2.md": v2} {
		if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"text", "md", "html", "csv"} {
		out, stderr, code := runCLI(t, "compare", "-f", f, "sample-v1.md", "numbered-headings.pdf", "lists-tables.pdf")
		if code != 0 {
			t.Fatalf("compare -f %s: exit %d: %s", f, code, stderr)
		}
		goldenFile(t, "compare."+f, out)
	}
	for _, f := range []string{"text", "md", "html", "json"} {
		out, stderr, code := runCLI(t, "diff", "-f", f, "sample-v1.md", "sample-v2.md")
		if code != 0 {
			t.Fatalf("diff -f %s: exit %d: %s", f, code, stderr)
		}
		goldenFile(t, "diff."+f, out)
	}
	out, _, _ := runCLI(t, "diff", "sample-v1.md", "sample-v2.md")
	for _, want := range []string{
		"Costed plans",
		"Evidence removed:",
		"(gone from the new version)",
		"Red flags resolved:",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("diff of the sample's versions lacks %q:\n%s", want, out)
		}
	}
}

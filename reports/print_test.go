package reports

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/extract/pdfdoc"
	"github.com/nhsreview/nhsreview/rules"
)

func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("chromium not found: the print test is skipped (apt-get install chromium; .ci/run installs it)")
	return ""
}

// printPDF prints a page with headless Chromium, as a person would with
// "Print to PDF", and reads the result with nhsreview's own PDF reader.
func printPDF(t *testing.T, bin string, page []byte) *document.Document {
	t.Helper()
	dir := t.TempDir()
	in, out := filepath.Join(dir, "report.html"), filepath.Join(dir, "report.pdf")
	if err := os.WriteFile(in, page, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--no-first-run", "--user-data-dir="+filepath.Join(dir, "profile"),
		"--no-pdf-header-footer", "--print-to-pdf="+out, "file://"+in)
	// Chromium's helper processes may keep the output pipes open.
	cmd.WaitDelay = 10 * time.Second
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, msg)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("chromium wrote no PDF: %v", err)
	}
	doc, _, err := pdfdoc.Extract(data, pdfdoc.DefaultOptions())
	if err != nil {
		t.Fatalf("reading the printed PDF: %v", err)
	}
	return doc
}

func pageText(p document.Page) string {
	var b strings.Builder
	for _, bl := range p.Blocks {
		b.WriteString(bl.Text)
		b.WriteString("\n")
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// isA4 allows for the rounding of millimetres to points (595.28 x 841.89).
func isA4(p document.Page) bool {
	return math.Abs(p.Width-595.28) < 1.5 && math.Abs(p.Height-841.89) < 1.5
}

// frontEnd is the last paragraph of the front page: when it is on page 1,
// nothing of the scorecard ran on.
const frontEnd = "Scores: 0 absent"

// scorecardOnly hides everything after the front page, as printing only
// the first page does.
func scorecardOnly(page []byte) []byte {
	return bytes.Replace(page, []byte("</style>"), []byte("@media print { .criterion, .facts, .quality { display: none; } }\n</style>"), 1)
}

// The HTML scorecard prints as one A4 page that holds the whole front
// page, including for a document with a long title, many warnings, long
// summaries and many red flags; the details start on the next sheet.
func TestHTMLPrintsA4Scorecard(t *testing.T) {
	bin := chromiumPath(t)
	for _, name := range []string{"sample", "hostile"} {
		t.Run(name, func(t *testing.T) {
			c := loadCard(t, name)
			page := render(t, func(b *bytes.Buffer) error { return HTML(b, []*rules.Scorecard{c}) })

			alone := printPDF(t, bin, scorecardOnly(page))
			if len(alone.Pages) != 1 {
				t.Fatalf("the scorecard alone prints on %d pages, want 1", len(alone.Pages))
			}
			checkFront(t, alone.Pages[0], c)

			full := printPDF(t, bin, page)
			if len(full.Pages) < 2 {
				t.Fatalf("the report prints on %d pages, want the scorecard and then the details", len(full.Pages))
			}
			checkFront(t, full.Pages[0], c)
			second := pageText(full.Pages[1])
			if strings.Contains(second, frontEnd) {
				t.Error("the scorecard runs on to page 2")
			}
			first := c.Criteria[0]
			if !strings.HasPrefix(second, first.Name) {
				t.Errorf("page 2 starts %q, want the first criterion's details", second[:min(len(second), 80)])
			}
			for i, p := range full.Pages {
				if !isA4(p) {
					t.Errorf("page %d is %.1f x %.1f points, not A4", i+1, p.Width, p.Height)
				}
			}
		})
	}
}

func checkFront(t *testing.T, p document.Page, c *rules.Scorecard) {
	t.Helper()
	if !isA4(p) {
		t.Errorf("page 1 is %.1f x %.1f points, want A4 (595 x 842)", p.Width, p.Height)
	}
	text := pageText(p)
	if n := len(strings.Fields(text)); n < 80 {
		t.Errorf("page 1 has %d words: blank?\n%s", n, text)
	}
	for _, cr := range c.Criteria {
		if !strings.Contains(text, cr.Name) {
			t.Errorf("page 1 lacks %q", cr.Name)
		}
	}
	got, outOf := c.Total()
	for _, want := range []string{"nhsreview scorecard", "Total", frontEnd, c.Document.SHA256[:16]} {
		if !strings.Contains(strings.ToLower(text), strings.ToLower(want)) {
			t.Errorf("page 1 lacks %q (total %d/%d)", want, got, outOf)
		}
	}
	for _, wq := range c.Document.Quality.Warnings[:min(len(c.Document.Quality.Warnings), frontWarnings)] {
		if !strings.Contains(text, clip(wq, frontText)) {
			t.Errorf("page 1 lacks the warning %q", wq)
		}
	}
}

// The comparison's sorting script runs in a browser under the page's own
// Content-Security-Policy (which admits it by hash): after loading, every
// heading of the table is marked sortable.
func TestCompareScriptRuns(t *testing.T) {
	bin := chromiumPath(t)
	page := render(t, func(b *bytes.Buffer) error {
		return Compare(b, FormatHTML, cards(t, "sample", "westbrook-2024", "westbrook-2025"), Options{})
	})
	dir := t.TempDir()
	in := filepath.Join(dir, "compare.html")
	if err := os.WriteFile(in, page, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--no-first-run", "--user-data-dir="+filepath.Join(dir, "profile"), "--dump-dom", "file://"+in)
	cmd.WaitDelay = 10 * time.Second
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v", err)
	}
	heads := 2 + len(cards(t, "sample")[0].Criteria) + 2
	if n := strings.Count(stdout.String(), `aria-sort="none"`); n != heads {
		t.Errorf("%d sortable headings after the script ran, want %d", n, heads)
	}
}

// A board pack's HTML prints its agenda on one A4 sheet, whatever the
// number of items a real pack has (20 here, with long titles and
// presenters), and each triaged paper's detail starts on a new sheet.
func TestPackPrintsA4Agenda(t *testing.T) {
	bin := chromiumPath(t)
	card := loadCard(t, "westbrook-2025")
	p := &Pack{SchemaVersion: 1, Source: "board-pack-2026-03.pdf", Title: "Board of Directors meeting held in public, 4 March 2026"}
	// Distinct titles: headings that repeat at the top of every page
	// would be read back as running headers.
	topics := []string{"Chief Executive's report", "Integrated performance report", "Winter plan", "Finance report",
		"Population health strategy", "Quality and safety report", "People and culture report", "Digital strategy",
		"Maternity and neonatal safety", "Estates and sustainability", "Audit committee chair's report",
		"Health equity strategy", "Freedom to speak up report", "Infection prevention and control", "Charity annual report",
		"Research and innovation strategy", "Risk register and board assurance framework", "Capital plan",
		"Safeguarding annual report", "Partnership and place update"}
	for i := 1; i <= 20; i++ {
		pp := PackPaper{Number: fmt.Sprintf("%d", i), Title: fmt.Sprintf("Paper %d: %s for month ten of 2025/26, with appendices", i, topics[i-1]),
			Presenter: "Chief Operating Officer and Director of Finance", Purpose: "assurance", Kind: "report", FirstPage: 10 * i, LastPage: 10*i + 9}
		if i%5 == 0 {
			pp.Kind, pp.Card = "strategy or plan", card
		}
		p.Papers = append(p.Papers, pp)
	}
	page := render(t, func(b *bytes.Buffer) error { return WritePack(b, FormatHTML, p, Options{}) })
	doc := printPDF(t, bin, page)
	if len(doc.Pages) < 2 {
		t.Fatalf("the pack prints on %d pages, want the agenda and then the papers", len(doc.Pages))
	}
	first := pageText(doc.Pages[0])
	for _, pp := range p.Papers {
		if !strings.Contains(first, fmt.Sprintf("Paper %d:", mustAtoi(t, pp.Number))) {
			t.Errorf("page 1 lacks agenda item %s", pp.Number)
		}
	}
	if !strings.Contains(first, "End of the agenda") {
		t.Error("the agenda runs on past page 1")
	}
	if second := pageText(doc.Pages[1]); !strings.Contains(second[:min(len(second), 400)], "5 Paper 5:") {
		t.Errorf("page 2 starts %q, want the first triaged paper near its top", second[:min(len(second), 400)])
	}
	for i, pg := range doc.Pages {
		if !isA4(pg) {
			t.Errorf("page %d is %.1f x %.1f points, not A4", i+1, pg.Width, pg.Height)
		}
	}
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

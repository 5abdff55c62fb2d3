package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/nhsreview/nhsreview/corpus"
	"github.com/nhsreview/nhsreview/internal/testkit/golden"
	"github.com/nhsreview/nhsreview/internal/testkit/pdfgen"
)

// samplePDF typesets the bundled sample strategy (Markdown) as an A4 PDF:
// headings in bold, paragraphs and list items wrapped at the margins.
func samplePDF() []byte {
	const margin, width, bottom = 60.0, pdfgen.A4Width - 120.0, 60.0
	body := pdfgen.WinAnsi("F1", pdfgen.Helvetica)
	bold := pdfgen.WinAnsi("F2", pdfgen.HelveticaBold)
	doc := pdfgen.Doc{Title: "Northvale and Eastmoor Joint Forward Plan 2025-2030"}
	var c *pdfgen.Content
	y := 0.0
	need := func(h float64) {
		if c == nil || y-h < bottom {
			c = doc.AddPage().NewContent()
			y = pdfgen.A4Height - 60
		}
	}
	for _, para := range strings.Split(string(sampleDoc), "\n\n") {
		para = strings.TrimSpace(strings.ReplaceAll(para, "**", ""))
		switch {
		case para == "":
		case strings.HasPrefix(para, "#"):
			level := len(para) - len(strings.TrimLeft(para, "#"))
			size := map[int]float64{1: 18, 2: 14}[level]
			if size == 0 {
				size = 12
			}
			need(size * 3)
			y -= size * 1.8
			c.Text(bold, size, margin, y, strings.TrimSpace(para[level:]))
		default:
			for _, item := range strings.Split(para, "\n") {
				item = strings.TrimSpace(item)
				indent := 0.0
				if strings.HasPrefix(item, "- ") {
					item, indent = "• "+item[2:], 12
				}
				lines := pdfgen.Wrap(pdfgen.Helvetica, 10, width-indent, item)
				need(float64(len(lines))*13 + 8)
				y -= 16
				c.Lines(body, 10, margin+indent, y, 13, lines...)
				y -= 13 * float64(len(lines)-1)
			}
		}
	}
	return doc.MustBuild()
}

// The end-to-end test a person would do: upload a PDF through the form in
// headless Chromium, wait for the scorecard, check that the five criteria
// and their scores are shown, follow an evidence link to the highlighted
// passage, and take a screenshot (with -update it becomes the README's
// docs/serve-scorecard.png).
func TestBrowser(t *testing.T) {
	chrome := "/usr/bin/chromium"
	if _, err := os.Stat(chrome); err != nil {
		if chrome, err = exec.LookPath("chromium"); err != nil {
			t.Skip("chromium not installed (apt-get install chromium; .ci/run installs it): browser test skipped")
		}
	}
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	_, ts := newTestServer(t, nil)
	dir := t.TempDir()
	pdfPath := filepath.Join(dir, "northvale-joint-forward-plan.pdf")
	if err := os.WriteFile(pdfPath, samplePDF(), 0o644); err != nil {
		t.Fatal(err)
	}

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chrome), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.UserDataDir(filepath.Join(dir, "profile")),
		chromedp.WindowSize(1100, 1500))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()

	err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/"),
		chromedp.SetUploadFiles(chromedp.CSS(`#file`), []string{pdfPath}),
		chromedp.Click(chromedp.CSS(`form.score-form button[type="submit"]`)),
		chromedp.WaitReady(chromedp.CSS(`main`)),
	)
	if err != nil {
		t.Fatalf("uploading through the form: %v", err)
	}
	// The progress page first (it shows the stage of a long document),
	// then the scorecard once the job is done.
	var progress string
	for wait := time.Now().Add(30 * time.Second); time.Now().Before(wait); time.Sleep(20 * time.Millisecond) {
		if progress, err = chromedp.Run(ctx, chromedp.Location()); err != nil {
			t.Fatal(err)
		}
		if progress != ts.URL+"/" {
			break
		}
	}
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`article.card table.summary`))); err != nil {
		t.Fatalf("waiting for the scorecard: %v", err)
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(progress, "/jobs/") && !strings.Contains(progress, "/documents/") {
		t.Errorf("after the form: %s, want the progress page", progress)
	}
	if !strings.HasSuffix(loc, "/documents/1/") {
		t.Fatalf("the scorecard is at %s", loc)
	}

	var stored corpus.Detail
	resp, err := http.Get(ts.URL + "/api/documents/1")
	if err != nil {
		t.Fatal(err)
	}
	json.NewDecoder(resp.Body).Decode(&stored)
	resp.Body.Close()
	if stored.Card == nil || len(stored.Card.Criteria) != 5 || stored.Format != "pdf" {
		t.Fatalf("stored: %+v", stored.Entry)
	}
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[[][]string](`Array.from(document.querySelectorAll("table.summary tbody tr")).map(r => Array.from(r.cells).map(c => c.innerText.trim()))`))
	if err != nil {
		t.Fatal(err)
	}
	for i, cr := range stored.Card.Criteria {
		want := []string{cr.Name, fmt.Sprintf("%d/%d", cr.Score, cr.Max)}
		if i >= len(rows) || len(rows[i]) < 2 || rows[i][0] != want[0] || rows[i][1] != want[1] {
			t.Errorf("row %d shows %q, want %q", i, rows[i], want)
		}
	}
	total := 0
	for _, cr := range stored.Card.Criteria {
		total += cr.Score
	}
	if total == 0 {
		t.Error("the generated PDF scored 0 on every criterion: nothing to follow")
	}

	shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	checkScreenshot(t, shot)
	if golden.Update() {
		if err := os.WriteFile(filepath.Join("..", "..", "..", "..", "docs", "serve-scorecard.png"), shot, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// Follow the first evidence link with the keyboard: focus it, Enter.
	link := chromedp.CSS(`figure.quote figcaption a[href^="text#"]`)
	href, err := chromedp.Run(ctx, chromedp.AttributeValue(link, "href"))
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx, chromedp.Focus(link), chromedp.KeyEvent("\r"), chromedp.WaitVisible(chromedp.CSS(`div.doc`)))
	if err != nil {
		t.Fatalf("following the evidence link: %v", err)
	}
	viewLoc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	target, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(function(){var e=document.getElementById(decodeURIComponent(location.hash.slice(1))); return e ? e.tagName + "." + e.className + "|" + e.textContent : ""})()`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(viewLoc, "/documents/1/text#ev-") {
		t.Errorf("the evidence link %s led to %s", href.Value, viewLoc)
	}
	if !strings.HasPrefix(target, "MARK.ev|") && !strings.Contains(target, "ev-block") {
		t.Errorf("the link's target is %q, want a highlighted passage", target)
	}
	quote := ""
	for _, cr := range stored.Card.Criteria {
		if len(cr.Evidence) > 0 {
			quote = cr.Evidence[0].Quote
			break
		}
	}
	if words := strings.Fields(quote); len(words) > 2 && !strings.Contains(target, words[1]) {
		t.Errorf("the highlighted passage %q is not the first evidence quote %q", target, quote)
	}
}

// checkScreenshot fails a blank or tiny picture.
func checkScreenshot(t *testing.T, shot []byte) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	b := img.Bounds()
	if b.Dx() < 800 || b.Dy() < 800 {
		t.Errorf("screenshot is %v", b)
	}
	colours := map[[3]uint32]bool{}
	for y := b.Min.Y; y < b.Max.Y; y += 7 {
		for x := b.Min.X; x < b.Max.X; x += 7 {
			r, g, bl, _ := img.At(x, y).RGBA()
			colours[[3]uint32{r >> 12, g >> 12, bl >> 12}] = true
		}
	}
	if len(colours) < 8 {
		t.Errorf("screenshot has %d colours: blank?", len(colours))
	}
}

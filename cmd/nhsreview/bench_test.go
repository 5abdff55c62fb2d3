//go:build linux

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"

	"github.com/nhsreview/nhsreview/internal/testkit/pdfgen"
)

// BenchmarkScoreGenerated runs the whole command, `nhsreview score
// --format json`, as its own process on generated board packs, and
// reports, beside the time, the peak resident memory (Linux) of the largest
// process of the run (the command or its PDF reader, as GNU time reports
// it). Issue 8's targets: a 300-page pack in under 2 s, a 5,000-page
// document under 500 MB.
//
//	go test ./cmd/nhsreview -run XXX -bench ScoreGenerated -benchtime 3x
func BenchmarkScoreGenerated(b *testing.B) {
	exe, err := exec.LookPath("nhsreview") // the test binary, under testscript's name
	if err != nil {
		b.Fatalf("testscript did not put nhsreview on PATH: %v", err)
	}
	for _, pages := range []int{300, 5000} {
		b.Run(strconv.Itoa(pages)+"pages", func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "pack.pdf")
			if err := os.WriteFile(path, pdfgen.ManyPages(pages).PDF, 0o644); err != nil {
				b.Fatal(err)
			}
			var peak int64
			b.ResetTimer()
			for range b.N {
				cmd := exec.Command(exe, "score", "--format", "json", "-o", os.DevNull, path)
				if out, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("%v: %s", err, out)
				}
				if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
					peak = max(peak, ru.Maxrss) // KiB on Linux
				}
			}
			b.ReportMetric(float64(peak)/1024, "peak-MB")
			b.ReportMetric(float64(pages)/(b.Elapsed().Seconds()/float64(b.N)), "pages/s")
		})
	}
}

// BenchmarkPackGenerated runs `nhsreview pack --format json` as its own
// process, on one core (GOMAXPROCS=1 for the command and its PDF reader),
// on generated packs the size of a 400-page pack: "markdown", 40 papers,
// each with a cover sheet and about ten pages of text (some 200,000
// words); "pdf", a 401-page PDF of 40 papers of 10 pages each
// (pdfgen.ManyPagesPack, split at its running "Agenda item N" headers;
// about 190,000 words), read, split and triaged. Issue 15's target: split
// and triaged in under 5 s on one core.
//
//	go test ./cmd/nhsreview -run XXX -bench PackGenerated -benchtime 3x -cpu 1
func BenchmarkPackGenerated(b *testing.B) {
	exe, err := exec.LookPath("nhsreview")
	if err != nil {
		b.Fatalf("testscript did not put nhsreview on PATH: %v", err)
	}
	var md []byte
	md = append(md, "# Board meeting in public\n\nAgenda\n\n"...)
	para := "Healthy life expectancy in the most deprived wards is 9 years shorter than in the least deprived, and we will offer targeted health checks there from April 2026 with £1.2m a year from the public health grant. "
	for item := 1; item <= 40; item++ {
		md = append(md, "**Agenda item:**\n\n2025-26 ("+strconv.Itoa(item)+")\n\n**Title of report:**\n\nPopulation Health Plan update "+strconv.Itoa(item)+"\n\n**Purpose:**\n\nFor approval\n\n"...)
		for p := 0; p < 10*14; p++ { // about ten pages of 500 words
			md = append(md, para...)
			if p%4 == 3 {
				md = append(md, "\n\n"...)
			}
		}
		md = append(md, "\n\n"...)
	}
	for _, pk := range []struct {
		name, file string
		data       []byte
	}{
		{"markdown", "pack.md", md},
		{"pdf", "pack.pdf", pdfgen.ManyPagesPack(40, 10).PDF},
	} {
		b.Run(pk.name, func(b *testing.B) {
			path := filepath.Join(b.TempDir(), pk.file)
			if err := os.WriteFile(path, pk.data, 0o644); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(pk.data)))
			b.ResetTimer()
			for range b.N {
				cmd := exec.Command(exe, "pack", "-j", "1", "--format", "json", "-o", os.DevNull, path)
				cmd.Env = append(os.Environ(), "GOMAXPROCS=1")
				if out, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("%v: %s", err, out)
				}
			}
		})
	}
}

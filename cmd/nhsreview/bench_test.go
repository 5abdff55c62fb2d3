//go:build linux

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/nhsreview/nhsreview/corpus"
	"github.com/nhsreview/nhsreview/internal/testkit/pdfgen"
	"github.com/nhsreview/nhsreview/internal/testkit/pgtest"
	"github.com/nhsreview/nhsreview/pipeline/jobs"
	"github.com/nhsreview/nhsreview/reports"
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

// BenchmarkCrawlWorkers is issue 18's throughput benchmark: one crawl,
// queued with 'corpus crawl --queue --detach' on PostgreSQL (pgtest's
// throwaway server, or $NHSREVIEW_TEST_POSTGRES's), run by 1, 2 and 4
// 'nhsreview worker' processes of one job each (--jobs 1, --delay 0) on
// this machine, each time into a new database. It is timed (ns/op) from
// the workers' start to the end of the last job, and reports documents
// and pages stored per second, the CPU time the workers took per page
// (their PDF readers' too, those that ended before them; not the
// server's), the peak resident memory of the largest worker process (its
// PDF reader is a process of its own), and how much the database grew
// per page. The documents,
// served from this process: "packs", 8 generated board packs of 301 pages
// (an agenda and 30 papers of 10 pages); "papers", 100 generated papers
// of 11 pages; "dir", when $NHSREVIEW_BENCH_DOCS names a directory, its
// PDF and DOCX files (the real documents in /work/shared/corpus/real,
// say; they are read where they are), but for a .pdf that is not a PDF
// (its job would fail 5 times over some 6 minutes of backoff).
//
//	go test ./cmd/nhsreview -run XXX -bench CrawlWorkers -benchtime 1x -timeout 1h
func BenchmarkCrawlWorkers(b *testing.B) {
	sets := []struct {
		name string
		docs func() map[string][]byte
	}{
		{"packs", func() map[string][]byte {
			docs := map[string][]byte{}
			for i := range 8 {
				docs[fmt.Sprintf("/packs/board-%02d.pdf", i+1)] = pdfgen.ManyPagesPackTitled(fmt.Sprintf("Board of Directors meeting %d", i+1), 30, 10).PDF
			}
			return docs
		}},
		{"papers", func() map[string][]byte {
			docs := map[string][]byte{}
			for i := range 100 {
				docs[fmt.Sprintf("/papers/paper-%03d.pdf", i+1)] = pdfgen.ManyPagesPackTitled(fmt.Sprintf("Board paper %d", i+1), 1, 10).PDF
			}
			return docs
		}},
	}
	if dir := os.Getenv("NHSREVIEW_BENCH_DOCS"); dir != "" {
		sets = append(sets, struct {
			name string
			docs func() map[string][]byte
		}{"dir", func() map[string][]byte {
			docs := map[string][]byte{}
			for _, ext := range []string{"*.pdf", "*.docx"} {
				paths, _ := filepath.Glob(filepath.Join(dir, ext))
				for _, p := range paths {
					data, err := os.ReadFile(p)
					if err != nil {
						b.Fatal(err)
					}
					if ext == "*.pdf" && !bytes.Contains(data[:min(len(data), 1024)], []byte("%PDF-")) {
						// Its job would fail each of its 5 tries, and
						// the crawl would wait minutes for its retries.
						b.Logf("%s: not a PDF, left out", p)
						continue
					}
					docs["/docs/"+filepath.Base(p)] = data
				}
			}
			if len(docs) == 0 {
				b.Fatalf("NHSREVIEW_BENCH_DOCS=%s: no PDF or DOCX files", dir)
			}
			return docs
		}})
	}
	for _, set := range sets {
		docs := set.docs()
		s := newSite(b, docs)
		for _, workers := range []int{1, 2, 4} {
			b.Run(fmt.Sprintf("%s/workers=%d", set.name, workers), func(b *testing.B) {
				ctx := testContext(b)
				var elapsed, cpu time.Duration
				var stored, pages int
				var peak, dbBytes int64
				b.StopTimer()
				for range b.N {
					db := pgtest.URL(b)
					if out, errs, code := runCLI(b, "corpus", "crawl", "--db", db, "--queue", "--detach", "--delay", "0", "--kind", "board-papers", s.URL+"/publications.html"); code != exitOK {
						b.Fatalf("crawl --queue --detach: exit %d\n%s%s", code, out, errs)
					}
					st, err := corpus.Open(ctx, db)
					if err != nil {
						b.Fatal(err)
					}
					q, err := jobs.New(st, jobs.Config{})
					if err != nil {
						b.Fatal(err)
					}
					size0 := dbSize(b, st)
					ws := &workerSet{t: b, db: db, args: []string{"--jobs", "1", "--delay", "0"}}
					b.StartTimer()
					start := time.Now()
					for range workers {
						ws.start()
					}
					var list []jobs.Job
					for {
						if list, err = q.List(ctx, nil, 10*len(docs)); err != nil {
							b.Fatal(err)
						}
						if !slices.ContainsFunc(list, func(j jobs.Job) bool { return j.State == "queued" || j.State == "running" }) {
							break
						}
						select {
						case <-ctx.Done():
							b.Fatalf("jobs still queued or running: %s", jobSummary(list))
						case <-time.After(50 * time.Millisecond):
						}
					}
					elapsed += time.Since(start)
					b.StopTimer()
					ws.stop()
					for _, w := range ws.all {
						// The worker's, and its PDF readers' that ended.
						cpu += w.cmd.ProcessState.UserTime() + w.cmd.ProcessState.SystemTime()
						if ru, ok := w.cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
							peak = max(peak, ru.Maxrss) // KiB on Linux
						}
					}
					for _, j := range list {
						if j.State != "done" {
							b.Fatalf("job %d (%s): %s %q", j.ID, j.What, j.State, j.Errors)
						}
					}
					out, errs, code := runCLI(b, "corpus", "ls", "--db", db, "--format", "json")
					var entries []reports.ListingEntry
					if code != exitOK || json.Unmarshal([]byte(out), &entries) != nil || len(entries) != len(docs) {
						b.Fatalf("corpus ls: exit %d, %d documents, want %d: %s", code, len(entries), len(docs), errs)
					}
					for _, e := range entries {
						pages += e.Pages
					}
					dbBytes += dbSize(b, st) - size0
					stored += len(entries)
					st.Close()
				}
				b.ReportMetric(float64(stored)/elapsed.Seconds(), "docs/s")
				b.ReportMetric(float64(pages)/elapsed.Seconds(), "pages/s")
				b.ReportMetric(float64(peak)/1024, "peak-MB")
				b.ReportMetric(cpu.Seconds()*1000/float64(pages), "cpu-ms/page")
				b.ReportMetric(float64(dbBytes)/1024/float64(pages), "db-KB/page")
			})
		}
	}
}

// dbSize is the size of st's PostgreSQL database in bytes.
func dbSize(b *testing.B, st *corpus.Store) int64 {
	var size int64
	if err := st.DB().QueryRow(`SELECT pg_database_size(current_database())`).Scan(&size); err != nil {
		b.Fatal(err)
	}
	return size
}

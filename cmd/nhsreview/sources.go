package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/extract"
	"github.com/nhsreview/nhsreview/pipeline/fetch"
)

// readOptions are the flags shared by every command that reads sources.
type readOptions struct {
	deadline time.Duration
	maxBytes int64
	jobs     int
	timeout  time.Duration
}

func (o *readOptions) register(c *cobra.Command) {
	c.Flags().DurationVar(&o.deadline, "deadline", extract.DefaultDeadline, "time allowed to read one document")
	c.Flags().DurationVar(&o.timeout, "timeout", fetch.DefaultTimeout, "time allowed to download one URL")
	c.Flags().Int64Var(&o.maxBytes, "max-bytes", fetch.DefaultMaxBytes, "size limit of one document in bytes")
	c.Flags().IntVarP(&o.jobs, "jobs", "j", runtime.NumCPU(), "documents read at the same time")
}

// loaded is one source's outcome.
type loaded struct {
	source string
	doc    *document.Document
	err    error
}

// readAll fetches and extracts every source, several at a time, and
// returns the outcomes in the order given. Each failure is reported on
// stderr as it happens, as are quality warnings.
func readAll(ctx context.Context, sources []string, o readOptions, stderr io.Writer) []loaded {
	out := make([]loaded, len(sources))
	jobs := o.jobs
	if jobs < 1 {
		jobs = 1
	}
	var mu sync.Mutex // serialises stderr lines
	sem := make(chan struct{}, jobs)
	var wg sync.WaitGroup
	for i, src := range sources {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int, src string) {
			defer wg.Done()
			defer func() { <-sem }()
			d, err := readOne(ctx, src, o)
			out[i] = loaded{source: src, doc: d, err: err}
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				fmt.Fprintf(stderr, "nhsreview: %s: %s\n", src, oneLine(err.Error()))
				return
			}
			for _, w := range d.Quality.Warnings {
				fmt.Fprintf(stderr, "nhsreview: %s: warning: %s\n", src, oneLine(w))
			}
		}(i, src)
	}
	wg.Wait()
	return out
}

func fetchOptions(o readOptions) fetch.Options {
	return fetch.Options{Timeout: o.timeout, MaxBytes: o.maxBytes, UserAgent: fetch.DefaultUserAgent(version)}
}

func readOne(ctx context.Context, src string, o readOptions) (*document.Document, error) {
	res, err := fetch.Get(ctx, src, fetchOptions(o))
	if err != nil {
		return nil, err
	}
	return extract.Document(ctx, res, extract.Options{Deadline: o.deadline})
}

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\r", " ")
	return strings.ReplaceAll(s, "\n", " ")
}

// output opens where results go: stdout, or a file written atomically
// (a temporary file renamed into place on success, removed on failure), so
// that a failed run never leaves a half-written report.
type output struct {
	w    io.Writer
	f    *os.File
	path string
}

func openOutput(path string, stdout io.Writer) (*output, error) {
	if path == "" || path == "-" {
		return &output{w: stdout}, nil
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	return &output{w: f, f: f, path: path}, nil
}

// close finishes the output: keep is false when nothing valid was written.
func (o *output) close(keep bool) error {
	if o.f == nil {
		return nil
	}
	name := o.f.Name()
	err := o.f.Close()
	if !keep || err != nil {
		os.Remove(name)
		if err != nil {
			return fmt.Errorf("writing %s: %w", o.path, err)
		}
		return nil
	}
	if err := os.Rename(name, o.path); err != nil {
		os.Remove(name)
		return fmt.Errorf("writing %s: %w", o.path, err)
	}
	return nil
}

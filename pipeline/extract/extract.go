// Package extract turns fetched bytes into the document model: it decides
// the format from the bytes, runs the reader for that format, builds the
// section tree and records where the document came from.
//
// PDFs are read in a child process (a re-execution of the running binary,
// see Worker): the PDF library can panic or loop forever on hostile input,
// and only killing a process really stops it, so the deadline holds and a
// crash costs one document, not the run.
package extract

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"time"

	"github.com/nhsreview/nhsreview/pipeline/crash"
	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/extract/docxdoc"
	"github.com/nhsreview/nhsreview/pipeline/extract/htmldoc"
	"github.com/nhsreview/nhsreview/pipeline/extract/pdfdoc"
	"github.com/nhsreview/nhsreview/pipeline/extract/textdoc"
	"github.com/nhsreview/nhsreview/pipeline/fetched"
	"github.com/nhsreview/nhsreview/pipeline/sections"
)

// Options controls extraction. Zero fields take their defaults.
type Options struct {
	// Deadline bounds the work on one document; past it the child reading
	// a PDF is killed, and the other readers are abandoned.
	Deadline time.Duration
	// InProcess reads PDFs in this process (tests, fuzzing, benchmarks):
	// panics are still recovered but a hang cannot be stopped.
	InProcess bool
	// MaxMemory bounds the memory of the child reading a PDF (bytes of
	// writable mappings, RLIMIT_DATA; 0 for the default). Linux only.
	MaxMemory int64
	// MaxDepth bounds nesting: Form XObjects in a PDF, elements in HTML
	// and DOCX. 0 keeps each reader's own default, since their natural
	// depths differ by two orders of magnitude (12 forms, 256 DOCX and
	// 1000 HTML elements).
	MaxDepth int
	// MaxPages and MaxStreamBytes bound a PDF (0: DefaultMaxPages,
	// DefaultMaxStreamBytes), for callers that set limits without
	// knowing the PDF reader; PDF holds the reader's other options.
	MaxPages       int
	MaxStreamBytes int64
	PDF            pdfdoc.Options
	// OCR says whether a PDF's scanned pages are read by OCR (--ocr;
	// "" is OCRAuto), and OCRJobs how many pages at a time, across all
	// the documents being read (-j; 0 for the number of cores).
	OCR     OCRMode
	OCRJobs int
}

// The PDF reader's default limits, for flags that show them.
const (
	DefaultMaxPages       = pdfdoc.DefaultMaxPages
	DefaultMaxStreamBytes = pdfdoc.DefaultMaxStreamBytes
)

// DefaultDeadline is the default time allowed for one document.
const DefaultDeadline = 60 * time.Second

// DefaultMaxMemory bounds a PDF child's memory: a decompression bomb or
// a hostile object count fails the one document instead of exhausting the
// machine. A 10,000-page document needs about 700 MB.
const DefaultMaxMemory = 4 << 30

// ErrDeadline is returned when a document takes longer than the deadline.
var ErrDeadline = errors.New("deadline exceeded")

// Document reads one fetched source.
func Document(ctx context.Context, res *fetched.Doc, opt Options) (*document.Document, error) {
	if opt.Deadline <= 0 {
		opt.Deadline = DefaultDeadline
	}
	if opt.MaxDepth > 0 {
		opt.PDF.MaxFormDepth = opt.MaxDepth
	}
	if opt.MaxPages > 0 {
		opt.PDF.MaxPages = opt.MaxPages
	}
	if opt.MaxStreamBytes > 0 {
		opt.PDF.MaxStreamBytes = opt.MaxStreamBytes
	}
	opt.PDF = opt.PDF.WithDefaults()
	format, err := res.Sniff()
	if err != nil {
		return nil, err
	}
	var engine string
	var missing error
	if format == document.FormatPDF {
		var scan pdfdoc.ScanMode
		if scan, engine, missing, err = scanMode(opt.OCR); err != nil {
			return nil, err
		}
		opt.PDF.Scan = scan
	}
	var r readResult
	if format == document.FormatPDF && !opt.InProcess {
		r.d, r.marks, r.scans, err = runWorker(ctx, res.Data, opt)
	} else {
		r, err = inProcess(ctx, format, res, opt)
	}
	if err != nil {
		return nil, err
	}
	if format != document.FormatPDF {
		return r.d, nil // finished by read, under the deadline
	}
	return protect(format, func() (*document.Document, error) {
		// Scanned pages are read after the PDF, outside its worker: each
		// page is a Tesseract process of its own, with its own deadline.
		if err := finishOCR(ctx, r.d, r.scans, engine, missing, opt); err != nil {
			return nil, err
		}
		return finish(r.d, r.marks, res), nil
	})
}

// readResult is what a reader gives: the document, and for a PDF its
// bookmarks and its scanned pages' images.
type readResult struct {
	d     *document.Document
	marks []pdfdoc.Bookmark
	scans *pdfdoc.Scans
}

// protect turns a panic into an error naming the format: one document
// lost, with one line, instead of a crashed run and a stack trace.
func protect(format document.Format, fn func() (*document.Document, error)) (d *document.Document, err error) {
	defer crash.Guard(&err, fmt.Sprintf("reading the %s", format))
	return fn()
}

// inProcess runs a reader in this process under the deadline. A reader
// that overruns is told to stop (its context is cancelled, and it checks
// it in its loops) and is not waited for, and a panic in any reader costs
// this document, never the run.
func inProcess(ctx context.Context, format document.Format, res *fetched.Doc, opt Options) (readResult, error) {
	type result struct {
		r   readResult
		err error
	}
	// The readers check rctx in their loops, so that one abandoned at
	// the deadline stops soon after instead of running to the end.
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan result, 1)
	go func() {
		var out result
		func() {
			defer crash.Guard(&out.err, fmt.Sprintf("reading the %s", format))
			out.r, out.err = read(rctx, format, res, opt)
		}()
		done <- out
	}()
	timer := time.NewTimer(opt.Deadline)
	defer timer.Stop()
	select {
	case r := <-done:
		return r.r, r.err
	case <-timer.C:
		return readResult{}, fmt.Errorf("%w: reading the document took longer than %s (--deadline)", ErrDeadline, opt.Deadline)
	case <-ctx.Done():
		return readResult{}, ctx.Err()
	}
}

func read(ctx context.Context, format document.Format, res *fetched.Doc, opt Options) (readResult, error) {
	var r readResult
	var err error
	switch format {
	case document.FormatPDF:
		r.d, r.marks, r.scans, err = pdfdoc.ExtractScans(res.Data, opt.PDF)
	case document.FormatHTML:
		r.d, err = htmldoc.ReadWith(res.Data, res.ContentType, htmldoc.Options{MaxDepth: opt.MaxDepth, Context: ctx})
	case document.FormatDOCX:
		r.d, err = docxdoc.ReadWith(res.Data, res.ContentType, docxdoc.Options{MaxDepth: opt.MaxDepth, Context: ctx})
	case document.FormatMarkdown, document.FormatText:
		data, ct := textOf(format, res)
		r.d, err = textdoc.ReadContext(ctx, data, ct)
	default:
		return r, fmt.Errorf("format %q not supported", format)
	}
	if err != nil || format == document.FormatPDF {
		return r, err // a PDF is finished once its scanned pages are read
	}
	r.d = finish(r.d, nil, res)
	return r, nil
}

// textOf is what textdoc reads: the bytes, as UTF-8 when a byte-order
// mark said what they were, and the media type of the format Sniff chose,
// with the charset the server declared unless a mark decided it.
func textOf(format document.Format, res *fetched.Doc) ([]byte, string) {
	ct := "text/plain"
	if format == document.FormatMarkdown {
		ct = "text/markdown"
	}
	data := fetched.DecodeText(res.Data)
	if len(data) != len(res.Data) || len(data) > 0 && &data[0] != &res.Data[0] {
		return data, ct // DecodeText read a byte-order mark
	}
	if _, params, err := mime.ParseMediaType(res.ContentType); err == nil && params["charset"] != "" {
		ct = mime.FormatMediaType(ct, map[string]string{"charset": params["charset"]})
	}
	return data, ct
}

// finish records where the document came from and builds its sections
// (headings from markup, in every format but PDF, are taken as written).
// Empty lists become [] rather than null in the JSON: a document from a
// PDF worker lost them on the way, as gob sends no empty slice.
func finish(d *document.Document, bm []pdfdoc.Bookmark, res *fetched.Doc) *document.Document {
	var marks []sections.Mark
	for _, b := range bm {
		marks = append(marks, sections.Mark{Title: b.Title, Level: b.Level, Page: b.Page})
	}
	sum := sha256.Sum256(res.Data)
	d.Source = res.Source
	d.SHA256 = hex.EncodeToString(sum[:])
	d.SchemaVersion = document.SchemaVersion
	sections.Build(d, marks, d.Format != document.FormatPDF)
	for i := range d.Pages {
		if d.Pages[i].Blocks == nil {
			d.Pages[i].Blocks = []document.Block{}
		}
	}
	if d.Quality.Warnings == nil {
		d.Quality.Warnings = []string{}
	}
	return d
}

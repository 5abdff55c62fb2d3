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
	"time"

	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/extract/docxdoc"
	"github.com/nhsreview/nhsreview/pipeline/extract/htmldoc"
	"github.com/nhsreview/nhsreview/pipeline/extract/pdfdoc"
	"github.com/nhsreview/nhsreview/pipeline/extract/textdoc"
	"github.com/nhsreview/nhsreview/pipeline/fetch"
	"github.com/nhsreview/nhsreview/pipeline/sections"
)

// Options controls extraction.
type Options struct {
	// Deadline bounds the work on one document; past it the child reading
	// a PDF is killed.
	Deadline time.Duration
	// InProcess reads PDFs in this process (tests, fuzzing, benchmarks):
	// panics are still recovered but a hang cannot be stopped.
	InProcess bool
	// MaxMemory bounds the address space of the child reading a PDF
	// (bytes; 0 for the default). Linux only.
	MaxMemory int64
	PDF       pdfdoc.Options
}

// DefaultDeadline is the default time allowed for one document.
const DefaultDeadline = 60 * time.Second

// DefaultMaxMemory bounds a PDF child's address space: a decompression
// bomb or a hostile object count fails the one document instead of
// exhausting the machine.
const DefaultMaxMemory = 4 << 30

// ErrDeadline is returned when a document takes longer than the deadline.
var ErrDeadline = errors.New("deadline exceeded")

// Document reads one fetched source.
func Document(ctx context.Context, res *fetch.Result, opt Options) (*document.Document, error) {
	if opt.Deadline <= 0 {
		opt.Deadline = DefaultDeadline
	}
	if opt.PDF.MaxPages <= 0 {
		opt.PDF = pdfdoc.DefaultOptions()
	}
	format, err := res.Sniff()
	if err != nil {
		return nil, err
	}
	var d *document.Document
	var marks []sections.Mark
	markup := false
	switch format {
	case document.FormatPDF:
		var bm []pdfdoc.Bookmark
		if opt.InProcess {
			d, bm, err = pdfdoc.Extract(res.Data, opt.PDF)
		} else {
			d, bm, err = runWorker(ctx, res.Data, opt)
		}
		for _, b := range bm {
			marks = append(marks, sections.Mark{Title: b.Title, Level: b.Level, Page: b.Page})
		}
	case document.FormatHTML:
		d, err = htmldoc.Read(res.Data, res.ContentType)
		markup = true
	case document.FormatDOCX:
		d, err = docxdoc.Read(res.Data, res.ContentType)
		markup = true
	case document.FormatMarkdown:
		d, err = textdoc.Read(fetch.DecodeText(res.Data), "text/markdown")
		markup = true
	case document.FormatText:
		d, err = textdoc.Read(fetch.DecodeText(res.Data), "text/plain")
		markup = true
	default:
		return nil, fmt.Errorf("format %q not supported", format)
	}
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(res.Data)
	d.Source = res.Source
	d.SHA256 = hex.EncodeToString(sum[:])
	d.SchemaVersion = document.SchemaVersion
	sections.Build(d, marks, markup)
	if d.Quality.Warnings == nil {
		d.Quality.Warnings = []string{}
	}
	return d, nil
}

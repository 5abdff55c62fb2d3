package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/reports"
)

// extractOptions are the flags of 'extract'.
type extractOptions struct {
	sources sourceFlags
	read    readOptions
	format  formatFlag
	outPath string
}

func newExtractCmd(stdout, stderr io.Writer) *cobra.Command {
	var opts extractOptions
	c := &cobra.Command{
		Use:   "extract SOURCE...",
		Short: "Read documents (PDF, HTML, Markdown, text, DOCX; files or URLs) and print their text or structure",
		Long: `Reads each SOURCE (a file or an http(s) URL) into pages of typed blocks and a
section tree. --format text prints the text in reading order with a form feed
between pages, like pdftotext; --format json prints the document model
(CONTRACT.md, schema_version 1), one object per source, an array when there
are several.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return exitWith(opts.sources.withSources(args, stderr, func(sources []string) int {
				return runExtract(c.Context(), opts, sources, stdout, stderr)
			}))
		},
	}
	opts.format.register(c, reports.FormatText, textOrJSON, "")
	registerOutput(c, &opts.outPath)
	opts.read.register(c)
	opts.sources.register(c)
	return c
}

// runExtract reads every source and writes the documents read; exit 2
// when one could not be read (the others are still written).
func runExtract(ctx context.Context, opts extractOptions, sources []string, stdout, stderr io.Writer) int {
	format, err := opts.format.parse()
	if err != nil {
		return fail(stderr, err)
	}
	out, err := openOutput(opts.outPath, stdout)
	if err != nil {
		return fail(stderr, err)
	}
	docs, failed := succeeded(readAll(ctx, sources, opts.read, stderr))
	werr := writeExtract(out.w, docs, format, len(sources) > 1)
	if err := out.close(werr == nil && len(docs) > 0); err != nil {
		return fail(stderr, err)
	}
	if werr != nil {
		return fail(stderr, werr)
	}
	if failed {
		return exitFailure
	}
	return exitOK
}

// writeExtract writes the documents: their text, each under a "==> source
// <==" heading when there are several (as head(1) does), or their JSON,
// an array when there are several sources.
func writeExtract(w io.Writer, docs []*document.Document, format reports.Format, many bool) error {
	switch format {
	case reports.FormatJSON:
		if many {
			if docs == nil {
				docs = []*document.Document{}
			}
			return reports.WriteJSON(w, docs)
		}
		if len(docs) == 0 {
			return nil
		}
		return reports.WriteJSON(w, docs[0])
	default:
		for i, d := range docs {
			if many {
				if i > 0 {
					fmt.Fprint(w, "\n")
				}
				fmt.Fprintf(w, "==> %s <==\n", d.Source)
			}
			if _, err := io.WriteString(w, d.PlainText()); err != nil {
				return err
			}
		}
	}
	return nil
}

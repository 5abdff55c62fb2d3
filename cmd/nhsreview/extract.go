package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/reports"
)

func newExtractCmd(stdout, stderr io.Writer) *cobra.Command {
	var ro readOptions
	var format, outPath string
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
			if err := checkFormat(format, "text", "json"); err != nil {
				return err
			}
			out, err := openOutput(outPath, stdout)
			if err != nil {
				return err
			}
			docs, failed := succeeded(readAll(c.Context(), args, ro, stderr))
			werr := writeExtract(out.w, docs, format, len(args) > 1)
			if err := out.close(werr == nil && len(docs) > 0); err != nil {
				return err
			}
			if werr != nil {
				return werr
			}
			if failed {
				return exitError{exitFailure}
			}
			return nil
		},
	}
	c.Flags().StringVarP(&format, "format", "f", "text", "output format: text or json")
	c.Flags().StringVarP(&outPath, "output", "o", "", "write to this file (atomically) instead of standard output")
	ro.register(c)
	return c
}

func writeExtract(w io.Writer, docs []*document.Document, format string, many bool) error {
	switch format {
	case "json":
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

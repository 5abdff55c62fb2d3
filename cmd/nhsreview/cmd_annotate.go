package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nhsreview/nhsreview/pipeline/annotate"
	"github.com/nhsreview/nhsreview/reports"
)

// annotateOptions are the flags of 'annotate'.
type annotateOptions struct {
	sources sourceFlags
	read    readOptions
	format  formatFlag
}

// newAnnotateCmd shows what the annotators found, sentence by sentence:
// the raw material of the rules, for people writing or checking them.
func newAnnotateCmd(stdout, stderr io.Writer) *cobra.Command {
	var opts annotateOptions
	c := &cobra.Command{
		Use:   "annotate SOURCE...",
		Short: "Show the sentences of documents with what the annotators found in them (for rule authors)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return exitWith(opts.sources.withSources(args, stderr, func(sources []string) int {
				return runAnnotate(c.Context(), opts, sources, stdout, stderr)
			}))
		},
	}
	opts.format.register(c, reports.FormatText, textOrJSON, " (one sentence per line)")
	opts.read.register(c)
	opts.sources.register(c)
	return c
}

// runAnnotate reads every source and writes its annotated sentences;
// exit 2 when one could not be read (the others are still written).
func runAnnotate(ctx context.Context, opts annotateOptions, sources []string, stdout, stderr io.Writer) int {
	format, err := opts.format.parse()
	if err != nil {
		return fail(stderr, err)
	}
	failed := false
	for _, r := range readAll(ctx, sources, opts.read, stderr) {
		if r.err != nil {
			failed = true
			continue
		}
		ad := annotate.Annotate(r.val)
		if format == reports.FormatJSON {
			if err := writeSentencesJSON(stdout, ad.Sentences); err != nil {
				return fail(stderr, err)
			}
			continue
		}
		writeSentences(stdout, ad.Sentences)
	}
	if failed {
		return exitFailure
	}
	return exitOK
}

// writeSentencesJSON writes one sentence per line, for jq and grep.
func writeSentencesJSON(w io.Writer, sentences []annotate.Sentence) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, s := range sentences {
		if err := enc.Encode(s); err != nil {
			return err // stdout failed: the message says how
		}
	}
	return nil
}

// writeSentences writes each sentence with its place and kind, then its
// header, claim and annotations, one a line.
func writeSentences(w io.Writer, sentences []annotate.Sentence) {
	for _, s := range sentences {
		fmt.Fprintf(w, "p%d b%d %s | %s\n", s.Page, s.Block, s.Kind, s.Text)
		if s.Header != "" {
			fmt.Fprintf(w, "    %-22s %q\n", "header", s.Header)
		}
		fmt.Fprintf(w, "    %-22s %s\n", "claim", s.Claim)
		for _, a := range s.Annotations {
			sub := a.Kind
			if a.Sub != "" {
				sub += ":" + a.Sub
			}
			extra := ""
			if a.Value != 0 {
				extra = fmt.Sprintf(" = %g", a.Value)
			}
			if a.Unit != "" {
				extra += " " + a.Unit
			}
			fmt.Fprintf(w, "    %-22s %q%s\n", sub, a.Text, strings.TrimRight(extra, " "))
		}
	}
}

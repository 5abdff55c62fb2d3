package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nhsreview/nhsreview/pipeline/annotate"
)

// newAnnotateCmd shows what the annotators found, sentence by sentence:
// the raw material of the rules, for people writing or checking them.
func newAnnotateCmd(stdout, stderr io.Writer) *cobra.Command {
	var ro readOptions
	var format string
	c := &cobra.Command{
		Use:   "annotate SOURCE...",
		Short: "Show the sentences of documents with what the annotators found in them (for rule authors)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if err := checkFormat(format, "text", "json"); err != nil {
				return err
			}
			failed := false
			for _, r := range readAll(c.Context(), args, ro, stderr) {
				if r.err != nil {
					failed = true
					continue
				}
				ad := annotate.Annotate(r.val)
				if format == "json" {
					enc := json.NewEncoder(stdout)
					enc.SetEscapeHTML(false)
					for _, s := range ad.Sentences {
						if err := enc.Encode(s); err != nil {
							return err
						}
					}
					continue
				}
				for _, s := range ad.Sentences {
					fmt.Fprintf(stdout, "p%d b%d %s | %s\n", s.Page, s.Block, s.Kind, s.Text)
					if s.Header != "" {
						fmt.Fprintf(stdout, "    %-22s %q\n", "header", s.Header)
					}
					fmt.Fprintf(stdout, "    %-22s %s\n", "claim", s.Claim)
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
						fmt.Fprintf(stdout, "    %-22s %q%s\n", sub, a.Text, strings.TrimRight(extra, " "))
					}
				}
			}
			if failed {
				return exitError{exitFailure}
			}
			return nil
		},
	}
	c.Flags().StringVarP(&format, "format", "f", "text", "output format: text or json (one sentence per line)")
	ro.register(c)
	return c
}

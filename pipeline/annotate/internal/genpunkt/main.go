// Command genpunkt writes pipeline/annotate/punkt_english.tsv: the English
// training tables of the Punkt sentence tokenizer
// (gopkg.in/neurosnap/sentences.v1/data): for each table a line with its
// name, then its entries, one "WORD<TAB>VALUE" a line, sorted.
// The package ships them as gzipped JSON, and inflating and decoding it
// took 11 ms, a fifth of every scoring command's fixed cost; the lines
// are read into the same maps in about a millisecond.
//
// Run by go generate ./pipeline/annotate (from that directory).
package main

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"strings"

	"gopkg.in/neurosnap/sentences.v1"
	"gopkg.in/neurosnap/sentences.v1/data"
)

func main() {
	if err := run("punkt_english.tsv"); err != nil {
		fmt.Fprintln(os.Stderr, "genpunkt:", err)
		os.Exit(1)
	}
}

func run(out string) error {
	b, err := data.Asset("data/english.json")
	if err != nil {
		return err
	}
	st, err := sentences.LoadTraining(b)
	if err != nil {
		return err
	}
	var w bytes.Buffer
	for _, t := range []struct {
		name string
		set  sentences.SetString
	}{
		{"AbbrevTypes", st.AbbrevTypes},
		{"Collocations", st.Collocations},
		{"SentStarters", st.SentStarters},
		{"OrthoContext", st.OrthoContext},
	} {
		fmt.Fprintf(&w, "%s\n", t.name)
		keys := make([]string, 0, len(t.set))
		for k := range t.set {
			if strings.ContainsAny(k, "\t\n") {
				return fmt.Errorf("%s: %q holds a tab or a line break", t.name, k)
			}
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			fmt.Fprintf(&w, "%s\t%d\n", k, t.set[k])
		}
	}
	tmp := out + ".tmp"
	if err := os.WriteFile(tmp, w.Bytes(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, out)
}

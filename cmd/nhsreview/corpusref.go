package main

// Sources that name what the corpus stores rather than a file or URL:
// "corpus:12" (a document's latest version), "corpus:3f2a9c1d" (a version
// by a prefix of its SHA-256) and "corpus:12#4" (a stored board pack's
// paper, by its agenda item, as "pack.pdf#4" names one in a file). diff
// and compare take them beside files and URLs, with --db; what they give
// is the stored scorecard, so nothing is fetched, read or scored again.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/nhsreview/nhsreview/corpus"
	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/pack"
	"github.com/nhsreview/nhsreview/rules"
)

// corpusPrefix starts a source that names the corpus.
const corpusPrefix = "corpus:"

// isCorpusSource reports whether src names the corpus: it starts with
// "corpus:" and is not a file of that name.
func isCorpusSource(src string) bool {
	if !strings.HasPrefix(src, corpusPrefix) {
		return false
	}
	_, err := os.Stat(src)
	return err != nil
}

// anyCorpusSource reports whether any of sources names the corpus.
func anyCorpusSource(sources []string) bool {
	for _, s := range sources {
		if isCorpusSource(s) {
			return true
		}
	}
	return false
}

// corpusSource reads a source that names the corpus: the document (an id
// or a SHA-256 prefix) and the paper's item, "" for the whole document.
func corpusSource(src string) (ref, item string, err error) {
	ref, item, hasItem := strings.Cut(strings.TrimPrefix(src, corpusPrefix), "#")
	switch {
	case ref == "":
		return "", "", errors.New("name a stored document: corpus:ID, corpus:SHA256-PREFIX or corpus:ID#ITEM (see 'nhsreview corpus ls')")
	case hasItem && !itemRe.MatchString(strings.ToLower(item)):
		return "", "", fmt.Errorf("%q is not an agenda item: name a paper as corpus:ID#ITEM, e.g. corpus:%s#4 (see 'nhsreview corpus papers %s')", item, ref, ref)
	}
	return ref, strings.ToLower(item), nil
}

// stored is a stored document or paper a corpus: source names.
type stored struct {
	card *rules.Scorecard
	// doc is its text (a paper's part of the pack's stored extraction),
	// when asked for and stored; nil otherwise.
	doc *document.Document
	// warnings: the paper's pack was split again, an older nhsreview
	// having split it when it was stored.
	warnings []string
}

// readStored finds what a corpus: source names in st: its stored
// scorecard, under sp's rules where it has one under them, and with text
// its stored text. A paper's scorecard holds the criteria its kind calls
// for, and is made as sp makes the pack's papers (corpus.CurrentPaper):
// papers an older nhsreview stored are split again, and say so.
func readStored(ctx context.Context, st *corpus.Store, src string, sp corpus.Splitter, text bool) (stored, error) {
	ref, item, err := corpusSource(src)
	if err != nil {
		return stored{}, err
	}
	if item == "" {
		e, card, err := st.Scorecard(ctx, ref, sp.RulesVersion())
		if err != nil {
			return stored{}, err
		}
		out := stored{card: card}
		if text {
			out.doc, err = st.Extraction(ctx, e.SHA256)
		}
		return out, err
	}
	e, p, err := st.CurrentPaper(ctx, ref, item, sp)
	if err != nil {
		return stored{}, err
	}
	switch {
	case p.Status == corpus.PaperFailed:
		return stored{}, fmt.Errorf("document %d version %d, item %s: was not scored when stored: %s", e.ID, e.Version, p.Item, p.Error)
	case p.Card == nil:
		return stored{}, fmt.Errorf("document %d version %d, item %s (%s) is not triaged: its kind is scored on no criterion", e.ID, e.Version, p.Item, p.Kind)
	}
	card := *p.Card
	// Named as "pack.pdf#4" names a paper of a file: the pack, and the item.
	card.Document.Source = e.Source + "#" + p.Item
	out := stored{card: &card}
	if p.SplitAgain {
		out.warnings = []string{corpus.SplitAgainNote(e)}
	}
	if text {
		d, err := st.Extraction(ctx, e.SHA256)
		if err != nil {
			return stored{}, err
		}
		if d != nil {
			out.doc = paperText(d, p.PaperEntry)
		}
	}
	return out, nil
}

// paperText is a stored paper's part of its pack's extraction: the paper
// the split finds at the same place with the same item, or, should the
// split have changed since the paper was stored, the pages it spanned.
func paperText(d *document.Document, p corpus.PaperEntry) *document.Document {
	split := pack.Split(d)
	if p.Index < len(split) && strings.EqualFold(split[p.Index].Number, p.Item) {
		return split[p.Index].Document(d)
	}
	out := &document.Document{SchemaVersion: d.SchemaVersion, Source: d.Source, SHA256: d.SHA256, Format: d.Format, Title: p.Title}
	for _, pg := range d.Pages {
		if pg.Number >= p.FirstPage && pg.Number <= p.LastPage {
			out.Pages = append(out.Pages, pg)
		}
	}
	return out
}

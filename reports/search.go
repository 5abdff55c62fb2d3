package reports

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/nhsreview/nhsreview/pipeline/textclean"
)

// SearchFormats are the formats of 'corpus search'.
var SearchFormats = []Format{FormatText, FormatJSON, FormatCSV}

// SearchHit is one passage a corpus search found (corpus.Hit), with its
// snippet as text: the words matched between [ and ] in the JSON and CSV.
type SearchHit struct {
	DocumentID int64  `json:"document_id"`
	Version    int    `json:"version"`
	Source     string `json:"source"`
	Title      string `json:"title"`
	Org        string `json:"org"`
	OrgName    string `json:"org_name"`
	Region     string `json:"region"`
	Kind       string `json:"kind"`
	SHA256     string `json:"sha256"`
	FirstSeen  string `json:"first_seen"`
	Page       int    `json:"page"`
	Section    string `json:"section"`
	// Anchor names the passage in the web interface's view of the
	// document: /documents/{document_id}/text#{anchor}.
	Anchor    string `json:"anchor"`
	BlockKind string `json:"block_kind"`
	// Snippet is the part of the passage around the words matched, which
	// are between the markers (MatchOpen, MatchClose) until written.
	Snippet string  `json:"snippet"`
	Passage string  `json:"passage"`
	Rank    float64 `json:"rank"`
	// RulesVersion is the score Signals are of; Signals the criteria and
	// signals that score quotes the passage for.
	RulesVersion string         `json:"rules_version"`
	Signals      []SearchSignal `json:"signals"`
}

// SearchSignal is a criterion and signal a passage counts for.
type SearchSignal struct {
	Criterion string `json:"criterion"`
	Signal    string `json:"signal"`
}

// The markers of a snippet's matched words until it is written: private
// use characters, kept whole by wrapping, then made brackets or colour.
const (
	MatchOpen  = "\uE000"
	MatchClose = "\uE001"
)

var searchCSVHeader = []string{"document_id", "version", "source", "title", "org", "org_name", "region", "kind", "first_seen",
	"page", "section", "snippet", "criteria", "signals", "rank", "rules_version", "sha256", "anchor", "passage"}

// WriteSearch writes search hits: for people, each hit's document, place,
// snippet and signals (text); an array (json; [] for none); one row each
// (csv). limited says the hits stopped at the limit, so there may be
// more.
func WriteSearch(w io.Writer, f Format, hits []SearchHit, limited bool, o Options) error {
	brackets := strings.NewReplacer(MatchOpen, "[", MatchClose, "]")
	switch f {
	case FormatJSON:
		out := make([]SearchHit, len(hits))
		for i, h := range hits {
			h.Snippet = brackets.Replace(h.Snippet)
			if h.Signals == nil {
				h.Signals = []SearchSignal{}
			}
			out[i] = h
		}
		return WriteJSON(w, out)
	case FormatCSV:
		var rows [][]string
		for _, h := range hits {
			var crits, sigs []string
			for _, s := range h.Signals {
				if len(crits) == 0 || crits[len(crits)-1] != s.Criterion {
					crits = append(crits, s.Criterion)
				}
				sigs = append(sigs, s.Criterion+":"+s.Signal)
			}
			rows = append(rows, []string{strconv.FormatInt(h.DocumentID, 10), strconv.Itoa(h.Version), csvCell(h.Source), csvCell(h.Title),
				csvCell(h.Org), csvCell(h.OrgName), csvCell(h.Region), h.Kind, h.FirstSeen, strconv.Itoa(h.Page), csvCell(h.Section),
				csvCell(brackets.Replace(h.Snippet)), strings.Join(crits, ";"), strings.Join(sigs, ";"), strconv.FormatFloat(h.Rank, 'f', 4, 64),
				h.RulesVersion, h.SHA256, h.Anchor, csvCell(h.Passage)})
		}
		return writeCSV(w, searchCSVHeader, rows)
	case FormatText:
		return searchText(w, hits, limited, o)
	}
	return fmt.Errorf("search results cannot be written as %q", f)
}

func searchText(w io.Writer, hits []SearchHit, limited bool, o Options) error {
	p := painter(o.Color)
	marks := strings.NewReplacer(MatchOpen, "[", MatchClose, "]")
	if o.Color {
		marks = strings.NewReplacer(MatchOpen, "\x1b["+ansiBold+";"+ansiYellow+"m", MatchClose, "\x1b[0m")
	}
	var b strings.Builder
	for i, h := range hits {
		title := h.Title
		if title == "" {
			title = "(no title)"
		}
		place := []string{fmt.Sprintf("#%d v%d", h.DocumentID, h.Version)}
		if h.Org != "" {
			place = append(place, h.Org)
		}
		place = append(place, day(h.FirstSeen), fmt.Sprintf("p. %d", h.Page))
		if h.Section != "" {
			place = append(place, textclean.Shorten(textclean.OneLine(h.Section), 60))
		}
		fmt.Fprintf(&b, "%s  %s\n", p.paint(ansiBold, fmt.Sprintf("%d. %s", i+1, textclean.OneLine(title))), strings.Join(place, " · "))
		b.WriteString(marks.Replace(wrap(textclean.OneLine(h.Snippet), 78, "   ")))
		b.WriteByte('\n')
		if len(h.Signals) > 0 {
			b.WriteString(p.paint(ansiCyan, wrap("counts for: "+signalsText(h.Signals), 78, "   ")))
			b.WriteByte('\n')
		}
		b.WriteByte('\n')
	}
	count := textclean.Plural(len(hits), "passage")
	if limited {
		count += " (the best " + strconv.Itoa(len(hits)) + "; --limit shows more)"
	}
	b.WriteString(count + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// signalsText names the signals a passage counts for, by criterion (the
// signals come sorted by criterion): "costed-plans (costed, money-words)".
func signalsText(sigs []SearchSignal) string {
	var parts []string
	for i := 0; i < len(sigs); {
		j, names := i, []string{}
		for ; j < len(sigs) && sigs[j].Criterion == sigs[i].Criterion; j++ {
			names = append(names, sigs[j].Signal)
		}
		parts = append(parts, sigs[i].Criterion+" ("+strings.Join(names, ", ")+")")
		i = j
	}
	return strings.Join(parts, "; ")
}

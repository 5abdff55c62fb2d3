package annotate

import (
	"context"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sentences are split by prose's English Punkt tokenizer (punkt.go),
// built once per process: prose.NewDocument rebuilds it on every call.
// No part-of-speech or entity model is loaded: no rule needs tags, and
// research/NOTES.md measures them at 57k and 12k words/s against 1M for
// segmentation. If a rule ever needs tags, build prose's model once with
// prose.ModelFromData and pass it with prose.UsingModel.

// chunkSize bounds the text handed to the tokenizer in one call: texts
// are batched because each call has a fixed cost, and bounded to keep
// memory flat on huge documents.
const chunkSize = 1 << 20

// splitter collects texts to split into sentences and splits them in as
// few prose calls as possible.
type splitter struct {
	texts []string
	cuts  [][]int // per text, byte offsets where sentences start (after 0)
}

func (sp *splitter) add(s string) int {
	sp.texts = append(sp.texts, s)
	return len(sp.texts) - 1
}

// run splits every text added so far. Texts are joined with blank lines;
// a sentence prose runs across a join (a heading without a full stop) is
// cut there anyway, since every text is split on its own.
func (sp *splitter) run(ctx context.Context) error {
	sp.cuts = make([][]int, len(sp.texts))
	var b strings.Builder
	first := 0
	starts := make([]int, 0, 64)
	flush := func(end int) error {
		if b.Len() == 0 {
			return nil
		}
		chunk := b.String()
		bounds, err := sentenceStarts(chunk)
		if err != nil {
			return err
		}
		k := 0
		for i := first; i < end; i++ {
			lo := starts[i-first]
			hi := lo + len(sp.texts[i])
			for k < len(bounds) && bounds[k] <= lo {
				k++
			}
			var cuts []int
			for kk := k; kk < len(bounds) && bounds[kk] < hi; kk++ {
				cuts = append(cuts, bounds[kk]-lo)
			}
			sp.cuts[i] = cuts
		}
		b.Reset()
		starts = starts[:0]
		first = end
		return nil
	}
	for i, s := range sp.texts {
		if b.Len() > 0 && b.Len()+len(s) > chunkSize {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := flush(i); err != nil {
				return err
			}
		}
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		starts = append(starts, b.Len())
		b.WriteString(s)
	}
	return flush(len(sp.texts))
}

// sentenceStarts returns the byte offsets in text where prose starts a
// sentence, except 0.
func sentenceStarts(text string) (starts []int, err error) {
	// prose and its tokenizer are unmaintained; a panic inside them on
	// odd input must not take the whole run down.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("prose sentence segmentation: %v", r)
		}
	}()
	tok, err := punkt()
	if err != nil {
		return nil, fmt.Errorf("loading the sentence tokenizer: %w", err)
	}
	cursor := 0
	for _, s := range tok.Tokenize(text) {
		// prose.NewDocument trims each sentence the same way.
		sent := strings.TrimSpace(s.Text)
		if sent == "" {
			continue
		}
		idx := strings.Index(text[cursor:], sent)
		if idx < 0 {
			continue // prose changed the text: keep the sentence in its neighbour
		}
		if pos := cursor + idx; pos > 0 {
			starts = append(starts, pos)
		}
		cursor += idx + len(sent)
	}
	return starts, nil
}

// pieces cuts s at cuts, mends known bad splits and trims each piece;
// every piece is a substring of s.
func pieces(s string, cuts []int) []string {
	type span struct{ a, b int }
	var spans []span
	prev := 0
	for _, c := range append(cuts, len(s)) {
		if c <= prev || c > len(s) {
			continue
		}
		a, b := trimSpan(s, prev, c)
		prev = c
		if a == b {
			continue
		}
		if n := len(spans); n > 0 && badSplit(s[spans[n-1].a:spans[n-1].b], s[a:b]) {
			spans[n-1].b = b
			continue
		}
		spans = append(spans, span{a, b})
	}
	out := make([]string, len(spans))
	for i, sp := range spans {
		out[i] = s[sp.a:sp.b]
	}
	return out
}

// trimSpan narrows [a, b) of s to exclude leading and trailing spaces.
func trimSpan(s string, a, b int) (int, int) {
	for a < b && (s[a] == ' ' || s[a] == '\n' || s[a] == '\t') {
		a++
	}
	for b > a && (s[b-1] == ' ' || s[b-1] == '\n' || s[b-1] == '\t') {
		b--
	}
	return a, b
}

// abbreviations are words after which a full stop does not end a
// sentence: prose breaks after "para." and "Mar." among others.
var abbreviations = wordSet("para", "paras", "mar", "jan", "feb", "apr", "jun", "jul", "aug",
	"sep", "sept", "oct", "nov", "dec", "e.g", "i.e", "eg", "ie", "approx", "no", "nos", "dr",
	"st", "mr", "mrs", "ms", "prof", "cllr", "cf", "vs", "v", "fig", "figs", "p", "pp", "ref",
	"refs", "incl", "est", "c", "ca", "vol", "ch", "sec", "dept", "govt", "co", "ltd", "inc",
	"jr", "sr", "rev", "hon", "rt", "ibid", "al", "viz", "approx", "ext", "tel", "para", "art")

// badSplit reports whether prose split a and b where no sentence ends:
// after an abbreviation or an initial, or before a lower-case word.
func badSplit(a, b string) bool {
	r, _ := utf8.DecodeRuneInString(b)
	if unicode.IsLower(r) {
		return true
	}
	if !strings.HasSuffix(a, ".") {
		return false
	}
	w := a[:len(a)-1]
	if i := strings.LastIndexAny(w, " (/"); i >= 0 {
		w = w[i+1:]
	}
	if len(w) == 1 && w[0] >= 'A' && w[0] <= 'Z' {
		return true // an initial: "J. Smith"
	}
	return abbreviations[strings.ToLower(w)]
}

// mayHaveSentences is a cheap test that spares prose the texts that cannot
// hold more than one sentence: no ".", "?" or "!" before the last few
// characters.
func mayHaveSentences(s string) bool {
	end := len(s) - 3
	for i := 0; i < end; i++ {
		switch s[i] {
		case '.', '?', '!':
			if s[i+1] == ' ' || s[i+1] == '"' || s[i+1] == ')' || s[i+1] == 0xE2 {
				return true
			}
		}
	}
	return false
}

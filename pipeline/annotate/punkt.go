package annotate

// This file holds prose's English sentence tokenizer, built once per
// process. prose v2.0.0 keeps it unexported and rebuilds it, training data
// and all (a 1 MB JSON file), on every prose.NewDocument call: 16 ms of
// the 18 ms a document's segmentation took, and 29% of the CPU time of
// `score` on the real corpus. The code from `type wordTokenizer` down is
// prose's segment.go (v2.0.0, MIT licence, Copyright (c) 2017-2018 Joseph
// Kato) unchanged but for names; TestSegmenterMatchesProse and
// FuzzSegmenterMatchesProse hold it to prose.NewDocument's sentences, so a
// prose upgrade that changes them fails the tests rather than drifting.
//
// The training tables are read from punkt_english.tsv, written from the
// package's own data by go generate (TestPunktTablesMatchData holds them
// to it): the package keeps them as gzipped JSON, whose inflating and
// decoding took 11 ms of every command that splits sentences.

import (
	_ "embed" // the training tables
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/nhsreview/nhsreview/internal/lazyre"
	"gopkg.in/neurosnap/sentences.v1"
)

//go:generate go run ./internal/genpunkt

//go:embed punkt_english.tsv
var punktTables string

// punkt returns the shared tokenizer. Tokenize only reads the training
// data, so one tokenizer serves every goroutine.
var punkt = sync.OnceValues(func() (*sentences.DefaultSentenceTokenizer, error) {
	training, err := punktTraining(punktTables)
	if err != nil {
		return nil, fmt.Errorf("reading punkt_english.tsv: %w", err)
	}
	// supervisor abbreviations
	for _, abbr := range []string{"sgt", "gov", "no", "mt"} {
		training.AbbrevTypes.Add(abbr)
	}

	lang := sentences.NewPunctStrings()
	word := &wordTokenizer{}
	word.PunctStrings = lang
	annotations := sentences.NewAnnotations(training, lang, word)

	ortho := &sentences.OrthoContext{
		Storage:      training,
		PunctStrings: lang,
		TokenType:    word,
		TokenFirst:   word,
	}

	multiPunct := &multiPunctWordAnnotation{
		Storage:      training,
		TokenParser:  word,
		TokenGrouper: &sentences.DefaultTokenGrouper{},
		Ortho:        ortho,
	}

	annotations = append(annotations, multiPunct)

	return &sentences.DefaultSentenceTokenizer{
		Storage:       training,
		PunctStrings:  lang,
		WordTokenizer: word,
		Annotations:   annotations,
	}, nil
})

// punktTraining reads the tables genpunkt writes: a table's name on a
// line of its own, then its entries, "WORD<TAB>VALUE" a line. The words
// are pieces of text, which lives as long as the program.
func punktTraining(text string) (*sentences.Storage, error) {
	st := sentences.NewStorage()
	// Most entries are OrthoContext's: sized once, its map is not grown
	// and copied a dozen times.
	st.OrthoContext = make(sentences.SetString, strings.Count(text, "\n"))
	tables := map[string]sentences.SetString{
		"AbbrevTypes": st.AbbrevTypes, "Collocations": st.Collocations,
		"SentStarters": st.SentStarters, "OrthoContext": st.OrthoContext,
	}
	var table sentences.SetString
	for n := 1; text != ""; n++ {
		line, rest, _ := strings.Cut(text, "\n")
		text = rest
		word, value, entry := strings.Cut(line, "\t")
		if !entry {
			if table = tables[line]; table == nil {
				return nil, fmt.Errorf("line %d: unknown table %q", n, line)
			}
			continue
		}
		v, err := strconv.Atoi(value)
		if err != nil || table == nil {
			return nil, fmt.Errorf("line %d: not an entry of a table: %q", n, line)
		}
		table[word] = v
	}
	return st, nil
}

type wordTokenizer struct {
	sentences.DefaultWordTokenizer
}

var reAbbr = lazyre.New(`((?:[\w]\.)+[\w]*\.)`)
var reLooksLikeEllipsis = lazyre.New(`(?:\.\s?){2,}\.`)
var reEntities = lazyre.New(`Yahoo!`)

func (e *wordTokenizer) HasSentEndChars(t *sentences.Token) bool {
	enders := []string{
		`."`, `.)`, `.’`, `.”`,
		`?`, `?"`, `?'`, `?)`, `?’`, `?”`,
		`!`, `!"`, `!'`, `!)`, `!’`, `!”`,
	}

	for _, ender := range enders {
		if strings.HasSuffix(t.Tok, ender) && !reEntities.MatchString(t.Tok) {
			return true
		}
	}

	parens := []string{
		`.[`, `.(`, `."`,
		`?[`, `?(`,
		`![`, `!(`,
	}

	for _, paren := range parens {
		if strings.Contains(t.Tok, paren) {
			return true
		}
	}

	return false
}

// MultiPunctWordAnnotation attempts to tease out custom Abbreviations such as
// "F.B.I."
type multiPunctWordAnnotation struct {
	*sentences.Storage
	sentences.TokenParser
	sentences.TokenGrouper
	sentences.Ortho
}

func (a *multiPunctWordAnnotation) Annotate(tokens []*sentences.Token) []*sentences.Token {
	for _, tokPair := range a.TokenGrouper.Group(tokens) {
		if len(tokPair) < 2 || tokPair[1] == nil {
			tok := tokPair[0].Tok
			if strings.Contains(tok, "\n") && strings.Contains(tok, " ") {
				// We've mislabeled due to an errant newline.
				tokPair[0].SentBreak = false
			}
			continue
		}

		a.tokenAnnotation(tokPair[0], tokPair[1])
	}

	return tokens
}

// looksInternal determines if tok's punctuation could appear
// sentence-internally (i.e., parentheses or quotations).
func looksInternal(tok string) bool {
	internal := []string{")", `’`, `”`, `"`, `'`}
	for _, punc := range internal {
		if strings.HasSuffix(tok, punc) {
			return true
		}
	}
	return false
}

func (a *multiPunctWordAnnotation) tokenAnnotation(tokOne, tokTwo *sentences.Token) {
	// This is an expensive calculation, so we only want to do it once.
	var nextTyp string

	// If both tokOne and tokTwo and periods, we're probably in an ellipsis
	// that wasn't properly tokenized by `WordTokenizer`.
	if strings.HasSuffix(tokOne.Tok, ".") && tokTwo.Tok == "." {
		tokOne.SentBreak = false
		tokTwo.SentBreak = false
		return
	}

	isNonBreak := strings.HasSuffix(tokOne.Tok, ".") && !tokOne.SentBreak
	isEllipsis := reLooksLikeEllipsis.MatchString(tokOne.Tok)
	isInternal := tokOne.SentBreak && looksInternal(tokOne.Tok)

	if isNonBreak || isEllipsis || isInternal {
		nextTyp = a.TokenParser.TypeNoSentPeriod(tokTwo)
		isStarter := a.SentStarters[nextTyp]

		// If the tokOne looks like an ellipsis and tokTwo is either
		// capitalized or a frequent sentence starter, break the sentence.
		if isEllipsis {
			if a.TokenParser.FirstUpper(tokTwo) || isStarter != 0 {
				tokOne.SentBreak = true
				return
			}
		}

		// If the tokOne's sentence-breaking punctuation looks like it could
		// occur sentence-internally, ensure that the following word is either
		// capitalized or a frequent sentence starter.
		if isInternal {
			if a.TokenParser.FirstLower(tokTwo) && isStarter == 0 {
				tokOne.SentBreak = false
				return
			}
		}

		// If the tokOne ends with a period but isn't marked as a sentence
		// break, mark it if tokTwo is capitalized and can occur in _ORTHO_LC.
		if isNonBreak && a.TokenParser.FirstUpper(tokTwo) {
			if a.Storage.OrthoContext[nextTyp]&112 != 0 {
				tokOne.SentBreak = true
			}
		}
	}

	if !reAbbr.MatchString(tokOne.Tok) {
		return
	}

	if a.IsInitial(tokOne) {
		return
	}

	tokOne.Abbr = true
	tokOne.SentBreak = false

	// [4.1.1. Orthographic Heuristic] Check if there's
	// orthogrpahic evidence about whether the next word
	// starts a sentence or not.
	isSentStarter := a.Ortho.Heuristic(tokTwo)
	if isSentStarter == 1 {
		tokOne.SentBreak = true
		return
	}

	if nextTyp == "" {
		nextTyp = a.TokenParser.TypeNoSentPeriod(tokTwo)
	}

	// [4.1.3. Frequent Sentence Starter Heruistic] If the
	// next word is capitalized, and is a member of the
	// frequent-sentence-starters list, then label tok as a
	// sentence break.
	if a.TokenParser.FirstUpper(tokTwo) && a.SentStarters[nextTyp] != 0 {
		tokOne.SentBreak = true
		return
	}
}

package textdoc

import (
	"strings"
	"unicode"

	"github.com/nhsreview/nhsreview/internal/lazyre"
)

var (
	// numberedRe matches "1. Introduction" and "2.3 Our aims": a lone
	// number needs its dot, or "4 June 2025" and "10 Year Health Plan"
	// would be headings.
	numberedRe = lazyre.New(`^(\d{1,2}(?:\.\d{1,2}){0,5})(\.?) +(\p{Lu}.*)$`)
	// tocLineRe matches a contents line ending in a page number: after
	// dot leaders, or a number of up to three digits (a four-digit one is
	// a year: "OUR STRATEGY 2024 TO 2029").
	tocLineRe = lazyre.New(`(?:\.{2,}|…)\s*\d{1,4}$|\s(?:p\.?\s*)?\d{1,3}$`)
	bulletRe  = lazyre.New(`^ *(?:[-*+•▪◦●‣–]|\d{1,3}[.)]|[a-z][.)]) +(\S.*)$`)
)

// Limits for lines taken as headings in plain text.
const (
	maxPlainHeadingWords = 12
	maxPlainHeadingLen   = 100
	minCapsLetters       = 4
)

// parsePlain reads plain text: paragraphs are runs of non-blank lines; a
// paragraph of one short line that is in capitals ("OUR STRATEGY") or
// numbered ("2.3 Our aims") is a heading; a paragraph that starts with a
// bullet or a number is a list.
func parsePlain(b *builder, text string) {
	var run []string
	flush := func() {
		if len(run) > 0 {
			plainBlock(b, run)
			run = nil
		}
	}
	for _, line := range strings.Split(text, "\n") {
		if b.stop() {
			return
		}
		if blank(line) {
			flush()
			continue
		}
		b.noteLine(line)
		run = append(run, line)
	}
	flush()
}

func plainBlock(b *builder, run []string) {
	if len(run) == 1 {
		if level := plainHeading(strings.TrimSpace(run[0])); level > 0 {
			b.heading(run[0], level, false)
			return
		}
	}
	if bulletRe.MatchString(run[0]) {
		var items []string
		for _, l := range run {
			if m := bulletRe.FindStringSubmatch(l); m != nil {
				items = append(items, m[1])
			} else if len(items) > 0 {
				items[len(items)-1] += " " + l // a wrapped item
			}
		}
		b.list(items)
		return
	}
	b.paragraph(strings.Join(run, " "), false)
}

// plainHeading returns the level of a heading line, or 0: capitals are
// level 1, numbered headings take the depth of their number.
func plainHeading(line string) int {
	if len(line) > maxPlainHeadingLen || len(strings.Fields(line)) > maxPlainHeadingWords {
		return 0
	}
	if !plausibleHeading(line, 0) || strings.HasSuffix(line, ":") {
		return 0
	}
	if m := numberedRe.FindStringSubmatch(line); m != nil {
		if !strings.Contains(m[1], ".") && m[2] == "" {
			return 0
		}
		if tocLineRe.MatchString(m[3]) {
			return 0
		}
		return min(strings.Count(m[1], ".")+1, 6)
	}
	letters := 0
	for _, r := range line {
		if unicode.IsLower(r) {
			return 0
		}
		if unicode.IsLetter(r) {
			letters++
		}
	}
	if letters >= minCapsLetters && !tocLineRe.MatchString(line) {
		return 1
	}
	return 0
}

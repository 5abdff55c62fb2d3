// Package title chooses a document's title from its opening lines, the
// same way for every reader: a title labels every row of a comparison, a
// corpus listing and an export, so "INTERIM REPORT", "WEST SUSSEX" or the
// publisher's name alone are as bad as no title.
//
// The readers hand over what they know of the first page: lines in
// reading order, with a font size where the format has one (PDF) and
// without (Markdown or text converted from PDF, where the title is the
// first run of short lines). What is skipped is the same for both:
// labels that say what kind of paper this is rather than which
// ("Interim report", "Systematic review", "Open access", "Contents"),
// publication dates, addresses, citations, and a publisher's name that
// stands before the title.
package title

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nhsreview/nhsreview/internal/lazyre"
	"github.com/nhsreview/nhsreview/pipeline/textclean"
)

// Line is one line or block of the opening of a document.
type Line struct {
	Text string
	// Size is the font size; 0 when the format has none.
	Size float64
	// Strong marks a line set in bold or as a heading, where the format
	// says so but has no sizes (Markdown converted from PDF).
	Strong bool
	// Break marks a line of only markup ("****"), which ends a run.
	Break bool
	// Heading marks a line marked up as a heading ("## Framework"): it
	// ends a run (two headings are two titles).
	Heading bool
}

// maxLines: more lines than this in the largest size are text, not a
// title set large.
const maxLines = 5

// MaxLen bounds a title, in bytes: a longer one is a paragraph taken for
// a title, and is cut (Cut).
const MaxLen = 200

var (
	// Labels name a kind of paper, a part of one or a journal's
	// section, not this paper: before the title they are skipped, after
	// it ("Final report", "Summary and recommendations") they are kept
	// as its subtitle.
	labelRe = lazyre.New(`(?i)^(an? )?(classification: .*|interim|final|full|draft|annual|summary|executive summary|research|original|systematic|rapid|open access|open|review|report|paper|article|research article|original research|systematic review|rapid review|contents|table of contents|foreword|preface|abstract|introduction|overview|summary and recommendations|official|official sensitive|confidential|draft for consultation|for consultation|consultation draft|version \d+(\.\d+)*|v\d+(\.\d+)*)( (report|paper|article|research|review|version|draft|summary))*\.?$`)
	// A date of publication alone: "March 2021", "Spring 2026", "July
	// 2025", "12 May 2016". A span of years ("2020 to 2023") is part of
	// a strategy's name and stays.
	dateRe = lazyre.New(`(?i)^((date )?(published|updated|last updated):? |date:? )?((\d{1,2}(st|nd|rd|th)? )?(january|february|march|april|may|june|july|august|september|october|november|december|spring|summer|autumn|winter)),? (19|20)\d\d\.?$`)
	// A trailing date on a line with other words: "HEE Digital Readiness
	// Programme March 2021".
	trailingDateRe = lazyre.New(`(?i)\s*[,;–-]?\s*((as )?at|as of|dated|published|updated)?\s+(january|february|march|april|may|june|july|august|september|october|november|december|spring|summer|autumn|winter),? (19|20)\d\d\.?$`)
	// Addresses, citations and copyright lines.
	addressRe = lazyre.New(`(?i)https?://|www\.|\.(gov|nhs|org|ac|co)\.uk\b|\.(com|org|net)\b|@|\bdoi\b|^©|\bcopyright\b|\bet al\b|\(\d{4}\) \d+:\d+|^isbn|^issn`)
	// Who published it: "West Sussex County Council", "The Leeds
	// Teaching Hospitals NHS Trust", "NHS West Sussex Clinical
	// Commissioning Group". A title names a subject; these name a body.
	orgRe = lazyre.New(`(?i)^(the )?(institute|centre|center|office|school|faculty|college|society|association|foundation) (for|of)( [^\s:]+){1,4}$|(\bcouncil|\btrust|\bnhs foundation trust|\bclinical commissioning group|\bccg|\bicb|\bintegrated care board|\bintegrated care system|\bpartnership|\buniversity|\bcorporation|\bdepartment of [a-z ]+|\bdepartment|\bdirectorate|\bunit|\bteam|\bdivision|\bnhs england|\bhealth education england|\bpublic health england|\bprogramme|\bcollaborative|\bcommittee|\bboard|\bltd|\blimited|\bcic)\.?$`)
	// A page number or a stray letter of a logo.
	debrisRe = lazyre.New(`^(\d{1,4}|[A-Za-z]|page \d+( of \d+)?)$`)
)

// partRe: the name of a part of a document, which a title never runs
// into ("Contents", "Foreword").
var partRe = lazyre.New(`(?i)^(table of )?contents|^(foreword|preface|abstract|acknowledge?ments|glossary)$`)

// Label reports whether s names a kind of paper rather than this one.
func Label(s string) bool { return labelRe.MatchString(strings.TrimSpace(s)) }

// Org reports whether s is only the name of a body: a proper name
// ("HEE Digital Readiness Programme", not "Capital programme") that ends
// as bodies' names do.
func Org(s string) bool {
	s = strings.TrimSpace(s)
	return orgRe.MatchString(s) && properName(s)
}

// properName: every word but the small ones starts with a capital.
func properName(s string) bool {
	for _, w := range strings.Fields(s) {
		switch strings.ToLower(w) {
		case "of", "and", "for", "the", "in", "on", "at", "&", "de":
			continue
		}
		r, _ := utf8.DecodeRuneInString(w)
		if unicode.IsLetter(r) && !unicode.IsUpper(r) {
			return false
		}
	}
	return true
}

// skip reports whether a line can be no part of a title.
func skip(s string) bool {
	if spanRe.MatchString(s) {
		return false
	}
	return s == "" || dateRe.MatchString(s) || addressRe.MatchString(s) || debrisRe.MatchString(s) ||
		bylineRe.MatchString(s) || !wordy(s)
}

// dayRe: a text that ends with a day of the month.
var dayRe = lazyre.New(`\s\d{1,2}(st|nd|rd|th)?$`)

// spanRe: the years a strategy covers, set on a line of their own
// ("2020 TO 2023").
var spanRe = lazyre.New(`(?i)^(19|20)\d\d(/\d\d)?\s*(to|-|–|—|/)\s*((19|20)?\d\d)(/\d\d)?$`)

// bylineRe: who wrote or prepared it.
var bylineRe = lazyre.New(`(?i)^(authors?|by|contact|email|tel|telephone)\b|\b(prepared|produced|written|compiled|commissioned|published) (for|by)\b|^(an? )?(\w+ )?(report|paper|summary) (to|for|by)\b`)

// wordy: mostly letters, as a title is ("1,500" and "491, 8%" are the
// figures of an infographic set large).
func wordy(s string) bool {
	letters, other := 0, 0
	for _, r := range s {
		switch {
		case unicode.IsLetter(r):
			letters++
		case unicode.IsSpace(r):
		default:
			other++
		}
	}
	return letters >= 3 && letters >= other
}

// clean trims a line, drops a trailing publication date and collapses
// spaces.
func clean(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	// a month and year after the title is when it was published; a full
	// date ("Board Meeting 4 September 2025") is which meeting it is
	if t := trailingDateRe.ReplaceAllString(s, ""); t != s && len(strings.Fields(t)) >= 2 && !dayRe.MatchString(t) {
		s = t
	}
	return strings.TrimSpace(s)
}

// FromSized chooses a title from the blocks of a first page that have
// font sizes: the lines set in the largest size, minus labels before
// them and the publisher's name when the rest is a title, then the
// subtitle that follows in a size not much smaller. A title that is
// only a publisher's or a place's name, or ends with a colon, goes on
// to the next size down.
func FromSized(lines []Line) string {
	var ls []Line
	var at []int // where each kept line was: a subtitle follows its title directly
	for k, l := range lines {
		if skip(strings.TrimSpace(l.Text)) {
			continue
		}
		l.Text = clean(l.Text)
		if !skip(l.Text) && len(l.Text) <= MaxLen && l.Size > 0 {
			ls = append(ls, l)
			at = append(at, k)
		}
	}
	if len(ls) == 0 {
		return ""
	}
	used := make([]bool, len(ls))
	var parts []string
	last := -1
	for round := 0; round < 3; round++ {
		// the largest size not yet used
		size := 0.0
		for i, l := range ls {
			if !used[i] && l.Size > size {
				size = l.Size
			}
		}
		if size == 0 {
			break
		}
		if round > 0 && last >= 0 && size < 0.5*ls[last].Size {
			break
		}
		first := -1
		for i, l := range ls {
			if !used[i] && l.Size >= size-0.5 && (round == 0 || i > last) {
				used[i] = true
				if round > 0 && (sentence(l.Text) || words(l.Text) > 12) {
					continue // text in the next size down, not more of the title
				}
				parts = append(parts, l.Text)
				last = i
				if first < 0 {
					first = i
				}
			}
		}
		// A line just before the title in a size not much smaller: a
		// place names whose title it is ("West Sussex" above "Suicide
		// Prevention Strategy"); anything else is a subtitle set above
		// ("Strategy extension 2023").
		if round == 0 && first > 0 && !used[first-1] && ls[first-1].Size >= 0.6*size && !sentence(ls[first].Text) {
			if pre := ls[first-1].Text; !Label(pre) && !Org(pre) {
				used[first-1] = true
				if placeName(pre) {
					parts = append([]string{pre}, parts...)
				} else {
					parts = append(parts, pre)
				}
			}
		}
		if round == 0 && (len(parts) > maxLines || len(parts) > 1 && anySentence(parts)) {
			// the whole page is in one size (a letter, a slide of text):
			// its first line is the best there is
			return Cut(parts[0])
		}
		if needsMore(parts) {
			continue
		}
		// A subtitle (not after a sentence set large): the next line, in a size not much smaller.
		if last+1 < len(ls) && at[last+1] == at[last]+1 && !used[last+1] && !sentence(ls[last].Text) && ls[last+1].Size >= 0.6*ls[last].Size && !Org(ls[last+1].Text) &&
			words(ls[last+1].Text) <= 12 && !sentence(ls[last+1].Text) && !partRe.MatchString(ls[last+1].Text) {
			parts = append(parts, ls[last+1].Text)
		}
		break
	}
	if t := join(parts); t != "" {
		return t
	}
	return Cut(ls[0].Text)
}

func anySentence(parts []string) bool {
	for _, p := range parts {
		if sentence(p) {
			return true
		}
	}
	return false
}

// needsMore: the lines so far are no title on their own.
func needsMore(parts []string) bool {
	_, ok := core(parts)
	return !ok
}

// place: a short line in capitals ("WEST SUSSEX") names where, not what.
func place(s string) bool {
	return len(strings.Fields(s)) <= 3 && strings.ToUpper(s) == s && strings.ToLower(s) != s
}

// placeName: up to three capitalised words without figures ("West
// Sussex", "LEEDS").
func placeName(s string) bool {
	f := strings.Fields(s)
	if len(f) == 0 || len(f) > 3 {
		return false
	}
	for _, w := range f {
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(r) || strings.IndexFunc(w, unicode.IsDigit) >= 0 {
			return false
		}
	}
	return true
}

// annualRe: a title that names only a kind of yearly paper keeps its
// publisher ("The Leeds Teaching Hospitals NHS Trust Annual Report and
// Accounts"): without it every trust's report has the same title.
var annualRe = lazyre.New(`(?i)^(annual|yearly|quarterly)\b`)

// core returns the lines of parts that make the title: labels before it
// and a publisher's name before or after it removed. ok is false when
// what is left is no title: nothing, a name of a body or a place alone,
// or a line that ends with a colon or dash (the title goes on).
func core(parts []string) (p []string, ok bool) {
	i := 0
	for i < len(parts) && Label(parts[i]) && !(i+1 < len(parts) && textclean.StartsLower(parts[i+1])) {
		i++
	}
	p = parts[i:]
	for k := 1; k < len(p); k++ {
		if Org(strings.Join(p[:k], " ")) {
			if !annualRe.MatchString(p[k]) {
				p = p[k:]
			}
			break
		}
	}
	// a body's full name after the title ("HEE Digital Readiness
	// Programme"); "NHS Trust" alone ends the name of the lines above.
	for len(p) > 1 && Org(p[len(p)-1]) && words(p[len(p)-1]) >= 3 {
		p = p[:len(p)-1]
	}
	all := strings.Join(p, " ")
	if len(p) == 0 || Org(all) || place(all) ||
		strings.HasSuffix(all, ":") || strings.HasSuffix(all, "-") || strings.HasSuffix(all, "–") {
		return p, false
	}
	return p, true
}

func join(parts []string) string {
	parts, _ = core(parts)
	s := strings.Join(parts, " ")
	s = strings.Join(strings.Fields(s), " ")
	return Cut(s)
}

// Cut bounds a title to MaxLen bytes: at its last space before the
// bound, or (with none) at the last character boundary, trimmed and
// marked with an ellipsis. The choosers here, and the readers for the
// titles they take themselves (a first line, a first paragraph), use it.
//
// It differs from textclean.Shorten, which cuts mid-word rather than
// keep less than half of its bound and does not trim: a title keeps
// whole words however early its last space. Stored titles and golden
// files depend on each, so they are not merged.
func Cut(s string) string {
	if len(s) <= MaxLen {
		return s
	}
	i := strings.LastIndexByte(s[:MaxLen], ' ')
	if i <= 0 {
		i = MaxLen
		for i > 0 && !utf8.RuneStart(s[i]) {
			i--
		}
	}
	return strings.TrimSpace(s[:i]) + "…"
}

// FromLines chooses a title from the opening lines of a text without
// sizes (Markdown or text converted from PDF): the first run of short
// lines in one style (bold, or plain) that are not labels, dates,
// addresses or citations, joined. A run that is only a publisher's name
// goes on to the next; a title set in capitals takes the run that
// follows as its subtitle. A run ends at a change of style, a skipped
// line, a sentence, a long line, or a line seen before (the title
// repeated as a running head).
func FromLines(lines []Line) string {
	seen := map[string]bool{}
	var skipped []string
	type run struct {
		lines    []string
		adjacent bool // follows the run before with nothing between
	}
	var runs []run
	var cur []string
	var curStrong bool
	gap := true
	flush := func() {
		if len(cur) > 0 {
			runs = append(runs, run{cur, !gap})
			cur = nil
			gap = false
		}
	}
	for k, ln := range lines {
		l := clean(ln.Text)
		if skip(strings.Join(strings.Fields(ln.Text), " ")) {
			l = strings.Join(strings.Fields(ln.Text), " ")
		}
		key := strings.ToLower(l)
		// a label that the next line continues ("Annual Report" / "and
		// Accounts 2024-2025") is part of the title
		continued := k+1 < len(lines) && textclean.StartsLower(clean(lines[k+1].Text))
		switch {
		case ln.Break:
			flush()
			gap = true
		case l == "":
		case skip(l) || masthead(key, skipped):
			flush()
			gap = true
			skipped = append(skipped, key)
		case Label(l) && len(cur) == 0 && !continued, seen[key] && len(cur) > 0, partRe.MatchString(l):
			flush()
			gap = true
		case words(l) > 20 || strings.Count(l, ",") >= 2 || sentence(l):
			flush()
			gap = true
		default:
			if len(cur) > 0 && ln.Strong != curStrong {
				flush()
			}
			curStrong = ln.Strong
			cur = append(cur, l)
			if ln.Heading {
				flush()
			}
		}
		seen[key] = true
		if len(runs) >= 6 {
			break
		}
	}
	flush()
	var parts []string
	for i, r := range runs {
		ls := r.lines
		// logo debris before the title: "EUROPE"
		for len(ls) > 1 && words(ls[0]) == 1 && strings.ToUpper(ls[0]) == ls[0] && startsUpper(ls[1]) {
			ls = ls[1:]
		}
		parts = append(parts, ls...)
		if needsMore(parts) {
			continue
		}
		if all := strings.Join(ls, " "); strings.ToUpper(all) == all && i+1 < len(runs) && runs[i+1].adjacent &&
			words(strings.Join(runs[i+1].lines, " ")) <= 12 {
			parts = append(parts, runs[i+1].lines...)
		}
		break
	}
	t := join(parts)
	if annualRe.MatchString(t) {
		// "Annual Report and Accounts" names no one: the publisher is
		// usually a few lines down
		for _, ln := range lines {
			if l := clean(ln.Text); Org(l) && words(l) >= 3 && !strings.Contains(t, l) {
				return Cut(l + " " + t)
			}
		}
	}
	return t
}

// masthead: a line that repeats part of a citation or address skipped
// above it ("BMC Public Health" under "Iqbal et al. BMC Public Health
// (2025) 25:1374") is the journal's name, not the paper's title.
func masthead(key string, skipped []string) bool {
	if len(key) < 8 {
		return false
	}
	for _, s := range skipped {
		if strings.Contains(s, key) {
			return true
		}
	}
	return false
}

func words(s string) int { return len(strings.Fields(s)) }

func startsUpper(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r) || unicode.IsDigit(r)
}

// sentence: a line that ends a sentence or holds a sentence break;
// titles are not punctuated as sentences.
func sentence(s string) bool {
	return strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "..") || sentenceBreakRe.MatchString(s)
}

var sentenceBreakRe = lazyre.New(`[a-z]{2}[.!?]\s+\p{Lu}`)

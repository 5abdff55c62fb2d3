package document

import (
	"fmt"
	"unicode"
)

// OCRThreshold is the average number of visible characters per page below
// which a document is taken to be scanned or outlined: a real text page has
// hundreds, a page of images with a caption or a page number only a few.
// The PDF reader takes a page with fewer than this for a scanned one.
const OCRThreshold = 40

// Measure fills the quality figures from the pages. controls is the number
// of control characters the extractor removed while cleaning (they are no
// longer in the text, so only the extractor can count them). Warnings
// already recorded are kept.
func (d *Document) Measure(controls int) {
	q := &d.Quality
	q.Pages = len(d.Pages)
	q.EmptyPages = q.EmptyPages[:0]
	var visible, replacement, total int
	for _, p := range d.Pages {
		n := 0
		for _, b := range p.Blocks {
			for _, r := range b.Text {
				total++
				if r == unicode.ReplacementChar {
					replacement++
				}
				if !unicode.IsSpace(r) {
					n++
				}
			}
		}
		visible += n
		if n == 0 && !contains(q.FailedPages, p.Number) {
			q.EmptyPages = append(q.EmptyPages, p.Number)
		}
	}
	if len(q.EmptyPages) == 0 {
		q.EmptyPages = nil
	}
	if q.Pages > 0 {
		q.CharsPerPage = round1(float64(visible) / float64(q.Pages))
	}
	if total > 0 {
		q.ReplacementShare = round4(float64(replacement) / float64(total))
	}
	if total+controls > 0 {
		q.ControlShare = round4(float64(controls) / float64(total+controls))
	}
	q.NeedsOCR = q.Pages > 0 && q.CharsPerPage < OCRThreshold
	switch {
	case q.NeedsOCR && q.OCR != nil:
		q.Warn(fmt.Sprintf("almost no text, even by OCR (%.0f characters a page): pictures, or outlined text", q.CharsPerPage))
	case q.NeedsOCR:
		q.Warn(fmt.Sprintf("almost no text (%.0f characters a page): scanned or outlined, needs OCR", q.CharsPerPage))
	case len(q.EmptyPages) > 0 && d.Format == FormatPDF:
		q.Warn(fmt.Sprintf("%d of %d pages had no text: scanned?", len(q.EmptyPages), q.Pages))
	}
	if q.ReplacementShare > 0.01 {
		q.Warn(fmt.Sprintf("%.1f%% of characters could not be decoded", 100*q.ReplacementShare))
	}
	if q.ControlShare > 0.01 {
		q.Warn(fmt.Sprintf("%.1f%% of characters were control characters (removed): check the font encodings", 100*q.ControlShare))
	}
	if q.Warnings == nil {
		q.Warnings = []string{}
	}
}

func contains(list []int, n int) bool {
	for _, x := range list {
		if x == n {
			return true
		}
	}
	return false
}

func round1(f float64) float64 { return float64(int64(f*10+0.5)) / 10 }
func round4(f float64) float64 { return float64(int64(f*10000+0.5)) / 10000 }

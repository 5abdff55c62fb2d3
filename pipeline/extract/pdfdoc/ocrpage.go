package pdfdoc

import (
	"fmt"
	"math"
	"strings"

	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/extract/ocr"
	"github.com/nhsreview/nhsreview/pipeline/textclean"
)

// OCRResult is what OCR made of one Scan: the words read, or why the page
// could not be read.
type OCRResult struct {
	Page *ocr.Page
	Err  string
}

// ApplyOCR puts what OCR read in the place of the scanned pages: each
// page's words become glyph runs on the page (placed through the scan's
// box), and from there lines, blocks, tables and reading order come from
// the same layout as a text page's. The title is chosen again, the
// quality measured again, and quality.ocr says which pages were read by
// OCR and with what confidence. results holds one entry per scans.Pages.
func ApplyOCR(doc *document.Document, scans *Scans, results []OCRResult, engine string) {
	if scans == nil {
		return
	}
	q := &doc.Quality
	q.Warnings = append([]string(nil), scans.Warnings...)
	info := &document.OCR{Engine: engine, Pages: []document.OCRPage{}}
	var raws []rawPage
	var frags [][]*frag
	var boxes [][4]float64
	var words, sum float64
	for i, sc := range scans.Pages {
		op := document.OCRPage{Page: sc.Page}
		var res OCRResult
		if i < len(results) {
			res = results[i]
		}
		switch {
		case sc.Err != "":
			op.Error = sc.Err // warned of when the image was taken
		case res.Err != "":
			op.Error = res.Err
			q.Warn(fmt.Sprintf("page %d could not be read by OCR: %s", sc.Page, res.Err))
		case res.Page == nil:
			op.Error = "not read"
		default:
			rp := ocrRawPage(sc, res.Page)
			raws = append(raws, rp)
			boxes = append(boxes, sc.Box)
			frags = append(frags, buildFrags(rp))
			n := float64(res.Page.Words())
			op.Words = int(n)
			op.Confidence = round1(res.Page.Confidence())
			words += n
			sum += n * res.Page.Confidence()
		}
		info.Pages = append(info.Pages, op)
	}
	controls := scans.Controls
	if len(raws) > 0 {
		lay := newLayout(raws, frags)
		for i, rp := range raws {
			p, st := lay.page(i)
			controls += st.Controls
			if k := rp.number - 1; k >= 0 && k < len(doc.Pages) {
				doc.Pages[k] = mergeOCR(doc.Pages[k], p, boxes[i])
			}
		}
	}
	if words > 0 {
		info.Confidence = round1(sum / words)
	}
	if len(scans.NoImage) > 0 {
		q.Warn(fmt.Sprintf("%s had no page image to read by OCR (%s): the text layer was kept",
			textclean.Plural(len(scans.NoImage), "page"), pageList(scans.NoImage)))
	}
	if len(info.Pages) > 0 {
		q.OCR = info
	}
	doc.Title = chooseTitle(scans.Info, doc)
	doc.Measure(controls)
}

// mergeOCR is the page read by OCR, with the text layer's blocks that lie
// wholly outside the scanned image kept (a running title, a caption, a
// page number beside a picture of text): those above the image first,
// then what OCR read, then the rest.
func mergeOCR(text, read document.Page, box [4]float64) document.Page {
	var above, below []document.Block
	for _, b := range text.Blocks {
		if b.Box == nil {
			continue
		}
		switch {
		case b.Box.Y1 <= box[1]+1:
			above = append(above, b)
		case b.Box.Y0 >= box[3]-1 || b.Box.X1 <= box[0]+1 || b.Box.X0 >= box[2]-1:
			below = append(below, b)
		}
	}
	read.Blocks = append(append(above, read.Blocks...), below...)
	return read
}

// ocrRawPage places a page's words on it as glyph runs: one run a word, on
// its line's baseline, in the line's size, the pixels mapped onto the
// scan's box.
func ocrRawPage(sc Scan, p *ocr.Page) rawPage {
	rp := rawPage{number: sc.Page, width: sc.Width, height: sc.Height}
	sx := (sc.Box[2] - sc.Box[0]) / float64(max(p.Width, 1))
	sy := (sc.Box[3] - sc.Box[1]) / float64(max(p.Height, 1))
	for _, l := range p.Lines {
		size := l.Size * sy
		if size < 1 {
			continue
		}
		base := rp.height - (sc.Box[1] + l.Base*sy)
		for _, w := range l.Words {
			text := strings.TrimSpace(w.Text)
			if text == "" || math.IsNaN(size) {
				continue
			}
			rp.spans = append(rp.spans, span{
				x0: sc.Box[0] + w.Box.X0*sx, x1: sc.Box[0] + w.Box.X1*sx,
				y0: base, y1: base,
				size: size, text: text, upright: true,
			})
		}
	}
	return rp
}

// pageList writes page numbers with runs shortened: "1-12, 14, 20-21".
func pageList(pages []int) string {
	var b strings.Builder
	for i := 0; i < len(pages); {
		j := i
		for j+1 < len(pages) && pages[j+1] == pages[j]+1 {
			j++
		}
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		if j > i {
			fmt.Fprintf(&b, "%d-%d", pages[i], pages[j])
		} else {
			fmt.Fprintf(&b, "%d", pages[i])
		}
		i = j + 1
	}
	return b.String()
}

func round1(f float64) float64 { return math.Round(f*10) / 10 }

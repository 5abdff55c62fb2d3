// Package htmldoc reads a web page into the document model: the main
// content only (navigation, banners, sidebars and widgets dropped), as
// headings, paragraphs, lists, tables and captions in document order.
package htmldoc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"

	"github.com/nhsreview/nhsreview/internal/lazyre"
	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/textclean"
)

// Limits that bound the work on hostile input. Real pages are well under
// all of them: the largest NHS pages seen are a few MB with a few tens of
// thousands of elements nested less than 50 deep.
const (
	maxInput = 64 << 20
	maxNodes = 1_000_000
	// maxDepth bounds the recursion of the walk. The parser already refuses
	// more than 512 open elements; this guards the walk should that change.
	maxDepth = 1000
)

// Selectors are our constants: compile them once and fail at start-up,
// because an invalid selector would otherwise silently match nothing.
var (
	// selDrop is content that is never document text, or is page chrome.
	selDrop = mustCompile(`script, style, noscript, template, svg, math, iframe, frame, frameset,
		object, embed, canvas, video, audio, map, button, input, select, textarea, dialog,
		nav, aside, menu,
		[hidden], [aria-hidden=true], [style*="display:none"], [style*="display: none"],
		[role=navigation], [role=banner], [role=contentinfo], [role=search], [role=menu],
		[role=menubar], [role=complementary], [role=dialog], [role=alertdialog]`)
	selHeaderFooter = mustCompile(`header, footer`)
	// selForm is dropped unless it holds the content: ASP.NET pages wrap
	// the whole body in one <form>.
	selForm = mustCompile(`form`)
	// selSectioning holds the elements inside which a header or footer
	// belongs to the content (an article's byline) rather than the page.
	selSectioning = mustCompile(`article, main, [role=main], section`)
	selClassOrID  = mustCompile(`[class], [id]`)
	selMainRoot   = mustCompile(`main, [role=main]`)
	selArticle    = mustCompile(`article`)
	selH1         = mustCompile(`h1`)
	selTitle      = mustCompile(`head > title`)
	selBody       = mustCompile(`body`)
	selOGTitle    = mustCompile(`meta[property="og:title"]`)
	selAnchor     = mustCompile(`a`)
	// selNoteMarks are footnote reference and back-reference links: their
	// "1" and "↩" would otherwise be glued to words ("Total1").
	selNoteMarks = mustCompile(`a[href^="#fn"], a.footnote, a.reversefootnote, a.footnote-ref,
		a.footnote-backref, sup.reference, a[href^="#cite_note"], a[href^="#cite_ref"]`)
	selParagraph = mustCompile(`p`)
	selDensity   = mustCompile(`p, pre, blockquote`)
	// selLayoutList and selLayoutCell mark lists and tables used for
	// layout: their items hold headings or tables, their cells headings,
	// so they are walked as containers instead of being read as one list
	// or table block. A table in a cell of a data table is flattened into
	// the cell's text.
	selLayoutList = mustCompile(`h1, h2, h3, h4, h5, h6, table, article, section`)
	selLayoutCell = mustCompile(`h1, h2, h3, h4, h5, h6, article, section`)
)

func mustCompile(sel string) cascadia.Selector {
	m, err := cascadia.Compile(sel)
	if err != nil {
		panic(fmt.Sprintf("htmldoc: invalid selector %q: %v", sel, err))
	}
	return m
}

// chromeWords are class or id words (split on anything not a letter or
// digit) that mark page chrome. Whole words, not substrings: "nav" must
// not match "canvas", nor "ad" "header".
var chromeWords = map[string]bool{
	"nav": true, "navbar": true, "navigation": true, "menu": true, "submenu": true,
	"megamenu": true, "breadcrumb": true, "breadcrumbs": true, "cookie": true,
	"cookies": true, "consent": true, "gdpr": true, "skip": true, "skiplink": true,
	"share": true, "sharing": true, "social": true, "sidebar": true, "masthead": true,
	"toc": true, "pagination": true, "pager": true, "search": true, "advert": true,
	"advertisement": true, "newsletter": true,
}

// pageChromeWords mark page-level headers and footers built from divs;
// inside an article or main they are the content's own.
var pageChromeWords = map[string]bool{"header": true, "footer": true}

// markupRe finds at least one HTML tag in text that the sniffer took for
// plain text (a fragment that does not start with a tag).
var markupRe = lazyre.New(`(?i)<(?:!doctype|html|head|body|title|p|div|span|a|br|h[1-6]|table|ul|ol|li|section|article|main|meta|link|script|style)[\s/>]`)

// Options bounds the reading of one page; a zero field takes its default.
type Options struct {
	// MaxDepth: the content of elements nested deeper is skipped, with a
	// warning. The parser itself refuses pages nested over 512 deep.
	MaxDepth int
	// Context, when set, stops the reading when it ends: the walk over
	// the page's elements checks it.
	Context context.Context
}

// Read parses an HTML page with the default limits. contentType (the HTTP
// Content-Type, may be empty) supplies the charset when it names one;
// otherwise the charset is taken from a BOM or a <meta> declaration, else
// sniffed.
func Read(data []byte, contentType string) (*document.Document, error) {
	return ReadWith(data, contentType, Options{})
}

// ReadWith is Read with limits.
func ReadWith(data []byte, contentType string, opt Options) (*document.Document, error) {
	if opt.MaxDepth <= 0 || opt.MaxDepth > maxDepth {
		opt.MaxDepth = maxDepth
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errors.New("not HTML: empty input")
	}
	if len(data) > maxInput {
		return nil, fmt.Errorf("not HTML: %d bytes is more than the %d MB limit", len(data), maxInput>>20)
	}
	text, err := decode(data, contentType)
	if err != nil {
		return nil, err
	}
	if err := sniff(text); err != nil {
		return nil, err
	}
	if err := prescan(text); err != nil {
		return nil, err
	}
	root, err := html.Parse(bytes.NewReader(text))
	if err != nil {
		return nil, fmt.Errorf("parsing HTML: %w", err)
	}
	pruned, err := checkTree(root, opt.MaxDepth)
	if err != nil {
		return nil, err
	}
	dom := goquery.NewDocumentFromNode(root)

	// <title> holds raw text only; textOf skips it as non-content.
	pageTitle := textclean.Fold(dom.FindMatcher(selTitle).First().Text())
	if pageTitle == "" {
		pageTitle = textclean.Fold(dom.FindMatcher(selOGTitle).First().AttrOr("content", ""))
	}
	// The h1 is found before the chrome is removed: page headers often hold
	// it, and it is the page's own title even when the header goes.
	var h1 *html.Node
	dom.FindMatcher(selH1).EachWithBreak(func(_ int, s *goquery.Selection) bool {
		if s.ParentsMatcher(selDrop).Length() > 0 || textOf(s.Nodes[0]) == "" {
			return true
		}
		h1 = s.Nodes[0]
		return false
	})

	removeChrome(dom)
	content := mainRoot(dom)

	w := &walker{hasBlock: map[*html.Node]bool{}, ctx: opt.Context}
	if h1 != nil && !contains(content, h1) {
		if isSiteName(pageTitle, textOf(h1)) {
			// "<header><h1>Example Trust</h1>" on a page titled "Winter
			// plan | Example Trust" is the logo, not the page's heading.
			h1 = nil
		} else {
			w.heading(h1, 1)
		}
	}
	w.container(content, 0)
	w.flush()
	if w.err != nil {
		return nil, w.err
	}

	d := &document.Document{
		SchemaVersion: document.SchemaVersion,
		Format:        document.FormatHTML,
		Title:         chooseTitle(pageTitle, w.blocks, h1),
		Pages:         []document.Page{{Number: 1, Blocks: w.blocks}},
	}
	if d.Pages[0].Blocks == nil {
		d.Pages[0].Blocks = []document.Block{}
	}
	if w.truncated || pruned {
		d.Quality.Warn(fmt.Sprintf("elements nested deeper than %d: their content was skipped (--max-depth)", opt.MaxDepth))
	}
	d.Measure(w.controls)
	return d, nil
}

// decode converts the page to UTF-8 from the charset the Content-Type, a
// BOM or a <meta> declaration names (in that order), else from a sniffed
// one, and drops a leading byte order mark.
func decode(data []byte, contentType string) ([]byte, error) {
	r, err := charset.NewReader(bytes.NewReader(data), contentType)
	if err != nil {
		return nil, fmt.Errorf("decoding HTML charset: %w", err)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("decoding HTML charset: %w", err)
	}
	return bytes.TrimPrefix(out, []byte("\uFEFF")), nil
}

// sniff rejects input that is clearly something else (a PDF, an image, a
// zip) or has no markup at all.
func sniff(text []byte) error {
	ct := http.DetectContentType(text)
	switch {
	case strings.HasPrefix(ct, "text/html"), strings.HasPrefix(ct, "text/xml"):
		return nil
	case strings.HasPrefix(ct, "text/plain"):
		head := text
		if len(head) > 64<<10 {
			head = head[:64<<10]
		}
		if !markupRe.Match(head) {
			return errors.New("not HTML: no markup found")
		}
		return nil
	default:
		return fmt.Errorf("not HTML: content looks like %s", ct)
	}
}

// prescan counts start tags with the tokenizer, which is linear, so that
// a hostile page is rejected before a tree is built for it. (The parser
// bounds nesting itself: it refuses more than 512 open elements.)
func prescan(text []byte) error {
	z := html.NewTokenizer(bytes.NewReader(text))
	tags := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			if z.Err() == io.EOF {
				return nil
			}
			return fmt.Errorf("tokenizing HTML: %w", z.Err())
		case html.StartTagToken, html.SelfClosingTagToken:
			tags++
			if tags > maxNodes {
				return fmt.Errorf("not a readable page: more than %d elements", maxNodes)
			}
		}
	}
}

// checkTree bounds the parsed tree, without recursion: too many nodes is
// an error; below depth limit the tree is cut (pruned is then true), so
// that the recursive walks after it stay shallow.
func checkTree(root *html.Node, limit int) (pruned bool, err error) {
	type item struct {
		n     *html.Node
		depth int
	}
	stack := []item{{root, 0}}
	count := 0
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		count++
		if count > maxNodes {
			return false, fmt.Errorf("not a readable page: more than %d nodes", maxNodes)
		}
		if it.depth >= limit && it.n.FirstChild != nil {
			it.n.FirstChild, it.n.LastChild = nil, nil
			pruned = true
			continue
		}
		for c := it.n.FirstChild; c != nil; c = c.NextSibling {
			stack = append(stack, item{c, it.depth + 1})
		}
	}
	return pruned, nil
}

// removeChrome deletes everything that is not the page's content.
func removeChrome(dom *goquery.Document) {
	dom.FindMatcher(selDrop).Remove()
	bodyLen := textLen(dom.Nodes[0])
	dom.FindMatcher(selForm).Each(func(_ int, s *goquery.Selection) {
		if !holdsContent(s, bodyLen) {
			s.Remove()
		}
	})
	dom.FindMatcher(selHeaderFooter).Each(func(_ int, s *goquery.Selection) {
		if s.ParentsMatcher(selSectioning).Length() == 0 {
			s.Remove()
		}
	})
	dom.FindMatcher(selClassOrID).Each(func(_ int, s *goquery.Selection) {
		n := s.Nodes[0]
		if n.Parent == nil || n.DataAtom == atom.Html || n.DataAtom == atom.Body {
			return
		}
		words := attrWords(s.AttrOr("class", "") + " " + s.AttrOr("id", ""))
		chrome, pageChrome := false, false
		for _, w := range words {
			chrome = chrome || chromeWords[w]
			pageChrome = pageChrome || pageChromeWords[w]
		}
		if pageChrome && !chrome && s.ParentsMatcher(selSectioning).Length() > 0 {
			return
		}
		if !chrome && !pageChrome {
			return
		}
		// A wrapper called "main-nav-wrapper" around the whole page is a
		// badly named container, not chrome.
		if !holdsContent(s, bodyLen) {
			s.Remove()
		}
	})
	dom.FindMatcher(selNoteMarks).Remove()
	// Skip links, and paragraphs that are only an in-page link ("Back to
	// top", "Back to list of domains").
	dom.FindMatcher(selAnchor).Each(func(_ int, s *goquery.Selection) {
		if strings.HasPrefix(strings.ToLower(textOf(s.Nodes...)), "skip to ") {
			s.Remove()
		}
	})
	dom.FindMatcher(selParagraph).Each(func(_ int, s *goquery.Selection) {
		a := s.ChildrenMatcher(selAnchor)
		if a.Length() == 1 && strings.HasPrefix(a.AttrOr("href", ""), "#") &&
			textOf(a.Nodes...) == textOf(s.Nodes...) {
			s.Remove()
		}
	})
}

// holdsContent reports whether an element to be dropped holds the page's
// content after all: the main element or an article, or most of the text
// in headings and paragraphs (a menu has neither).
func holdsContent(s *goquery.Selection, bodyLen int) bool {
	if s.FindMatcher(selMainRoot).Length() > 0 || s.FindMatcher(selArticle).Length() > 0 {
		return true
	}
	prose := s.FindMatcher(selH1).Length() > 0 || s.FindMatcher(selParagraph).Length() >= 3
	return prose && 2*textLen(s.Nodes[0]) > bodyLen
}

// attrWords splits class and id values into lower-case words, so that BEM
// names like "nav__list" and "site-nav" yield "nav".
func attrWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// mainRoot picks the element that holds the content: main (or role=main),
// else the article(s), else the element with the most paragraph text.
func mainRoot(dom *goquery.Document) *html.Node {
	body := dom.FindMatcher(selBody)
	if body.Length() == 0 {
		return dom.Nodes[0]
	}
	bodyNode := body.Nodes[0]
	bodyLen := textLen(bodyNode)
	pick := func(n *html.Node) *html.Node {
		// A main or article that holds a fifth of the text or less is a
		// teaser or a card, not the content.
		if n == nil || textLen(n)*5 <= bodyLen {
			return nil
		}
		return n
	}
	if n := pick(longest(dom.FindMatcher(selMainRoot).Nodes)); n != nil {
		return n
	}
	articles := dom.FindMatcher(selArticle).Nodes
	if n := pick(commonAncestor(articles)); n != nil {
		return n
	}
	if n := pick(densest(bodyNode, dom.FindMatcher(selDensity).Nodes)); n != nil {
		return n
	}
	return bodyNode
}

func longest(nodes []*html.Node) *html.Node {
	var best *html.Node
	bestLen := -1
	for _, n := range nodes {
		if l := textLen(n); l > bestLen {
			best, bestLen = n, l
		}
	}
	return best
}

// commonAncestor returns the deepest node holding all of nodes.
func commonAncestor(nodes []*html.Node) *html.Node {
	if len(nodes) == 0 {
		return nil
	}
	anc := nodes[0]
	for _, n := range nodes[1:] {
		for anc != nil && !contains(anc, n) {
			anc = anc.Parent
		}
	}
	return anc
}

// densest scores each element by the text of the paragraphs it holds
// directly (and half of those one level down), the usual readability
// heuristic, and returns the best.
func densest(body *html.Node, paras []*html.Node) *html.Node {
	score := map[*html.Node]int{}
	for _, p := range paras {
		l := textLen(p)
		if p.Parent != nil {
			score[p.Parent] += l
			if gp := p.Parent.Parent; gp != nil {
				score[gp] += l / 2
			}
		}
	}
	var best *html.Node
	bestScore := 0
	for n, s := range score {
		if s > bestScore || (s == bestScore && best != nil && contains(n, best)) {
			best, bestScore = n, s
		}
	}
	if best == nil || !contains(body, best) {
		return nil
	}
	return best
}

// contains reports whether n is root or inside it.
func contains(root, n *html.Node) bool {
	for ; n != nil; n = n.Parent {
		if n == root {
			return true
		}
	}
	return false
}

func textLen(n *html.Node) int {
	return len(textOf(n))
}

// textOf returns the folded text of nodes with the same block and inline
// rules as the walker.
func textOf(nodes ...*html.Node) string {
	var c collector
	for _, n := range nodes {
		c.node(n, 0)
	}
	return textclean.Fold(c.b.String())
}

// chooseTitle prefers the <title>, trimmed of a site name when one of its
// parts is the h1 ("Tobacco - West Sussex JSNA Website" with h1
// "Tobacco"), else the first h1, else the first heading.
func chooseTitle(pageTitle string, blocks []document.Block, h1 *html.Node) string {
	pageTitle, _ = textclean.Clean(pageTitle, false)
	pageTitle = textclean.Fold(pageTitle)
	var heading string
	if h1 != nil {
		heading, _ = textclean.Clean(textOf(h1), false)
		heading = textclean.Fold(heading)
	}
	if heading == "" {
		for _, b := range blocks {
			if b.Kind == document.Heading {
				heading = b.Text
				break
			}
		}
	}
	if pageTitle == "" {
		return heading
	}
	if heading == "" {
		return pageTitle
	}
	for _, part := range titleSep.Split(pageTitle, -1) {
		if strings.EqualFold(strings.TrimSpace(part), heading) {
			// A one-word heading ("Tobacco") is a page of a site, not a
			// title: with the site's name it says whose page it is.
			if len(strings.Fields(heading)) == 1 {
				return pageTitle
			}
			return heading
		}
	}
	if len(heading) < len(pageTitle) && strings.Contains(strings.ToLower(pageTitle), strings.ToLower(heading)) {
		return heading
	}
	return pageTitle
}

// isSiteName reports whether heading is the last part of a page title
// of several parts: the site's name, which sites append to every title.
func isSiteName(pageTitle, heading string) bool {
	parts := titleSep.Split(pageTitle, -1)
	return len(parts) > 1 && heading != "" && strings.EqualFold(strings.TrimSpace(parts[len(parts)-1]), heading)
}

var titleSep = lazyre.New(`\s+[|\-–—:·»]\s+|\s*::\s*`)

// blockTags are elements that start a new block of text.
var blockTags = map[atom.Atom]bool{
	atom.Address: true, atom.Article: true, atom.Aside: true, atom.Blockquote: true,
	atom.Body: true, atom.Center: true, atom.Dd: true, atom.Details: true, atom.Dialog: true,
	atom.Dir: true, atom.Div: true, atom.Dl: true, atom.Dt: true, atom.Fieldset: true,
	atom.Figcaption: true, atom.Figure: true, atom.Footer: true, atom.Form: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Header: true, atom.Hgroup: true, atom.Hr: true, atom.Html: true, atom.Li: true,
	atom.Main: true, atom.Menu: true, atom.Nav: true, atom.Ol: true, atom.P: true,
	atom.Pre: true, atom.Section: true, atom.Summary: true, atom.Table: true,
	atom.Tbody: true, atom.Thead: true, atom.Tfoot: true, atom.Tr: true, atom.Td: true,
	atom.Th: true, atom.Caption: true, atom.Ul: true, atom.Legend: true,
}

// skipTags never hold document text; they are removed before the walk, and
// skipped again here so that textOf is right on the raw tree too.
var skipTags = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Svg: true, atom.Math: true, atom.Iframe: true, atom.Object: true, atom.Head: true,
	atom.Title: true, atom.Button: true, atom.Select: true, atom.Textarea: true,
}

// headingLevel returns 1-6 for h1-h6, else 0.
func headingLevel(n *html.Node) int {
	switch n.DataAtom {
	case atom.H1:
		return 1
	case atom.H2:
		return 2
	case atom.H3:
		return 3
	case atom.H4:
		return 4
	case atom.H5:
		return 5
	case atom.H6:
		return 6
	}
	return 0
}

// nominalSize is the default rendering size of h1-h6 in points for 12 pt
// body text (2em, 1.5em, 1.17em, 1em, .83em, .67em).
var nominalSize = [7]float64{0, 24, 18, 14, 12, 10, 8}

// collector gathers the text of a subtree for one block: block boundaries
// and <br> become spaces, and two adjacent inline elements with no space
// between them ("<span>2010</span><span>February</span>") get one when
// they would otherwise run two words together.
type collector struct {
	b    strings.Builder
	soft bool
}

func (c *collector) write(s string) {
	if s == "" {
		return
	}
	if c.soft {
		r, _ := utf8.DecodeRuneInString(s)
		if isWord(r) && c.b.Len() > 0 {
			last, _ := utf8.DecodeLastRuneInString(c.b.String())
			if isWord(last) {
				c.b.WriteByte(' ')
			}
		}
		c.soft = false
	}
	c.b.WriteString(s)
}

func isWord(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func (c *collector) node(n *html.Node, depth int) {
	if depth > maxDepth {
		return
	}
	switch n.Type {
	case html.TextNode:
		c.write(n.Data)
	case html.ElementNode, html.DocumentNode:
		if skipTags[n.DataAtom] {
			return
		}
		if n.DataAtom == atom.Br {
			c.write(" ")
			return
		}
		block := blockTags[n.DataAtom]
		if block {
			c.write(" ")
		}
		c.children(n, depth)
		if block {
			c.write(" ")
		}
	}
}

func (c *collector) children(n *html.Node, depth int) {
	var prev *html.Node
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		if ch.Type == html.CommentNode {
			continue
		}
		if adjacentInline(prev, ch) {
			c.soft = true
		}
		c.node(ch, depth+1)
		prev = ch
	}
}

// adjacentInline reports whether two siblings are elements with nothing
// between them. Superscripts and subscripts are left alone: "x<sup>2</sup>"
// and footnote markers belong to the word before.
func adjacentInline(prev, cur *html.Node) bool {
	if prev == nil || prev.Type != html.ElementNode || cur.Type != html.ElementNode {
		return false
	}
	for _, n := range []*html.Node{prev, cur} {
		if n.DataAtom == atom.Sup || n.DataAtom == atom.Sub {
			return false
		}
	}
	return true
}

// walker turns the content tree into blocks.
type walker struct {
	blocks    []document.Block
	controls  int
	para      collector
	brs       int // consecutive <br> in the current paragraph
	hasBlock  map[*html.Node]bool
	truncated bool
	// ctx stops the walk (checked every checkEvery elements); err is
	// why it stopped.
	ctx   context.Context
	err   error
	nodes int
}

const checkEvery = 1024

// clean runs text through textclean and folds whitespace, counting the
// control characters removed.
func (w *walker) clean(s string) string {
	s, st := textclean.Clean(s, false)
	w.controls += st.Controls
	return textclean.Fold(s)
}

func (w *walker) emit(b document.Block) {
	w.blocks = append(w.blocks, b)
}

// flush ends the current paragraph.
func (w *walker) flush() {
	if t := w.clean(w.para.b.String()); t != "" {
		w.emit(document.Block{Kind: document.Paragraph, Text: t})
	}
	w.para = collector{}
	w.brs = 0
}

func (w *walker) heading(n *html.Node, level int) {
	if t := w.clean(textOf(n)); t != "" {
		w.emit(document.Block{Kind: document.Heading, Text: t, Level: level, FontSize: nominalSize[level], Bold: true})
	}
}

// container walks the children of a block element.
func (w *walker) container(n *html.Node, depth int) {
	var prev *html.Node
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		if ch.Type == html.CommentNode {
			continue
		}
		if adjacentInline(prev, ch) {
			w.para.soft = true
		}
		w.node(ch, depth+1)
		prev = ch
	}
}

func (w *walker) node(n *html.Node, depth int) {
	if depth > maxDepth {
		w.truncated = true
		return
	}
	if w.err != nil {
		return
	}
	if w.nodes++; w.ctx != nil && w.nodes%checkEvery == 0 && w.ctx.Err() != nil {
		w.err = fmt.Errorf("reading the page stopped: %w", context.Cause(w.ctx))
		return
	}
	if n.Type == html.TextNode {
		if strings.TrimSpace(n.Data) != "" {
			w.brs = 0
		}
		w.para.write(n.Data)
		return
	}
	if n.Type != html.ElementNode || skipTags[n.DataAtom] {
		return
	}
	if l := headingLevel(n); l > 0 {
		w.flush()
		w.heading(n, l)
		return
	}
	switch n.DataAtom {
	case atom.Br:
		// One <br> is a line break inside the paragraph; two in a row are
		// how old pages separate paragraphs.
		w.brs++
		if w.brs >= 2 {
			w.flush()
		} else {
			w.para.write("\n")
		}
	case atom.Hr:
		w.flush()
	case atom.Ul, atom.Ol:
		w.flush()
		if hasAny(n, selLayoutList) {
			w.container(n, depth)
			w.flush()
			return
		}
		w.list(n)
	case atom.Table:
		w.flush()
		if isLayoutTable(n) {
			w.container(n, depth)
			w.flush()
			return
		}
		w.table(n)
	case atom.Figcaption, atom.Caption:
		w.flush()
		if t := w.clean(textOf(n)); t != "" {
			w.emit(document.Block{Kind: document.Caption, Text: t})
		}
	case atom.Pre:
		w.flush()
		if t := w.clean(textOf(n)); t != "" {
			w.emit(document.Block{Kind: document.Paragraph, Text: t})
		}
	default:
		if blockTags[n.DataAtom] || w.holdsBlock(n, 0) {
			w.flush()
			w.container(n, depth)
			w.flush()
			return
		}
		// An inline element: its text joins the current paragraph.
		w.para.children(n, depth)
	}
}

// holdsBlock reports whether an inline element has a block inside (a link
// wrapping a blockquote), in which case it is walked as a container.
func (w *walker) holdsBlock(n *html.Node, depth int) bool {
	if v, ok := w.hasBlock[n]; ok {
		return v
	}
	v := false
	if depth <= maxDepth {
		for c := n.FirstChild; c != nil && !v; c = c.NextSibling {
			if c.Type == html.ElementNode && !skipTags[c.DataAtom] {
				v = blockTags[c.DataAtom] || w.holdsBlock(c, depth+1)
			}
		}
	}
	w.hasBlock[n] = v
	return v
}

func hasAny(n *html.Node, m cascadia.Selector) bool {
	return cascadia.Query(n, m) != nil
}

// isLayoutTable reports whether a table is used for page layout: a cell
// holds a heading.
func isLayoutTable(t *html.Node) bool {
	layout := false
	eachRow(t, func(tr *html.Node) {
		for c := tr.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && (c.DataAtom == atom.Td || c.DataAtom == atom.Th) && hasAny(c, selLayoutCell) {
				layout = true
			}
		}
	})
	return layout
}

// eachRow calls fn for the rows of t, not those of nested tables.
func eachRow(t *html.Node, fn func(tr *html.Node)) {
	var walk func(n *html.Node, depth int)
	walk = func(n *html.Node, depth int) {
		if depth > maxDepth {
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			switch c.DataAtom {
			case atom.Tr:
				fn(c)
			case atom.Table:
			default:
				walk(c, depth+1)
			}
		}
	}
	walk(t, 0)
}

// table emits the caption and one table block; nested tables end up in
// their cell's text.
func (w *walker) table(t *html.Node) {
	for c := t.FirstChild; c != nil; c = c.NextSibling {
		if c.DataAtom == atom.Caption {
			if s := w.clean(textOf(c)); s != "" {
				w.emit(document.Block{Kind: document.Caption, Text: s})
			}
		}
	}
	var rows [][]string
	eachRow(t, func(tr *html.Node) {
		var row []string
		for c := tr.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && (c.DataAtom == atom.Td || c.DataAtom == atom.Th) {
				row = append(row, w.clean(textOf(c)))
			}
		}
		rows = append(rows, row)
	})
	if rows = document.FilledRows(rows); len(rows) > 0 {
		w.emit(document.Block{Kind: document.Table, Text: document.TableText(rows), Rows: rows})
	}
}

// list emits one list block; items of nested lists follow their parent
// item as items of their own.
func (w *walker) list(n *html.Node) {
	var items []string
	var walk func(l *html.Node, depth int)
	walk = func(l *html.Node, depth int) {
		if depth > maxDepth {
			w.truncated = true
			return
		}
		for li := l.FirstChild; li != nil; li = li.NextSibling {
			if li.Type != html.ElementNode {
				continue
			}
			if li.DataAtom != atom.Li {
				// Stray wrappers between ul and li (invalid but common).
				walk(li, depth+1)
				continue
			}
			var c collector
			var nested []*html.Node
			for ch := li.FirstChild; ch != nil; ch = ch.NextSibling {
				if ch.DataAtom == atom.Ul || ch.DataAtom == atom.Ol {
					nested = append(nested, ch)
					continue
				}
				c.node(ch, depth+1)
			}
			if s := w.clean(c.b.String()); s != "" {
				items = append(items, s)
			}
			for _, sub := range nested {
				walk(sub, depth+1)
			}
		}
	}
	walk(n, 0)
	if len(items) > 0 {
		w.emit(document.Block{Kind: document.List, Text: strings.Join(items, "\n"), Items: items})
	}
}

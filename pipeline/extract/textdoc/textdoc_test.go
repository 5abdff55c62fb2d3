package textdoc

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/nhsreview/nhsreview/internal/testkit/golden"
	"github.com/nhsreview/nhsreview/internal/testkit/readertest"
	"github.com/nhsreview/nhsreview/internal/testkit/sharedcorpus"
	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/extract/title"
)

type goldenDoc struct {
	Title  string           `json:"title"`
	Format document.Format  `json:"format"`
	Blocks []document.Block `json:"blocks"`
}

func TestReadGolden(t *testing.T) {
	var inputs []string
	for _, pat := range []string{"testdata/*.md", "testdata/*.txt"} {
		m, err := filepath.Glob(pat)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, m...)
	}
	if len(inputs) == 0 {
		t.Fatal("no test inputs")
	}
	for _, in := range inputs {
		name := filepath.Base(in)
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			d, err := Read(data, "")
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			readertest.CheckOnePage(t, d, 6, document.FormatMarkdown, document.FormatText)
			golden.JSON(t, filepath.Join("testdata", strings.TrimSuffix(name, filepath.Ext(name))+".golden.json"), goldenDoc{d.Title, d.Format, d.Pages[0].Blocks})
		})
	}
}

func TestReadFormatChoice(t *testing.T) {
	md := []byte("# Title\n\nText.\n")
	tests := []struct {
		name        string
		data        []byte
		contentType string
		want        document.Format
	}{
		{"markdown hint", []byte("Just text.\n"), "text/markdown; charset=utf-8", document.FormatMarkdown},
		{"plain hint", md, "text/plain", document.FormatText},
		{"atx heading", md, "", document.FormatMarkdown},
		{"bold line", []byte("**Foreword**\n\nText.\n"), "", document.FormatMarkdown},
		{"pipe table", []byte("a | b\n--|--\n1 | 2\n"), "", document.FormatMarkdown},
		{"link", []byte("See [the plan](https://x.org).\n"), "", document.FormatMarkdown},
		{"bullets only", []byte("- one\n- two\n"), "", document.FormatText},
		{"prose", []byte("A plain letter.\n\nYours sincerely.\n"), "", document.FormatText},
		{"unknown type sniffs", md, "application/octet-stream", document.FormatMarkdown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Read(tt.data, tt.contentType)
			if err != nil {
				t.Fatal(err)
			}
			if d.Format != tt.want {
				t.Errorf("format %q, want %q", d.Format, tt.want)
			}
		})
	}
}

func TestReadEncodings(t *testing.T) {
	utf16le := []byte{0xFF, 0xFE}
	utf16be := []byte{0xFE, 0xFF}
	for _, r := range "# Café\n\nText.\n" {
		utf16le = append(utf16le, byte(r), byte(r>>8))
		utf16be = append(utf16be, byte(r>>8), byte(r))
	}
	tests := []struct {
		name        string
		data        []byte
		contentType string
		wantTitle   string
		wantWarning bool
	}{
		{"utf-8", []byte("# Café\n"), "", "Café", false},
		{"utf-8 BOM", []byte("\xEF\xBB\xBF# Café\n"), "", "Café", false},
		{"utf-16le BOM", utf16le, "", "Café", false},
		{"utf-16be BOM", utf16be, "", "Café", false},
		{"declared latin-1", []byte("# Caf\xe9\n"), "text/markdown; charset=iso-8859-1", "Café", false},
		{"undeclared windows-1252", []byte("# Caf\xe9 \x96 \x93plan\x94\n"), "", "Café – “plan”", true},
		{"utf-8 with one bad byte stays utf-8", []byte("# Café \xff\n"), "", "Café \uFFFD", false},
		{"form feed is a break", []byte("PAGE ONE\f\nSecond page text.\n"), "text/plain", "PAGE ONE", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Read(tt.data, tt.contentType)
			if err != nil {
				t.Fatal(err)
			}
			if d.Title != tt.wantTitle {
				t.Errorf("title %q, want %q", d.Title, tt.wantTitle)
			}
			if got := len(d.Quality.Warnings) > 0 && strings.Contains(strings.Join(d.Quality.Warnings, ";"), "Windows-1252"); got != tt.wantWarning {
				t.Errorf("warnings %v", d.Quality.Warnings)
			}
		})
	}
}

func TestReadControls(t *testing.T) {
	d, err := Read([]byte("Text with a bell\a and an escape\x1b here.\n"), "text/plain")
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Pages[0].Blocks[0].Text; got != "Text with a bell and an escape here." {
		t.Errorf("text %q", got)
	}
	if d.Quality.ControlShare == 0 {
		t.Error("control characters not counted")
	}
}

func TestReadErrors(t *testing.T) {
	tests := []struct {
		name        string
		data        []byte
		contentType string
		want        string
	}{
		{"pdf", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"), "", "not text: content looks like application/pdf"},
		{"zip", []byte("PK\x03\x04\x14\x00\x06\x00"), "", "not text: content looks like application/zip"},
		{"png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "", "not text: content looks like image/png"},
		{"nul bytes", []byte("text\x00\x00\x01binary"), "", "not text: binary data"},
		{"unknown charset", []byte("text"), "text/plain; charset=klingon", "unknown charset"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(tt.data, tt.contentType)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}

func TestReadEmpty(t *testing.T) {
	for _, in := range []string{"", "\n\n  \n"} {
		d, err := Read([]byte(in), "")
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		if len(d.Pages[0].Blocks) != 0 || d.Title != "" || !d.Quality.NeedsOCR {
			t.Errorf("%q: %+v", in, d)
		}
	}
}

func TestStripInline(t *testing.T) {
	tests := []struct{ in, want string }{
		{"**bold** and __bold__", "bold and bold"},
		{"*em* and _em_", "em and em"},
		{"***both***", "both"},
		{"snake_case_name", "snake_case_name"},
		{"2 * 3 = 6", "2 * 3 = 6"},
		{"**The Leeds Health **", "The Leeds Health "},
		{"*‘Leeds will be a city for *", "‘Leeds will be a city for "},
		{"[link text](https://x.org/a_(b)) after", "link text after"},
		{"[ref link][r1] and [plain brackets]", "ref link and [plain brackets]"},
		{"![alt](img.png)gone", "gone"},
		{"[![badge](b.svg)](https://x.org)", ""},
		{"`a*b*c` and ``x ` y``", "a*b*c and x ` y"},
		{"unmatched ` tick", "unmatched ` tick"},
		{`\(escaped\) \*stars\* \_under\_ \\`, `(escaped) *stars* _under_ \`},
		{"a <b>tag</b> and <br/>break", "a tag and  break"},
		{"<https://example.org/x>", "https://example.org/x"},
		{"a < b > c", "a < b > c"},
		{"AT&amp;T &pound;5 &#8211; ok", "AT&T £5 – ok"},
		{"note[^12] here", "note here"},
		{"~~struck~~ and ~approx", "struck and ~approx"},
		{"[[[[[", "[[[[["},
	}
	for _, tt := range tests {
		if got := stripInline(tt.in); got != tt.want {
			t.Errorf("stripInline(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestBoldOnly(t *testing.T) {
	tests := []struct {
		in       string
		inner    string
		trailing bool
		ok       bool
	}{
		{"**Foreword**", "Foreword", false, true},
		{"**The Leeds Health **", "The Leeds Health ", true, true},
		{"**Foreword**** **", "Foreword ", false, true},
		{"__Title__", "Title", false, true},
		{"**Bold** then text", "", false, false},
		{"Text then **bold**", "", false, false},
		{"****", "", false, false},
		{"**a** **b**", "ab", false, true},
		{"*italic*", "", false, false},
	}
	for _, tt := range tests {
		inner, trailing, ok := boldOnly(tt.in)
		if inner != tt.inner || trailing != tt.trailing || ok != tt.ok {
			t.Errorf("boldOnly(%q) = %q, %v, %v; want %q, %v, %v", tt.in, inner, trailing, ok, tt.inner, tt.trailing, tt.ok)
		}
	}
}

func TestPlainHeading(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"OUR STRATEGY", 1},
		{"FOREWORD", 1},
		{"1. Introduction", 1},
		{"2.3 Our aims", 2},
		{"2.3.1. Detail", 3},
		{"NHS", 0},
		{"4 June 2025", 0},
		{"10 Year Health Plan", 0},
		{"1. Introduction 4", 0},
		{"Contents ........ 12", 0},
		{"1. Do the first thing.", 0},
		{"AIMS:", 0},
		{"2", 0},
		{"Our strategy", 0},
		{"THIS LINE IS FAR TOO LONG TO BE A HEADING BECAUSE IT HAS MORE THAN TWELVE WORDS IN IT", 0},
	}
	for _, tt := range tests {
		if got := plainHeading(tt.in); got != tt.want {
			t.Errorf("plainHeading(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestMarkdownHeadingRules(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string // headings as "level:text"
	}{
		{"bold fragments merge", "**The Leeds Health **\n\n**and Wellbeing Strategy **\n\n**2023-2030**\n", []string{"2:The Leeds Health and Wellbeing Strategy 2023-2030"}},
		{"joining word merges", "**FIT FOR**\n\n**THE FUTURE**\n", []string{"2:FIT FOR THE FUTURE"}},
		{"separate entries stay apart", "**Contents**\n\n**Foreword**\n\n4\n\n**Our partnership**\n", []string{"2:Contents", "2:Foreword", "2:Our partnership"}},
		{"page number inside a split heading", "**Connecting strategies **\n\n14\n\n**to tackle inequalities**\n", []string{"2:Connecting strategies to tackle inequalities"}},
		{"text ends a heading", "**Priority one**\n\nSome text.\n\n**and more**\n", []string{"2:Priority one"}},
		{"number is no heading", "**1**\n\n## 12\n\n### p.36\n", nil},
		{"sentence is no heading", "**We will do this.**\n", nil},
		{"level follows ATX", "## Section\n\n**Sub part**\n\n# Top\n\n**Under top**\n", []string{"2:Section", "3:Sub part", "1:Top", "2:Under top"}},
		{"split ATX heading", "## Mental health, learning disabilities\n\n## and autism\n", []string{"2:Mental health, learning disabilities and autism"}},
		{"lower-case ATX alone is text", "Para.\n\n## part of a sentence\n", nil},
		{"setext only for one line", "Line one\nline two\n---\n\nTitle\n===\n", []string{"1:Title"}},
		{"contents entry", "**Introduction p.5**\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Read([]byte(tt.in), "text/markdown")
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, b := range d.Pages[0].Blocks {
				if b.Kind == document.Heading {
					got = append(got, strings.Join([]string{string(rune('0' + b.Level)), b.Text}, ":"))
				}
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("headings %q, want %q", got, tt.want)
			}
		})
	}
}

func TestTitle(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"first level 1", "## Part\n\n# The Title\n", "The Title"},
		{"first heading", "Intro line.\n\n## Part A\n\n## Part B\n", "Part A"},
		{"first line", "First line of the text\n\nSecond paragraph. It has sentences.\n", "First line of the text"},
		{"a title over lines", "**The Example Health **\n\n**and Care Strategy**\n\nPlain text follows.\n", "The Example Health and Care Strategy"},
		{"label before the title", "**RESEARCH**\n\n**Open Access**\n\nImproving things:\n\nan index for allocation\n", "Improving things: an index for allocation"},
		{"publisher then kind of report", "**The Example Hospitals**\n\n**NHS Trust**\n\nAnnual Report\n\nand Accounts\n", "The Example Hospitals NHS Trust Annual Report and Accounts"},
		{"outline at the end is no title", "**Real title**\n\n" + strings.Repeat("Para.\n\n", 30) + "# Document Outline\n", "Real title"},
	}
	for _, tt := range tests {
		d, err := Read([]byte(tt.in), "text/markdown")
		if err != nil {
			t.Fatal(err)
		}
		if d.Title != tt.want {
			t.Errorf("%s: title %q, want %q", tt.name, d.Title, tt.want)
		}
	}
	long := strings.Repeat("word ", 100)
	d, err := Read([]byte(long), "text/plain")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Title) > title.MaxLen+len("…") || !strings.HasSuffix(d.Title, "…") {
		t.Errorf("long first line not truncated: %d bytes", len(d.Title))
	}
}

func sharedDir(t *testing.T) string { return sharedcorpus.Require(t, "corpus", "real-text") }

var numberOnly = regexp.MustCompile(`^[\d\s.,/–-]+$`)

func TestCorpus(t *testing.T) {
	dir := sharedDir(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.md"))
	if err != nil || len(files) == 0 {
		t.Skipf("no Markdown files in %s", dir)
	}
	titles := map[string]string{
		"leeds-health-wellbeing-strategy-2023-2030.md":   "The Leeds Health and Wellbeing Strategy 2023-2030",
		"dhsc-10-year-health-plan-exec-summary-2025.md":  "FIT FOR THE FUTURE 10 Year Health Plan for England Executive Summary",
		"nhse-planning-framework-2025.md":                "Planning framework for the NHS in England",
		"leeds-healthy-leeds-plan-exec-summary-draft.md": "The Healthy Leeds Plan 2023 - 2028 Summary Document",
		"reform-getting-into-shape-2017.md":              "Getting into shape: Delivering a workforce for integrated care",
		"lch-trust-board-public-papers-2025-09.md":       "Bundle Public Board Meeting 4 September 2025",
		"nhse-operational-planning-guidance-2025-26.md":  "2025/26 priorities and operational planning guidance",
		"nhse-neighbourhood-health-guidelines-2025.md":   "Neighbourhood health guidelines 2025/26",
		"nhse-medium-term-planning-framework-2026.md":    "Medium Term Planning Framework",
		"workforce-strategy-2021-25.md":                  "LCH Workforce Strategy 2021-25 (V1.0)",
		"defining-the-integrated-neighbourhood.md":       "Defining the integrated neighbourhood model: a systematic review of key domains and framework development",
		"ltht-people-priorities.md":                      "People Priorities",
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			d, err := Read(data, "text/markdown")
			if err != nil {
				t.Fatal(err)
			}
			readertest.CheckOnePage(t, d, 6, document.FormatMarkdown, document.FormatText)
			if want, ok := titles[name]; ok && d.Title != want {
				t.Errorf("title %q, want %q", d.Title, want)
			}
			if d.Title == "" || d.Title == "Document Outline" {
				t.Errorf("title %q", d.Title)
			}
			// Headings guessed from bold lines must stay a small share
			// of the text (a list counts once per item: each item is a
			// passage); headings from ATX markup are the author's and
			// may be dense. A heading that heads nothing (the next block
			// is a heading at its level or above) is a label: a third
			// of them would be a reader fault.
			var headings, boldHeadings, paragraphs, empty, run, longestRun int
			blocks := d.Pages[0].Blocks
			for i, b := range blocks {
				if b.Kind != document.Heading {
					paragraphs += max(1, len(b.Items))
					run = 0
					continue
				}
				headings++
				if b.Bold {
					boldHeadings++
				}
				if i+1 == len(blocks) || blocks[i+1].Kind == document.Heading && blocks[i+1].Level <= b.Level {
					empty++
				}
				run++
				longestRun = max(longestRun, run)
				if numberOnly.MatchString(b.Text) || pageRefRe.MatchString(b.Text) {
					t.Errorf("number as a heading: %q", b.Text)
				}
				if n := len(strings.Fields(b.Text)); n > maxMergedWords+maxHeadingWords {
					t.Errorf("heading of %d words: %.80q", n, b.Text)
				}
			}
			if headings == 0 || boldHeadings*3 > paragraphs {
				t.Errorf("%d headings (%d from bold lines) for %d other passages", headings, boldHeadings, paragraphs)
			}
			if empty*3 > headings {
				t.Errorf("%d of %d headings head nothing", empty, headings)
			}
			if longestRun > 12 {
				t.Errorf("%d headings in a row", longestRun)
			}
			// Lines of a converted page are put back into paragraphs:
			// few unfinished lines may stay paragraphs of their own.
			if share := openLineShare(blocks); share > 0.15 {
				t.Errorf("%.0f%% of paragraphs are unfinished lines of a page", 100*share)
			}
			// Escaped stars ("\*\*" in the source) are text; any others are
			// markup that was not removed.
			text := d.PlainText()
			if strings.Count(text, "**") > strings.Count(string(data), `\*\*`) || strings.Contains(text, `\(`) {
				t.Error("markup left in the text")
			}
		})
	}
}

func FuzzRead(f *testing.F) {
	seeds := []string{
		"# Title\n\nText with **bold** and [a link](x).\n",
		"**A **\n\n**b**\n\n12\n\n## p.3\n",
		"- a\n  - b\n\n1. c\n2) d\n",
		"a | b\n--|--\n1 | 2\n",
		"```\ncode\n",
		"Title\n===\n\n---\n",
		"<!-- c --> <b>x</b> &amp; `y` ![i](j) [^1]",
		"OUR AIMS\n\n1. Introduction\n\n• item\n",
		"[[[[[[((((((```***___~~~<<<<",
	}
	for _, s := range seeds {
		f.Add([]byte(s), "")
	}
	f.Add([]byte("\xff\xfe#\x00 \x00x\x00"), "")
	f.Add([]byte("caf\xe9"), "text/plain; charset=windows-1252")
	f.Fuzz(func(t *testing.T, data []byte, contentType string) {
		d, err := Read(data, contentType)
		if err != nil {
			return
		}
		if len(d.Pages) != 1 {
			t.Fatalf("%d pages", len(d.Pages))
		}
		for _, b := range d.Pages[0].Blocks {
			if strings.TrimSpace(b.Text) == "" {
				t.Fatalf("empty block %+v", b)
			}
			if b.Kind == document.Heading && (b.Level < 1 || b.Level > 6) {
				t.Fatalf("heading level %d", b.Level)
			}
		}
	})
}

func TestBoldLabelRuns(t *testing.T) {
	tests := []struct {
		name, in string
		headings []string
	}{
		{"chart axis labels", "# Workforce\n\n**May 2016**\n\n**38,000**\n\n**July 2016**\n\n**May 2017**\n\n**July 2017**\n\nThe number of GPs fell.\n",
			[]string{"Workforce"}},
		{"organisation chart", "**Trust Board**\n\n**Audit**\n\n**Quality**\n\n**Committee**\n\n**Committee**\n\nThe board meets monthly.\n",
			nil},
		{"title page of three bold lines", "**Annual Report**\n\n**Leeds Community Healthcare**\n\n**Our Year in Review**\n\nThis report sets out our year.\n",
			[]string{"Annual Report", "Leeds Community Healthcare", "Our Year in Review"}},
		{"bold headings with text between", "**Aims**\n\nWe aim high.\n\n**Actions**\n\nWe act.\n\n**Measures**\n\nWe count.\n\n**Money**\n\nWe pay.\n",
			[]string{"Aims", "Actions", "Measures", "Money"}},
		{"ATX headings are never labels", "# A\n\n## Bee\n\n## Cee\n\n## Dee\n\n## Eee\n\nText.\n",
			[]string{"Bee", "Cee", "Dee", "Eee"}},
	}
	for _, tt := range tests {
		d, err := Read([]byte(tt.in), "text/markdown")
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, b := range d.Pages[0].Blocks {
			if b.Kind == document.Heading {
				got = append(got, b.Text)
			}
		}
		if !slices.Equal(got, tt.headings) {
			t.Errorf("%s: headings %q, want %q", tt.name, got, tt.headings)
		}
	}
}

// The line loops check the context: a reader past its deadline stops
// part-way (issue 14: a 50 MB Markdown ran on for 54 s after its
// caller's deadline).
func TestReadStops(t *testing.T) {
	const lines = 50000
	var md, plain strings.Builder
	for i := range lines {
		if i%10 == 0 {
			fmt.Fprintf(&md, "## Part %d\n", i)
		} else {
			fmt.Fprintf(&md, "Line %d of the plan says what will be done.\n", i)
		}
		fmt.Fprintf(&plain, "Line %d of the plan.\n", i)
	}
	for _, tt := range []struct{ name, text, ct string }{
		{"markdown", md.String(), "text/markdown"},
		{"plain", plain.String(), "text/plain"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			readertest.CheckStops(t, lines, checkEvery, func(ctx context.Context) error {
				_, err := ReadContext(ctx, []byte(tt.text), tt.ct)
				return err
			})
		})
	}
}

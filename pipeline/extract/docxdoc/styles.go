package docxdoc

import (
	"archive/zip"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/nhsreview/nhsreview/internal/lazyre"
)

// maxStyles bounds the style table; real documents have a few hundred.
const maxStyles = 20_000

// maxChain bounds basedOn chains, which can loop in broken files.
const maxChain = 20

// defaultBodySize is Word's body text size in points when styles.xml does
// not say.
const defaultBodySize = 11

type styleInfo struct {
	name     string
	basedOn  string
	outline  int // outline level 0-9 from the style's pPr, -1 when unset
	numbered int // 1 numbered, 0 numbering turned off, -1 unset
	bold     int // 1 bold, 0 not, -1 unset
	size     float64
}

// styles resolves paragraph style ids (which Word localises: "berschrift1",
// "Titre1") through their names, outline levels and base styles.
type styles struct {
	byID        map[string]*styleInfo
	defaultSize float64
	defaultPara string
}

func newStyles() *styles {
	return &styles{byID: map[string]*styleInfo{}}
}

var (
	headingIDRe   = lazyre.New(`(?i)^heading ?([1-9])$`)
	listStyleRe   = lazyre.New(`(?i)^list ?(paragraph|bullet|number|continue)? ?[0-9]?$`)
	tocStyleRe    = lazyre.New(`(?i)^toc ?[1-9]$`)
	captionStyles = map[string]bool{"caption": true}
)

// read parses word/styles.xml.
func (s *styles) read(f *zip.File) error {
	rc, err := openCapped(f, maxPartXML)
	if err != nil {
		return err
	}
	defer rc.Close()
	dec := xml.NewDecoder(rc)
	var stack []string
	var cur *styleInfo
	inDefaults := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading styles: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) >= maxDepth {
				return fmt.Errorf("reading styles: elements nested more than %d deep", maxDepth)
			}
			parent := ""
			if len(stack) > 0 {
				parent = stack[len(stack)-1]
			}
			stack = append(stack, t.Name.Local)
			val := attr(t, "val")
			switch t.Name.Local {
			case "docDefaults":
				inDefaults = true
			case "style":
				if len(s.byID) >= maxStyles {
					return fmt.Errorf("reading styles: more than %d styles", maxStyles)
				}
				cur = &styleInfo{outline: -1, numbered: -1, bold: -1}
				if attr(t, "type") == "paragraph" || attr(t, "type") == "" {
					id := attr(t, "styleId")
					s.byID[id] = cur
					if d := attr(t, "default"); (d == "1" || d == "true") && s.defaultPara == "" {
						s.defaultPara = id
					}
				}
			case "name":
				if cur != nil && parent == "style" {
					cur.name = val
				}
			case "basedOn":
				if cur != nil {
					cur.basedOn = val
				}
			case "outlineLvl":
				if cur != nil && parent == "pPr" {
					if n, err := strconv.Atoi(val); err == nil && n >= 0 && n <= 9 {
						cur.outline = n
					}
				}
			case "numId":
				if cur != nil {
					cur.numbered = 1
					if val == "0" {
						cur.numbered = 0
					}
				}
			case "b":
				if cur != nil && parent == "rPr" {
					cur.bold = boolVal(val)
				}
			case "sz":
				if parent == "rPr" {
					if pt := halfPoints(val); pt > 0 {
						if cur != nil {
							cur.size = pt
						} else if inDefaults {
							s.defaultSize = pt
						}
					}
				}
			}
		case xml.EndElement:
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			switch t.Name.Local {
			case "style":
				cur = nil
			case "docDefaults":
				inDefaults = false
			}
		}
	}
}

// boolVal reads an OOXML on/off value: absent, "1", "true" and "on" are on.
func boolVal(v string) int {
	switch strings.ToLower(v) {
	case "0", "false", "off", "none":
		return 0
	}
	return 1
}

// halfPoints converts a w:sz value (half-points) to points.
func halfPoints(v string) float64 {
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 || n > 3276 {
		return 0
	}
	return float64(n) / 2
}

// chain calls fn on the style and its bases until fn returns true.
func (s *styles) chain(id string, fn func(id string, st *styleInfo) bool) {
	for i := 0; i < maxChain && id != ""; i++ {
		st := s.byID[id]
		if fn(id, st) || st == nil {
			return
		}
		id = st.basedOn
	}
}

// heading returns the heading level of a paragraph style (0 when it is
// not a heading) and whether it is the Title style. The style's own
// outline level wins (9 is body text); then the built-in name ("heading
// 2", under any localised id); then its base style.
func (s *styles) heading(id string) (level int, title bool) {
	s.chain(id, func(id string, st *styleInfo) bool {
		if st != nil && st.outline >= 0 {
			if st.outline < 9 {
				level = st.outline + 1
			}
			return true
		}
		for _, name := range names(id, st) {
			if m := headingIDRe.FindStringSubmatch(name); m != nil {
				level = int(m[1][0] - '0')
				return true
			}
			if strings.EqualFold(name, "title") {
				level, title = 1, true
				return true
			}
		}
		return false
	})
	return level, title
}

func names(id string, st *styleInfo) []string {
	if st == nil || st.name == "" {
		return []string{id}
	}
	return []string{st.name, id}
}

// isList reports whether a paragraph style makes list items: a list style
// by name, or one with numbering.
func (s *styles) isList(id string) bool {
	list := false
	s.chain(id, func(id string, st *styleInfo) bool {
		if st != nil && st.numbered >= 0 {
			list = st.numbered == 1
			return true
		}
		for _, name := range names(id, st) {
			if listStyleRe.MatchString(name) {
				list = true
				return true
			}
		}
		return false
	})
	return list
}

// isTOC reports whether a style is a table-of-contents entry style; those
// paragraphs repeat the headings with page numbers.
func (s *styles) isTOC(id string) bool {
	toc := false
	s.chain(id, func(id string, st *styleInfo) bool {
		for _, name := range names(id, st) {
			if tocStyleRe.MatchString(name) {
				toc = true
				return true
			}
		}
		return false
	})
	return toc
}

// isCaption reports whether a style is the Caption style.
func (s *styles) isCaption(id string) bool {
	c := false
	s.chain(id, func(id string, st *styleInfo) bool {
		for _, name := range names(id, st) {
			if captionStyles[strings.ToLower(name)] {
				c = true
				return true
			}
		}
		return false
	})
	return c
}

// size returns the font size of a style in points, inherited, else the
// document default.
func (s *styles) size(id string) float64 {
	if id == "" {
		id = s.defaultPara
	}
	size := 0.0
	s.chain(id, func(_ string, st *styleInfo) bool {
		if st != nil && st.size > 0 {
			size = st.size
			return true
		}
		return false
	})
	if size == 0 {
		return s.bodySize()
	}
	return size
}

// bold reports whether a style's text is bold, inherited.
func (s *styles) bold(id string) bool {
	if id == "" {
		id = s.defaultPara
	}
	b := false
	s.chain(id, func(_ string, st *styleInfo) bool {
		if st != nil && st.bold >= 0 {
			b = st.bold == 1
			return true
		}
		return false
	})
	return b
}

// bodySize is the size of body text: the default paragraph style's, else
// the document default.
func (s *styles) bodySize() float64 {
	size := 0.0
	s.chain(s.defaultPara, func(_ string, st *styleInfo) bool {
		if st != nil && st.size > 0 {
			size = st.size
			return true
		}
		return false
	})
	switch {
	case size > 0:
		return size
	case s.defaultSize > 0:
		return s.defaultSize
	}
	return defaultBodySize
}

package ocr

import (
	"strings"
	"testing"
)

const sampleHOCR = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"
    "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">
 <head><title></title><meta name='ocr-system' content='tesseract 5.3.0' /></head>
 <body>
  <div class='ocr_page' id='page_1' title='image "stdin"; bbox 0 0 1200 400; ppageno 0; scan_res 300 300'>
   <div class='ocr_carea' id='block_1_1' title="bbox 50 61 1055 173">
    <p class='ocr_par' id='par_1_1' lang='eng' title="bbox 50 61 1055 173">
     <span class='ocr_line' id='line_1_1' title="bbox 50 61 1055 110; baseline 0 -9; x_size 50; x_descenders 10; x_ascenders 12">
      <span class='ocrx_word' id='word_1_1' title='bbox 50 61 134 101; x_wconf 96'>The</span>
      <span class='ocrx_word' id='word_1_2' title='bbox 154 61 372 110; x_wconf 90'>care &amp; <strong>board</strong></span>
     </span>
     <span class='ocr_header' id='line_1_2' title="bbox 53 131 937 173; baseline 0.01 -3; x_size 49.2">
      <span class='ocrx_word' id='word_1_8' title='bbox 53 133 304 171; x_wconf 80'>£12.5m</span>
      <span class='ocrx_word' id='word_1_9' title='bbox 321 131 362 171; x_wconf 92'> </span>
     </span>
    </p>
   </div>
  </div>
 </body>
</html>`

func TestParseHOCR(t *testing.T) {
	p, err := ParseHOCR([]byte(sampleHOCR))
	if err != nil {
		t.Fatal(err)
	}
	if p.Width != 1200 || p.Height != 400 || len(p.Lines) != 2 {
		t.Fatalf("page %dx%d with %d lines, want 1200x400 with 2", p.Width, p.Height, len(p.Lines))
	}
	l := p.Lines[0]
	if l.Base != 101 || l.Size != 50 || l.Par != 1 || len(l.Words) != 2 {
		t.Errorf("line 1: %+v", l)
	}
	if w := l.Words[1]; w.Text != "care & board" || w.Conf != 90 || w.Box != (Box{154, 61, 372, 110}) {
		t.Errorf("word 2: %+v", w)
	}
	if got := p.Lines[1]; len(got.Words) != 1 || got.Words[0].Text != "£12.5m" || got.Size != 49.2 {
		t.Errorf("line 2 (a header line; its empty word dropped): %+v", got)
	}
	if p.Words() != 3 || p.Confidence() != (96+90+80)/3.0 {
		t.Errorf("words %d, confidence %.2f", p.Words(), p.Confidence())
	}
}

func TestParseHOCRBad(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"empty", "", "no ocr_page"},
		{"not hOCR", "<html><body><p>hello</p></body></html>", "no ocr_page"},
		{"page without bbox", `<div class='ocr_page' title='image "x"'></div>`, "without a bbox"},
		{"zero page", `<div class='ocr_page' title='bbox 0 0 0 0'></div>`, "0×0"},
		{"deep", strings.Repeat("<div>", 100), "deeper than 64"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseHOCR([]byte(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestArgs(t *testing.T) {
	if got := strings.Join(Args(300), " "); got != "stdin stdout -l eng --psm 3 --dpi 300 hocr" {
		t.Errorf("Args(300) = %q", got)
	}
	if got := strings.Join(Args(5), " "); !strings.Contains(got, "--dpi 70") {
		t.Errorf("Args(5) = %q: want the resolution raised to 70", got)
	}
	env := Env([]string{"OMP_THREAD_LIMIT=8", "HOME=/x"})
	if strings.Join(env, " ") != "HOME=/x OMP_THREAD_LIMIT=1" {
		t.Errorf("Env = %q", env)
	}
}

// FuzzParseHOCR: whatever Tesseract (or anything in its place) writes,
// parsing ends with a page or an error, never a panic, and a page holds
// only words with text.
func FuzzParseHOCR(f *testing.F) {
	f.Add([]byte(sampleHOCR))
	f.Add([]byte(`<div class='ocr_page' title='bbox 0 0 10 10'><span class='ocrx_word' title='bbox 1 1 2 2; x_wconf 1e309'>x</span></div>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseHOCR(data)
		if err != nil {
			return
		}
		for _, l := range p.Lines {
			for _, w := range l.Words {
				if w.Text == "" || w.Conf < 0 || w.Conf > 100 {
					t.Fatalf("word %+v", w)
				}
			}
		}
	})
}

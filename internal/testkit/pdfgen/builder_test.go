package pdfgen

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"testing"
)

// decodeLZW is an LZWDecode decoder written after poppler's LZWStream, so
// the encoder is checked against the reading rule rather than against its
// own logic. early is the /EarlyChange value.
func decodeLZW(data []byte, early int) ([]byte, error) {
	var out []byte
	var acc uint64
	var nbits uint
	pos := 0
	read := func(width int) (int, bool) {
		for nbits < uint(width) {
			if pos >= len(data) {
				return 0, false
			}
			acc = acc<<8 | uint64(data[pos])
			pos++
			nbits += 8
		}
		nbits -= uint(width)
		return int(acc>>nbits) & (1<<width - 1), true
	}
	table := make([][]byte, 4096)
	for i := range 256 {
		table[i] = []byte{byte(i)}
	}
	next, width := lzwFirst, 9
	var prev []byte
	for {
		code, ok := read(width)
		if !ok {
			return out, errors.New("no EOD code")
		}
		switch {
		case code == lzwClear:
			next, width, prev = lzwFirst, 9, nil
			continue
		case code == lzwEOD:
			return out, nil
		}
		var entry []byte
		switch {
		case code < 256 || code >= lzwFirst && code < next:
			entry = table[code]
		case code == next && prev != nil:
			entry = append(bytes.Clone(prev), prev[0])
		default:
			return out, fmt.Errorf("bad code %d (next %d)", code, next)
		}
		out = append(out, entry...)
		if prev != nil {
			if next >= len(table) {
				return out, errors.New("table overflow")
			}
			table[next] = append(bytes.Clone(prev), entry[0])
			next++
		}
		prev = entry
		if next+early >= 1<<width && width < 12 {
			width++
		}
	}
}

func lzwInputs() map[string][]byte {
	text := []byte(strings.Repeat(ambitionPara+" "+financePara+"\n", 60))
	return map[string][]byte{
		"empty":     nil,
		"one byte":  {'a'},
		"two bytes": {'a', 'b'},
		"run":       bytes.Repeat([]byte{'x'}, 20000),
		"text":      text,
		// Random bytes add a table entry per code or two, so they cross
		// every width change and several table resets.
		"random": RandomBytes(60000, 3),
	}
}

func TestLZWRoundTrip(t *testing.T) {
	for name, in := range lzwInputs() {
		enc := EncodeLZW(in)
		got, err := decodeLZW(enc, 1)
		if err != nil {
			t.Errorf("%s: decode: %v", name, err)
			continue
		}
		if !bytes.Equal(got, in) {
			t.Errorf("%s: round trip differs (%d bytes in, %d out)", name, len(in), len(got))
		}
	}
	// Without early change the widths switch one code late; a long
	// input must then decode wrongly, which shows EarlyChange 1 is real.
	in := lzwInputs()["random"]
	if got, err := decodeLZW(EncodeLZW(in), 0); err == nil && bytes.Equal(got, in) {
		t.Error("stream decodes identically with EarlyChange 0")
	}
}

// TestLZWWithPoppler checks a large LZW content stream, which crosses all
// code widths and table resets, with qpdf and pdftotext.
func TestLZWWithPoppler(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed")
	}
	var d Doc
	c := d.AddPage().NewContent()
	c.Filter = LZW
	f := WinAnsi("F1", Helvetica)
	// Random hex keeps the stream from compressing to a few codes.
	var lines []string
	for col := range 4 {
		for row := range 150 {
			l := fmt.Sprintf("%d.%d %x", col, row, RandomBytes(5, uint64(col*1000+row)))
			c.Text(f, 5, 20+140*float64(col), 830-5.4*float64(row), l)
			lines = append(lines, l)
		}
	}
	if n := len(EncodeLZW(c.Bytes())) * 8 / 12; n < lzwReset+600 {
		t.Fatalf("content too small to exercise table resets: about %d codes", n)
	}
	fx := Fixture{Name: "lzw-large", PDF: d.MustBuild()}
	path := writeFixture(t, fx)
	if _, err := exec.LookPath("qpdf"); err == nil {
		if out, err := exec.Command("qpdf", "--check", path).CombinedOutput(); err != nil {
			t.Errorf("qpdf --check: %v\n%s", err, out)
		}
	}
	out, err := exec.Command("pdftotext", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	for _, l := range lines {
		if !bytes.Contains(out, []byte(l)) {
			t.Fatalf("pdftotext lost line %q", l)
		}
	}
}

func decodeRunLength(data []byte) ([]byte, error) {
	var out []byte
	for i := 0; i < len(data); {
		n := int(data[i])
		i++
		switch {
		case n == 128:
			return out, nil
		case n < 128:
			if i+n+1 > len(data) {
				return nil, errors.New("short literal")
			}
			out = append(out, data[i:i+n+1]...)
			i += n + 1
		default:
			if i >= len(data) {
				return nil, errors.New("short run")
			}
			out = append(out, bytes.Repeat(data[i:i+1], 257-n)...)
			i++
		}
	}
	return nil, errors.New("no EOD")
}

func TestRunLengthAndASCIIHex(t *testing.T) {
	inputs := lzwInputs()
	inputs["mixed"] = []byte("aabbbbbbbbcdefgggg" + strings.Repeat("z", 300) + "q")
	for name, in := range inputs {
		got, err := decodeRunLength(EncodeRunLength(in))
		if err != nil || !bytes.Equal(got, in) {
			t.Errorf("%s: run-length round trip failed: %v", name, err)
		}
		h := EncodeASCIIHex(in)
		if h[len(h)-1] != '>' {
			t.Errorf("%s: ASCIIHex lacks the EOD marker", name)
		}
		raw, err := hex.DecodeString(strings.NewReplacer("\n", "", ">", "").Replace(string(h)))
		if err != nil || !bytes.Equal(raw, in) {
			t.Errorf("%s: ASCIIHex round trip failed: %v", name, err)
		}
	}
	if got := EncodeRunLength([]byte("aaab")); !bytes.Equal(got, []byte{254, 'a', 0, 'b', 128}) {
		t.Errorf("EncodeRunLength(aaab) = %v", got)
	}
}

func TestObjectSyntax(t *testing.T) {
	tests := []struct {
		v    any
		want string
	}{
		{String("a(b)c\\d\n\x01é"), `(a\(b\)c\\d\n\001\303\251)`},
		{Name("A B#/x"), "/A#20B#23#2Fx"},
		{Array{1, 2.5, -0.33333, 1e-9, Ref(4), nil, true}, "[1 2.5 -0.3333 0 4 0 R null true]"},
		{Dict{"Z": 1, "Type": Name("Page"), "A": Hex{0xAB, 0x01}, "Subtype": Name("X")}, "<< /Type /Page /Subtype /X /A <AB01> /Z 1 >>"},
		{TextString("Plan"), "(Plan)"},
		{TextString("Café"), "<FEFF00430061006600E9>"},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		writeObj(&b, tt.v)
		if b.String() != tt.want {
			t.Errorf("writeObj(%#v) = %s, want %s", tt.v, b.String(), tt.want)
		}
	}
}

// TestEscapedTextReadsBack draws text that needs escaping and checks that
// both readers get it back.
func TestEscapedTextReadsBack(t *testing.T) {
	const line = `Costs (revenue) \ capital (draft`
	var d Doc
	d.AddPage().NewContent().Text(WinAnsi("F1", Helvetica), 12, 72, 700, line)
	b := d.MustBuild()
	r, err := openLib(t, b)
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.Page(1).GetPlainText(nil)
	if err != nil || strings.TrimSpace(got) != line {
		t.Errorf("library text = %q, %v; want %q", got, err, line)
	}
	if _, err := exec.LookPath("pdftotext"); err == nil {
		out, err := exec.Command("pdftotext", writeFixture(t, Fixture{Name: "escape", PDF: b}), "-").Output()
		if err != nil || strings.TrimSpace(string(out)) != line {
			t.Errorf("pdftotext = %q, %v", out, err)
		}
	}
}

func TestType0Widths(t *testing.T) {
	f := Type0("F1", Helvetica)
	if _, err := f.encode(nil, "iljab€"); err != nil {
		t.Fatal(err)
	}
	var file File
	ref := f.object(&file)
	font := file.objs[ref-1].(Dict)
	cid := file.objs[font["DescendantFonts"].(Array)[0].(Ref)-1].(Dict)
	var b bytes.Buffer
	writeObj(&b, cid["W"])
	// i, l and j share 222 (range form), a, b and € share 556.
	if want := "[1 3 222 4 6 556]"; b.String() != want {
		t.Errorf("W = %s, want %s", b.String(), want)
	}
	codes, _ := f.encode(nil, "ja")
	if !bytes.Equal(codes, []byte{0, 3, 0, 4}) {
		t.Errorf("codes = %v, want CIDs 3 and 4", codes)
	}
	tu := file.objs[font["ToUnicode"].(Ref)-1].(Stream).Data
	if !bytes.Contains(tu, []byte("<0006> <20AC>")) {
		t.Errorf("ToUnicode lacks the euro mapping:\n%s", tu)
	}
}

func TestToUnicodeCMap(t *testing.T) {
	var pairs []cmapPair
	for c := 32; c <= 126; c++ {
		pairs = append(pairs, cmapPair{c, rune(c)})
	}
	pairs = append(pairs, cmapPair{1, 'ﬁ'}, cmapPair{2, 'ﬂ'}, cmapPair{3, 0x1F600})
	got := string(toUnicodeCMap(1, pairs))
	for _, want := range []string{
		"2 beginbfrange\n",
		"<20> <7E> <0020>\n",
		// 1 and 2 map to consecutive characters: one range.
		"<01> <02> <FB01>",
		"<03> <D83DDE00>", // outside the BMP: a surrogate pair
		"<00> <FF>",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("CMap lacks %q:\n%s", want, got)
		}
	}
}

func TestBuildErrors(t *testing.T) {
	helv := WinAnsi("F1", Helvetica)
	cases := map[string]func(d *Doc){
		"text before Tf": func(d *Doc) { d.AddPage().NewContent().Tj("x") },
		"unencodable":    func(d *Doc) { d.AddPage().NewContent().Text(helv, 10, 0, 0, "日本") },
		"bookmark page": func(d *Doc) {
			d.AddPage()
			d.Outline = []*Bookmark{{Title: "x", Page: 2}}
		},
		"font name clash": func(d *Doc) {
			p := d.AddPage()
			p.NewContent().Text(helv, 10, 0, 0, "a")
			p.NewContent().Text(WinAnsi("F1", HelveticaBold), 10, 0, 0, "b")
		},
		"inline image size": func(d *Doc) { d.AddPage().NewContent().InlineImage(2, 2, []byte{1}) },
		"TJ part type":      func(d *Doc) { c := d.AddPage().NewContent(); c.Tf(helv, 9); c.TJ("a", true) },
	}
	for name, build := range cases {
		var d Doc
		build(&d)
		if _, err := d.Build(); err == nil {
			t.Errorf("%s: Build succeeded", name)
		}
	}
}

func TestPageTreeFanout(t *testing.T) {
	d := Doc{PageTreeFanout: 3}
	f := WinAnsi("F1", Helvetica)
	for i := range 10 {
		d.AddPage().NewContent().Text(f, 10, 72, 700, fmt.Sprintf("Page marker %d", i+1))
	}
	r, err := openLib(t, d.MustBuild())
	if err != nil {
		t.Fatal(err)
	}
	if r.NumPage() != 10 {
		t.Fatalf("NumPage = %d", r.NumPage())
	}
	if kids := r.Trailer().Key("Root").Key("Pages").Key("Kids"); kids.Len() > 3 {
		t.Errorf("root has %d kids, want at most 3", kids.Len())
	}
	for i := 1; i <= 10; i++ {
		got, err := r.Page(i).GetPlainText(nil)
		if err != nil || strings.TrimSpace(got) != fmt.Sprintf("Page marker %d", i) {
			t.Errorf("page %d = %q, %v", i, got, err)
		}
	}
}

func TestDamage(t *testing.T) {
	base := Widths().PDF
	if got := Truncate(base, 100); len(got) != 100 || !bytes.Equal(got, base[:100]) {
		t.Error("Truncate did not keep the first 100 bytes")
	}
	if got := ReplaceHeader(base, "%PDF-1.4"); !bytes.HasPrefix(got, []byte("%PDF-1.4\n")) || len(got) != len(base) {
		t.Errorf("ReplaceHeader: %q", got[:12])
	}
	broken, err := BreakStartXref(base, 5)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.LastIndex(base, []byte("startxref\n"))
	var was, now int
	fmt.Sscanf(string(base[i+10:]), "%d", &was)
	fmt.Sscanf(string(broken[i+10:]), "%d", &now)
	if now != was+5 {
		t.Errorf("startxref %d -> %d, want +5", was, now)
	}
	if _, err := BreakStartXref([]byte("%PDF-1.7\n"), 1); err == nil {
		t.Error("BreakStartXref accepted a file without startxref")
	}
	if !bytes.Equal(RandomBytes(64, 9), RandomBytes(64, 9)) || bytes.Equal(RandomBytes(64, 9), RandomBytes(64, 10)) {
		t.Error("RandomBytes is not a deterministic function of its seed")
	}
	if got := AppendGarbage(base, 500, 1); len(got) != len(base)+500 || !bytes.HasPrefix(got, base) {
		t.Error("AppendGarbage changed the file or the length")
	}
}

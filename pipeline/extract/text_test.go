package extract

import (
	"context"
	"slices"
	"testing"

	"github.com/nhsreview/nhsreview/pipeline/fetched"
)

// TestTextCharset: the charset a server declares reaches the text reader,
// and a byte-order mark outranks it.
func TestTextCharset(t *testing.T) {
	latin1 := []byte("Caf\xe9 services cost \xa32m a year.\n")
	utf16 := []byte{0xFF, 0xFE}
	for _, r := range "Café services cost £2m a year.\n" {
		utf16 = append(utf16, byte(r), byte(r>>8))
	}
	tests := []struct {
		name, contentType string
		data              []byte
		warn              bool // read as Windows-1252 by the fallback
	}{
		{"declared ISO-8859-1", "text/plain; charset=iso-8859-1", latin1, false},
		{"nothing declared: the fallback, with a warning", "text/plain", latin1, true},
		{"a UTF-16 mark, whatever is declared", "text/plain; charset=iso-8859-1", utf16, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := &fetched.Doc{Source: "notes.txt", Data: tt.data, ContentType: tt.contentType}
			d, err := Document(context.Background(), res, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := d.Pages[0].Blocks[0].Text; got != "Café services cost £2m a year." {
				t.Errorf("text %q", got)
			}
			warned := slices.ContainsFunc(d.Quality.Warnings, func(w string) bool { return w == "not UTF-8: read as Windows-1252" })
			if warned != tt.warn {
				t.Errorf("warnings %q, want the fallback's: %t", d.Quality.Warnings, tt.warn)
			}
		})
	}
}

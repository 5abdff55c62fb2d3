// Command gencorpus writes generated PDFs for benchmarks where the shared
// corpus is absent: board packs of several sizes from pdfgen.ManyPages.
//
// Usage: go run ./scripts/gencorpus DIR [PAGES...]
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/nhsreview/nhsreview/internal/testkit/pdfgen"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: gencorpus DIR [PAGES...]")
		os.Exit(2)
	}
	dir := os.Args[1]
	sizes := []int{10, 20, 40, 80, 150, 300}
	if len(os.Args) > 2 {
		sizes = sizes[:0]
		for _, a := range os.Args[2:] {
			n, err := strconv.Atoi(a)
			if err != nil || n < 1 {
				fmt.Fprintf(os.Stderr, "gencorpus: %q is not a page count\n", a)
				os.Exit(2)
			}
			sizes = append(sizes, n)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "gencorpus:", err)
		os.Exit(2)
	}
	for i, n := range sizes {
		path := filepath.Join(dir, fmt.Sprintf("generated-%02d-%dpages.pdf", i+1, n))
		if err := os.WriteFile(path, pdfgen.ManyPages(n).PDF, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "gencorpus:", err)
			os.Exit(2)
		}
	}
}

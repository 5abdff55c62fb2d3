package deps

import (
	_ "github.com/PuerkitoBio/goquery"
	_ "github.com/andybalholm/cascadia"
	_ "github.com/jdkato/prose/v2"
	_ "github.com/ledongthuc/pdf"
	_ "github.com/rogpeppe/go-internal/testscript"
	_ "github.com/spf13/cobra"
	_ "go.yaml.in/yaml/v3"
	_ "golang.org/x/image/tiff/lzw"
	_ "golang.org/x/net/html/charset"
	_ "golang.org/x/text/unicode/norm"
)

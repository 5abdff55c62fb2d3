package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/nhsreview/nhsreview/internal/testkit/golden"
)

// repoRoot is the repository's top folder, from this package's.
var repoRoot, _ = filepath.Abs(filepath.Join("..", ".."))

const regenerateDocs = "go test ./cmd/nhsreview -run CommandDocs -update"

// The pages of docs/commands are the command tree's help: a command, flag
// or help text changed without regenerating them fails here. With -update
// they are written again, to be reviewed in the diff.
func TestCommandDocs(t *testing.T) {
	dir := filepath.Join(repoRoot, "docs", "commands")
	if golden.Update() {
		if err := writeCommandDocs(newRoot(io.Discard, io.Discard), dir); err != nil {
			t.Fatal(err)
		}
		return
	}
	tmp := t.TempDir()
	if err := writeCommandDocs(newRoot(io.Discard, io.Discard), tmp); err != nil {
		t.Fatal(err)
	}
	got := mdFiles(t, tmp)
	want := mdFiles(t, dir)
	for _, name := range got {
		g, err := os.ReadFile(filepath.Join(tmp, name))
		if err != nil {
			t.Fatal(err)
		}
		w, err := os.ReadFile(filepath.Join(dir, name))
		switch {
		case err != nil:
			t.Errorf("docs/commands/%s is missing: run %s", name, regenerateDocs)
		case !bytes.Equal(g, w):
			t.Errorf("docs/commands/%s differs from the command's help: run %s (%s)", name, regenerateDocs, golden.FirstDiff(w, g))
		}
	}
	for _, name := range want {
		if !slices.Contains(got, name) {
			t.Errorf("docs/commands/%s is for no command: run %s", name, regenerateDocs)
		}
	}
	if !slices.Contains(got, "nhsreview_corpus_crawl.md") || !slices.Contains(got, "nhsreview_score.md") {
		t.Errorf("pages %v: want one per command and subcommand", got)
	}
	for _, name := range got {
		data, _ := os.ReadFile(filepath.Join(tmp, name))
		if bytes.Contains(data, []byte("cpuprofile")) {
			t.Errorf("%s shows a hidden flag", name)
		}
	}
}

func mdFiles(t *testing.T, dir string) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range paths {
		names = append(names, filepath.Base(p))
	}
	return names
}

// The help text is escaped where Markdown would read it as markup.
func TestMarkdownText(t *testing.T) {
	for in, want := range map[string]string{
		"plain words\n  indented":  "plain words\nindented",
		"a *b* c_d [e](f) <g> `h`": `a \*b\* c\_d \[e\](f) \<g> \` + "`h\\`",
		"- not a list":             `\- not a list`,
		"2. not a list":            `2\. not a list`,
		"# not a heading":          `\# not a heading`,
		"path\\file":               `path\\file`,
	} {
		if got := markdownText(in); got != want {
			t.Errorf("markdownText(%q) = %q, want %q", in, got, want)
		}
	}
}

var (
	mdLink    = regexp.MustCompile(`\]\(([^)\s]+)(?:\s+"[^"]*")?\)`)
	codeSpan  = regexp.MustCompile("`[^`\n]*`")
	headingRe = regexp.MustCompile(`(?m)^#{1,6}\s+(.+?)\s*$`)
)

// Every relative link of README.md and docs/ points at a file of the
// repository, and a link to a heading at a heading of that file.
func TestDocLinks(t *testing.T) {
	files := []string{filepath.Join(repoRoot, "README.md")}
	err := filepath.WalkDir(filepath.Join(repoRoot, "docs"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(repoRoot, file)
		for _, target := range links(string(data)) {
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			checked++
			path, anchor, _ := strings.Cut(target, "#")
			dest := file
			if path != "" {
				dest = filepath.Join(filepath.Dir(file), filepath.FromSlash(path))
			}
			if r, err := filepath.Rel(repoRoot, dest); err != nil || strings.HasPrefix(r, "..") {
				t.Errorf("%s: link %s leaves the repository", rel, target)
				continue
			}
			if _, err := os.Stat(dest); err != nil {
				t.Errorf("%s: link %s: no such file", rel, target)
				continue
			}
			if anchor != "" && strings.HasSuffix(dest, ".md") {
				d, _ := os.ReadFile(dest)
				if !slices.Contains(anchors(string(d)), anchor) {
					t.Errorf("%s: link %s: no such heading", rel, target)
				}
			}
		}
	}
	if checked < 20 {
		t.Errorf("only %d relative links found in README.md and docs/", checked)
	}
}

// links are the targets of a Markdown text's inline links and images,
// outside code.
func links(md string) []string {
	var out []string
	inFence := false
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			inFence = !inFence
			continue
		}
		if inFence {
			continue
		}
		line = codeSpan.ReplaceAllString(line, "")
		for _, m := range mdLink.FindAllStringSubmatch(line, -1) {
			out = append(out, m[1])
		}
	}
	return out
}

// anchors are the ids GitHub gives a Markdown file's headings: lower
// case, punctuation dropped, spaces as hyphens.
func anchors(md string) []string {
	var out []string
	inFence := false
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			inFence = !inFence
		}
		if inFence {
			continue
		}
		m := headingRe.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		var b strings.Builder
		for _, r := range strings.ToLower(m[1]) {
			switch {
			case r == ' ':
				b.WriteRune('-')
			case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
				b.WriteRune(r)
			}
		}
		out = append(out, b.String())
	}
	return out
}

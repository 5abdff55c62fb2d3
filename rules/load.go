package rules

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/nhsreview/nhsreview/internal/strictyaml"
)

//go:generate go run ./internal/gendefault

//go:embed criteria/*.yaml
var embedded embed.FS

// Default returns the rule set built into the binary. The files are read
// and checked at build time (go generate, builtin_files.go): when the
// embedded files are the ones builtinFiles was made from, only their
// SHA-256 and the compilation are left to do; otherwise (rule files
// edited, the Go file not generated again) they are read here, with the
// same result, more slowly.
func Default() (*Set, error) {
	sub, err := fs.Sub(embedded, "criteria")
	if err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	return builtin(sub, "rules/criteria")
}

// builtin reads the rule files of fsys, taking builtinFiles for them when
// they are the files it was made from.
func builtin(fsys fs.FS, dir string) (*Set, error) {
	names, data, version, err := readDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	if version == builtinVersion {
		return build(builtinFiles(), version, dir)
	}
	return load(names, data, version, dir)
}

// LoadDir reads every *.yaml file in dir.
func LoadDir(dir string) (*Set, error) {
	if st, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	} else if !st.IsDir() {
		return nil, fmt.Errorf("rules: %s is not a directory", dir)
	}
	return loadFS(os.DirFS(dir), dir)
}

// loadFS reads, checks and compiles every *.yaml file of fsys; dir names
// fsys in errors.
func loadFS(fsys fs.FS, dir string) (*Set, error) {
	names, data, version, err := readDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	return load(names, data, version, dir)
}

// Errors is every problem found in a rule set, one "file:line: message"
// each.
type Errors []string

func (e Errors) Error() string { return strings.Join(e, "\n") }

// readDir reads every *.yaml file of fsys in name order, with the
// set's version: the SHA-256 of their names and bytes. dir names fsys in
// errors.
func readDir(fsys fs.FS, dir string) (names []string, data [][]byte, version string, err error) {
	names, err = fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, nil, "", fmt.Errorf("rules: %w", err)
	}
	sort.Strings(names)
	if len(names) == 0 {
		return nil, nil, "", fmt.Errorf("rules: no *.yaml files in %s", dir)
	}
	h := sha256.New()
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, nil, "", fmt.Errorf("rules: %w", err)
		}
		fmt.Fprintf(h, "%s\x00%d\x00", name, len(b))
		h.Write(b)
		data = append(data, b)
	}
	return names, data, hex.EncodeToString(h.Sum(nil)), nil
}

// load parses, checks and compiles the files readDir read, reporting
// every problem of every file at once; dir names them in errors.
func load(names []string, data [][]byte, version, dir string) (*Set, error) {
	var files []*File
	var errs Errors
	for i, name := range names {
		f, ferrs := parseFile(filepath.Join(dir, name), data[i])
		errs = append(errs, ferrs...)
		if f != nil {
			files = append(files, f)
		}
	}
	errs = append(errs, checkSet(files)...)
	if len(errs) > 0 {
		return nil, errs
	}
	sort.SliceStable(files, func(i, j int) bool { return files[i].Order < files[j].Order })
	return build(files, version, dir)
}

// build compiles checked files, in report order, into a Set.
func build(files []*File, version, dir string) (*Set, error) {
	s := &Set{Files: files, Version: version}
	comp, err := compile(s)
	if err != nil {
		return nil, fmt.Errorf("rules: compiling %s: %w", dir, err)
	}
	s.comp = comp
	return s, nil
}

// parseFile decodes one file strictly (unknown keys are errors) and checks
// it; every error carries the file and line.
func parseFile(path string, data []byte) (*File, Errors) {
	var f File
	if errs := strictyaml.Decode(path, data, &f); errs != nil {
		return nil, errs
	}
	f.path = path
	f.lines = lineIndex(data)
	return &f, checkFile(&f)
}

// lineIndex maps "signal NAME" and "level N" to their lines, from the
// YAML node tree, so that checks can point at them.
func lineIndex(data []byte) map[string]int {
	lines := map[string]int{}
	var root yaml.Node
	if yaml.Unmarshal(data, &root) != nil || len(root.Content) == 0 {
		return lines
	}
	doc := root.Content[0]
	for i := 0; i+1 < len(doc.Content); i += 2 {
		key, val := doc.Content[i], doc.Content[i+1]
		lines[key.Value] = key.Line
		for j, item := range val.Content {
			lines[fmt.Sprintf("%s[%d]", key.Value, j)] = item.Line
			for k := 0; k+1 < len(item.Content); k += 2 {
				if item.Content[k].Value == "name" || item.Content[k].Value == "score" {
					lines[key.Value+" "+item.Content[k+1].Value] = item.Line
				}
			}
		}
	}
	return lines
}

func (f *File) errf(key string, format string, args ...any) string {
	line := f.lines[key]
	if line == 0 {
		line = 1
	}
	// One error, one line: a term's own line breaks (a regular
	// expression's error repeats the pattern) are shown escaped.
	msg := strings.NewReplacer("\r", `\r`, "\n", `\n`).Replace(fmt.Sprintf(format, args...))
	return fmt.Sprintf("%s:%d: %s", f.path, line, msg)
}

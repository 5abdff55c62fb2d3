package rules

import (
	"bytes"
	"io/fs"
	"reflect"
	"testing"
	"testing/fstest"
)

// TestBuiltinFilesCurrent holds builtin_files.go to the rule files: the
// values Default uses without reading the YAML must be those reading it
// gives, or a rule edited in rules/criteria would score by its old text
// in no build (Default would read the YAML instead) but be slow in all.
func TestBuiltinFilesCurrent(t *testing.T) {
	read, err := LoadDir("criteria")
	if err != nil {
		t.Fatal(err)
	}
	if read.Version != builtinVersion {
		t.Fatalf("builtin_files.go was made from other rule files (%.12s, the files are %.12s): run go generate ./rules", builtinVersion, read.Version)
	}
	for _, f := range read.Files {
		f.path, f.lines = "", nil // for error messages only
	}
	if got := builtinFiles(); !reflect.DeepEqual(got, read.Files) {
		t.Fatal("builtin_files.go does not hold what reading rules/criteria gives: run go generate ./rules")
	}
	def, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if def.Version != read.Version || !reflect.DeepEqual(def.Files, read.Files) {
		t.Fatal("Default differs from the rule files it was built from")
	}
}

// TestDefaultReadsEditedFiles: rule files that are not those of
// builtin_files.go are read, not replaced by the built-in values.
func TestDefaultReadsEditedFiles(t *testing.T) {
	sub, err := fs.Sub(embedded, "criteria")
	if err != nil {
		t.Fatal(err)
	}
	edited := fstest.MapFS{}
	names, err := fs.Glob(sub, "*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		b, err := fs.ReadFile(sub, n)
		if err != nil {
			t.Fatal(err)
		}
		edited[n] = &fstest.MapFile{Data: b}
	}
	f := edited["costed-plans.yaml"]
	f.Data = bytes.Replace(f.Data, []byte("\nname: Costed plans\n"), []byte("\nname: Costed plans (edited)\n"), 1)
	set, err := builtin(edited, "edited")
	if err != nil {
		t.Fatal(err)
	}
	if set.Version == builtinVersion {
		t.Fatal("edited files took the built-in version")
	}
	found := false
	for _, f := range set.Files {
		found = found || f.Name == "Costed plans (edited)"
	}
	if !found {
		t.Fatal("the edit was not read: the built-in values were used")
	}
}

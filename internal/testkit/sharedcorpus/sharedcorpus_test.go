package sharedcorpus

import (
	"os"
	"path/filepath"
	"testing"
)

func TestPath(t *testing.T) {
	root := t.TempDir()
	repo := filepath.Join(root, "repo")
	deep := filepath.Join(repo, "a", "b")
	for _, d := range []string{deep, filepath.Join(root, "shared", "corpus", "real")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(repo, "go.mod"), []byte("module x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(deep)
	want := filepath.Join(repo, "..", "shared", "corpus", "real")
	if got := Path("corpus", "real"); got != want {
		t.Errorf("Path(corpus, real) = %q, want %q", got, want)
	}
	if got := Path("corpus", "missing"); got != "" {
		t.Errorf("Path of a missing folder = %q, want \"\"", got)
	}
	t.Chdir(root) // no go.mod at or above
	if got := Path("corpus", "real"); got != "" {
		t.Errorf("Path outside a repository = %q, want \"\"", got)
	}
}

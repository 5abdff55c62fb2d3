package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// The project's file is found above the working directory and wins over
// the user's, key by key; paths are relative to the file that names them.
func TestPrecedence(t *testing.T) {
	root := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(root, "xdg"))
	user := filepath.Join(root, "xdg", "nhsreview", "config.yaml")
	write(t, user, "db: /data/all.db\nformat: csv\ncolor: never\nlimits:\n  jobs: 2\n")
	project := filepath.Join(root, "study", ProjectFile)
	write(t, project, "# the study\ndb: corpus.db\nlimits:\n  timeout: 5s\n")
	work := filepath.Join(root, "study", "a", "b")
	if err := os.MkdirAll(work, 0o755); err != nil {
		t.Fatal(err)
	}
	c, err := Load(work)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Setting{
		"db":      {"db", filepath.Join(root, "study", "corpus.db"), project + ":2"},
		"timeout": {"timeout", "5s", project + ":4"},
		"format":  {"format", "csv", user + ":2"},
		"color":   {"color", "never", user + ":3"},
		"jobs":    {"jobs", "2", user + ":5"},
	}
	if len(c.Settings) != len(want) {
		t.Errorf("settings %v", c.Settings)
	}
	for k, w := range want {
		if c.Settings[k] != w {
			t.Errorf("%s: %+v, want %+v", k, c.Settings[k], w)
		}
	}
	if strings.Join(c.Files, ";") != project+";"+user {
		t.Errorf("files %v", c.Files)
	}

	// Outside the project, the user's file alone.
	c, err = Load(root)
	if err != nil || c.Settings["db"].Value != "/data/all.db" || len(c.Files) != 1 {
		t.Errorf("outside the project: %+v, %v", c, err)
	}
	// Neither: nothing.
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(root, "none"))
	if c, err := Load(root); err != nil || len(c.Settings) != 0 || len(c.Files) != 0 {
		t.Errorf("no files: %+v, %v", c, err)
	}
}

// A key the file format does not have is an error naming the file and
// line, as a rule file's is; so is a value of the wrong shape. An empty
// file sets nothing.
func TestStrict(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "xdg"))
	p := filepath.Join(dir, ProjectFile)
	for text, want := range map[string]string{
		"db: a.db\ncolour: never\n":           p + `:2: unknown key "colour"`,
		"limits:\n  job: 4\n":                 p + `:2: unknown key "job"`,
		"limits: 4\n":                         p + ":1: cannot unmarshal !!int `4` into config.Limits",
		"db: [a, b]\n":                        p + ":1: cannot unmarshal !!seq into string",
		"db: \"unterminated\n":                p + ":2: found unexpected end of stream",
		"\n# nothing set\n":                   "",
		"limits:\n  jobs: 4\n  timeout: 1m\n": "",
	} {
		write(t, p, text)
		_, err := Load(dir)
		switch {
		case want == "" && err != nil:
			t.Errorf("%q: %v", text, err)
		case want != "" && (err == nil || !strings.HasPrefix(err.Error(), want)):
			t.Errorf("%q: %v, want %s", text, err, want)
		}
	}
}

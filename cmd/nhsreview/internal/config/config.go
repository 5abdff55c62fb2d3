// Package config finds and reads nhsreview's configuration files: the
// project's .nhsreview.yaml, found in the working directory or the
// nearest directory above it that has one (as Vale finds .vale.ini), and
// the user's $XDG_CONFIG_HOME/nhsreview/config.yaml (else
// ~/.config/nhsreview/config.yaml). The project's settings win over the
// user's, and the command line's flags over both.
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/nhsreview/nhsreview/internal/strictyaml"
)

// ProjectFile is the name of a project's configuration file.
const ProjectFile = ".nhsreview.yaml"

// File is what a configuration file may hold; every key is optional.
type File struct {
	// DB is the corpus database (--db: a file, or a PostgreSQL URL);
	// Rules the rule directory (--rules). Relative paths are relative to
	// the file's directory.
	DB    string `yaml:"db"`
	Rules string `yaml:"rules"`
	// Format is the output format of the commands that write it
	// (--format); Color --color; Addr serve's --addr.
	Format string `yaml:"format"`
	Color  string `yaml:"color"`
	Addr   string `yaml:"addr"`
	Limits Limits `yaml:"limits"`
}

// Limits are the reading limits, as their flags take them.
type Limits struct {
	Jobs           string `yaml:"jobs"`
	Timeout        string `yaml:"timeout"`
	Deadline       string `yaml:"deadline"`
	MaxBytes       string `yaml:"max_bytes"`
	MaxPages       string `yaml:"max_pages"`
	MaxStreamBytes string `yaml:"max_stream_bytes"`
	MaxDepth       string `yaml:"max_depth"`
	MaxMemory      string `yaml:"max_memory"`
}

// Setting is one value in force: the flag it sets, its value, and where
// it came from ("path:line").
type Setting struct {
	Flag, Value, From string
}

// Config is the settings of the files found, by flag name.
type Config struct {
	Settings map[string]Setting
	// Files are the files read, the project's first.
	Files []string
}

// Load finds and reads the configuration files for a command run in dir.
// A file that cannot be read or holds an unknown key is an error naming
// it and the line.
func Load(dir string) (*Config, error) {
	c := &Config{Settings: map[string]Setting{}}
	var paths []string
	if p, err := findProject(dir); err != nil {
		return nil, err
	} else if p != "" {
		paths = append(paths, p)
	}
	if p := userFile(); p != "" {
		if _, err := os.Stat(p); err == nil {
			paths = append(paths, p)
		}
	}
	for _, p := range paths {
		if err := c.read(p); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// findProject is the nearest .nhsreview.yaml in dir or above, or "".
func findProject(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("finding %s: %w", ProjectFile, err)
	}
	for {
		p := filepath.Join(dir, ProjectFile)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p, nil
		} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("%s: %w", p, err)
		}
		up := filepath.Dir(dir)
		if up == dir {
			return "", nil
		}
		dir = up
	}
}

// userFile is the user's configuration file's path, or "" when there is
// no configuration directory.
func userFile() string {
	if d := os.Getenv("XDG_CONFIG_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "nhsreview", "config.yaml")
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".config", "nhsreview", "config.yaml")
}

// read adds a file's settings to those not set by a file read before.
func (c *Config) read(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	c.Files = append(c.Files, path)
	// A file of comments only holds no document, which the decoder
	// calls an error.
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) == nil && len(doc.Content) == 0 {
		return nil
	}
	var f File
	if errs := strictyaml.Decode(path, data, &f); errs != nil {
		return errors.New(strings.Join(errs, "; "))
	}
	lines := keyLines(data)
	dir := filepath.Dir(path)
	rel := func(p string) string {
		// A server's URL (db: postgres://...) is no path.
		if p == "" || filepath.IsAbs(p) || strings.Contains(p, "://") {
			return p
		}
		if rest, ok := strings.CutPrefix(p, "sqlite:"); ok && !filepath.IsAbs(rest) {
			return "sqlite:" + filepath.Join(dir, rest)
		}
		return filepath.Join(dir, p)
	}
	for _, kv := range []struct{ key, flag, value string }{
		{"db", "db", rel(f.DB)}, {"rules", "rules", rel(f.Rules)}, {"format", "format", f.Format}, {"color", "color", f.Color},
		{"addr", "addr", f.Addr}, {"limits.jobs", "jobs", f.Limits.Jobs}, {"limits.timeout", "timeout", f.Limits.Timeout},
		{"limits.deadline", "deadline", f.Limits.Deadline}, {"limits.max_bytes", "max-bytes", f.Limits.MaxBytes},
		{"limits.max_pages", "max-pages", f.Limits.MaxPages}, {"limits.max_stream_bytes", "max-stream-bytes", f.Limits.MaxStreamBytes},
		{"limits.max_depth", "max-depth", f.Limits.MaxDepth}, {"limits.max_memory", "max-memory", f.Limits.MaxMemory},
	} {
		if kv.value == "" {
			continue
		}
		if _, done := c.Settings[kv.flag]; done {
			continue
		}
		c.Settings[kv.flag] = Setting{Flag: kv.flag, Value: kv.value, From: fmt.Sprintf("%s:%d", path, max(lines[kv.key], 1))}
	}
	return nil
}

// keyLines maps each key ("db", "limits.jobs") to its line.
func keyLines(data []byte) map[string]int {
	out := map[string]int{}
	var root yaml.Node
	if yaml.Unmarshal(data, &root) != nil || len(root.Content) == 0 {
		return out
	}
	var walk func(n *yaml.Node, prefix string)
	walk = func(n *yaml.Node, prefix string) {
		if n.Kind != yaml.MappingNode {
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := prefix + n.Content[i].Value
			out[k] = n.Content[i].Line
			walk(n.Content[i+1], k+".")
		}
	}
	walk(root.Content[0], "")
	return out
}

// Flags lists the settings' flag names in order.
func (c *Config) Flags() []string {
	var out []string
	for k := range c.Settings {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

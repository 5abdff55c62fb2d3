// Package strictyaml decodes YAML files people write (rule files, the
// project's configuration) strictly: an unknown key is an error, and
// every error names the file and line, "rules/x.yaml:12: ...", so that a
// typo is found rather than silently ignored.
package strictyaml

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/nhsreview/nhsreview/internal/lazyre"
	"go.yaml.in/yaml/v3"
)

// Decode decodes data, the file at path, into v, refusing keys v does not
// have. It returns every problem found, each "path:line: message"; none
// when the file decoded. An empty file is an error ("EOF"): callers for
// which it means nothing check for it first.
func Decode(path string, data []byte, v any) []string {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	err := dec.Decode(v)
	if err == nil {
		return nil
	}
	var te *yaml.TypeError
	if errors.As(err, &te) {
		var out []string
		for _, e := range te.Errors {
			out = append(out, Line(path, e))
		}
		return out
	}
	return []string{Line(path, err.Error())}
}

var (
	yamlLine = lazyre.New(`line (\d+): (.*)`)
	// unknownKey is how the decoder says a key is not known.
	unknownKey = lazyre.New(`^field (\S+) not found in type \S+$`)
)

// Line puts a decoder's message in the form "path:line: message" (line 1
// when the message names none).
func Line(path, msg string) string {
	msg = strings.TrimPrefix(msg, "yaml: ")
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		text := m[2]
		if k := unknownKey.FindStringSubmatch(text); k != nil {
			text = fmt.Sprintf("unknown key %q", k[1])
		}
		return fmt.Sprintf("%s:%s: %s", path, m[1], text)
	}
	return fmt.Sprintf("%s:1: %s", path, msg)
}

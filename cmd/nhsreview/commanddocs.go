package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/nhsreview/nhsreview/internal/lazyre"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// docDefault is the flag annotation that gives, in words, a default that
// depends on the machine (--jobs: the number of cores), so that the
// command pages read the same wherever they are generated.
const docDefault = "nhsreview_doc_default"

// commandDocs renders one Markdown page per command of the tree under
// root (docs/commands): name, usage line, help, flags with their help
// text, subcommands. Hidden commands and hidden flags are left out, and
// so are cobra's own help and completion commands, which are not part
// of the tree until it runs. The pages are keyed by file name.
func commandDocs(root *cobra.Command) map[string][]byte {
	pages := map[string][]byte{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		var b bytes.Buffer
		writeCommandDoc(&b, c)
		pages[commandDocName(c)] = b.Bytes()
		for _, sub := range c.Commands() {
			if documented(sub) {
				walk(sub)
			}
		}
	}
	walk(root)
	return pages
}

// writeCommandDocs writes the pages of commandDocs into dir and removes
// any other Markdown page there, so that a removed command loses its
// page.
func writeCommandDocs(root *cobra.Command, dir string) error {
	pages := commandDocs(root)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	old, err := filepath.Glob(filepath.Join(dir, "*.md"))
	if err != nil {
		return err
	}
	for _, p := range old {
		if _, ok := pages[filepath.Base(p)]; !ok {
			if err := os.Remove(p); err != nil {
				return err
			}
		}
	}
	for name, data := range pages {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// documented tells whether a command gets a page: not hidden,
// deprecated, or cobra's help command.
func documented(c *cobra.Command) bool {
	return c.IsAvailableCommand() && !c.IsAdditionalHelpTopicCommand()
}

// commandDocName is the file of a command's page: its path with
// underscores ("nhsreview_corpus_crawl.md").
func commandDocName(c *cobra.Command) string {
	return strings.ReplaceAll(c.CommandPath(), " ", "_") + ".md"
}

func writeCommandDoc(w io.Writer, c *cobra.Command) {
	fmt.Fprintf(w, "# %s\n\n", c.CommandPath())
	fmt.Fprintln(w, "<!-- Generated from the command's help: go test ./cmd/nhsreview -run CommandDocs -update -->")
	fmt.Fprintln(w)
	fmt.Fprintf(w, "%s.\n\n", markdownText(strings.TrimSuffix(c.Short, ".")))
	var usage []string
	if c.Runnable() {
		usage = append(usage, c.UseLine())
	}
	if c.HasAvailableSubCommands() {
		usage = append(usage, c.CommandPath()+" [command]")
	}
	if len(usage) > 0 {
		fmt.Fprintf(w, "```\n%s\n```\n\n", strings.Join(usage, "\n"))
	}
	if long := strings.TrimSpace(c.Long); long != "" {
		fmt.Fprintf(w, "%s\n\n", markdownText(long))
	}
	if len(c.Aliases) > 0 {
		fmt.Fprintf(w, "Also called: %s.\n\n", "`"+strings.Join(c.Aliases, "`, `")+"`")
	}
	if ex := strings.TrimSpace(c.Example); ex != "" {
		fmt.Fprintf(w, "## Examples\n\n```\n%s\n```\n\n", ex)
	}
	if subs := documentedSubs(c); len(subs) > 0 {
		fmt.Fprintln(w, "## Commands")
		fmt.Fprintln(w)
		for _, sub := range subs {
			fmt.Fprintf(w, "- [%s](%s): %s\n", sub.CommandPath(), commandDocName(sub), markdownText(sub.Short))
		}
		fmt.Fprintln(w)
	}
	writeFlagDocs(w, "Flags", c.NonInheritedFlags())
	writeFlagDocs(w, "Flags inherited from parent commands", c.InheritedFlags())
	if p := c.Parent(); p != nil {
		fmt.Fprintf(w, "See also: [%s](%s).\n", p.CommandPath(), commandDocName(p))
	} else {
		fmt.Fprintln(w, "Every command also takes `-h`, `--help` to print its help.")
		if c.Version != "" {
			fmt.Fprintf(w, "`%s --version` prints the version.\n", c.Name())
		}
	}
}

func documentedSubs(c *cobra.Command) []*cobra.Command {
	var subs []*cobra.Command
	for _, sub := range c.Commands() {
		if documented(sub) {
			subs = append(subs, sub)
		}
	}
	return subs
}

// writeFlagDocs lists the visible flags of a set, sorted by name, as
// --help shows them: shorthand, name, the value's name, the help text and
// the default (when it is not the type's zero value).
func writeFlagDocs(w io.Writer, heading string, fs *pflag.FlagSet) {
	var lines []string
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden || f.Name == "help" {
			return
		}
		name, usage := pflag.UnquoteUsage(f)
		spec := "--" + f.Name
		if f.Shorthand != "" && f.ShorthandDeprecated == "" {
			spec = "-" + f.Shorthand + ", " + spec
		}
		if name != "" {
			spec += " " + name
		}
		line := "- `" + spec + "`: " + markdownText(usage)
		if d, ok := f.Annotations[docDefault]; ok && len(d) > 0 {
			line += " (default: " + strings.Join(d, " ") + ")"
		} else if def := flagDefault(f); def != "" {
			line += " (default: `" + def + "`)"
		}
		lines = append(lines, line)
	})
	if len(lines) == 0 {
		return
	}
	fmt.Fprintf(w, "## %s\n\n%s\n\n", heading, strings.Join(lines, "\n"))
}

// flagDefault is a flag's default as --help prints it, or "" when it is
// the zero value of its type.
func flagDefault(f *pflag.Flag) string {
	switch f.DefValue {
	case "", "false", "0", "0s", "[]", "<nil>":
		return ""
	}
	return f.DefValue
}

// markdownText keeps help text as it reads on the terminal: characters
// that Markdown would take for markup are escaped, and so is what would
// start a heading, quote or list at the start of a line; the lines of a
// paragraph stay as they are (Markdown joins them).
func markdownText(s string) string {
	r := strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "<", `\<`, "[", `\[`, "]", `\]`, "`", "\\`")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		l = r.Replace(strings.TrimSpace(l))
		if m := numbered.FindStringSubmatchIndex(l); m != nil {
			l = l[:m[3]] + `\` + l[m[3]:] // "1\. ", not a list
		} else if lineStart.MatchString(l) {
			l = `\` + l
		}
		lines[i] = l
	}
	return strings.Join(lines, "\n")
}

// lineStart matches what starts a heading, quote, bullet list or rule;
// numbered, a numbered list.
var (
	lineStart = lazyre.New(`^(#|>|[-+] |---|===)`)
	numbered  = lazyre.New(`^([0-9]+)[.)] `)
)

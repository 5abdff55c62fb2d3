// Package lazyre holds regular expressions that are compiled on first use
// instead of at package initialisation.
//
// Every process of the tool runs the initialisation of every package it
// links, the PDF worker included, which uses few of the program's
// patterns: compiling two hundred of them at start-up was about 40% of
// the CPU time of a process that does nothing else. A *Regexp has the
// methods of *regexp.Regexp that the program uses, each compiling the
// pattern once, on its first call, with regexp.MustCompile.
//
// MatchString and FindStringIndex also skip the regular expression when
// the text lacks every literal one of which each match must contain
// (filter.go), and MatchString tries a top-level alternation branch by
// branch, each only where its own literals are: Go's engine has no such
// filter for a pattern that starts with \b, and runs a large alternation
// on its slow path.
package lazyre

import (
	"regexp"
	"sync"
)

// Regexp is a regular expression compiled on first use.
type Regexp struct {
	once    sync.Once
	re      *regexp.Regexp
	pattern string
	// lits: literals one of which every match contains (nil: no filter).
	lits []string
	// branches: the top-level alternatives, each with its literals, when
	// every one of them has some.
	branches []branch
}

type branch struct {
	re   *regexp.Regexp
	lits []string
}

var (
	mu  sync.Mutex
	all []*Regexp
)

// New returns the pattern, to be compiled on first use (and to panic then
// if it does not compile, as regexp.MustCompile does; CompileAll, run by
// a test, finds such a pattern before any user does).
func New(pattern string) *Regexp {
	r := &Regexp{pattern: pattern}
	mu.Lock()
	all = append(all, r)
	mu.Unlock()
	return r
}

// CompileAll compiles every pattern made by New so far and returns the
// first error.
func CompileAll() error {
	mu.Lock()
	rs := append([]*Regexp(nil), all...)
	mu.Unlock()
	for _, r := range rs {
		if _, err := regexp.Compile(r.pattern); err != nil {
			return err
		}
	}
	return nil
}

// Count is the number of patterns made by New so far.
func Count() int {
	mu.Lock()
	defer mu.Unlock()
	return len(all)
}

// Regexp returns the compiled pattern.
func (r *Regexp) Regexp() *regexp.Regexp {
	r.once.Do(r.compile)
	return r.re
}

func (r *Regexp) compile() {
	r.re = regexp.MustCompile(r.pattern)
	r.lits, r.branches = filters(r.pattern)
}

// String returns the source text of the pattern, without compiling it.
func (r *Regexp) String() string { return r.pattern }

func (r *Regexp) Match(b []byte) bool                  { return r.Regexp().Match(b) }
func (r *Regexp) Find(b []byte) []byte                 { return r.Regexp().Find(b) }
func (r *Regexp) FindIndex(b []byte) []int             { return r.Regexp().FindIndex(b) }
func (r *Regexp) FindString(s string) string           { return r.Regexp().FindString(s) }
func (r *Regexp) FindSubmatch(b []byte) [][]byte       { return r.Regexp().FindSubmatch(b) }
func (r *Regexp) FindSubmatchIndex(b []byte) []int     { return r.Regexp().FindSubmatchIndex(b) }
func (r *Regexp) FindStringSubmatch(s string) []string { return r.Regexp().FindStringSubmatch(s) }
func (r *Regexp) FindStringSubmatchIndex(s string) []int {
	return r.Regexp().FindStringSubmatchIndex(s)
}
func (r *Regexp) FindAll(b []byte, n int) [][]byte { return r.Regexp().FindAll(b, n) }
func (r *Regexp) FindAllIndex(b []byte, n int) [][]int {
	return r.Regexp().FindAllIndex(b, n)
}
func (r *Regexp) FindAllString(s string, n int) []string {
	return r.Regexp().FindAllString(s, n)
}
func (r *Regexp) FindAllStringIndex(s string, n int) [][]int {
	return r.Regexp().FindAllStringIndex(s, n)
}
func (r *Regexp) FindAllSubmatch(b []byte, n int) [][][]byte {
	return r.Regexp().FindAllSubmatch(b, n)
}
func (r *Regexp) FindAllSubmatchIndex(b []byte, n int) [][]int {
	return r.Regexp().FindAllSubmatchIndex(b, n)
}
func (r *Regexp) FindAllStringSubmatch(s string, n int) [][]string {
	return r.Regexp().FindAllStringSubmatch(s, n)
}
func (r *Regexp) FindAllStringSubmatchIndex(s string, n int) [][]int {
	return r.Regexp().FindAllStringSubmatchIndex(s, n)
}
func (r *Regexp) ReplaceAll(src, repl []byte) []byte { return r.Regexp().ReplaceAll(src, repl) }
func (r *Regexp) ReplaceAllFunc(src []byte, repl func([]byte) []byte) []byte {
	return r.Regexp().ReplaceAllFunc(src, repl)
}
func (r *Regexp) ReplaceAllLiteral(src, repl []byte) []byte {
	return r.Regexp().ReplaceAllLiteral(src, repl)
}
func (r *Regexp) ReplaceAllString(src, repl string) string {
	return r.Regexp().ReplaceAllString(src, repl)
}
func (r *Regexp) ReplaceAllStringFunc(src string, repl func(string) string) string {
	return r.Regexp().ReplaceAllStringFunc(src, repl)
}
func (r *Regexp) ReplaceAllLiteralString(src, repl string) string {
	return r.Regexp().ReplaceAllLiteralString(src, repl)
}
func (r *Regexp) Split(s string, n int) []string { return r.Regexp().Split(s, n) }
func (r *Regexp) NumSubexp() int                 { return r.Regexp().NumSubexp() }
func (r *Regexp) SubexpNames() []string          { return r.Regexp().SubexpNames() }
func (r *Regexp) SubexpIndex(name string) int    { return r.Regexp().SubexpIndex(name) }
func (r *Regexp) LiteralPrefix() (prefix string, complete bool) {
	return r.Regexp().LiteralPrefix()
}
func (r *Regexp) Longest() { r.Regexp().Longest() }

// MatchString reports whether s contains a match of the pattern.
func (r *Regexp) MatchString(s string) bool {
	re := r.Regexp()
	if r.branches != nil {
		for _, b := range r.branches {
			if containsAny(s, b.lits) && b.re.MatchString(s) {
				return true
			}
		}
		return false
	}
	if r.lits != nil && !containsAny(s, r.lits) {
		return false
	}
	return re.MatchString(s)
}

// FindStringIndex returns the leftmost match in s, as a pair of offsets.
func (r *Regexp) FindStringIndex(s string) []int {
	re := r.Regexp()
	if r.lits != nil && !containsAny(s, r.lits) {
		return nil
	}
	return re.FindStringIndex(s)
}

// All returns the patterns made by New so far.
func All() []*Regexp {
	mu.Lock()
	defer mu.Unlock()
	return append([]*Regexp(nil), all...)
}

// Filtered reports whether the pattern, compiled, has a literal filter or
// is split into branches.
func (r *Regexp) Filtered() bool {
	r.Regexp()
	return r.lits != nil || r.branches != nil
}

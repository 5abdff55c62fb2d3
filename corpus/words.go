package corpus

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The search on PostgreSQL. SQLite's FTS5 splits a passage into words
// (unicode61: letters and digits, accents removed, any case) and reads
// the query syntax of docs/search.md; PostgreSQL's text search parses
// text its own way (e-mail addresses, hyphenated words, numbers with
// points) and reads another syntax. So on PostgreSQL nhsreview splits
// both itself, as FTS5 does, and hands the server what it made: each
// passage's words as a tsvector (searchWords), each query as a tsquery
// (toTSQuery). A word is then the same word on both backends, and the
// same query finds the same passages; the ranking and the snippets
// differ (docs/postgres.md).

// word is a word of a text: its folded form, and where it is.
type word struct {
	folded     string
	start, end int // byte offsets in the text
}

// splitWords splits text as FTS5's unicode61 tokenizer with
// remove_diacritics 2 does: runs of letters, digits and private-use
// characters, lower-cased, accents removed.
func splitWords(text string) []word {
	var out []word
	start := -1
	for i, r := range text {
		if isWordRune(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			out = append(out, word{foldWord(text[start:i]), start, i})
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, word{foldWord(text[start:]), start, len(text)})
	}
	return out
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Co, r) || unicode.Is(unicode.Mn, r)
}

// foldWord lower-cases a word and removes its accents (the marks NFD
// splits off).
func foldWord(w string) string {
	ascii := true
	for i := 0; i < len(w); i++ {
		if w[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(w)
	}
	var b strings.Builder
	for _, r := range norm.NFD.String(w) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// PostgreSQL's limits on a tsvector: a lexeme's length in bytes, and a
// position (later words share the last).
const (
	maxLexeme   = 2047
	maxPosition = 16383
	maxPerWord  = 256 // positions kept of one word
)

// searchWords is a passage's words as a tsvector literal: each folded
// word with its positions, for CAST(? AS tsvector).
func searchWords(text string) string {
	positions := map[string][]int{}
	var order []string
	for i, w := range splitWords(text) {
		if len(w.folded) > maxLexeme {
			continue
		}
		p, ok := positions[w.folded]
		if !ok {
			order = append(order, w.folded)
		}
		if len(p) < maxPerWord {
			positions[w.folded] = append(p, min(i+1, maxPosition))
		}
	}
	var b strings.Builder
	for i, w := range order {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(lexeme(w))
		b.WriteByte(':')
		for j, p := range positions[w] {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Itoa(p))
		}
	}
	return b.String()
}

// lexeme quotes a word for a tsvector or tsquery literal. A folded word
// holds only letters and digits, but the quoting does not rely on it.
func lexeme(w string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `''`).Replace(w) + "'"
}

// phrase is a phrase of a query: its words, the last a prefix when
// prefix is set.
type phrase struct {
	words  []string
	prefix bool
}

// matches says whether a word of a passage is one of the phrase's.
func (p phrase) matches(folded string) bool {
	for i, w := range p.words {
		if w == folded || p.prefix && i == len(p.words)-1 && strings.HasPrefix(folded, w) {
			return true
		}
	}
	return false
}

// tsQuery is a search query in PostgreSQL's words: the tsquery, and the
// phrases it looks for (for the snippets).
type tsQuery struct {
	text    string
	phrases []phrase
}

// toTSQuery reads a query in the syntax of docs/search.md (FTS5's) and
// writes it as a tsquery: a phrase's words joined by <->, a prefix as
// :*, AND as &, OR as |, and "a NOT b" as a & !b. What PostgreSQL cannot
// say as FTS5 means it (NEAR, column filters, ^) is a QueryError naming
// it, never a search that differs.
func toTSQuery(query string) (tsQuery, error) {
	toks, err := lexQuery(query)
	if err != nil {
		return tsQuery{}, &QueryError{Query: query, Problem: err.Error()}
	}
	p := &queryParser{toks: toks}
	text, err := p.or()
	if err == nil && p.pos < len(p.toks) {
		err = p.near(p.toks[p.pos])
	}
	if err != nil {
		return tsQuery{}, &QueryError{Query: query, Problem: err.Error()}
	}
	return tsQuery{text: text, phrases: p.phrases}, nil
}

// queryToken is a token of a query: a bareword, a "string", or one of
// ( ) * : , + ^.
type queryToken struct {
	kind byte // 'w' bareword, 's' string, or the punctuation itself
	text string
}

func lexQuery(q string) ([]queryToken, error) {
	var out []queryToken
	for i := 0; i < len(q); {
		r, size := utf8.DecodeRuneInString(q[i:])
		switch {
		case unicode.IsSpace(r):
			i += size
		case r == '"':
			var b strings.Builder
			j := i + 1
			for {
				if j >= len(q) {
					return nil, fmt.Errorf("unterminated string")
				}
				if q[j] == '"' {
					if j+1 < len(q) && q[j+1] == '"' {
						b.WriteByte('"')
						j += 2
						continue
					}
					break
				}
				b.WriteByte(q[j])
				j++
			}
			out = append(out, queryToken{'s', b.String()})
			i = j + 1
		case strings.ContainsRune("()*:,+^", r):
			out = append(out, queryToken{byte(r), string(r)})
			i += size
		case isBareRune(r):
			j := i
			for j < len(q) {
				r2, s2 := utf8.DecodeRuneInString(q[j:])
				if !isBareRune(r2) {
					break
				}
				j += s2
			}
			out = append(out, queryToken{'w', q[i:j]})
			i = j
		default:
			return nil, fmt.Errorf("syntax error near %q", string(r))
		}
	}
	return out, nil
}

// isBareRune is what FTS5 allows in a word not quoted: letters and
// digits of ASCII, _, and any character beyond it.
func isBareRune(r rune) bool {
	return r >= 0x80 || r == '_' || r == 0x1a || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
}

// queryParser reads the tokens with FTS5's precedence: NOT binds
// tighter than AND (or words side by side), AND than OR.
type queryParser struct {
	toks    []queryToken
	pos     int
	phrases []phrase
}

func (p *queryParser) peek() (queryToken, bool) {
	if p.pos < len(p.toks) {
		return p.toks[p.pos], true
	}
	return queryToken{}, false
}

func (p *queryParser) keyword(k string) bool {
	t, ok := p.peek()
	return ok && t.kind == 'w' && t.text == k
}

// near is the error for an unexpected token, worded as FTS5 words it.
func (p *queryParser) near(t queryToken) error {
	return fmt.Errorf("syntax error near %q", t.text)
}

func (p *queryParser) or() (string, error) {
	left, err := p.and()
	if err != nil {
		return "", err
	}
	for p.keyword("OR") {
		p.pos++
		right, err := p.and()
		if err != nil {
			return "", err
		}
		left = "( " + left + " | " + right + " )"
	}
	return left, nil
}

func (p *queryParser) and() (string, error) {
	left, err := p.not()
	if err != nil {
		return "", err
	}
	for {
		t, ok := p.peek()
		if !ok || t.kind == ')' || p.keyword("OR") {
			return left, nil
		}
		if p.keyword("AND") {
			p.pos++
		}
		right, err := p.not()
		if err != nil {
			return "", err
		}
		left = "( " + left + " & " + right + " )"
	}
}

func (p *queryParser) not() (string, error) {
	left, err := p.primary()
	if err != nil {
		return "", err
	}
	for p.keyword("NOT") {
		p.pos++
		right, err := p.primary()
		if err != nil {
			return "", err
		}
		left = "( " + left + " & !" + right + " )"
	}
	return left, nil
}

func (p *queryParser) primary() (string, error) {
	t, ok := p.peek()
	if !ok {
		return "", fmt.Errorf("syntax error near \"\"")
	}
	switch {
	case t.kind == '(':
		p.pos++
		inner, err := p.or()
		if err != nil {
			return "", err
		}
		if t, ok := p.peek(); !ok || t.kind != ')' {
			if !ok {
				return "", fmt.Errorf("syntax error near \"\"")
			}
			return "", p.near(t)
		}
		p.pos++
		return "( " + inner + " )", nil
	case t.kind == 'w' && (t.text == "AND" || t.text == "OR" || t.text == "NOT"):
		return "", p.near(t)
	case t.kind == 'w' && t.text == "NEAR" && p.pos+1 < len(p.toks) && p.toks[p.pos+1].kind == '(':
		p.pos += 2
		return p.nearGroup()
	case t.kind == 'w' || t.kind == 's':
		return p.phrase()
	case t.kind == '^':
		return "", fmt.Errorf("^ (a phrase at the start of a passage) is not supported on PostgreSQL")
	}
	return "", p.near(t)
}

// defaultNear is NEAR's distance when the query gives none, as FTS5's.
const defaultNear = 10

// nearGroup reads NEAR's phrases and distance, after "NEAR(": FTS5's
// NEAR(a b, N) finds a and b, in either order, with at most N words
// between them; tsquery's a <k> b finds b k words after a, so it is
// written as each k from 1 to N+1, both ways round. Of three phrases or
// more, the ways grow past use, and PostgreSQL is said not to do them.
func (p *queryParser) nearGroup() (string, error) {
	var phrases []string
	n := defaultNear
	for {
		t, ok := p.peek()
		switch {
		case !ok:
			return "", fmt.Errorf("syntax error near \"\"")
		case t.kind == 'w' || t.kind == 's':
			ph, err := p.phrase()
			if err != nil {
				return "", err
			}
			phrases = append(phrases, ph)
			continue
		case t.kind == ',':
			p.pos++
			d, ok := p.peek()
			if !ok {
				return "", fmt.Errorf("syntax error near \"\"")
			}
			v, err := strconv.Atoi(d.text)
			if d.kind != 'w' || err != nil || v < 0 {
				return "", fmt.Errorf("expected integer, got %q", d.text)
			}
			n = v
			p.pos++
			if t, ok := p.peek(); !ok || t.kind != ')' {
				if !ok {
					return "", fmt.Errorf("syntax error near \"\"")
				}
				return "", p.near(t)
			}
			fallthrough
		case t.kind == ')':
			p.pos++
		default:
			return "", p.near(t)
		}
		break
	}
	switch len(phrases) {
	case 0:
		return "", fmt.Errorf("syntax error near \")\"")
	case 1:
		return phrases[0], nil
	case 2:
	default:
		return "", fmt.Errorf("NEAR of more than two phrases is not supported on PostgreSQL (NEAR of two, or AND, finds words together)")
	}
	var ways []string
	for k := 1; k <= n+1; k++ {
		ways = append(ways, fmt.Sprintf("%s <%d> %s", phrases[0], k, phrases[1]), fmt.Sprintf("%s <%d> %s", phrases[1], k, phrases[0]))
	}
	return "( " + strings.Join(ways, " | ") + " )", nil
}

// phrase reads a word or "string", with * after it for a prefix; words
// joined by + are one phrase, as in FTS5.
func (p *queryParser) phrase() (string, error) {
	var ph phrase
	for {
		t := p.toks[p.pos]
		p.pos++
		if n, ok := p.peek(); ok && n.kind == ':' && t.kind == 'w' {
			return "", fmt.Errorf("%q is not a column (a colon after a word is FTS5 syntax: put the words in double quotes)", t.text)
		}
		for _, w := range splitWords(t.text) {
			ph.words = append(ph.words, w.folded)
		}
		ph.prefix = false
		if n, ok := p.peek(); ok && n.kind == '*' {
			ph.prefix = true
			p.pos++
		}
		n, ok := p.peek()
		if !ok || n.kind != '+' {
			break
		}
		p.pos++
		if n, ok := p.peek(); !ok || n.kind != 'w' && n.kind != 's' {
			if !ok {
				return "", fmt.Errorf("syntax error near \"\"")
			}
			return "", p.near(n)
		}
	}
	if len(ph.words) == 0 {
		// A phrase of punctuation only: FTS5 finds nothing with it.
		return "", fmt.Errorf("a phrase with no words in it")
	}
	parts := make([]string, len(ph.words))
	for i, w := range ph.words {
		parts[i] = lexeme(w)
		if ph.prefix && i == len(ph.words)-1 {
			parts[i] += ":*"
		}
	}
	p.phrases = append(p.phrases, ph)
	return "( " + strings.Join(parts, " <-> ") + " )", nil
}

// snippetTokens is how many words a snippet shows at most, as FTS5's
// snippet is asked for.
const snippetTokens = 24

// makeSnippet is a passage's snippet on PostgreSQL, as FTS5's snippet
// makes it: the stretch of at most snippetTokens words holding the most
// words the query's phrases name, those marked, with … where the
// passage goes on.
func makeSnippet(text string, phrases []phrase) string {
	ws := splitWords(text)
	hit := make([]bool, len(ws))
	for i, w := range ws {
		for _, p := range phrases {
			if p.matches(w.folded) {
				hit[i] = true
				break
			}
		}
	}
	from, to := 0, len(ws)
	if len(ws) > snippetTokens {
		best, bestAt := -1, 0
		for start := 0; start+snippetTokens <= len(ws); start++ {
			n := 0
			for _, h := range hit[start : start+snippetTokens] {
				if h {
					n++
				}
			}
			if n > best {
				best, bestAt = n, start
			}
		}
		// The first word found a little way in, as FTS5 places it.
		for i := bestAt; i < bestAt+snippetTokens; i++ {
			if hit[i] {
				bestAt = max(0, min(i-2, len(ws)-snippetTokens))
				break
			}
		}
		from, to = bestAt, bestAt+snippetTokens
	}
	var b strings.Builder
	start := 0
	if from > 0 {
		b.WriteString("…")
		start = ws[from].start
	}
	end := len(text)
	if to < len(ws) {
		end = ws[to-1].end
	}
	at := start
	for i := from; i < to; i++ {
		if !hit[i] {
			continue
		}
		b.WriteString(text[at:ws[i].start])
		b.WriteString(markOpen + text[ws[i].start:ws[i].end] + markClose)
		at = ws[i].end
	}
	b.WriteString(text[at:end])
	if to < len(ws) {
		b.WriteString("…")
	}
	return b.String()
}

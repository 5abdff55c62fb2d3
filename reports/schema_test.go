package reports

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/nhsreview/nhsreview/rules"
)

// compile compiles schema, with the others it refers to (refs) as
// resources of their own.
func compile(t *testing.T, schema []byte, refs ...[]byte) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	var id string
	for i, sc := range append([][]byte{schema}, refs...) {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(sc))
		if err != nil {
			t.Fatalf("schema is not JSON: %v", err)
		}
		rid := doc.(map[string]any)["$id"].(string)
		if i == 0 {
			id = rid
		}
		if err := c.AddResource(rid, doc); err != nil {
			t.Fatal(err)
		}
	}
	s, err := c.Compile(id)
	if err != nil {
		t.Fatalf("schema does not compile: %v", err)
	}
	return s
}

func validate(s *jsonschema.Schema, b []byte) error {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return err
	}
	return s.Validate(v)
}

// The JSON output validates against the published schema: one scorecard,
// several, none, the hostile card, and the CLI's own golden files.
func TestScoreJSONValidates(t *testing.T) {
	s := compile(t, ScoreSchema)
	sets := map[string][]*rules.Scorecard{
		"sample":  cards(t, "sample"),
		"hostile": cards(t, "hostile"),
		"two":     cards(t, "westbrook-2024", "westbrook-2025"),
		"none":    nil,
	}
	for name, cs := range sets {
		out := render(t, func(b *bytes.Buffer) error { return JSON(b, cs) })
		if err := validate(s, out); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	files, _ := filepath.Glob(filepath.Join("..", "cmd", "nhsreview", "testdata", "golden", "*.score.json"))
	for _, f := range files {
		b := mustReadFile(t, f)
		if err := validate(s, b); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	if len(files) == 0 {
		t.Log("no CLI golden score files found to validate")
	}
}

// The schema really checks: each of these breaks the contract and must be
// rejected.
func TestScoreSchemaRejects(t *testing.T) {
	s := compile(t, ScoreSchema)
	base := render(t, func(b *bytes.Buffer) error { return JSON(b, cards(t, "sample")) })
	for _, tc := range []struct {
		name string
		edit func(m map[string]any)
	}{
		{"no criteria", func(m map[string]any) { delete(m, "criteria") }},
		{"no document", func(m map[string]any) { delete(m, "document") }},
		{"schema version 2", func(m map[string]any) { m["schema_version"] = 2 }},
		{"short rules version", func(m map[string]any) { obj(m, "tool")["rules_version"] = "abc" }},
		{"unknown format", func(m map[string]any) { obj(m, "document")["format"] = "rtf" }},
		{"pages as text", func(m map[string]any) { obj(m, "document")["pages"] = "1" }},
		{"needs_ocr missing", func(m map[string]any) { delete(obj(obj(m, "document"), "quality"), "needs_ocr") }},
		{"score 4", func(m map[string]any) { criterion(m)["score"] = 4 }},
		{"score as text", func(m map[string]any) { criterion(m)["score"] = "3" }},
		{"score 1.5", func(m map[string]any) { criterion(m)["score"] = 1.5 }},
		{"no red flags", func(m map[string]any) { delete(criterion(m), "red_flags") }},
		{"evidence null", func(m map[string]any) { criterion(m)["evidence"] = nil }},
		{"evidence page 0", func(m map[string]any) {
			criterion(m)["evidence"].([]any)[0].(map[string]any)["page"] = 0
		}},
		{"evidence without quote", func(m map[string]any) {
			delete(criterion(m)["evidence"].([]any)[0].(map[string]any), "quote")
		}},
		{"bad criterion id", func(m map[string]any) { criterion(m)["id"] = "Problem Analysis" }},
		{"unknown fact kind", func(m map[string]any) { m["facts"].([]any)[0].(map[string]any)["kind"] = "cost" }},
		{"computed as text", func(m map[string]any) { m["facts"].([]any)[0].(map[string]any)["computed"] = "no" }},
	} {
		var m map[string]any
		if err := json.Unmarshal(base, &m); err != nil {
			t.Fatal(err)
		}
		tc.edit(m)
		b, _ := json.Marshal(m)
		if err := validate(s, b); err == nil {
			t.Errorf("%s: accepted", tc.name)
		}
	}
}

func obj(m map[string]any, key string) map[string]any { return m[key].(map[string]any) }

func criterion(m map[string]any) map[string]any {
	return m["criteria"].([]any)[0].(map[string]any)
}

func TestDiffJSONValidates(t *testing.T) {
	s := compile(t, DiffSchema)
	out := render(t, func(b *bytes.Buffer) error { return WriteDiff(b, FormatJSON, diffOf(t), Options{}) })
	if err := validate(s, out); err != nil {
		t.Fatal(err)
	}
	// A criterion scored only in one version has a null score there.
	old, cur := card(1), card(2)
	cur.Criteria = nil
	partial := render(t, func(b *bytes.Buffer) error {
		return WriteDiff(b, FormatJSON, NewDiff(old, cur, DiffOptions{}), Options{})
	})
	if err := validate(s, partial); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		edit func(m map[string]any)
	}{
		{"no total", func(m map[string]any) { delete(m, "total") }},
		{"old score as text", func(m map[string]any) { obj(criterion(m), "score")["old"] = "1" }},
		{"same_rules as text", func(m map[string]any) { m["same_rules"] = "yes" }},
		{"added evidence without page", func(m map[string]any) {
			for _, c := range m["criteria"].([]any) {
				for _, e := range c.(map[string]any)["evidence_added"].([]any) {
					delete(e.(map[string]any), "page")
				}
			}
		}},
	} {
		var m map[string]any
		if err := json.Unmarshal(out, &m); err != nil {
			t.Fatal(err)
		}
		tc.edit(m)
		b, _ := json.Marshal(m)
		if err := validate(s, b); err == nil {
			t.Errorf("%s: accepted", tc.name)
		}
	}
}

// The pack JSON validates against its schema (papers triaged, not
// triaged and failed), and the schema rejects a paper without pages, a
// purpose it does not know, and a scorecard that is not one.
func TestPackJSONValidates(t *testing.T) {
	s := compile(t, PackSchema, ScoreSchema)
	p := packOf(t)
	// The command leaves a paper whose scoring failed without a
	// scorecard (the error goes to stderr): the fixture's bare failed
	// card, made for the other formats, has no tool or document.
	p.Papers[2].Card = nil
	// The stored card predates the status field; the command's cards
	// have it.
	p.Papers[1].Card.Status = rules.StatusScored
	out := render(t, func(b *bytes.Buffer) error { return WritePack(b, FormatJSON, p, Options{}) })
	if err := validate(s, out); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join("..", "cmd", "nhsreview", "testdata", "golden", "*.pack.json"))
	if len(files) == 0 {
		t.Error("no pack golden file of the command to validate")
	}
	for _, f := range files {
		if err := validate(s, mustReadFile(t, f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	for _, tc := range []struct {
		name string
		edit func(m map[string]any)
	}{
		{"no first page", func(m map[string]any) { delete(paperOf(m, 1), "first_page") }},
		{"an unknown purpose", func(m map[string]any) { paperOf(m, 1)["purpose"] = "vote" }},
		{"a scorecard without criteria", func(m map[string]any) {
			delete(paperOf(m, 1)["scorecard"].(map[string]any), "criteria")
		}},
		{"papers as an object", func(m map[string]any) { m["papers"] = map[string]any{} }},
	} {
		var m map[string]any
		if err := json.Unmarshal(out, &m); err != nil {
			t.Fatal(err)
		}
		tc.edit(m)
		b, _ := json.Marshal(m)
		if err := validate(s, b); err == nil {
			t.Errorf("%s: accepted", tc.name)
		}
	}
}

func paperOf(m map[string]any, i int) map[string]any {
	return m["papers"].([]any)[i].(map[string]any)
}

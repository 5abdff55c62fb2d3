package reports

import _ "embed"

// ScoreSchema is the JSON Schema (draft 2020-12) of the score JSON,
// DiffSchema that of the diff JSON and PackSchema that of the pack JSON
// (whose papers' scorecards refer to the score schema); they are
// published in reports/schema and tested against real output.
var (
	//go:embed schema/score.schema.json
	ScoreSchema []byte
	//go:embed schema/diff.schema.json
	DiffSchema []byte
	//go:embed schema/pack.schema.json
	PackSchema []byte
)

package reports

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"

	"github.com/nhsreview/nhsreview/rules"
)

// JSON writes one scorecard as an object, several as an array
// (CONTRACT.md; the schema is schema/score.schema.json).
func JSON(w io.Writer, cards []*rules.Scorecard) error {
	cards = withStatus(cards)
	if len(cards) == 1 {
		return WriteJSON(w, cards[0])
	}
	if cards == nil {
		cards = []*rules.Scorecard{}
	}
	return WriteJSON(w, cards)
}

// WriteJSON writes v as indented JSON (for listings and exports too).
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	// Quotes are read by people in the JSON too: keep £, & and < as they
	// are rather than as \u escapes.
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("writing JSON: %w", err)
	}
	return nil
}

// withStatus gives cards written before the status was kept (all of
// them scored) their status, so that every JSON scorecard has one.
func withStatus(cards []*rules.Scorecard) []*rules.Scorecard {
	out := make([]*rules.Scorecard, len(cards))
	for i, c := range cards {
		if c.Status == "" {
			cp := *c
			cp.Status = rules.StatusScored
			c = &cp
		}
		out[i] = c
	}
	return out
}

// WriteJSONLines writes each row as one line of JSON (JSON Lines), so
// that a reader can take a large export a row at a time.
func WriteJSONLines[T any](w io.Writer, rows []T) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for _, r := range rows {
		if err := enc.Encode(r); err != nil {
			return fmt.Errorf("writing JSON Lines: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing JSON Lines: %w", err)
	}
	return nil
}

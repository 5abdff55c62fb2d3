package corpus

import (
	"context"
	"fmt"

	"github.com/nhsreview/nhsreview/pipeline/document"
)

// Extraction returns the stored document model (pages, blocks, sections)
// of a content by its SHA-256, for showing a document without reading its
// bytes again; nil when none is stored.
func (s *Store) Extraction(ctx context.Context, sha string) (*document.Document, error) {
	d, _, err := s.extraction(ctx, sha)
	if err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	return d, nil
}

package corpus

import (
	"context"

	"github.com/nhsreview/nhsreview/rules"
)

// EvidenceRow is one passage a stored score quotes: the version's
// columns of ExportRow, then the criterion and signal it counts for and
// where it is.
type EvidenceRow struct {
	DocumentID   int64  `json:"document_id"`
	Version      int    `json:"version"`
	Source       string `json:"source"`
	Org          string `json:"org"`
	OrgName      string `json:"org_name"`
	Region       string `json:"region"`
	Kind         string `json:"kind"`
	Title        string `json:"title"`
	SHA256       string `json:"sha256"`
	FirstSeen    string `json:"first_seen"`
	LastFetched  string `json:"last_fetched"`
	RulesVersion string `json:"rules_version"`
	Criterion    string `json:"criterion"`
	Signal       string `json:"signal"`
	Page         int    `json:"page"`
	Section      string `json:"section"`
	Quote        string `json:"quote"`
}

// RedFlagRow is one red flag of a stored score, with its example passage
// (page 0 and an empty quote when it has none).
type RedFlagRow struct {
	DocumentID   int64  `json:"document_id"`
	Version      int    `json:"version"`
	Source       string `json:"source"`
	Org          string `json:"org"`
	OrgName      string `json:"org_name"`
	Region       string `json:"region"`
	Kind         string `json:"kind"`
	Title        string `json:"title"`
	SHA256       string `json:"sha256"`
	FirstSeen    string `json:"first_seen"`
	LastFetched  string `json:"last_fetched"`
	RulesVersion string `json:"rules_version"`
	Criterion    string `json:"criterion"`
	RedFlag      string `json:"red_flag"`
	Page         int    `json:"page"`
	Quote        string `json:"quote"`
}

// ExportEvidence returns the passages the stored scores quote, one row
// per passage and criterion, for every version the filter picks (as
// Export does), in document, version and criterion order.
func (s *Store) ExportEvidence(ctx context.Context, f Filter, rulesVersion string) ([]EvidenceRow, error) {
	f.AllVersions = true
	cards, err := s.Scorecards(ctx, f, rulesVersion)
	if err != nil {
		return nil, err
	}
	rows := []EvidenceRow{}
	for _, c := range cards {
		for _, cr := range c.Card.Criteria {
			for _, e := range cr.Evidence {
				rows = append(rows, EvidenceRow{DocumentID: c.ID, Version: c.Version, Source: c.Source, Org: c.Org, OrgName: c.OrgName,
					Region: c.Region, Kind: c.Kind, Title: c.Title, SHA256: c.SHA256, FirstSeen: c.FirstSeen, LastFetched: c.LastFetched,
					RulesVersion: c.RulesVersion, Criterion: cr.ID, Signal: e.Signal, Page: e.Page, Section: e.Section, Quote: e.Quote})
			}
		}
	}
	return rows, nil
}

// ExportRedFlags returns the red flags of the stored scores, one row
// each, with the example passage a flag shows.
func (s *Store) ExportRedFlags(ctx context.Context, f Filter, rulesVersion string) ([]RedFlagRow, error) {
	f.AllVersions = true
	cards, err := s.Scorecards(ctx, f, rulesVersion)
	if err != nil {
		return nil, err
	}
	rows := []RedFlagRow{}
	for _, c := range cards {
		for _, cr := range c.Card.Criteria {
			for _, flag := range cr.RedFlags {
				msg, page, quote := rules.SplitRedFlag(flag)
				rows = append(rows, RedFlagRow{DocumentID: c.ID, Version: c.Version, Source: c.Source, Org: c.Org, OrgName: c.OrgName,
					Region: c.Region, Kind: c.Kind, Title: c.Title, SHA256: c.SHA256, FirstSeen: c.FirstSeen, LastFetched: c.LastFetched,
					RulesVersion: c.RulesVersion, Criterion: cr.ID, RedFlag: msg, Page: page, Quote: quote})
			}
		}
	}
	return rows, nil
}

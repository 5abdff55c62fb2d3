package document

import "testing"

func TestHeadedRow(t *testing.T) {
	tests := []struct {
		header, row, want string
		ok                bool
	}{
		{"Service | 2023/24", "Urgent care | £12.1m", "Service: Urgent care; 2023/24: £12.1m", true},
		{"Action | Lead | Cost", "Outreach van |  | £40,000", "Action: Outreach van; Cost: £40,000", true},
		// A blank header cell leaves the cell on its own.
		{" | Budget", "Outreach | £2m", "Outreach; Budget: £2m", true},
		// A header repeated as the cell is said once.
		{"Total | £5m", "Total | £5m", "Total; £5m", true},
		// Columns that do not line up are not paired.
		{"A | B", "one | two | three", "", false},
		{"A | B", " | ", "", false},
	}
	for _, tt := range tests {
		got, ok := HeadedRow(tt.header, tt.row)
		if got != tt.want || ok != tt.ok {
			t.Errorf("HeadedRow(%q, %q) = %q, %v; want %q, %v", tt.header, tt.row, got, ok, tt.want, tt.ok)
		}
	}
}

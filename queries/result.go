package queries

import (
	"time"
)

// Result is what an engine returns for a query, whichever engine ran it:
// typed columns, rows of Go values (nil for NULL, int64, float64, string, bool,
// time.Time in UTC) and where the answer came from.
type Result struct {
	Columns    []Column
	Rows       [][]any
	Provenance Provenance
}

// Column is a result column and the engine's name for its type.
type Column struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// Provenance records how a result was produced, so that it can be reproduced
// and audited.
type Provenance struct {
	Query       string         `json:"query,omitempty"` // name@version; empty for ad-hoc SQL
	SQLSHA256   string         `json:"sql_sha256"`
	Params      map[string]any `json:"params,omitempty"`
	Engine      string         `json:"engine"`
	From        *time.Time     `json:"from,omitempty"`
	To          *time.Time     `json:"to,omitempty"`
	Files       int            `json:"files_read"`
	BadLines    int            `json:"bad_lines"`
	ExecutionID string         `json:"execution_id,omitempty"` // Athena's QueryExecutionId
	BytesRead   int64          `json:"bytes_read"`
	Rows        int            `json:"rows"`
	Started     time.Time      `json:"started"`
	Elapsed     time.Duration  `json:"-"`
	ElapsedMS   int64          `json:"elapsed_ms"`
}

// Describe fills the provenance fields that come from the rendered query.
func (r *Rendered) Describe(p *Provenance) {
	p.Query = r.Query.Ref()
	p.SQLSHA256 = r.SHA256()
	p.Engine = r.Dialect.Name()
	p.Params = map[string]any(r.Params)
	if r.Window != nil {
		from, to := r.Window.From, r.Window.To
		p.From, p.To = &from, &to
	}
}

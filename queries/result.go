package queries

import (
	"crypto/sha256"
	"encoding/hex"
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
	Query string `json:"query,omitempty"` // name@version; empty for ad-hoc SQL
	// SQL is the text of ad-hoc SQL; a library query is named by Query instead.
	SQL string `json:"sql,omitempty"`
	// SQLSHA256 is, for a library query, the SHA-256 of its published source,
	// as library.lock and flowq queries show give it; for ad-hoc SQL, of SQL.
	SQLSHA256 string `json:"sql_sha256"`
	// RenderedSQLSHA256 is the SHA-256 of the SQL a library query was rendered
	// to for the engine (it differs by dialect, table, layout and window).
	RenderedSQLSHA256 string         `json:"rendered_sql_sha256,omitempty"`
	Params            map[string]any `json:"params,omitempty"`
	Engine            string         `json:"engine"`
	From              *time.Time     `json:"from,omitempty"`
	To                *time.Time     `json:"to,omitempty"`
	// Files are the files the window selected (a local engine reads them,
	// or the parts of them a query needs); InputBytes is their size.
	Files      int   `json:"files"`
	InputBytes int64 `json:"input_bytes"`
	// ScannedBytes is what the engine says it scanned (Athena bills it).
	ScannedBytes int64  `json:"scanned_bytes,omitempty"`
	BadLines     int    `json:"bad_lines"`              // lines of the input that are not records, left out
	ExecutionID  string `json:"execution_id,omitempty"` // Athena's QueryExecutionId
	Workgroup    string `json:"workgroup,omitempty"`    // the Athena workgroup
	// EngineMS is the engine's own time for the query (Athena's engine
	// execution time), in milliseconds.
	EngineMS int64 `json:"engine_execution_ms,omitempty"`
	// CostUSD is an estimate from the engine's price list and ScannedBytes
	// (Athena: $5 per TB, 10 MB at least), not a bill.
	CostUSD        float64 `json:"estimated_cost_usd,omitempty"`
	Reused         bool    `json:"result_reused,omitempty"`   // the engine answered with an earlier run's result
	ResultLocation string  `json:"result_location,omitempty"` // where the engine keeps the result
	Rows           int     `json:"rows"`
	// Limit is the most rows the query returns, the value of LimitParam; 0
	// when it has no limit parameter.
	Limit int64 `json:"limit,omitempty"`
	// LimitParam is the parameter that raises Limit.
	LimitParam string `json:"limit_param,omitempty"`
	// Truncated is true when more rows matched than Limit: the result is the
	// first Limit of them. It is known, not guessed from Rows == Limit.
	Truncated bool `json:"truncated"`
	// Started and Elapsed time the query, from Run or RunSQL to its last row.
	Started   time.Time     `json:"started"`
	Elapsed   time.Duration `json:"-"`
	ElapsedMS int64         `json:"elapsed_ms"`
}

// AdHoc records the text of ad-hoc SQL and its SHA-256. An engine that runs
// SQL which is not a library query calls it on the result's provenance.
func (p *Provenance) AdHoc(sql string) {
	p.SQL = sql
	p.SQLSHA256 = sha256Hex(sql)
}

// Finish completes the result of running r, as step 3 of the engine contract
// on Rendered says. It removes the row beyond Limit that the SQL asked for and
// sets Truncated when there was one; then it fills the provenance that comes
// from the query: name@version, the published source's hash and the rendered
// SQL's, the engine (the dialect's name), the parameters, the window, the
// limit and the row count. The engine's own fields (files, bytes, execution
// ID, timing) are kept.
func (r *Rendered) Finish(res *Result) {
	truncated := false
	if r.Limit > 0 && int64(len(res.Rows)) > r.Limit {
		res.Rows = res.Rows[:r.Limit:r.Limit]
		truncated = true
	}
	res.Provenance.Rows = len(res.Rows)
	r.finish(&res.Provenance, truncated)
}

// finish fills the provenance that comes from the query, as Finish says, for
// a result of p.Rows rows that the limit did or did not cut.
func (r *Rendered) finish(p *Provenance, truncated bool) {
	p.Truncated = truncated
	p.Query = r.Query.Ref()
	p.SQL = "" // the query's text is its published source, named by Query
	p.SQLSHA256 = r.Query.SourceSHA256()
	p.RenderedSQLSHA256 = r.SHA256()
	p.Engine = r.Dialect.Name()
	p.Params = map[string]any(r.Params)
	p.From, p.To = nil, nil
	if r.Window != nil {
		from, to := r.Window.From, r.Window.To
		p.From, p.To = &from, &to
	}
	p.Limit, p.LimitParam = 0, ""
	if r.Limit > 0 {
		p.Limit, p.LimitParam = r.Limit, LimitParam
	}
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

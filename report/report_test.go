package report

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/flowq/flowq/internal/golden"
	"github.com/flowq/flowq/queries"
)

func result() *queries.Result {
	t0 := time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)
	return &queries.Result{
		Columns: []queries.Column{{Name: "dstaddr", Type: "VARCHAR"}, {Name: "rejects", Type: "BIGINT"}, {Name: "first_seen", Type: "TIMESTAMP"}, {Name: "note", Type: "VARCHAR"}},
		Rows: [][]any{
			{"10.0.2.200", int64(1022), t0, "a|b, \"c\""},
			{"2600:1f18:4c1:a100::cc", int64(7), t0.Add(time.Hour), nil},
		},
		Provenance: queries.Provenance{Query: "top-rejected-destinations@1", SQLSHA256: "ab12", Engine: "duckdb",
			Params: map[string]any{"limit": int64(10)}, Files: 3, Rows: 2, Started: t0, ElapsedMS: 12},
	}
}

// TestWrite keeps each format's output under testdata. Regenerate with:
// go test ./report -update
func TestWrite(t *testing.T) {
	for _, tc := range []struct {
		name   string
		format Format
		tty    bool
	}{
		{"table-tty.txt", Table, true}, {"table.txt", Table, false}, {"out.csv", CSV, false},
		{"out.json", JSON, false}, {"out.jsonl", JSONL, false}, {"out.md", Markdown, false},
	} {
		var b bytes.Buffer
		if err := Write(&b, tc.format, result(), tc.tty); err != nil {
			t.Fatal(err)
		}
		golden.Compare(t, filepath.Join("testdata", tc.name), b.String())
	}
}

func TestJSONIsValid(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, JSON, result(), false); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Provenance queries.Provenance `json:"provenance"`
		Rows       []map[string]any   `json:"rows"`
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	if doc.Provenance.Query != "top-rejected-destinations@1" || len(doc.Rows) != 2 || doc.Rows[0]["rejects"] != float64(1022) || doc.Rows[1]["note"] != nil {
		t.Errorf("decoded %+v", doc)
	}
}

func TestParseFormat(t *testing.T) {
	if f, err := ParseFormat("md"); f != Markdown || err != nil {
		t.Errorf("md = %v %v", f, err)
	}
	if _, err := ParseFormat("xml"); err == nil || err.Error() != `output format "xml": want table, csv, json, jsonl or markdown` {
		t.Errorf("xml: %v", err)
	}
}

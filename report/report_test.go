package report

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

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

// TestPrint keeps each format's output under testdata, on a terminal or not
// and at a terminal width. Regenerate with:
// go test ./report -update
func TestPrint(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts Options
	}{
		{"table-tty.txt", Options{Format: Table, TTY: true}},
		{"table.txt", Options{Format: Table}}, // -o table piped: aligned all the same
		{"auto-tty.txt", Options{Format: Auto, TTY: true}},
		{"auto.tsv", Options{Format: Auto}},
		{"out.tsv", Options{Format: TSV, TTY: true}},
		{"table-tty-width-60.txt", Options{Format: Table, TTY: true, Width: 60}},
		{"table-tty-width-30.txt", Options{Format: Table, TTY: true, Width: 30}},
		{"table-width-30.txt", Options{Format: Table, Width: 30}}, // not a terminal: never cut
		{"out.csv", Options{Format: CSV}}, {"out.json", Options{Format: JSON}},
		{"out.jsonl", Options{Format: JSONL}}, {"out.md", Options{Format: Markdown}},
	} {
		var b bytes.Buffer
		if err := Print(&b, result(), tc.opts); err != nil {
			t.Fatal(err)
		}
		golden.Compare(t, filepath.Join("testdata", tc.name), b.String())
	}
}

// TestTableFitsTerminal: a table on a terminal fits its width, at most that
// many characters a line; piped, the same table is not cut.
func TestTableFitsTerminal(t *testing.T) {
	for _, width := range []int{80, 60, 45, 30, 12} {
		var out bytes.Buffer
		if err := Print(&out, result(), Options{Format: Auto, TTY: true, Width: width}); err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n") {
			if n := utf8.RuneCountInString(line); n > width {
				t.Errorf("width %d: a line of %d: %q", width, n, line)
			}
		}
		if width >= 63 && strings.Contains(out.String(), "…") {
			t.Errorf("width %d: cut, though the table fits:\n%s", width, &out)
		}
		var piped bytes.Buffer
		Print(&piped, result(), Options{Format: Table, Width: width})
		if strings.Contains(piped.String(), "…") {
			t.Errorf("width %d: piped output was cut:\n%s", width, &piped)
		}
	}
}

// TestNoColumns: a result without columns prints as nothing, at any width.
func TestNoColumns(t *testing.T) {
	for _, f := range []Format{Table, TSV, CSV, Markdown} {
		var b bytes.Buffer
		if err := Print(&b, &queries.Result{}, Options{Format: f, TTY: true, Width: 80}); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// TestTSVEscapes: a value with a tab, a newline or a backslash stays in its
// column and on its line.
func TestTSVEscapes(t *testing.T) {
	res := &queries.Result{Columns: []queries.Column{{Name: "a"}, {Name: "b"}},
		Rows: [][]any{{"x\ty", "line1\nline2\\z"}, {nil, int64(3)}}}
	var b bytes.Buffer
	if err := Print(&b, res, Options{Format: TSV}); err != nil {
		t.Fatal(err)
	}
	if want := "a\tb\nx\\ty\tline1\\nline2\\\\z\n\t3\n"; b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}

func TestJSONIsValid(t *testing.T) {
	var b bytes.Buffer
	if err := Print(&b, result(), Options{Format: JSON}); err != nil {
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
	for _, f := range Formats {
		if got, err := ParseFormat(string(f)); got != f || err != nil || Descriptions[f] == "" {
			t.Errorf("%s = %v %v, description %q", f, got, err, Descriptions[f])
		}
	}
	if _, err := ParseFormat(""); err == nil {
		t.Error("empty format accepted")
	}
	if _, err := ParseFormat("xml"); err == nil || err.Error() != `output format "xml": want auto, table, tsv, csv, json, jsonl or markdown` {
		t.Errorf("xml: %v", err)
	}
}

// TestWriterStreams: past Hold rows a Writer writes each page as it comes,
// before Close, and every format but the table writes the same bytes as
// Print; a streamed table keeps the widths of the rows it held.
func TestWriterStreams(t *testing.T) {
	res := result()
	for _, f := range []Format{TSV, CSV, JSON, JSONL, Markdown, Table} {
		var whole bytes.Buffer
		if err := Print(&whole, res, Options{Format: f}); err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		w := NewWriter(&b, Options{Format: f, Hold: 1})
		w.Page(queries.Page{Columns: res.Columns, Rows: res.Rows[:1]})
		if b.Len() != 0 {
			t.Errorf("%s: wrote before holding more than Hold rows: %q", f, b.String())
		}
		w.Page(queries.Page{Columns: res.Columns, Rows: res.Rows[1:]})
		if !strings.Contains(b.String(), "7") {
			t.Errorf("%s: the second page is not written before Close: %q", f, b.String())
		}
		w.Page(queries.Page{Columns: res.Columns})
		if err := w.Close(res.Provenance); err != nil {
			t.Fatal(err)
		}
		if f != Table && b.String() != whole.String() {
			t.Errorf("%s streamed:\n%s\nwhole:\n%s", f, b.String(), whole.String())
		}
	}
	// The table held both rows before it wrote: fitted to both, as Print.
	var b, whole bytes.Buffer
	Print(&whole, res, Options{Format: Table})
	w := NewWriter(&b, Options{Format: Table, Hold: 2})
	for _, row := range res.Rows {
		w.Page(queries.Page{Columns: res.Columns, Rows: [][]any{row}})
	}
	w.Close(res.Provenance)
	if b.String() != whole.String() {
		t.Errorf("held table:\n%s\nwhole:\n%s", b.String(), whole.String())
	}
}

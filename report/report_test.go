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

// TestWrite keeps each format's output under testdata, on a terminal or not
// and at a terminal width. Regenerate with:
// go test ./report -update
func TestWrite(t *testing.T) {
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

// terminal is a buffer that tells a width, as iostreams' stdout does.
type terminal struct {
	bytes.Buffer
	width int
}

func (t *terminal) TerminalWidth() int { return t.width }

// TestTableFitsTerminal: Write fits a table to a terminal's width, at most
// that many characters a line; piped, the same table is not cut.
func TestTableFitsTerminal(t *testing.T) {
	for _, width := range []int{80, 60, 45, 30, 12} {
		out := &terminal{width: width}
		if err := Write(out, Table, result(), true); err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		Print(&want, result(), Options{Format: Table, TTY: true, Width: width})
		if out.String() != want.String() {
			t.Errorf("width %d: Write and Print differ:\n%s\n%s", width, out, &want)
		}
		for _, line := range strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n") {
			if n := utf8.RuneCountInString(line); n > width {
				t.Errorf("width %d: a line of %d: %q", width, n, line)
			}
		}
		if width >= 63 && strings.Contains(out.String(), "…") {
			t.Errorf("width %d: cut, though the table fits:\n%s", width, out)
		}
		piped := &terminal{width: width}
		Write(piped, Table, result(), false)
		if strings.Contains(piped.String(), "…") {
			t.Errorf("width %d: piped output was cut:\n%s", width, piped)
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

// Package report writes query results as an aligned table, TSV, CSV, JSON,
// JSON Lines or Markdown. It knows results, not engines.
package report

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/flowq/flowq/queries"
)

// Format is an output format.
type Format string

const (
	// Auto is an aligned table on a terminal and TSV otherwise, so that piped
	// output is stable and easy to cut.
	Auto     Format = "auto"
	Table    Format = "table"
	TSV      Format = "tsv"
	CSV      Format = "csv"
	JSON     Format = "json"
	JSONL    Format = "jsonl"
	Markdown Format = "markdown"
)

// Formats lists the output formats, for flag help and validation.
var Formats = []Format{Auto, Table, TSV, CSV, JSON, JSONL, Markdown}

// Descriptions say what each format is, for flag help and shell completion.
var Descriptions = map[Format]string{
	Auto:     "a table on a terminal, tsv when piped",
	Table:    "columns aligned for people; on a terminal, fitted to its width",
	TSV:      "tab-separated, a header line first; tabs and newlines in values escaped",
	CSV:      "comma-separated (RFC 4180), a header line first",
	JSON:     "one document: columns, rows, then provenance",
	JSONL:    "one JSON object a row",
	Markdown: "a Markdown table (md)",
}

// ParseFormat checks an output format name ("md" is Markdown).
func ParseFormat(s string) (Format, error) {
	if s == "md" {
		return Markdown, nil
	}
	for _, f := range Formats {
		if string(f) == s {
			return f, nil
		}
	}
	return "", formatError(s)
}

func formatError(f string) error {
	return fmt.Errorf("output format %q: want auto, table, tsv, csv, json, jsonl or markdown", f)
}

// Options say how Print and a Writer write a result.
type Options struct {
	Format Format
	// TTY says the output is a terminal: Auto is then a table, and a table
	// fits Width.
	TTY bool
	// Width is the terminal's width in columns; 0 when unknown. A table wider
	// than that has its widest columns shortened, with an ellipsis, so that no
	// line wraps. Output that is not a terminal is never cut.
	Width int
	// Hold is how many rows a Writer keeps before it writes any (0:
	// DefaultHold). A result of at most Hold rows is written whole, a table
	// fitted to all its rows; a longer one is written as it arrives, page by
	// page, a table fitted to the rows held, so that memory holds a page and
	// not the result.
	Hold int
}

// DefaultHold is the rows a Writer holds by default: a few MB.
const DefaultHold = 10_000

// Print writes a whole result as the options say.
func Print(w io.Writer, res *queries.Result, o Options) error {
	o.Hold = max(len(res.Rows), 1)
	wr := NewWriter(w, o)
	if err := wr.Page(queries.Page{Columns: res.Columns, Rows: res.Rows}); err != nil {
		return err
	}
	return wr.Close(res.Provenance)
}

// Writer writes a result as its pages arrive (queries.Stream hands them
// over): Page for each page, then Close with the provenance. A JSON
// document's provenance comes after its rows, so that it can be written last.
type Writer struct {
	out    *bufio.Writer
	format Format // never Auto
	width  int    // a table's width, on a terminal; 0: not fitted
	hold   int
	cols   []queries.Column
	held   [][]any // rows not yet written
	begun  bool    // the head is written: rows go out as they come
	table  tableLayout
	csv    *csv.Writer
	rows   int
	err    error
}

// NewWriter returns a writer of the format the options say.
func NewWriter(w io.Writer, o Options) *Writer {
	f := o.Format
	if f == Auto {
		f = TSV
		if o.TTY {
			f = Table
		}
	}
	wr := &Writer{out: bufio.NewWriter(w), format: f, hold: o.Hold}
	if wr.hold <= 0 {
		wr.hold = DefaultHold
	}
	if o.TTY {
		wr.width = o.Width
	}
	return wr
}

// Page adds rows of the result; the columns are the result's.
func (w *Writer) Page(p queries.Page) error {
	if w.err != nil {
		return w.err
	}
	w.cols = p.Columns
	if w.begun {
		return w.write(p.Rows)
	}
	w.held = append(w.held, p.Rows...)
	if len(w.held) <= w.hold {
		return nil
	}
	held := w.held
	w.held = nil
	if err := w.begin(held); err != nil {
		return err
	}
	return w.write(held)
}

// Begun reports whether any of the result was written: a result longer
// than Hold is written before it is whole.
func (w *Writer) Begun() bool { return w.begun }

// Close writes what is held and the end of the result.
func (w *Writer) Close(p queries.Provenance) error {
	if w.err != nil {
		return w.err
	}
	if !w.begun {
		if err := w.begin(w.held); err != nil {
			return err
		}
		if err := w.write(w.held); err != nil {
			return err
		}
	}
	switch w.format {
	case CSV:
		w.csv.Flush()
		w.fail(w.csv.Error())
	case JSON:
		prov, err := json.MarshalIndent(p, "  ", "  ")
		if w.fail(err) != nil {
			return err
		}
		if w.rows > 0 {
			w.out.WriteString("\n  ")
		}
		fmt.Fprintf(w.out, "],\n  \"provenance\": %s\n}\n", prov)
	}
	return w.fail(w.out.Flush())
}

// fail keeps the first error, which every later call returns.
func (w *Writer) fail(err error) error {
	if err != nil && w.err == nil {
		w.err = err
	}
	return w.err
}

// begin writes the head of the result: the column names, a table fitted to
// the first rows.
func (w *Writer) begin(first [][]any) error {
	w.begun = true
	names := make([]string, len(w.cols))
	for i, c := range w.cols {
		names[i] = c.Name
	}
	switch w.format {
	case Table:
		w.table = layoutTable(names, first, w.width)
		w.table.line(w.out, w.table.names)
	case TSV:
		for i, n := range names {
			names[i] = tsvEscape.Replace(n)
		}
		w.out.WriteString(strings.Join(names, "\t") + "\n")
	case CSV:
		w.csv = csv.NewWriter(w.out)
		w.csv.Write(names)
	case JSON:
		cols, err := json.Marshal(w.cols)
		if err != nil {
			return w.fail(err)
		}
		fmt.Fprintf(w.out, "{\n  \"columns\": %s,\n  \"rows\": [", cols)
	case JSONL:
	case Markdown:
		w.out.WriteString("|")
		for _, n := range names {
			w.out.WriteString(" " + mdCell.Replace(n) + " |")
		}
		w.out.WriteString("\n|" + strings.Repeat(" --- |", len(names)) + "\n")
	default:
		return w.fail(formatError(string(w.format)))
	}
	return nil
}

// write writes rows in the format, then flushes, so that a streamed result
// shows as it arrives.
func (w *Writer) write(rows [][]any) error {
	for _, row := range rows {
		switch w.format {
		case Table:
			cells := make([]string, len(row))
			for i, v := range row {
				cells[i] = oneLine.Replace(textValue(v))
			}
			w.table.line(w.out, cells)
		case TSV:
			for i, v := range row {
				if i > 0 {
					w.out.WriteByte('\t')
				}
				w.out.WriteString(tsvEscape.Replace(textValue(v)))
			}
			w.out.WriteByte('\n')
		case CSV:
			cells := make([]string, len(row))
			for i, v := range row {
				cells[i] = textValue(v)
			}
			w.csv.Write(cells)
		case JSON, JSONL:
			obj, err := object(w.cols, row)
			if err != nil {
				return w.fail(err)
			}
			if w.format == JSON {
				if w.rows > 0 {
					w.out.WriteByte(',')
				}
				w.out.WriteString("\n    ")
			}
			w.out.Write(obj)
			if w.format == JSONL {
				w.out.WriteByte('\n')
			}
		case Markdown:
			w.out.WriteString("|")
			for _, v := range row {
				w.out.WriteString(" " + mdCell.Replace(textValue(v)) + " |")
			}
			w.out.WriteString("\n")
		}
		w.rows++
	}
	if w.csv != nil {
		w.csv.Flush()
		if w.fail(w.csv.Error()) != nil {
			return w.err
		}
	}
	return w.fail(w.out.Flush())
}

// mdCell keeps a Markdown table cell in its cell and on its line.
var mdCell = strings.NewReplacer("|", `\|`, "\n", " ")

// textValue renders a value for the text formats: NULL is empty, times are
// RFC 3339.
func textValue(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case time.Time:
		return v.UTC().Format(time.RFC3339Nano) // whole seconds as RFC 3339; a fraction is kept
	}
	return fmt.Sprint(v)
}

// oneLine keeps a table cell on its line.
var oneLine = strings.NewReplacer("\t", " ", "\r\n", " ", "\n", " ", "\r", " ")

// tableLayout is how a table's lines are written: each column's width,
// two spaces apart, under upper-case names, each line cut at cut when that
// is not 0 (a terminal too narrow for the columns).
type tableLayout struct {
	names  []string
	widths []int
	cut    int
}

// layoutTable fits the columns to the rows: each as wide as its name and its
// widest value, and with a width (> 0), a table wider than it fitted (see
// fit). Rows written later that are wider stick out.
func layoutTable(names []string, rows [][]any, width int) tableLayout {
	t := tableLayout{names: make([]string, len(names)), widths: make([]int, len(names))}
	data := make([]int, len(names)) // the widest value of each column
	text := make([]bool, len(names))
	for i, n := range names {
		t.names[i] = oneLine.Replace(strings.ToUpper(n))
	}
	for _, row := range rows {
		for i, v := range row {
			data[i] = max(data[i], utf8.RuneCountInString(oneLine.Replace(textValue(v))))
			if _, ok := v.(string); ok {
				text[i] = true
			}
		}
	}
	for i, name := range t.names {
		t.widths[i] = max(data[i], utf8.RuneCountInString(name))
	}
	if width > 0 && len(t.widths) > 0 {
		t.cut = fit(t.widths, data, text, width)
	}
	return t
}

// line writes one line of the table.
func (t tableLayout) line(w *bufio.Writer, cells []string) {
	var line strings.Builder
	for i, c := range cells {
		c = shorten(c, t.widths[i])
		line.WriteString(c)
		if i < len(cells)-1 {
			line.WriteString(strings.Repeat(" ", max(t.widths[i]-utf8.RuneCountInString(c), 0)+columnGap))
		}
	}
	w.WriteString(shorten(line.String(), t.cut))
	w.WriteByte('\n')
}

const (
	// columnGap is the space between table columns.
	columnGap = 2
	// minColumn is the width fit shortens a column to, at least (a shorter
	// column keeps its width).
	minColumn = 6
)

// fit shortens the widest columns until the table's lines fit in width: every
// column wider than some limit (at least minColumn) is cut to that limit, the
// largest that fits, so narrow columns keep their width. It cuts names wider
// than their values first, then values of text columns; numbers and times,
// which an ellipsis would falsify, keep their width. When that is not enough,
// it returns width, at which each line is cut too; otherwise 0.
func fit(widths, data []int, text []bool, width int) int {
	textFloors := make([]int, len(data))
	for i := range data {
		if !text[i] {
			textFloors[i] = data[i]
		}
	}
	var fitted []int
	for _, floors := range [][]int{data, textFloors} {
		var ok bool
		if fitted, ok = limitColumns(widths, floors, width); ok {
			break
		}
	}
	copy(widths, fitted)
	if columnsWidth(widths) > width {
		return width
	}
	return 0
}

// limitColumns cuts each column to a limit, not below its floor, with the
// largest limit (down to minColumn) at which the table fits in width; ok says
// whether it fits.
func limitColumns(widths, floors []int, width int) (out []int, ok bool) {
	limit := slices.Max(widths)
	out = make([]int, len(widths))
	for {
		for i, w := range widths {
			out[i] = max(min(w, limit), min(floors[i], w))
		}
		if columnsWidth(out) <= width {
			return out, true
		}
		if limit <= minColumn {
			return out, false
		}
		limit--
	}
}

// columnsWidth is the width of a table line with columns of these widths.
func columnsWidth(widths []int) int {
	n := columnGap * (len(widths) - 1)
	for _, w := range widths {
		n += w
	}
	return n
}

// shorten cuts s to n runes, the last an ellipsis; n <= 0 leaves s whole.
func shorten(s string, n int) string {
	if n <= 0 || utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// tsvEscape keeps a TSV value on its line and in its column: a backslash,
// tab, newline or carriage return is written as \\, \t, \n or \r.
var tsvEscape = strings.NewReplacer(`\`, `\\`, "\t", `\t`, "\n", `\n`, "\r", `\r`)

// object writes a row as a JSON object whose keys keep the column order.
func object(cols []queries.Column, row []any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, c := range cols {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(c.Name)
		v, err := json.Marshal(row[i])
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", c.Name, err)
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

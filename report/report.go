// Package report writes query results as an aligned table, TSV, CSV, JSON,
// JSON Lines or Markdown. It knows results, not engines.
package report

import (
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
	JSON:     "one document: provenance, columns, rows",
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

// Options say how Print writes a result.
type Options struct {
	Format Format
	// TTY says the output is a terminal: Auto is then a table, and a table
	// fits Width.
	TTY bool
	// Width is the terminal's width in columns; 0 when unknown. A table wider
	// than that has its widest columns shortened, with an ellipsis, so that no
	// line wraps. Output that is not a terminal is never cut.
	Width int
}

// Print writes the result as the options say.
func Print(w io.Writer, res *queries.Result, o Options) error {
	f := o.Format
	if f == Auto {
		f = TSV
		if o.TTY {
			f = Table
		}
	}
	switch f {
	case Table:
		width := 0
		if o.TTY {
			width = o.Width
		}
		return writeTable(w, res, width)
	case TSV:
		return writeTSV(w, res)
	case CSV:
		return writeCSV(w, res)
	case JSON:
		return writeJSON(w, res)
	case JSONL:
		return writeJSONL(w, res)
	case Markdown:
		return writeMarkdown(w, res)
	}
	return formatError(string(f))
}

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
		return v.UTC().Format(time.RFC3339)
	}
	return fmt.Sprint(v)
}

// oneLine keeps a table cell on its line.
var oneLine = strings.NewReplacer("\t", " ", "\r\n", " ", "\n", " ", "\r", " ")

// writeTable aligns the columns, two spaces apart, under upper-case names.
// With a width (> 0), a table wider than it is fitted (see fit).
func writeTable(w io.Writer, res *queries.Result, width int) error {
	lines := make([][]string, 0, len(res.Rows)+1)
	names := make([]string, len(res.Columns))
	for i, c := range res.Columns {
		names[i] = oneLine.Replace(strings.ToUpper(c.Name))
	}
	lines = append(lines, names)
	data := make([]int, len(names)) // the widest value of each column
	text := make([]bool, len(names))
	for _, row := range res.Rows {
		cells := make([]string, len(row))
		for i, v := range row {
			cells[i] = oneLine.Replace(textValue(v))
			data[i] = max(data[i], utf8.RuneCountInString(cells[i]))
			if _, ok := v.(string); ok {
				text[i] = true
			}
		}
		lines = append(lines, cells)
	}
	widths := make([]int, len(names))
	for i, name := range names {
		widths[i] = max(data[i], utf8.RuneCountInString(name))
	}
	cut := 0
	if width > 0 && len(widths) > 0 {
		cut = fit(widths, data, text, width)
	}
	var b strings.Builder
	for _, cells := range lines {
		var line strings.Builder
		for i, c := range cells {
			c = shorten(c, widths[i])
			line.WriteString(c)
			if i < len(cells)-1 {
				line.WriteString(strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c)+columnGap))
			}
		}
		b.WriteString(shorten(line.String(), cut))
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
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

// writeTSV writes a header line of column names, then a line a row: values
// tab-separated as text renders them (NULL is empty), escaped by tsvEscape.
func writeTSV(w io.Writer, res *queries.Result) error {
	var b strings.Builder
	for i, c := range res.Columns {
		if i > 0 {
			b.WriteByte('\t')
		}
		b.WriteString(tsvEscape.Replace(c.Name))
	}
	b.WriteByte('\n')
	for _, row := range res.Rows {
		for i, v := range row {
			if i > 0 {
				b.WriteByte('\t')
			}
			b.WriteString(tsvEscape.Replace(textValue(v)))
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeCSV(w io.Writer, res *queries.Result) error {
	cw := csv.NewWriter(w)
	names := make([]string, len(res.Columns))
	for i, c := range res.Columns {
		names[i] = c.Name
	}
	cw.Write(names)
	for _, row := range res.Rows {
		cells := make([]string, len(row))
		for i, v := range row {
			cells[i] = textValue(v)
		}
		cw.Write(cells)
	}
	cw.Flush()
	return cw.Error()
}

// object writes a row as a JSON object whose keys keep the column order.
func object(res *queries.Result, row []any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, c := range res.Columns {
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

func writeJSON(w io.Writer, res *queries.Result) error {
	prov, err := json.MarshalIndent(res.Provenance, "  ", "  ")
	if err != nil {
		return err
	}
	cols, err := json.Marshal(res.Columns)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "{\n  \"provenance\": %s,\n  \"columns\": %s,\n  \"rows\": [", prov, cols)
	for i, row := range res.Rows {
		obj, err := object(res, row)
		if err != nil {
			return err
		}
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("\n    ")
		b.Write(obj)
	}
	if len(res.Rows) > 0 {
		b.WriteString("\n  ")
	}
	b.WriteString("]\n}\n")
	_, err = w.Write(b.Bytes())
	return err
}

func writeJSONL(w io.Writer, res *queries.Result) error {
	for _, row := range res.Rows {
		obj, err := object(res, row)
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintf(w, "%s\n", obj); err != nil {
			return err
		}
	}
	return nil
}

func writeMarkdown(w io.Writer, res *queries.Result) error {
	cell := strings.NewReplacer("|", `\|`, "\n", " ")
	var b strings.Builder
	b.WriteString("|")
	for _, c := range res.Columns {
		b.WriteString(" " + cell.Replace(c.Name) + " |")
	}
	b.WriteString("\n|")
	for range res.Columns {
		b.WriteString(" --- |")
	}
	b.WriteString("\n")
	for _, row := range res.Rows {
		b.WriteString("|")
		for _, v := range row {
			b.WriteString(" " + cell.Replace(textValue(v)) + " |")
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

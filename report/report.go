// Package report writes query results as an aligned table, CSV, JSON, JSON
// Lines or Markdown. It knows results, not engines.
package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/flowq/flowq/queries"
)

// Format is an output format.
type Format string

const (
	Table    Format = "table"
	CSV      Format = "csv"
	JSON     Format = "json"
	JSONL    Format = "jsonl"
	Markdown Format = "markdown"
)

// Formats lists the output formats, for flag help and validation.
var Formats = []Format{Table, CSV, JSON, JSONL, Markdown}

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
	return "", fmt.Errorf("output format %q: want table, csv, json, jsonl or markdown", s)
}

// Write writes the result in the format. A table is aligned for a terminal
// (tty) and tab-separated otherwise, so that piped output is stable. JSON
// carries the provenance; the other formats carry only the rows.
func Write(w io.Writer, f Format, res *queries.Result, tty bool) error {
	switch f {
	case Table:
		return writeTable(w, res, tty)
	case CSV:
		return writeCSV(w, res)
	case JSON:
		return writeJSON(w, res)
	case JSONL:
		return writeJSONL(w, res)
	case Markdown:
		return writeMarkdown(w, res)
	}
	return fmt.Errorf("output format %q: want table, csv, json, jsonl or markdown", f)
}

// text renders a value for the text formats: NULL is empty, times are RFC 3339.
func text(v any) string {
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

func writeTable(w io.Writer, res *queries.Result, tty bool) error {
	out := w
	var tw *tabwriter.Writer
	if tty {
		tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		out = tw
	}
	names := make([]string, len(res.Columns))
	for i, c := range res.Columns {
		names[i] = c.Name
		if tty {
			names[i] = strings.ToUpper(c.Name)
		}
	}
	fmt.Fprintln(out, strings.Join(names, "\t"))
	for _, row := range res.Rows {
		cells := make([]string, len(row))
		for i, v := range row {
			cells[i] = text(v)
			if tty {
				cells[i] = strings.NewReplacer("\t", " ", "\n", " ").Replace(cells[i])
			}
		}
		fmt.Fprintln(out, strings.Join(cells, "\t"))
	}
	if tw != nil {
		return tw.Flush()
	}
	return nil
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
			cells[i] = text(v)
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
			b.WriteString(" " + cell.Replace(text(v)) + " |")
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

package localdb

import (
	"fmt"
	"strings"

	"github.com/flowq/flowq/flowlog"
	"github.com/flowq/flowq/partitions"
)

// The SQL of the flow_logs view, built by pure functions: each read is one
// SELECT with the format's columns, typed as in flowlog, and the layout's
// partition columns; the view is their union by column name.

// ViewName is the name of the relation queries read.
const ViewName = "flow_logs"

// viewSQL is the view over the reads.
func viewSQL(reads []string) string {
	return "CREATE OR REPLACE TEMP VIEW " + ViewName + " AS\n" + strings.Join(reads, "\nUNION ALL BY NAME\n")
}

// csvSelect reads plain text files of one format with DuckDB's CSV reader:
// explicit columns and types, no sniffing, and errors not ignored. A file is
// read this way only after flowq's reader found it plain (Check.Plain), so
// DuckDB reads every line with the values flowq's reader gave it; if it ever
// could not, the query fails instead of dropping the line.
//
// The compression is given, never left to DuckDB: it guesses it from the
// path's text, and a name with a '?' made it read a gzip file as plain text,
// which is zero rows without a word.
func csvSelect(format flowlog.Format, files []string, header, gzipped bool, parts []string) string {
	var cols, sel []string
	for _, fd := range format.Fields() {
		cols = append(cols, fmt.Sprintf("%s: %s", quote(fd.Column()), quote(fd.DuckDBType())))
		sel = append(sel, ident(fd.Column()))
	}
	skip := 0
	if header {
		skip = 1
	}
	compression := "none"
	if gzipped {
		compression = "gzip"
	}
	return fmt.Sprintf("SELECT %s FROM read_csv(%s, delim = ' ', quote = '', escape = '', header = false, skip = %d, "+
		"nullstr = '-', auto_detect = false, columns = {%s}, compression = '%s')",
		strings.Join(append(sel, parts...), ", "), stringList(files), skip, strings.Join(cols, ", "), compression)
}

// scanSelect reads a group of text files through flowq's reader (scan.go),
// which makes the partition columns itself.
func scanSelect(group int) string {
	return fmt.Sprintf("SELECT * FROM flowq_scan(%d)", group)
}

// parquetColumn is one flow-log column of a Parquet file and how it is stored.
type parquetColumn struct {
	field  *flowlog.Field
	string bool // stored as a string (BYTE_ARRAY), whatever the field's type
}

// parquetSelect reads Parquet files of one column set by column name, cast to
// the catalog types.
func parquetSelect(cols []parquetColumn, files []string, parts []string) string {
	var sel []string
	for _, c := range cols {
		col := c.field.Column()
		expr := ident(col)
		if c.string {
			// A string column: '-' is NULL as in text files. Files written by
			// Python tools can also spell a missing number "None".
			expr = fmt.Sprintf("NULLIF(%s, '-')", expr)
			if c.field.Kind != flowlog.String {
				expr = fmt.Sprintf("NULLIF(%s, 'None')", expr)
			}
		}
		sel = append(sel, fmt.Sprintf("CAST(%s AS %s) AS %s", expr, c.field.DuckDBType(), ident(col)))
	}
	return fmt.Sprintf("SELECT %s FROM read_parquet(%s)", strings.Join(append(sel, parts...), ", "), stringList(files))
}

// emptySelect is the view over no files: the default format's columns and the
// partition columns, no rows.
func emptySelect(layout partitions.Layout) string {
	def, _ := flowlog.Preset("default")
	var sel []string
	for _, fd := range def.Fields() {
		sel = append(sel, fmt.Sprintf("CAST(NULL AS %s) AS %s", fd.DuckDBType(), ident(fd.Column())))
	}
	for _, c := range layout.Columns() {
		sel = append(sel, "NULL::VARCHAR AS "+ident(c.Name))
	}
	return "SELECT " + strings.Join(sel, ", ") + " WHERE false"
}

// partitionsFromName are the partition columns as SQL over a read's filename
// column, for files whose names say their account, region and time (the
// planner knows which: it parsed every name). The name is
// {account}_vpcflowlogs_{region}_{flow-log-id}_{YYYYMMDDTHHmmZ}_{hash}.ext,
// its parts free of underscores, and the folders agree with it
// (partitions.ParseKey checks), so the values are the key's; a Parquet cache
// file's name carries its folder's time. Splitting the name is a fraction of
// the cost of a regular expression on every row.
func partitionsFromName(layout partitions.Layout) []string {
	name := "parse_filename(filename)"
	part := func(n int) string { return fmt.Sprintf("split_part(%s, '_', %d)", name, n) }
	var out []string
	for _, c := range layout.Columns() {
		var expr string
		switch c.Kind {
		case partitions.Account:
			expr = part(1)
		case partitions.Region:
			expr = part(3)
		default:
			// The time part of the name is YYYYMMDDTHHmmZ: each field of the
			// column's value is a substring of it.
			expr = concatParts(c.Parts(), func(f partitions.Field) string {
				start, end := f.InName()
				return fmt.Sprintf("substr(%s, %d, %d)", part(5), start+1, end-start)
			})
		}
		out = append(out, expr+" AS "+ident(c.Name))
	}
	return out
}

// partitionsFromEnd are the partition columns of files whose names say nothing
// of their time (unplaced): the time columns from each record's end, the time
// AWS files a record by, so that a query's partition predicate still selects
// its records; account and region are NULL.
func partitionsFromEnd(layout partitions.Layout, format flowlog.Format) []string {
	var out []string
	for _, c := range layout.Columns() {
		expr := "NULL::VARCHAR"
		if c.Kind == partitions.Time && format.Has("end") {
			// TRY_CAST: a Parquet file written by other tools may hold end as text.
			ts := `make_timestamp(TRY_CAST("end" AS BIGINT) * 1000000)`
			expr = concatParts(c.Parts(), func(f partitions.Field) string {
				return "strftime(" + ts + ", " + quote(f.Strftime) + ")"
			})
		}
		out = append(out, expr+" AS "+ident(c.Name))
	}
	return out
}

// concatParts writes a time column's value as the concatenation of its
// fields, each written by field, and its literals.
func concatParts(parts []partitions.Part, field func(partitions.Field) string) string {
	var terms []string
	for _, p := range parts {
		if p.Literal != "" {
			terms = append(terms, quote(p.Literal))
		} else {
			terms = append(terms, field(p.Field))
		}
	}
	if len(terms) == 1 {
		return terms[0]
	}
	return "concat(" + strings.Join(terms, ", ") + ")"
}

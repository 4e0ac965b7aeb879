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
			// The time part is YYYYMMDDTHHmmZ: pick the pattern's parts out of it.
			t := part(5)
			pieces := map[string]string{
				"yyyy": "substr(" + t + ", 1, 4)", "MM": "substr(" + t + ", 5, 2)",
				"dd": "substr(" + t + ", 7, 2)", "HH": "substr(" + t + ", 10, 2)",
			}
			expr = concatPattern(c.Pattern, pieces)
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
		if (c.Kind == partitions.Date || c.Kind == partitions.Hour) && format.Has("end") {
			// TRY_CAST: a Parquet file written by other tools may hold end as text.
			ts := `make_timestamp(TRY_CAST("end" AS BIGINT) * 1000000)`
			pieces := map[string]string{
				"yyyy": "strftime(" + ts + ", '%Y')", "MM": "strftime(" + ts + ", '%m')",
				"dd": "strftime(" + ts + ", '%d')", "HH": "strftime(" + ts + ", '%H')",
			}
			expr = concatPattern(c.Pattern, pieces)
		}
		out = append(out, expr+" AS "+ident(c.Name))
	}
	return out
}

// concatPattern writes a date pattern (yyyy/MM/dd, HH, …) as the concatenation
// of SQL pieces for its letters and literals for the rest.
func concatPattern(pattern string, pieces map[string]string) string {
	var terms []string
	for rest := pattern; rest != ""; {
		matched := false
		for letters, sql := range pieces {
			if strings.HasPrefix(rest, letters) {
				terms, rest, matched = append(terms, sql), rest[len(letters):], true
				break
			}
		}
		if !matched {
			terms, rest = append(terms, quote(rest[:1])), rest[1:]
		}
	}
	if len(terms) == 1 {
		return terms[0]
	}
	return "concat(" + strings.Join(terms, ", ") + ")"
}

// Package localdb is flowq's local engine: it opens downloaded flow-log files
// (text .log.gz and Parquet, in any S3 layout or a flat folder) in DuckDB and
// exposes them as one view, flow_logs, with a typed column per field ('-' is
// NULL) and the layout's partition columns taken from each object key.
package localdb

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/flowq/flowq/flowlog"
	"github.com/flowq/flowq/partitions"
)

// ViewName is the name of the relation queries read.
const ViewName = "flow_logs"

// Options tune Open. The zero value reads everything with DuckDB's defaults.
type Options struct {
	Window      *partitions.Window // read only the files that can hold records of this window
	Layout      *partitions.Layout // partition columns to expose; default: the files' own layout
	Format      flowlog.Format     // format of text files without a header line
	Strict      bool               // bad lines are an error instead of a report
	MemoryLimit string             // DuckDB memory_limit, e.g. "1GB"
	Threads     int                // DuckDB threads; 0 = DuckDB's default
	TempDir     string             // DuckDB temp_directory for spilling
	VerifyCache string             // file remembering checked files by size and mtime; "" = check every time
}

// DB is an open dataset.
type DB struct {
	db       *sql.DB
	conn     *sql.Conn
	layout   partitions.Layout
	files    []File
	formats  []flowlog.Format
	badLines []BadLine
	found    Found
	checks   map[string]checked
	sources  map[string]source // text file → how the view reads it
}

// Open finds the files under paths, checks the text files (gzip integrity, bad
// lines), and creates the flow_logs view over them.
func Open(ctx context.Context, paths []string, opts Options) (*DB, error) {
	all, err := discover(paths)
	if err != nil {
		return nil, err
	}
	var files []File
	for _, f := range all {
		if opts.Window == nil || f.Unplaced || opts.Window.Selects(f.Object) {
			files = append(files, f)
		}
	}
	d := &DB{files: files, layout: chooseLayout(all, opts.Layout), found: Found{Files: len(all)}}
	for _, f := range all {
		if f.Unplaced {
			continue
		}
		if d.found.First.IsZero() || f.Object.Time.Before(d.found.First) {
			d.found.First = f.Object.Time
		}
		if f.Object.Time.After(d.found.Last) {
			d.found.Last = f.Object.Time
		}
	}
	cache := loadCache(opts.VerifyCache)
	checks, err := checkFiles(files, opts.Format, cache)
	if err != nil {
		return nil, err
	}
	if err := cache.save(); err != nil {
		return nil, fmt.Errorf("save verification cache %s: %w", opts.VerifyCache, err)
	}
	d.checks = checks
	for _, f := range files {
		ch := checks[f.Path]
		d.badLines = append(d.badLines, ch.BadLines...)
	}
	if opts.Strict && len(d.badLines) > 0 {
		return nil, &BadLinesError{Lines: d.badLines}
	}
	if err := d.open(ctx, opts); err != nil {
		return nil, err
	}
	if err := d.createView(ctx, checks, opts.Format); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// BadLinesError is returned in strict mode when any line is bad.
type BadLinesError struct{ Lines []BadLine }

func (e *BadLinesError) Error() string {
	msg := fmt.Sprintf("%d bad line(s); first: %s", len(e.Lines), e.Lines[0])
	return msg
}

func chooseLayout(files []File, want *partitions.Layout) partitions.Layout {
	if want != nil {
		return *want
	}
	for _, f := range files {
		if !f.Unplaced && strings.Contains(filepath.ToSlash(f.Path), "AWSLogs/") {
			return f.Object.Layout
		}
	}
	return partitions.Layout{}
}

func (d *DB) open(ctx context.Context, opts Options) error {
	connector, err := duckdb.NewConnector("", nil)
	if err != nil {
		return fmt.Errorf("open duckdb: %w", err)
	}
	d.db = sql.OpenDB(connector)
	d.conn, err = d.db.Conn(ctx)
	if err != nil {
		d.db.Close()
		return fmt.Errorf("open duckdb: %w", err)
	}
	// No network: never download or load extensions on demand; parquet, json and
	// icu are built in.
	settings := []string{"SET autoinstall_known_extensions = false", "SET autoload_known_extensions = false"}
	if opts.MemoryLimit != "" {
		settings = append(settings, "SET memory_limit = "+quote(opts.MemoryLimit))
	}
	if opts.Threads > 0 {
		settings = append(settings, fmt.Sprintf("SET threads = %d", opts.Threads))
	}
	if opts.TempDir != "" {
		settings = append(settings, "SET temp_directory = "+quote(opts.TempDir))
	}
	for _, s := range settings {
		if _, err := d.conn.ExecContext(ctx, s); err != nil {
			d.Close()
			return fmt.Errorf("configure duckdb (%s): %w", s, err)
		}
	}
	if err := registerFunctions(d.conn); err != nil {
		d.Close()
		return fmt.Errorf("register functions: %w", err)
	}
	return nil
}

// Close releases DuckDB.
func (d *DB) Close() error {
	if d.conn != nil {
		d.conn.Close()
	}
	if d.db != nil {
		return d.db.Close()
	}
	return nil
}

// Found describes every log file under the paths, before window pruning.
type Found struct {
	Files       int
	First, Last time.Time // the earliest and latest file times (zero if no file says its time)
}

// Found is what the paths hold, before the window chose among them.
func (d *DB) Found() Found { return d.found }

// Files are the files the view reads (after window pruning).
func (d *DB) Files() []File { return d.files }

// Formats are the distinct text formats in the view.
func (d *DB) Formats() []flowlog.Format { return d.formats }

// BadLines are the lines that are not records of their file's format, in file
// order. They are not in the view.
func (d *DB) BadLines() []BadLine { return d.badLines }

// Layout is the layout whose partition columns the view has.
func (d *DB) Layout() partitions.Layout { return d.layout }

// Query runs SQL over the view with bound parameters.
func (d *DB) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return d.conn.QueryContext(ctx, query, args...)
}

// QueryRow runs SQL that returns one row.
func (d *DB) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return d.conn.QueryRowContext(ctx, query, args...)
}

// createView builds flow_logs as the union, by column name, of one typed read
// per text format and one per Parquet column set. Partition columns are
// computed from each row's file name (see filenamePartitions): DuckDB drops
// them when a query does not use them, where a join with a table of files
// would cost every row, and one read per format keeps the union short.
func (d *DB) createView(ctx context.Context, checks map[string]checked, fallback flowlog.Format) error {
	type group struct {
		format flowlog.Format
		header bool
		files  []string
	}
	var groups []*group
	byKey := map[string]*group{}
	var parquet []string
	var dirty []File
	for _, f := range d.files {
		if !isText(f.Path) {
			parquet = append(parquet, f.Path)
			continue
		}
		ch := checks[f.Path]
		if len(ch.BadLines) > 0 {
			dirty = append(dirty, f)
			continue
		}
		key, header := ch.Header, ch.Header != ""
		format := fallback
		if header {
			var err error
			if format, err = flowlog.ParseHeader(ch.Header); err != nil {
				return fmt.Errorf("%s: %w", f.Path, err)
			}
		} else if fallback.Len() == 0 {
			continue // every line was reported bad: no header and no format
		} else {
			key = "\x00" + fallback.Header()
		}
		g := byKey[key]
		if g == nil {
			g = &group{format: format, header: header}
			byKey[key] = g
			groups = append(groups, g)
		}
		g.files = append(g.files, f.Path)
	}

	var parts []string
	d.sources = map[string]source{}
	for _, g := range groups {
		d.formats = appendFormat(d.formats, g.format)
		parts = append(parts, textSelect(g.format, g.files, g.header, d.filenamePartitions(g.format)))
		for _, path := range g.files {
			d.sources[path] = source{format: g.format, header: g.header}
		}
	}
	for i, f := range dirty {
		table, format, err := d.loadGoodLines(ctx, i, f.Path, fallback)
		if err != nil {
			return err
		}
		if table != "" {
			d.formats = appendFormat(d.formats, format)
			// The same partition columns as a read's, from the file's name.
			parts = append(parts, "SELECT * EXCLUDE (filename), "+strings.Join(d.filenamePartitions(format), ", ")+
				" FROM (SELECT *, "+quote(f.Path)+" AS filename FROM "+table+")")
			d.sources[f.Path] = source{format: format, goodLines: table}
		}
	}
	if len(parquet) > 0 {
		sel, err := d.parquetSelects(ctx, parquet)
		if err != nil {
			return err
		}
		parts = append(parts, sel...)
	}
	if len(parts) == 0 {
		parts = append(parts, d.emptySelect())
	}
	view := "CREATE TEMP VIEW " + ViewName + " AS " + strings.Join(parts, "\nUNION ALL BY NAME\n")
	if _, err := d.conn.ExecContext(ctx, view); err != nil {
		return fmt.Errorf("create view %s: %w", ViewName, err)
	}
	return nil
}

// source is how the view reads a text file: with read_csv, or, when the file
// has bad lines, from the table its good lines were loaded into.
type source struct {
	format    flowlog.Format
	header    bool
	goodLines string // table name
}

// filenamePartitions are the partition columns as SQL over a read's filename
// column. The name says the account, region and time (partitions.NamePattern),
// and the folders always agree with it (partitions.ParseKey checks), so the
// values are the key's. A file whose name says nothing of its time takes its
// time columns from each record's end, the time AWS files a record by, so a
// query's partition predicate still selects its records.
func (d *DB) filenamePartitions(format flowlog.Format) []string {
	re := quote("(^|/)" + partitions.NamePattern)
	group := func(n int) string { return fmt.Sprintf("regexp_extract(filename, %s, %d)", re, n+1) } // +1: the (^|/) group
	ts := group(4)
	strftime := strings.NewReplacer("yyyy", "%Y", "MM", "%m", "dd", "%d", "HH", "%H")
	var out []string
	for _, c := range d.layout.Columns() {
		var expr, fallback string
		switch c.Kind {
		case partitions.Account:
			expr, fallback = group(1), "NULL"
		case partitions.Region:
			expr, fallback = group(2), "NULL"
		default:
			// The time group is YYYYMMDDTHHmmZ: pick the pattern's parts out of it.
			parts := strings.NewReplacer("yyyy", "', substr(t, 1, 4), '", "MM", "', substr(t, 5, 2), '",
				"dd", "', substr(t, 7, 2), '", "HH", "', substr(t, 10, 2), '").Replace(c.Pattern)
			expr = strings.ReplaceAll("concat('"+parts+"')", "t,", ts+",")
			fallback = "NULL"
			if format.Has("end") {
				// TRY_CAST: a Parquet file written by other tools may hold end as text.
				fallback = fmt.Sprintf(`strftime(make_timestamp(TRY_CAST("end" AS BIGINT) * 1000000), %s)`, quote(strftime.Replace(c.Pattern)))
			}
		}
		out = append(out, fmt.Sprintf("CASE WHEN regexp_matches(filename, %s) THEN %s ELSE %s END AS %s", re, expr, fallback, ident(c.Name)))
	}
	return out
}

// textSelect reads text files of one format with explicit columns and types and
// no sniffing, adding the partition expressions (which read the filename). Lines that do not fit are
// skipped here; they were counted and reported when the files were checked.
func textSelect(format flowlog.Format, files []string, header bool, part []string) string {
	var cols, sel []string
	for _, fd := range format.Fields() {
		cols = append(cols, fmt.Sprintf("%s: %s", quote(fd.Column()), quote(fd.DuckDBType())))
		sel = append(sel, ident(fd.Column()))
	}
	skip := 0
	if header {
		skip = 1
	}
	filename := ""
	if len(part) > 0 {
		filename = ", filename = true"
	}
	return fmt.Sprintf("SELECT %s FROM read_csv(%s, delim = ' ', quote = '', escape = '', header = false, skip = %d, "+
		"nullstr = '-', auto_detect = false, columns = {%s}, ignore_errors = true, compression = 'auto'%s)",
		strings.Join(append(sel, part...), ", "), stringList(files), skip, strings.Join(cols, ", "), filename)
}

// parquetSelects reads Parquet files by column name, cast to the catalog types,
// one read per distinct column set.
func (d *DB) parquetSelects(ctx context.Context, paths []string) ([]string, error) {
	rows, err := d.conn.QueryContext(ctx, "SELECT file_name, list(name || ':' || coalesce(type, '') ORDER BY name) FROM parquet_schema("+stringList(paths)+
		") WHERE num_children IS NULL OR num_children = 0 GROUP BY file_name")
	if err != nil {
		return nil, fmt.Errorf("read Parquet schemas: %w", err)
	}
	defer rows.Close()
	sets := map[string][]string{}
	var order []string
	for rows.Next() {
		var file string
		var names []any
		if err := rows.Scan(&file, &names); err != nil {
			return nil, fmt.Errorf("read Parquet schemas: %w", err)
		}
		var cols []string
		for _, n := range names {
			cols = append(cols, fmt.Sprint(n))
		}
		key := strings.Join(cols, ",")
		if _, ok := sets[key]; !ok {
			order = append(order, key)
		}
		sets[key] = append(sets[key], file)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read Parquet schemas: %w", err)
	}
	var out []string
	for _, key := range order {
		var sel, names []string
		for _, colType := range strings.Split(key, ",") {
			col, physical, _ := strings.Cut(colType, ":")
			fd, ok := flowlog.Lookup(col)
			if !ok || fd.Column() != col {
				continue // not a flow-log column (e.g. a writer's index)
			}
			expr := ident(col)
			if physical == "BYTE_ARRAY" {
				// A string column: '-' is NULL as in text files. Files written by
				// Python tools can also spell a missing number "None".
				expr = fmt.Sprintf("NULLIF(%s, '-')", expr)
				if fd.Kind != flowlog.String {
					expr = fmt.Sprintf("NULLIF(%s, 'None')", expr)
				}
			}
			sel = append(sel, fmt.Sprintf("CAST(%s AS %s) AS %s", expr, fd.DuckDBType(), ident(col)))
			names = append(names, fd.Name)
		}
		if len(sel) == 0 {
			return nil, fmt.Errorf("%s: no flow-log columns in this Parquet file", sets[key][0])
		}
		format, err := flowlog.NewFormat(names...)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", sets[key][0], err)
		}
		d.formats = appendFormat(d.formats, format)
		slices.Sort(sets[key])
		out = append(out, fmt.Sprintf("SELECT %s, %s FROM read_parquet(%s, filename = true)",
			strings.Join(sel, ", "), strings.Join(d.filenamePartitions(format), ", "), stringList(sets[key])))
	}
	return out, nil
}

// emptySelect is the view over no files: the default format's columns and the
// partition columns, no rows.
func (d *DB) emptySelect() string {
	def, _ := flowlog.Preset("default")
	var sel []string
	for _, fd := range def.Fields() {
		sel = append(sel, fmt.Sprintf("CAST(NULL AS %s) AS %s", fd.DuckDBType(), ident(fd.Column())))
	}
	for _, c := range d.layout.Columns() {
		sel = append(sel, "NULL::VARCHAR AS "+ident(c.Name))
	}
	return "SELECT " + strings.Join(sel, ", ") + " WHERE false"
}

// quote makes a SQL string literal. It is used only for file names and column
// names the engine itself produced, never for query parameters (those are bound).
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// ident quotes an identifier.
func ident(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func stringList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = quote(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

func appendFormat(formats []flowlog.Format, f flowlog.Format) []flowlog.Format {
	if slices.ContainsFunc(formats, f.Equal) {
		return formats
	}
	return append(formats, f)
}

// loadGoodLines loads the good records of a file that has bad lines into a temp
// table, so that the view holds exactly the lines that were not reported bad,
// whichever columns a query reads. (DuckDB's CSV reader, with projection
// pushdown, does not convert columns a query does not use, so a line it would
// reject can still be counted.) It returns the table, or "" when no line was
// good. Such files are rare, and small ones are typical.
func (d *DB) loadGoodLines(ctx context.Context, i int, path string, fallback flowlog.Format) (string, flowlog.Format, error) {
	var format flowlog.Format
	var records []flowlog.Record
	_, err := flowlog.Scan(ctx, []string{path}, fallback, func(_ string, rec flowlog.Record) error {
		if format.Len() == 0 {
			format = rec.Format
		}
		if rec.Format.Equal(format) {
			records = append(records, rec)
		}
		return nil
	})
	if err != nil {
		return "", format, fmt.Errorf("read %s: %w", path, err)
	}
	if len(records) == 0 {
		return "", format, nil
	}
	table := fmt.Sprintf("flowq_good_lines_%d", i)
	var cols, marks []string
	for _, fd := range format.Fields() {
		cols = append(cols, ident(fd.Column())+" "+fd.DuckDBType())
		marks = append(marks, "?")
	}
	if _, err := d.conn.ExecContext(ctx, "CREATE TEMP TABLE "+table+" ("+strings.Join(cols, ", ")+")"); err != nil {
		return "", format, fmt.Errorf("load %s: %w", path, err)
	}
	stmt, err := d.conn.PrepareContext(ctx, "INSERT INTO "+table+" VALUES ("+strings.Join(marks, ", ")+")")
	if err != nil {
		return "", format, fmt.Errorf("load %s: %w", path, err)
	}
	defer stmt.Close()
	for _, rec := range records {
		args := make([]any, 0, len(rec.Values))
		for j, v := range rec.Values {
			switch {
			case v.Null:
				args = append(args, nil)
			case format.Fields()[j].Kind == flowlog.String:
				args = append(args, v.Str)
			default:
				args = append(args, v.Int)
			}
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return "", format, fmt.Errorf("load %s: %w", path, err)
		}
	}
	return table, format, nil
}

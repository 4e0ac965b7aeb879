package localdb

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/flowq/flowq/flowlog"
	"github.com/flowq/flowq/partitions"
)

// sourcesKey is the Parquet key-value metadata in which flowq's cache files
// record the objects they hold (a JSON list of identities, see identity), so
// that a cache read together with its source is recognised as the same data.
const sourcesKey = "flowq.sources"

// parquetFile is what a Parquet file's footer says: its flow-log columns and,
// for a file of flowq's cache, the objects it holds.
type parquetFile struct {
	path    string // as DuckDB names it
	abs     string
	placed  bool
	cache   bool // named as flowq's cache names a folder's file
	columns []parquetColumn
	format  flowlog.Format // of the columns; field names flowq does not know are Unlisted, read as text
	dropped []string       // columns that are not field names (a writer's index): left out
	set     string         // the column set, to read files of one set together
	sources []string       // identities; nil for files not written by flowq import
}

// readParquetFooters reads the schema and the sources metadata of every
// Parquet file.
func readParquetFooters(ctx context.Context, d *duck, files []File) ([]parquetFile, error) {
	var paths []string
	byPath := map[string]File{}
	for _, f := range files {
		if !f.Text() {
			paths = append(paths, escapeGlob(f.Path))
			byPath[f.Path] = f
		}
	}
	if len(paths) == 0 {
		return nil, nil
	}
	// Columns in the file's order (the schema's rows come in it), so that
	// SELECT * over a cache shows them as over its text files.
	rows, err := d.conn.QueryContext(ctx, "SELECT file_name, list(name || ':' || coalesce(type, '') ORDER BY n) FROM "+
		"(SELECT *, row_number() OVER () AS n FROM parquet_schema("+stringList(paths)+")) "+
		"WHERE num_children IS NULL OR num_children = 0 GROUP BY file_name ORDER BY file_name")
	if err != nil {
		return nil, fmt.Errorf("read Parquet schemas: %w", err)
	}
	defer rows.Close()
	var out []parquetFile
	index := map[string]int{}
	for rows.Next() {
		var file string
		var names []any
		if err := rows.Scan(&file, &names); err != nil {
			return nil, fmt.Errorf("read Parquet schemas: %w", err)
		}
		f := byPath[file]
		p := parquetFile{path: file, abs: filepath.Join(f.absDir, filepath.Base(file)), placed: !f.Unplaced, cache: f.Object.IsFolderCache()}
		var set, header []string
		for _, n := range names {
			colType := fmt.Sprint(n)
			col, physical, _ := strings.Cut(colType, ":")
			if _, err := flowlog.ParseHeader(col); err != nil || strings.ContainsRune(col, '-') {
				p.dropped = append(p.dropped, col) // not a column name a field could have
				continue
			}
			header = append(header, col)
			set = append(set, colType)
			p.columns = append(p.columns, parquetColumn{string: physical == "BYTE_ARRAY"})
		}
		if len(header) == 0 {
			return nil, fmt.Errorf("%s: no flow-log columns in this Parquet file", file)
		}
		if p.format, err = flowlog.ParseHeader(strings.Join(header, " ")); err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		for i, fd := range p.format.Fields() {
			p.columns[i].field = fd
		}
		p.set = strings.Join(set, ",")
		index[file] = len(out)
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read Parquet schemas: %w", err)
	}
	if err := readSources(ctx, d, paths, out, index); err != nil {
		return nil, err
	}
	return out, nil
}

// readSources fills the sources of flowq's cache files from their metadata.
func readSources(ctx context.Context, d *duck, paths []string, files []parquetFile, index map[string]int) error {
	rows, err := d.conn.QueryContext(ctx, "SELECT file_name, decode(value) FROM parquet_kv_metadata("+stringList(paths)+
		") WHERE decode(key) = "+quote(sourcesKey))
	if err != nil {
		return fmt.Errorf("read Parquet metadata: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var file, value string
		if err := rows.Scan(&file, &value); err != nil {
			return fmt.Errorf("read Parquet metadata: %w", err)
		}
		i, ok := index[file]
		if !ok {
			continue
		}
		files[i].sources = []string{}
		if err := json.Unmarshal([]byte(value), &files[i].sources); err != nil {
			return fmt.Errorf("%s: metadata %s: %w", file, sourcesKey, err)
		}
	}
	return rows.Err()
}

// parquetReads are the view's reads of Parquet files, one per column set and
// placement, and the formats they hold.
func parquetReads(files []parquetFile, layout partitions.Layout) ([]string, []flowlog.Format, error) {
	type group struct {
		file  parquetFile
		paths []string
	}
	var order []string
	groups := map[string]*group{}
	for _, p := range files {
		key := fmt.Sprintf("%t %s", p.placed, p.set)
		g := groups[key]
		if g == nil {
			g = &group{file: p}
			groups[key] = g
			order = append(order, key)
		}
		g.paths = append(g.paths, escapeGlob(p.path))
	}
	var sqls []string
	var formats []flowlog.Format
	for _, key := range order {
		g := groups[key]
		formats = append(formats, g.file.format)
		parts := partitionsFromName(layout)
		if !g.file.placed {
			parts = partitionsFromEnd(layout, g.file.format)
		}
		sqls = append(sqls, parquetSelect(g.file.columns, g.paths, parts))
	}
	return sqls, formats, nil
}

package localdb

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/flowq/flowq/flowlog"
	"github.com/flowq/flowq/partitions"
)

// sourcesKey is the Parquet key-value metadata in which flowq's cache files
// record the objects they hold (a JSON list of object names), so that a cache
// read together with its source is recognised as the same data.
const sourcesKey = "flowq.sources"

// parquetFile is what a Parquet file's footer says: its flow-log columns and,
// for a file of flowq's cache, the objects it holds.
type parquetFile struct {
	path    string
	placed  bool
	columns []parquetColumn
	set     string   // the column set, to read files of one set together
	sources []string // object names; nil for files not written by flowq import
}

// readParquetFooters reads the schema of every Parquet file, and the sources
// of flowq's cache files.
func readParquetFooters(ctx context.Context, d *duck, files []File) ([]parquetFile, error) {
	var paths, cache []string
	placed := map[string]bool{}
	for _, f := range files {
		if f.Text() {
			continue
		}
		paths = append(paths, f.Path)
		placed[f.Path] = !f.Unplaced
		if f.Object.IsFolderCache() {
			cache = append(cache, f.Path)
		}
	}
	if len(paths) == 0 {
		return nil, nil
	}
	rows, err := d.conn.QueryContext(ctx, "SELECT file_name, list(name || ':' || coalesce(type, '') ORDER BY name) FROM parquet_schema("+
		stringList(paths)+") WHERE num_children IS NULL OR num_children = 0 GROUP BY file_name ORDER BY file_name")
	if err != nil {
		return nil, fmt.Errorf("read Parquet schemas: %w", err)
	}
	defer rows.Close()
	var out []parquetFile
	for rows.Next() {
		var file string
		var names []any
		if err := rows.Scan(&file, &names); err != nil {
			return nil, fmt.Errorf("read Parquet schemas: %w", err)
		}
		p := parquetFile{path: file, placed: placed[file]}
		var set []string
		for _, n := range names {
			colType := fmt.Sprint(n)
			col, physical, _ := strings.Cut(colType, ":")
			fd, ok := flowlog.Lookup(col)
			if !ok || fd.Column() != col {
				continue // not a flow-log column (e.g. a writer's index)
			}
			p.columns = append(p.columns, parquetColumn{field: fd, string: physical == "BYTE_ARRAY"})
			set = append(set, colType)
		}
		if len(p.columns) == 0 {
			return nil, fmt.Errorf("%s: no flow-log columns in this Parquet file", file)
		}
		p.set = strings.Join(set, ",")
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read Parquet schemas: %w", err)
	}
	if err := readSources(ctx, d, cache, out); err != nil {
		return nil, err
	}
	return out, nil
}

// readSources fills the sources of flowq's cache files from their metadata.
func readSources(ctx context.Context, d *duck, cache []string, files []parquetFile) error {
	if len(cache) == 0 {
		return nil
	}
	rows, err := d.conn.QueryContext(ctx, "SELECT file_name, decode(value) FROM parquet_kv_metadata("+stringList(cache)+
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
		i := slices.IndexFunc(files, func(p parquetFile) bool { return p.path == file })
		if i < 0 {
			continue
		}
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
		cols  []parquetColumn
		paths []string
	}
	var order []string
	groups := map[string]*group{}
	for _, p := range files {
		key := fmt.Sprintf("%t %s", p.placed, p.set)
		g := groups[key]
		if g == nil {
			g = &group{cols: p.columns}
			groups[key] = g
			order = append(order, key)
		}
		g.paths = append(g.paths, p.path)
	}
	var sqls []string
	var formats []flowlog.Format
	for _, key := range order {
		g := groups[key]
		names := make([]string, len(g.cols))
		for i, c := range g.cols {
			names[i] = c.field.Name
		}
		format, err := flowlog.NewFormat(names...)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", g.paths[0], err)
		}
		formats = append(formats, format)
		parts := partitionsFromName(layout)
		if strings.HasPrefix(key, "false") {
			parts = partitionsFromEnd(layout, format)
		}
		sqls = append(sqls, parquetSelect(g.cols, g.paths, parts))
	}
	return sqls, formats, nil
}

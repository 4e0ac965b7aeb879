package localdb

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/flowq/flowq/partitions"
)

// ImportStats says what Import did.
type ImportStats struct {
	Files    int       // source files considered
	Written  int       // Parquet files written
	Copied   int       // Parquet sources copied as they are
	UpToDate int       // Parquet files whose sources have not changed, left alone
	Empty    int       // text files without a single good record
	Records  int64     // records written
	BadLines []BadLine // lines not imported, as Open reports them
}

// manifestFile, in the cache folder, lists the sources of each Parquet file, so
// a second import rewrites only the files whose sources changed. Modification
// times alone would miss a late delivery downloaded after an import: tools that
// sync from S3 give a file its upload time, which can predate the import.
const manifestFile = ".flowq-import.json"

// A unit is one Parquet file of the cache and the sources it holds.
type unit struct {
	dest    string // path below the cache folder
	files   []File
	sources []string // "path size mtime" of each file, the manifest entry
}

// Import converts text logs into a Parquet cache under dest, partitioned like
// the source: the records of each folder (day or hour) and flow log go into one
// Parquet file in the same folder, named with the folder's time and a hash
// starting with partitions.FolderCachePrefix, so a time window prunes the cache
// by folder and, within a file, by the row groups' start/end statistics (rows
// are in file order, which is time order). One file per folder rather than per 5-minute delivery
// keeps the cache to a few files, which DuckDB reads much faster than thousands.
//
// Columns are named and typed as in the flow_logs view. Every good record is
// written and the count checked against the count read; bad lines are reported
// as by Open. Parquet sources are copied as they are; text files whose names
// say nothing of their time go under dest/unplaced/, one Parquet file each.
func Import(ctx context.Context, paths []string, dest string, opts Options) (*ImportStats, error) {
	opts.Window = nil
	d, err := Open(ctx, paths, opts)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	st := &ImportStats{Files: len(d.files), BadLines: d.badLines}
	manifest := map[string][]string{}
	if data, err := os.ReadFile(filepath.Join(dest, manifestFile)); err == nil {
		if err := json.Unmarshal(data, &manifest); err != nil {
			return nil, fmt.Errorf("import: read %s: %w", filepath.Join(dest, manifestFile), err)
		}
	}

	units, empty := d.importUnits()
	st.Empty = empty
	err = d.importUnitsTo(ctx, dest, units, manifest, st)
	// Record what was written even when a later unit failed.
	if werr := writeManifest(dest, manifest); err == nil {
		err = werr
	}
	if err != nil {
		return nil, err
	}
	return st, nil
}

// importUnitsTo writes the units whose sources changed since the manifest.
func (d *DB) importUnitsTo(ctx context.Context, dest string, units []*unit, manifest map[string][]string, st *ImportStats) error {
	for _, u := range units {
		if slices.Equal(manifest[u.dest], u.sources) {
			if _, err := os.Stat(filepath.Join(dest, u.dest)); err == nil {
				st.UpToDate++
				continue
			}
		}
		target := filepath.Join(dest, u.dest)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return fmt.Errorf("import: %w", err)
		}
		if !isText(u.files[0].Path) {
			if err := copyFile(u.files[0].Path, target); err != nil {
				return err
			}
			st.Copied++
		} else {
			n, err := d.writeParquet(ctx, u.files, target)
			if err != nil {
				return fmt.Errorf("import: %w", err)
			}
			st.Records += n
			st.Written++
		}
		manifest[u.dest] = u.sources
	}
	return nil
}

// importUnits groups the files into the cache's Parquet files: text files by
// folder, flow log and format; unplaced and Parquet files one each. It also
// counts text files with no good record, which have nothing to write.
func (d *DB) importUnits() ([]*unit, int) {
	byDest := map[string]*unit{}
	var units []*unit
	empty := 0
	for _, f := range d.files {
		var dest string
		src, ok := d.sources[f.Path]
		switch {
		case isText(f.Path) && !ok:
			empty++
			continue
		case !isText(f.Path) && f.Unplaced:
			dest = filepath.Join("unplaced", filepath.Base(f.Path))
		case !isText(f.Path):
			o := f.Object
			o.Root = ""
			dest = filepath.FromSlash(o.Key())
		case f.Unplaced:
			base := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(f.Path), ".gz"), ".log")
			dest = filepath.Join("unplaced", base+".log.parquet")
		default:
			// The format is part of the name: a folder can hold files of two
			// formats when a flow log's format changed (a new flow log ID, in
			// fact, but a renamed copy might not show it).
			sum := sha256.Sum256([]byte(src.format.Header()))
			o := f.Object
			o.Root, o.Format = "", partitions.Parquet
			o.Layout = d.layout
			o.Time = o.Layout.FolderStart(o.Time)
			o.Hash = partitions.FolderCachePrefix + hex.EncodeToString(sum[:4])
			dest = filepath.FromSlash(o.Key())
		}
		u := byDest[dest]
		if u == nil {
			u = &unit{dest: dest}
			byDest[dest] = u
			units = append(units, u)
		}
		u.files = append(u.files, f)
		u.sources = append(u.sources, fmt.Sprintf("%s %d %d", f.Path, f.Size, f.MTime))
	}
	slices.SortFunc(units, func(a, b *unit) int { return cmp.Compare(a.dest, b.dest) })
	return units, empty
}

// writeParquet writes the records of text files of one format into a Parquet
// file, in file order, through a temporary name so that an interrupted import
// leaves no partial file, and checks that it wrote as many records as the files
// hold.
func (d *DB) writeParquet(ctx context.Context, files []File, target string) (int64, error) {
	format := d.sources[files[0].Path].format
	var clean []string
	var parts []string
	var want int64
	for _, f := range files {
		src := d.sources[f.Path]
		want += d.checks[f.Path].Records
		switch {
		case src.goodLines != "":
			parts = append(parts, "SELECT * FROM "+src.goodLines)
		case src.header:
			clean = append(clean, f.Path)
		default:
			parts = append(parts, textSelect(src.format, []string{f.Path}, false, nil))
		}
	}
	if len(clean) > 0 {
		parts = append(parts, textSelect(format, clean, true, nil))
	}
	// No ORDER BY: sorting a day of records took four times the memory, and the
	// files are already read in time order (DuckDB keeps insertion order), so
	// each row group spans a short time and its start/end statistics let a
	// window skip the others.
	tmp := target + ".tmp"
	res, err := d.conn.ExecContext(ctx, "COPY ("+strings.Join(parts, " UNION ALL BY NAME ")+") TO "+
		quote(tmp)+" (FORMAT parquet, COMPRESSION zstd)")
	if err != nil {
		os.Remove(tmp)
		return 0, fmt.Errorf("write %s: %w", target, err)
	}
	n, err := res.RowsAffected()
	if err == nil && n != want {
		err = fmt.Errorf("wrote %d records, but the %d source file(s) hold %d", n, len(files), want)
	}
	if err != nil {
		os.Remove(tmp)
		return 0, fmt.Errorf("write %s: %w", target, err)
	}
	return n, os.Rename(tmp, target)
}

func writeManifest(dest string, manifest map[string][]string) error {
	if err := os.MkdirAll(dest, 0o755); err != nil {
		return fmt.Errorf("import: %w", err)
	}
	data, err := json.MarshalIndent(manifest, "", " ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(dest, manifestFile+".tmp")
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return fmt.Errorf("import: %w", err)
	}
	return os.Rename(tmp, filepath.Join(dest, manifestFile))
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer in.Close()
	tmp := dst + ".tmp"
	out, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		os.Remove(tmp)
		return fmt.Errorf("import %s: %w", src, err)
	}
	if err := out.Close(); err != nil {
		return fmt.Errorf("import %s: %w", src, err)
	}
	return os.Rename(tmp, dst)
}

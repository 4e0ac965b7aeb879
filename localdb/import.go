package localdb

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/flowq/flowq/flowlog"
	"github.com/flowq/flowq/partitions"
)

// ImportStats says what Import did.
type ImportStats struct {
	Files        int       // source files considered
	Written      int       // Parquet files written
	Copied       int       // Parquet sources copied as they are
	UpToDate     int       // Parquet files whose sources have not changed, left alone
	Removed      int       // Parquet files removed because their sources are gone
	Empty        int       // text files without a single good record
	Records      int64     // records written
	BadLines     []BadLine // lines not imported (at most a thousand listed a file)
	BadLineCount int       // all of them
}

// manifestFile, in the cache folder, lists the sources of each Parquet file, so
// a second import rewrites only the files whose sources changed. Modification
// times alone would miss a late delivery downloaded after an import: tools that
// sync from S3 give a file its upload time, which can predate the import.
const manifestFile = ".flowq-import.json"

// manifestVersion 2: sources are recorded in each file's metadata too, so a
// cache of version 1 (or none) is rewritten whole.
const manifestVersion = 2

type manifest struct {
	Version int                 `json:"version"`
	Units   map[string][]source `json:"units"` // cache file (relative) → its sources
}

type source struct {
	Path  string `json:"path"`
	Size  int64  `json:"size"`
	MTime int64  `json:"mtime"`
}

// A unit is one Parquet file of the cache and the files it holds.
type unit struct {
	dest   string // path below the cache folder
	format flowlog.Format
	files  []File
}

func (u *unit) sources() []source {
	out := make([]source, len(u.files))
	for i, f := range u.files {
		out[i] = source{f.Path, f.Size, f.MTime}
	}
	return out
}

// Import converts text logs into a Parquet cache under dest, partitioned like
// the source: the records of each folder (day or hour) and flow log go into one
// Parquet file in the same folder, named with the folder's time and a hash
// starting with partitions.FolderCachePrefix, so a time window prunes the cache
// by folder and, within a file, by the row groups' start/end statistics (rows
// are in file order, which is time order). One file per folder rather than per
// 5-minute delivery keeps the cache to a few files, which DuckDB reads much
// faster than thousands. Each file records the objects it holds, so that a
// cache read together with its source is refused rather than counted twice.
//
// Columns are named and typed as in the flow_logs view. Every good record is
// written and the count checked against the count read; bad lines are reported
// as by Open. Parquet sources are copied as they are; text files whose names
// say nothing of their time go under dest/unplaced/, one Parquet file each.
// A cache file whose sources are gone is removed, so that the cache never
// answers with data its source no longer has. dest may not be inside an input
// (nor hold one): the cache would be read as input.
func Import(ctx context.Context, paths []string, dest string, opts Options) (*ImportStats, error) {
	if err := checkImportDest(paths, dest); err != nil {
		return nil, err
	}
	opts.Window = nil
	d, err := open(ctx, paths, opts)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	m, err := readManifest(dest)
	if err != nil {
		return nil, err
	}
	st := &ImportStats{Files: len(d.files)}
	units := d.importUnits(d.files)
	err = d.writeUnits(ctx, dest, units, m, st)
	if err == nil {
		err = removeStale(dest, units, m, st)
	}
	// Record what was written even when a later unit failed.
	if werr := writeManifest(dest, m); err == nil {
		err = werr
	}
	st.BadLines, st.BadLineCount = d.BadLines(), d.BadLineCount()
	for _, f := range d.files {
		if ch, ok := d.check(f); ok && f.Text() && ch.Records == 0 {
			st.Empty++
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	return st, nil
}

// checkImportDest refuses a cache folder inside an input or holding one.
func checkImportDest(paths []string, dest string) error {
	absDest, err := realPath(dest)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	for _, p := range paths {
		abs, err := realPath(p)
		if err != nil {
			return fmt.Errorf("import: %w", err)
		}
		if within(absDest, abs) || within(abs, absDest) {
			return fmt.Errorf("import: --to %s and the input %s overlap: the cache would be read as input (and counted twice); "+
				"put the cache in a folder of its own", dest, p)
		}
	}
	return nil
}

// realPath is the absolute path with symbolic links resolved, as far as it
// exists (a cache folder may not exist yet).
func realPath(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	rest := ""
	for dir := abs; ; dir = filepath.Dir(dir) {
		if real, err := filepath.EvalSymlinks(dir); err == nil {
			return filepath.Join(real, rest), nil
		}
		if dir == filepath.Dir(dir) {
			return abs, nil
		}
		rest = filepath.Join(filepath.Base(dir), rest)
	}
}

// within reports whether path is dir or below it.
func within(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// importUnits groups the files into the cache's Parquet files: text files by
// folder, flow log and format; unplaced and Parquet files one each.
func (d *DB) importUnits(files []File) []*unit {
	byDest := map[string]*unit{}
	var units []*unit
	for _, f := range files {
		format, ok := d.textFormat(f)
		var dest string
		switch {
		case f.Text() && !ok:
			continue // no good record: nothing to write
		case !f.Text() && f.Unplaced:
			dest = filepath.Join("unplaced", filepath.Base(f.Path))
		case !f.Text():
			o := f.Object
			o.Root = ""
			dest = filepath.FromSlash(o.Key())
		case f.Unplaced:
			dest = filepath.Join("unplaced", objectName(f.Path)+".log.parquet")
		default:
			// The format is part of the name: a folder can hold files of two
			// formats when a flow log's format changed (a new flow log ID, in
			// fact, but a renamed copy might not show it).
			sum := sha256.Sum256([]byte(format.Header()))
			o := f.Object
			o.Root, o.Format = "", partitions.Parquet
			o.Layout = d.layout
			o.Time = o.Layout.FolderStart(o.Time)
			o.Hash = partitions.FolderCachePrefix + hex.EncodeToString(sum[:4])
			dest = filepath.FromSlash(o.Key())
		}
		u := byDest[dest]
		if u == nil {
			u = &unit{dest: dest, format: format}
			byDest[dest] = u
			units = append(units, u)
		}
		u.files = append(u.files, f)
	}
	slices.SortFunc(units, func(a, b *unit) int { return cmp.Compare(a.dest, b.dest) })
	return units
}

// textFormat is the format a text file is read in, as far as it is known:
// from its check, or from the header read while planning. ok is false for a
// file known to hold no good record.
func (d *DB) textFormat(f File) (flowlog.Format, bool) {
	header, known := d.headers[f.Path]
	if ch, warm := d.check(f); warm {
		if ch.Records == 0 {
			return flowlog.Format{}, false
		}
		header, known = ch.Header, true
	}
	if !known && !f.Text() {
		return flowlog.Format{}, true
	}
	if header == "" {
		return d.opts.Format, d.opts.Format.Len() > 0
	}
	format, err := flowlog.ParseHeader(header)
	return format, err == nil
}

// writeUnits writes the units whose sources changed since the manifest. A unit
// whose files turn out to have other formats than their flow log's first file
// is split by format and written again.
func (d *DB) writeUnits(ctx context.Context, dest string, units []*unit, m *manifest, st *ImportStats) error {
	for i := 0; i < len(units); i++ {
		u := units[i]
		target := filepath.Join(dest, u.dest)
		if slices.Equal(m.Units[u.dest], u.sources()) {
			if _, err := os.Stat(target); err == nil {
				st.UpToDate++
				continue
			}
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return fmt.Errorf("import: %w", err)
		}
		if !u.files[0].Text() {
			if err := copyFile(u.files[0].Path, target); err != nil {
				return err
			}
			st.Copied++
			m.Units[u.dest] = u.sources()
			continue
		}
		n, err := d.writeParquet(ctx, u, target)
		failure, misfits := d.scans.takeFailure()
		if len(misfits) > 0 {
			if err := d.readHeaders(u.files); err != nil {
				return err
			}
			units = append(units, d.importUnits(u.files)...)
			continue
		}
		if err != nil && failure != nil {
			err = failure
		}
		if err != nil {
			return fmt.Errorf("import: write %s: %w", target, err)
		}
		st.Records += n
		st.Written++
		m.Units[u.dest] = u.sources()
	}
	return nil
}

// readHeaders reads the first line of each unchecked text file, which then is
// no longer assumed.
func (d *DB) readHeaders(files []File) error {
	for _, f := range files {
		if _, warm := d.check(f); warm || !f.Text() {
			continue
		}
		header, empty, err := readFirstHeader(f.Path)
		if err != nil {
			return err
		}
		if empty {
			d.scans.done(f.Path, Check{Size: f.Size, MTime: f.MTime})
		}
		d.headers[f.Path] = header
		delete(d.assumed, f.Path)
	}
	return nil
}

// writeParquet writes the records of a unit's text files into a Parquet file,
// in file order, through a temporary name so that an interrupted import leaves
// no partial file, and checks that it wrote as many records as the files hold.
func (d *DB) writeParquet(ctx context.Context, u *unit, target string) (int64, error) {
	var plain []string
	var scan []File
	header := u.format.Header()
	for _, f := range u.files {
		if ch, ok := d.check(f); ok && ch.Plain && ch.Header == header {
			plain = append(plain, f.Path)
		} else {
			scan = append(scan, f)
		}
	}
	var parts []string
	if len(plain) > 0 {
		parts = append(parts, csvSelect(u.format, plain, true, nil))
	}
	if len(scan) > 0 {
		g := &scanGroup{format: u.format, files: scan, fallback: d.opts.Format, known: map[string]bool{}}
		for _, f := range scan {
			_, g.known[f.Path] = d.check(f)
		}
		parts = append(parts, scanSelect(d.scans.add(g)))
	}
	names := make([]string, len(u.files))
	for i, f := range u.files {
		names[i] = objectName(f.Path)
	}
	sources, _ := json.Marshal(names)
	// No ORDER BY: sorting a day of records took four times the memory, and the
	// files are already read in time order (DuckDB keeps insertion order), so
	// each row group spans a short time and its start/end statistics let a
	// window skip the others.
	tmp := target + ".tmp"
	res, err := d.duck.conn.ExecContext(ctx, "COPY ("+strings.Join(parts, " UNION ALL BY NAME ")+") TO "+
		quote(tmp)+" (FORMAT parquet, COMPRESSION zstd, KV_METADATA {"+quote(sourcesKey)+": "+quote(string(sources))+"})")
	if err != nil {
		os.Remove(tmp)
		return 0, err
	}
	n, err := res.RowsAffected()
	var want int64
	for _, f := range u.files {
		ch, ok := d.check(f)
		if !ok {
			err = fmt.Errorf("%s was not read to its end", f.Path)
			break
		}
		want += ch.Records
	}
	if err == nil && n != want {
		err = fmt.Errorf("wrote %d records, but the %d source file(s) hold %d", n, len(u.files), want)
	}
	if err != nil {
		os.Remove(tmp)
		return 0, fmt.Errorf("write %s: %w", target, err)
	}
	return n, os.Rename(tmp, target)
}

// removeStale removes the cache files of the manifest that this import did
// not write and whose sources are gone (deleted or moved), with their entries.
func removeStale(dest string, units []*unit, m *manifest, st *ImportStats) error {
	current := map[string]bool{}
	for _, u := range units {
		current[u.dest] = true
	}
	for rel, sources := range m.Units {
		if current[rel] {
			continue
		}
		gone := slices.ContainsFunc(sources, func(s source) bool {
			info, err := os.Stat(s.Path)
			return err != nil || info.Size() != s.Size
		})
		if !gone {
			continue // outside this import's inputs, and unchanged
		}
		if err := os.Remove(filepath.Join(dest, rel)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("import: remove %s, whose sources are gone: %w", rel, err)
		}
		delete(m.Units, rel)
		st.Removed++
	}
	return nil
}

func readManifest(dest string) (*manifest, error) {
	m := &manifest{Version: manifestVersion, Units: map[string][]source{}}
	data, err := os.ReadFile(filepath.Join(dest, manifestFile))
	if errors.Is(err, os.ErrNotExist) {
		return m, nil
	}
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	var disk manifest
	if err := json.Unmarshal(data, &disk); err != nil || disk.Version != manifestVersion {
		return m, nil // an older cache: rewrite it whole
	}
	if disk.Units != nil {
		m.Units = disk.Units
	}
	return m, nil
}

func writeManifest(dest string, m *manifest) error {
	if err := os.MkdirAll(dest, 0o755); err != nil {
		return fmt.Errorf("import: %w", err)
	}
	data, err := json.MarshalIndent(m, "", " ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dest, manifestFile+".*.tmp")
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("import: %w", err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("import: %w", err)
	}
	return os.Rename(tmp.Name(), filepath.Join(dest, manifestFile))
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

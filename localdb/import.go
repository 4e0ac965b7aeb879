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
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

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
	Warnings     []string  // about the data (unknown header fields) and the check cache, as DB.Warnings
}

// manifestFile, in the cache folder, lists the sources of each Parquet file, so
// a second import rewrites only the files whose sources changed. Modification
// times alone would miss a late delivery downloaded after an import: tools that
// sync from S3 give a file its upload time, which can predate the import.
const manifestFile = ".flowq-import.json"

// manifestVersion 2: sources by absolute path, recorded in each file's
// metadata too, and whether the last import finished. A cache of version 1
// (or none) is rewritten whole.
const manifestVersion = 2

type manifest struct {
	Version int `json:"version"`
	// Complete is false from the start of an import to its successful end: a
	// cache an import did not finish answers from part of its source, and
	// Open refuses it.
	Complete bool                  `json:"complete"`
	Units    map[string]cacheEntry `json:"units"` // by cache file, relative to the cache folder
}

// cacheEntry is what the manifest says of one cache file.
type cacheEntry struct {
	Sources []source `json:"sources"`
	// Bad are the lines of the sources left out of the file, reported again
	// by every run that reads it.
	Bad cacheBadLines `json:"bad,omitzero"`
}

type source struct {
	Path  string `json:"path"` // absolute
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
		out[i] = source{filepath.Join(f.absDir, filepath.Base(f.Path)), f.Size, f.MTime}
	}
	return out
}

// Import converts text logs into a Parquet cache under dest, partitioned like
// the source: the records of each folder (day or hour) and flow log go into one
// Parquet file in the same folder, named with the folder's time and a hash
// starting with partitions.FolderCachePrefix, so a time window prunes the cache
// by folder and, within a file, by the row groups' start/end statistics (each
// thread of the scan reads whole files in time order, so rows are nearly in
// time order). One file per folder rather than per 5-minute delivery keeps the
// cache to a few files, which DuckDB reads much faster than thousands.
//
// Each file records the objects it holds and the bad lines left out of it, so
// that a cache read together with its source is refused rather than counted
// twice, and its bad lines are reported by every run that reads it. Columns
// are named and typed as in the flow_logs view; every good record is written
// and the count checked against the count read. Parquet sources are copied as
// they are; text files whose names say nothing of their time go under
// dest/unplaced/, one Parquet file each.
//
// The cache stays true to its source: a folder's file is rewritten when its
// sources change, with the files of the folder imported before that still
// exist (importing one new hour adds it to its day); a file whose sources are
// gone is removed; an import that does not finish leaves the cache marked
// incomplete, which Open refuses. dest may not be inside an input, nor hold
// one: the cache would be read as input.
func Import(ctx context.Context, paths []string, dest string, opts Options) (*ImportStats, error) {
	if err := checkImportDest(paths, dest); err != nil {
		return nil, err
	}
	opts.Window = nil
	m, err := loadManifest(dest)
	if err != nil {
		return nil, err
	}
	m.Complete = false
	if err := writeManifest(dest, m); err != nil {
		return nil, err
	}
	d, err := open(ctx, append(slices.Clone(paths), m.stillPresent(paths)...), opts)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	st := &ImportStats{Files: len(d.files)}
	units := d.importUnits(d.files)
	err = d.writeUnits(ctx, dest, units, m, st)
	if err == nil {
		err = removeStale(dest, units, m, st)
	}
	m.Complete = err == nil
	// Record what was written even when a later unit failed.
	if werr := writeManifest(dest, m); err == nil {
		err = werr
	}
	st.BadLines, st.BadLineCount = d.BadLines(), d.BadLineCount()
	for _, f := range d.files {
		if ch, ok, _ := d.check(f); ok && f.Text() && ch.Records == 0 {
			st.Empty++
		}
	}
	d.Close() // saves the checks, which may warn
	st.Warnings = d.Warnings()
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	return st, nil
}

// stillPresent are the sources of the cache's files that this import's paths
// do not name but that still exist: a folder's file is rewritten with them.
func (m *manifest) stillPresent(paths []string) []string {
	var inputs []string
	for _, p := range paths {
		if abs, err := filepath.Abs(p); err == nil {
			inputs = append(inputs, abs)
		}
	}
	var out []string
	for _, e := range m.Units {
		for _, s := range e.Sources {
			if slices.ContainsFunc(inputs, func(in string) bool { return within(s.Path, in) }) {
				continue
			}
			if _, err := os.Stat(s.Path); err == nil {
				out = append(out, s.Path)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// checkImportDest refuses a cache folder inside an input (or the folder of
// an input file, or a folder a glob matches) or holding one.
func checkImportDest(paths []string, dest string) error {
	absDest, err := realPath(dest)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	for _, p := range paths {
		matches, err := flowlog.ExpandPath(p)
		if err != nil {
			return fmt.Errorf("import: %w", err)
		}
		for _, m := range matches {
			abs, err := realPath(m)
			if err != nil {
				return fmt.Errorf("import: %w", err)
			}
			if info, err := os.Stat(abs); err == nil && !info.IsDir() {
				abs = filepath.Dir(abs)
			}
			if within(absDest, abs) || within(abs, absDest) {
				return fmt.Errorf("import: --to %s and the input %s overlap: the cache would be read as input (and counted twice); "+
					"put the cache in a folder of its own", dest, p)
			}
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

// importUnits groups files into the cache's Parquet files: text files by
// folder, flow log and format; unplaced and Parquet files one each.
func (d *DB) importUnits(files []File) []*unit {
	byDest := map[string]*unit{}
	var units []*unit
	for _, f := range files {
		format, ok := d.textFormat(f)
		// The format is part of a text unit's name: a folder can hold files of
		// two formats when a flow log's format changed (a new flow log ID, in
		// fact, but a renamed copy might not show it).
		sum := sha256.Sum256([]byte(format.Header()))
		formatHash := hex.EncodeToString(sum[:4])
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
			dest = filepath.Join("unplaced", objectName(f.Path)+"-"+formatHash+".log.parquet")
		default:
			o := f.Object
			o.Root, o.Format = "", partitions.Parquet
			o.Layout = d.layout
			o.Time = o.Layout.FolderStart(o.Time)
			o.Hash = partitions.FolderCachePrefix + formatHash
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
	if !f.Text() {
		return flowlog.Format{}, true
	}
	header := d.headers[f.Path]
	if ch, checked, _ := d.check(f); checked {
		if ch.Records == 0 {
			return flowlog.Format{}, false
		}
		header = ch.Header
	}
	if header == "" {
		return d.opts.Format, d.opts.Format.Len() > 0
	}
	format, err := flowlog.ParseHeader(header)
	return format, err == nil
}

// writeUnits writes the units whose sources changed since the manifest. A unit
// whose files turn out to have other formats than their flow log's first file
// has their headers read and is written again split by format, once.
func (d *DB) writeUnits(ctx context.Context, dest string, units []*unit, m *manifest, st *ImportStats) error {
	resplit := map[string]bool{}
	for i := 0; i < len(units); i++ {
		u := units[i]
		target := filepath.Join(dest, u.dest)
		if slices.Equal(m.Units[u.dest].Sources, u.sources()) {
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
			m.Units[u.dest] = cacheEntry{Sources: u.sources()}
			continue
		}
		n, bad, err := d.writeParquet(ctx, u, target)
		failure, misfits := d.scans.takeFailure()
		if len(misfits) > 0 && !resplit[u.dest] {
			resplit[u.dest] = true
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
		m.Units[u.dest] = cacheEntry{Sources: u.sources(), Bad: bad}
	}
	return nil
}

// cacheBadLines are the lines of a cache file's sources left out of it.
type cacheBadLines struct {
	Count int       `json:"count"`
	Lines []BadLine `json:"lines"` // the first maxBadLinesKept a source file
}

// writeParquet writes the records of a unit's text files into a Parquet file,
// with the objects they are in its metadata, through a temporary name so that
// an interrupted import leaves no partial file, and checks that it wrote as
// many records as the files hold. It returns the records written and the lines
// left out.
func (d *DB) writeParquet(ctx context.Context, u *unit, target string) (int64, cacheBadLines, error) {
	var plain, scan []File
	var ids []string
	header := u.format.Header()
	for _, f := range u.files {
		id, err := identity(f)
		if err != nil {
			return 0, cacheBadLines{}, err
		}
		ids = append(ids, id)
		if ch, ok, _ := d.check(f); ok && ch.Plain && ch.Header == header && ch.Header != "" {
			plain = append(plain, f)
		} else {
			scan = append(scan, f)
		}
	}
	var parts []string
	for _, gzipped := range []bool{true, false} {
		var paths []string
		for _, f := range plain {
			if strings.HasSuffix(f.Path, ".gz") == gzipped {
				paths = append(paths, escapeGlob(f.Path))
			}
		}
		if len(paths) > 0 {
			parts = append(parts, csvSelect(u.format, paths, true, gzipped, nil))
		}
	}
	if len(scan) > 0 {
		g := &scanGroup{format: u.format, files: scan, fallback: d.opts.Format, known: map[string]bool{}}
		for _, f := range scan {
			_, _, g.known[f.Path] = d.check(f)
		}
		parts = append(parts, scanSelect(d.scans.add(g)))
	}
	sources, err := json.Marshal(ids)
	if err != nil {
		return 0, cacheBadLines{}, err
	}
	tmp := target + ".tmp"
	res, err := d.duck.conn.ExecContext(ctx, "COPY ("+strings.Join(parts, " UNION ALL BY NAME ")+") TO "+quote(tmp)+
		" (FORMAT parquet, COMPRESSION zstd, KV_METADATA {"+quote(sourcesKey)+": "+quote(string(sources))+"})")
	if err != nil {
		os.Remove(tmp)
		return 0, cacheBadLines{}, err
	}
	n, err := res.RowsAffected()
	var want int64
	var bad cacheBadLines
	for _, f := range u.files {
		ch, ok, _ := d.check(f)
		if !ok {
			err = fmt.Errorf("%s was not read to its end", f.Path)
			break
		}
		want += ch.Records
		bad.Count += ch.Bad
		bad.Lines = append(bad.Lines, ch.BadLines...)
	}
	if err == nil && n != want {
		err = fmt.Errorf("wrote %d records, but the %d source file(s) hold %d", n, len(u.files), want)
	}
	if err == nil {
		if err = os.Rename(tmp, target); err != nil {
			err = fmt.Errorf("rename %s: %w", tmp, err)
		}
	}
	if err != nil {
		os.Remove(tmp)
		return 0, cacheBadLines{}, err
	}
	return n, bad, nil
}

// removeStale removes the cache files of the manifest that this import did
// not write and whose sources are gone (deleted, moved or changed), with their
// entries.
func removeStale(dest string, units []*unit, m *manifest, st *ImportStats) error {
	current := map[string]bool{}
	for _, u := range units {
		current[u.dest] = true
	}
	for rel, e := range m.Units {
		if current[rel] {
			continue
		}
		gone := slices.ContainsFunc(e.Sources, func(s source) bool {
			info, err := os.Stat(s.Path)
			return err != nil || info.Size() != s.Size
		})
		if !gone {
			continue // outside this import's inputs, and unchanged
		}
		if err := os.Remove(filepath.Join(dest, rel)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("import: remove %s, whose sources are gone: %w", rel, err)
		}
		delete(m.Units, rel)
		st.Removed++
	}
	return nil
}

// readManifest reads the manifest of a cache folder: nil when it has none,
// or one an older flowq wrote (an import rewrites such a cache whole; Open
// refuses its files if they do not say their sources).
func readManifest(dir string) (*manifest, error) {
	path := filepath.Join(dir, manifestFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var v struct {
		Version int `json:"version"`
	}
	if json.Unmarshal(data, &v) != nil || v.Version != manifestVersion {
		return nil, nil
	}
	var m manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return &m, nil
}

// loadManifest is the manifest an import starts from: a new one when the
// cache has none, or one of an older version (the cache is rewritten whole).
func loadManifest(dest string) (*manifest, error) {
	m, err := readManifest(dest)
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	if m == nil {
		m = &manifest{Version: manifestVersion}
	}
	if m.Units == nil {
		m.Units = map[string]cacheEntry{}
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
	if err := writeAtomic(filepath.Join(dest, manifestFile), data); err != nil {
		return fmt.Errorf("import: %w", err)
	}
	return nil
}

// writeAtomic replaces the file at path with data through a temporary file of
// a unique name beside it (.NAME.*.tmp), so that a reader, or a process
// writing it at the same time, never sees a partial file.
func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
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
	if err := os.Rename(tmp, dst); err != nil {
		return fmt.Errorf("import %s: %w", src, err)
	}
	return nil
}

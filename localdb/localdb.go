// Package localdb is flowq's local engine: it opens downloaded flow-log files
// (text .log.gz or .log, and Parquet, in any S3 layout or a flat folder) in
// DuckDB and exposes them as one view, flow_logs, with a typed column per field
// ('-' is NULL) and the layout's partition columns taken from each object key.
//
// Nothing is lost or counted twice in silence: every text file is read through
// flowq's reader before DuckDB's CSV reader is trusted with it (scan.go,
// checks.go), bad lines are counted and reported with file and line, and a
// flow-log object reached twice is refused (files.go). SQL run over the view
// can read the dataset's files and nothing else (run.go, duck.go).
package localdb

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/flowq/flowq/flowlog"
	"github.com/flowq/flowq/partitions"
)

// Options tune Open. The zero value reads everything with DuckDB's defaults.
type Options struct {
	Window      *partitions.Window // read only the files that can hold records of this window
	Layout      *partitions.Layout // partition columns to expose; default: the files' own layout
	Format      flowlog.Format     // format of text files without a header line
	Strict      bool               // bad lines are an error instead of a report
	MemoryLimit string             // DuckDB memory_limit, e.g. "1GB"
	Threads     int                // DuckDB threads; 0 = DuckDB's default
	TempDir     string             // DuckDB temp_directory for spilling; default: a private folder, removed on Close
	// CheckCache is a folder where flowq remembers the text files it has read
	// whole (by size, modification and change time and inode), so that later
	// runs let DuckDB read them directly; "" remembers nothing.
	CheckCache string
}

// DB is an open dataset. Its methods are for one goroutine at a time: only
// the scan, which DuckDB runs on its own threads, shares state (scans).
type DB struct {
	duck    *duck
	opts    Options
	layout  partitions.Layout
	files   []File // the files the view reads
	found   Found
	cache   *checkCache
	scans   *scans
	parquet []parquetFile
	// cacheBad are the lines left out of Parquet cache files, from their
	// caches' manifests, by absolute path.
	cacheBad map[string]cacheBadLines

	// The plan: how the view reads the files (plan.go).
	listings map[string][]string // folder → the .log.gz names discovery saw in it, for folder globs
	globbed  map[string][]string // the folders the view reads by glob, and what they held
	headers  map[string]string   // first header of unchecked text files, "" for none; see readColdHeaders
	assumed  map[string]bool     // unchecked files whose header is their flow log's first file's, not read
	formats  []flowlog.Format
	known    []BadLine // bad lines of files checked by earlier runs, from their checks
	knownN   int
	warnings []string
	mu       sync.Mutex // guards warnings, which Close adds to
}

// Open finds the files under paths, keeps those that can hold records of the
// window, refuses a dataset that reaches one flow-log object twice, and
// creates the flow_logs view over them. Text files not read before are
// checked while the first query reads them: a corrupt file or, in strict mode,
// a bad line fails that query with an error naming the file.
func Open(ctx context.Context, paths []string, opts Options) (*DB, error) {
	d, err := open(ctx, paths, opts)
	if err != nil {
		return nil, err
	}
	dirs, files := d.readable()
	if err := d.duck.confine(ctx, dirs, files); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// open is Open without the confinement: import writes Parquet files.
func open(ctx context.Context, paths []string, opts Options) (*DB, error) {
	// DuckDB starts while the files are listed: each takes about as long.
	type opened struct {
		duck *duck
		err  error
	}
	ducks := make(chan opened, 1)
	go func() {
		d, err := openDuck(ctx, opts)
		ducks <- opened{d, err}
	}()
	all, err := discover(ctx, paths)
	var cacheBad map[string]cacheBadLines
	if err == nil {
		cacheBad, err = cacheManifests(all)
	}
	if err != nil {
		if o := <-ducks; o.err == nil {
			o.duck.Close()
		}
		return nil, err
	}
	d := &DB{opts: opts, layout: chooseLayout(all, opts.Layout), found: found(all), listings: folderListings(all), cacheBad: cacheBad,
		cache: newCheckCache(opts.CheckCache), scans: newScans(opts.Strict), headers: map[string]string{}, assumed: map[string]bool{}}
	var dirs []string
	for _, f := range all {
		if opts.Window == nil || f.Unplaced || opts.Window.Selects(f.Object) {
			d.files = append(d.files, f)
			if f.Text() && (len(dirs) == 0 || dirs[len(dirs)-1] != f.absDir) {
				dirs = append(dirs, f.absDir)
			}
		}
	}
	d.cache.preload(dirs)
	o := <-ducks
	if o.err != nil {
		return nil, o.err
	}
	d.duck = o.duck
	if err := d.setUp(ctx); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

func (d *DB) setUp(ctx context.Context) error {
	if err := registerFunctions(ctx, d.duck, d.scans); err != nil {
		return fmt.Errorf("register functions: %w", err)
	}
	var err error
	if d.parquet, err = readParquetFooters(ctx, d.duck, d.files); err != nil {
		return err
	}
	sources := map[string][]string{}
	for _, p := range d.parquet {
		if p.cache && p.sources == nil {
			return fmt.Errorf("%s was made by an older flowq import and does not say which files it holds, "+
				"so reading it with them could count them twice: run flowq import again", p.path)
		}
		if p.sources != nil {
			sources[p.path] = p.sources
		}
	}
	if err := checkDuplicates(d.files, sources); err != nil {
		return err
	}
	return d.plan(ctx)
}

// found summarises the files under the paths, before the window chose.
func found(files []File) Found {
	f := Found{Files: len(files)}
	for _, file := range files {
		if file.Unplaced {
			continue
		}
		if f.First.IsZero() || file.Object.Time.Before(f.First) {
			f.First = file.Object.Time
		}
		if file.Object.Time.After(f.Last) {
			f.Last = file.Object.Time
		}
	}
	return f
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

// readable are what DuckDB may read: the folders a plan may glob, and the
// view's other files (with the targets of links, which DuckDB checks).
func (d *DB) readable() (dirs, files []string) {
	for dir := range d.listings {
		dirs = append(dirs, dir+string(filepath.Separator))
	}
	for _, f := range d.files {
		abs := filepath.Join(f.absDir, filepath.Base(f.Path))
		if _, ok := d.listings[f.absDir]; !ok || !strings.HasSuffix(abs, globSuffix) {
			files = append(files, abs)
			if esc := escapeGlob(abs); esc != abs {
				files = append(files, esc) // DuckDB checks the pattern it is given, then what it matches
			}
		}
		if f.link {
			if real, err := filepath.EvalSymlinks(abs); err == nil {
				files = append(files, real)
			}
		}
	}
	slices.Sort(dirs)
	return dirs, files
}

// check is what is known of a text file read whole: in this run, or by an
// earlier one (earlier is true then: its bad lines were not found by this run).
func (d *DB) check(f File) (ch Check, ok, earlier bool) {
	d.scans.mu.Lock()
	ch, ok = d.scans.checked[f.Path]
	d.scans.mu.Unlock()
	if ok {
		return ch, true, false
	}
	ch, ok = d.cache.get(f)
	return ch, ok, ok
}

// Close saves what was learnt of the files and releases DuckDB. Warnings,
// BadLines and BadLineCount still answer after it; closing again does nothing.
func (d *DB) Close() error {
	d.remember()
	if d.duck == nil {
		return nil
	}
	err := d.duck.Close()
	d.duck = nil
	return err
}

// remember puts the files read whole into the cache and saves it. A cache that
// cannot be written is a warning, never a failed query.
func (d *DB) remember() {
	d.scans.mu.Lock()
	checked := maps.Clone(d.scans.checked)
	d.scans.mu.Unlock()
	if len(checked) == 0 {
		return
	}
	for _, f := range d.files {
		if ch, ok := checked[f.Path]; ok {
			if cached, ok := d.cache.get(f); !ok || !reflect.DeepEqual(cached, ch) {
				d.cache.put(f, ch)
			}
		}
	}
	if err := d.cache.save(); err != nil {
		d.mu.Lock()
		d.warnings = append(d.warnings, err.Error())
		d.mu.Unlock()
	}
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

// Formats are the distinct formats in the view.
func (d *DB) Formats() []flowlog.Format { return slices.Clone(d.formats) }

// BadLines are the lines known to be bad in the view's files: those of files
// read by earlier runs, and those the queries so far found (a query that
// stopped early, with a LIMIT, may not have read every file yet). They are
// not in the view. At most a thousand are listed per file; BadLineCount
// counts them all.
func (d *DB) BadLines() []BadLine {
	out := slices.Clone(d.known)
	d.scans.mu.Lock()
	out = append(out, d.scans.bad...)
	d.scans.mu.Unlock()
	slices.SortStableFunc(out, func(a, b BadLine) int { return cmp.Or(strings.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line)) })
	return out
}

// BadLineCount counts the bad lines known, listed or not.
func (d *DB) BadLineCount() int {
	d.scans.mu.Lock()
	defer d.scans.mu.Unlock()
	return d.knownN + d.scans.badN
}

// Warnings are things a user should know about the data that are not errors:
// unknown header fields, a cache that could not be written.
func (d *DB) Warnings() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.warnings)
}

// Layout is the layout whose partition columns the view has.
func (d *DB) Layout() partitions.Layout { return d.layout }

// cacheManifests reads the manifests of the Parquet caches the files are in
// (a cache's manifest is in its top folder, above its files, whether the
// cache was given or a folder holding it). It refuses a cache whose last
// import did not finish: it would answer from part of its source's records.
// It returns the lines left out of each cache file, by the file's absolute
// path.
func cacheManifests(files []File) (map[string]cacheBadLines, error) {
	out := map[string]cacheBadLines{}
	searched := map[string]bool{} // folders whose manifest, or lack of one, is known
	for _, f := range files {
		if f.Text() {
			continue
		}
		for dir := f.absDir; !searched[dir]; dir = filepath.Dir(dir) {
			searched[dir] = true
			m, err := readManifest(dir)
			if err != nil {
				return nil, err
			}
			if m != nil {
				if !m.Complete {
					return nil, fmt.Errorf("%s is a Parquet cache whose last import did not finish, so it holds only part of its "+
						"source's records: run flowq import again to complete it", dir)
				}
				for rel, e := range m.Units {
					out[filepath.Join(dir, rel)] = e.Bad
				}
				break
			}
			if dir == filepath.Dir(dir) {
				break
			}
		}
	}
	return out, nil
}

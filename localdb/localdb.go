// Package localdb is flowq's local engine: it opens downloaded flow-log files
// (text .log.gz or .log, and Parquet, in any S3 layout or a flat folder) in
// DuckDB and exposes them as one view, flow_logs, with a typed column per field
// ('-' is NULL) and the layout's partition columns taken from each object key.
//
// Nothing is lost or counted twice in silence: every text file is read through
// flowq's reader before DuckDB's CSV reader is trusted with it (scan.go,
// checks.go), bad lines are counted and reported with file and line, and a
// flow-log object reached twice is refused (files.go). SQL run over the view
// can read the dataset's files and nothing else.
package localdb

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
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
	TempDir     string             // DuckDB temp_directory for spilling
	// CheckCache is a folder where flowq remembers the text files it has read
	// whole (by size and modification time), so that later runs let DuckDB
	// read them directly; "" remembers nothing.
	CheckCache string
}

// DB is an open dataset.
type DB struct {
	duck    *duck
	opts    Options
	layout  partitions.Layout
	files   []File // the files the view reads
	found   Found
	cache   *checkCache
	scans   *scans
	parquet []parquetFile

	mu       sync.Mutex
	formats  []flowlog.Format
	listings map[string][]string // folder → the .log.gz names discovery saw in it, for folder globs
	globbed  map[string][]string // the folders the view reads by glob, and what they held
	headers  map[string]string   // first line of cold text files read while planning: a header, or "" for a record
	assumed  map[string]bool     // cold files whose header is their flow log's first file's, not read
	known    []BadLine           // bad lines of files checked before, from their Checks
	knownN   int
	warnings []string
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
	if err := d.duck.confine(ctx, inputDirs(paths), d.inputFiles(paths)); err != nil {
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
	all, err := discover(paths)
	if err != nil {
		if o := <-ducks; o.err == nil {
			o.duck.Close()
		}
		return nil, err
	}
	d := &DB{opts: opts, layout: chooseLayout(all, opts.Layout), found: found(all), listings: folderListings(all),
		cache: newCheckCache(opts.CheckCache), scans: newScans(opts.Strict), headers: map[string]string{}, assumed: map[string]bool{}}
	for _, f := range all {
		if opts.Window == nil || f.Unplaced || opts.Window.Selects(f.Object) {
			d.files = append(d.files, f)
		}
	}
	var dirs []string
	for _, f := range d.files {
		if f.Text() && (len(dirs) == 0 || dirs[len(dirs)-1] != f.absDir) {
			dirs = append(dirs, f.absDir)
		}
	}
	d.cache.preload(slices.Compact(dirs))
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

// inputDirs are the folders among the paths, which DuckDB may read below.
func inputDirs(paths []string) []string {
	var out []string
	for _, p := range paths {
		if info, err := os.Stat(p); err == nil && info.IsDir() {
			abs, err := filepath.Abs(p)
			if err == nil {
				out = append(out, strings.TrimSuffix(abs, string(filepath.Separator))+string(filepath.Separator))
			}
		}
	}
	return out
}

// inputFiles are the view's files that no input folder holds (files named one
// by one, or by a glob).
func (d *DB) inputFiles(paths []string) []string {
	dirs := inputDirs(paths)
	var out []string
	for _, f := range d.files {
		abs := filepath.Join(f.absDir, filepath.Base(f.Path))
		if !slices.ContainsFunc(dirs, func(dir string) bool { return strings.HasPrefix(abs, dir) }) {
			out = append(out, abs)
		}
	}
	return out
}

// check is what is known of a text file read whole before: in this run, or
// in an earlier one (the cache).
func (d *DB) check(f File) (Check, bool) {
	d.scans.mu.Lock()
	ch, ok := d.scans.checked[f.Path]
	d.scans.mu.Unlock()
	if ok {
		return ch, true
	}
	return d.cache.get(f)
}

// formatReads are the reads of one text format: plain files checked before
// by DuckDB's CSV reader, by whether they have a header line and a name that
// says their partition values, and the rest through flowq's reader.
type formatReads struct {
	format flowlog.Format
	csv    map[csvKey][]File
	scan   []File
	known  map[string]bool
}

type csvKey struct{ header, placed bool }

// plan creates (or replaces) the view: it groups the text files by format
// and by how they are read, and the Parquet files by column set.
func (d *DB) plan(ctx context.Context) error {
	if err := d.readColdHeaders(); err != nil {
		return err
	}
	var order []*formatReads
	byHeader := map[string]*formatReads{} // by the header line as written, or "" for the fallback format
	reads := func(f File, header string) (*formatReads, error) {
		if r := byHeader[header]; r != nil {
			return r, nil
		}
		format := d.opts.Format
		if header != "" {
			var err error
			if format, err = flowlog.ParseHeader(header); err != nil {
				return nil, fmt.Errorf("%s: line 1: %w", f.Path, err)
			}
		}
		// Two header lines can spell one format (column names for field names).
		for _, r := range order {
			if r.format.Equal(format) {
				byHeader[header] = r
				return r, nil
			}
		}
		r := &formatReads{format: format, csv: map[csvKey][]File{}, known: map[string]bool{}}
		byHeader[header] = r
		order = append(order, r)
		return r, nil
	}
	d.mu.Lock()
	d.known, d.knownN, d.formats = nil, 0, nil
	d.mu.Unlock()
	var strictErr *BadLinesError
	for _, f := range d.files {
		if !f.Text() {
			continue
		}
		ch, warm := d.check(f)
		if warm && ch.Bad > 0 {
			d.mu.Lock()
			d.known = append(d.known, ch.BadLines...)
			d.knownN += ch.Bad
			d.mu.Unlock()
			if strictErr == nil {
				strictErr = &BadLinesError{Lines: ch.BadLines}
			}
			strictErr.Count += ch.Bad
		}
		if warm && ch.Records == 0 {
			continue // nothing to read: its bad lines are reported above
		}
		header := d.headers[f.Path]
		if warm {
			header = ch.Header
		}
		r, err := reads(f, header)
		if err != nil {
			return err
		}
		if warm && ch.Plain {
			key := csvKey{header: header != "", placed: !f.Unplaced}
			r.csv[key] = append(r.csv[key], f)
			continue
		}
		r.scan = append(r.scan, f)
		r.known[f.Path] = warm
	}
	if d.opts.Strict && strictErr != nil {
		return strictErr
	}
	var sqls []string
	d.globbed = map[string][]string{}
	for _, r := range order {
		d.addFormat(r.format)
		for _, key := range []csvKey{{true, true}, {true, false}, {false, true}, {false, false}} {
			if files := r.csv[key]; len(files) > 0 {
				paths, globbed := compactPaths(files, d.listings)
				maps.Copy(d.globbed, globbed)
				sqls = append(sqls, csvSelect(r.format, paths, key.header, d.partitionSQL(key.placed, r.format)))
			}
		}
		if len(r.scan) > 0 {
			g := &scanGroup{format: r.format, files: r.scan, parts: d.layout.Columns(), fallback: d.opts.Format, known: r.known}
			sqls = append(sqls, scanSelect(d.scans.add(g)))
		}
	}
	parquet, formats, err := parquetReads(d.parquet, d.layout)
	if err != nil {
		return err
	}
	for _, f := range formats {
		d.addFormat(f)
	}
	sqls = append(sqls, parquet...)
	if len(sqls) == 0 {
		sqls = append(sqls, emptySelect(d.layout))
	}
	d.warnUnknownFields(order)
	if _, err := d.duck.conn.ExecContext(ctx, viewSQL(sqls)); err != nil {
		return fmt.Errorf("create view %s: %w", ViewName, err)
	}
	return nil
}

// checkGlobs reports whether the folders the view reads by glob still hold
// exactly the files planned; a folder that changed is listed file by file
// from then on. A file that arrived in a globbed folder after discovery would
// otherwise be read by DuckDB without ever being checked.
func (d *DB) checkGlobs() bool {
	same := true
	for dir, planned := range d.globbed {
		entries, err := os.ReadDir(dir)
		var now []string
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), globSuffix) {
				now = append(now, e.Name())
			}
		}
		if err != nil || !slices.Equal(now, slices.Sorted(slices.Values(planned))) {
			delete(d.listings, dir)
			same = false
		}
	}
	return same
}

// partitionSQL is the partition columns of a CSV read.
func (d *DB) partitionSQL(placed bool, format flowlog.Format) []string {
	if placed {
		return partitionsFromName(d.layout)
	}
	return partitionsFromEnd(d.layout, format)
}

func (d *DB) addFormat(f flowlog.Format) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !slices.ContainsFunc(d.formats, f.Equal) {
		d.formats = append(d.formats, f)
	}
}

// readColdHeaders reads the first line of the text files not read before that
// the plan needs it of. A flow log's format is fixed when it is created, so
// one file per flow log tells the format of all of them (reading every first
// line would cost a cold query over many small files a third of its time);
// those files are "assumed". The scan checks each file's own header as it
// reads it, and a file that does not fit makes the DB read the headers of its
// whole flow log and plan again, as does a query that fails while files are
// assumed (it may name a column only they have). Files whose names say
// nothing are read one by one.
func (d *DB) readColdHeaders() error {
	seen := map[string]string{} // flow log → the file whose header stands for it
	for _, f := range d.files {
		if !f.Text() {
			continue
		}
		if _, ok := d.headers[f.Path]; ok {
			continue
		}
		if _, warm := d.check(f); warm {
			continue
		}
		key := flowLogKey(f)
		if rep, ok := seen[key]; ok && key != "" {
			d.headers[f.Path] = d.headers[rep]
			d.assumed[f.Path] = true
			continue
		}
		header, empty, err := readFirstHeader(f.Path)
		if err != nil {
			return err
		}
		if empty || header == "" && d.opts.Format.Len() == 0 {
			// Nothing to read, or no header and no format given: every line is
			// bad. Read it whole now, so that its lines are counted, and keep
			// it out of the view.
			ch, err := readWhole(f, d.opts.Format)
			if err != nil {
				return err
			}
			d.scans.done(f.Path, ch)
			continue
		}
		d.headers[f.Path] = header
		seen[key] = f.Path
	}
	return nil
}

// verifyAssumed reads the headers of the files whose format was assumed from
// another file of their flow log, and plans again. It reports whether there
// were any.
func (d *DB) verifyAssumed(ctx context.Context) (bool, error) {
	if len(d.assumed) == 0 {
		return false, nil
	}
	var files []File
	for _, f := range d.files {
		if d.assumed[f.Path] {
			files = append(files, f)
		}
	}
	if err := d.readHeaders(files); err != nil {
		return true, err
	}
	return true, d.plan(ctx)
}

// flowLogKey names a text file's flow log; "" for a file whose name says nothing.
func flowLogKey(f File) string {
	if f.Unplaced {
		return ""
	}
	return f.Object.Account + "/" + f.Object.Region + "/" + f.Object.FlowLogID
}

// readFirstHeader returns a text file's header line in canonical form, or ""
// when its first line is a record; empty is true for a file without lines.
func readFirstHeader(path string) (header string, empty bool, err error) {
	f, ok, err := flowlog.ReadFileHeader(path)
	switch {
	case errors.Is(err, flowlog.ErrEmptyFile):
		return "", true, nil
	case err != nil:
		return "", false, &CorruptFileError{File: path, Err: err}
	case !ok:
		return "", false, nil
	}
	return f.Header(), false, nil
}

// warnUnknownFields says which header fields flowq does not know, in how many
// files, what they may have meant, and which columns are NULL in those files
// because of it.
func (d *DB) warnUnknownFields(reads []*formatReads) {
	type unknown struct {
		files   int
		example string
	}
	byName := map[string]*unknown{}
	var names []string
	for _, r := range reads {
		n := len(r.scan)
		example := ""
		if n > 0 {
			example = r.scan[0].Path
		}
		for _, files := range r.csv {
			n += len(files)
			if example == "" {
				example = files[0].Path
			}
		}
		for _, fd := range r.format.Fields() {
			if fd.Status != flowlog.Unlisted {
				continue
			}
			u := byName[fd.Name]
			if u == nil {
				u = &unknown{example: example}
				byName[fd.Name] = u
				names = append(names, fd.Name)
			}
			u.files += n
		}
	}
	slices.Sort(names)
	var warnings []string
	for _, name := range names {
		u := byName[name]
		msg := fmt.Sprintf("%s in %d file(s), e.g. %s: not a known field", name, u.files, u.example)
		if _, err := flowlog.LookupField(name); err != nil {
			var ue *flowlog.UnknownFieldError
			if errors.As(err, &ue) && ue.Suggestion != "" {
				fd, _ := flowlog.Lookup(ue.Suggestion)
				msg += fmt.Sprintf("; did you mean %s? Column %s is NULL in those files", ue.Suggestion, fd.Column())
			}
		}
		warnings = append(warnings, msg+"; it is read as text column "+strings.ReplaceAll(name, "-", "_"))
	}
	d.mu.Lock()
	d.warnings = warnings
	d.mu.Unlock()
}

// Close saves what was learnt of the files and releases DuckDB.
func (d *DB) Close() error {
	d.remember()
	if d.duck != nil {
		return d.duck.Close()
	}
	return nil
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
func (d *DB) Formats() []flowlog.Format {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.formats)
}

// BadLines are the lines known to be bad in the view's files: those of files
// read before, and those the queries so far found. They are not in the view.
// At most a thousand are listed per file; BadLineCount counts them all.
func (d *DB) BadLines() []BadLine {
	d.mu.Lock()
	out := slices.Clone(d.known)
	d.mu.Unlock()
	d.scans.mu.Lock()
	out = append(out, d.scans.bad...)
	d.scans.mu.Unlock()
	slices.SortStableFunc(out, func(a, b BadLine) int { return cmp.Or(strings.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line)) })
	return out
}

// BadLineCount counts the bad lines known, listed or not.
func (d *DB) BadLineCount() int {
	d.mu.Lock()
	n := d.knownN
	d.mu.Unlock()
	d.scans.mu.Lock()
	defer d.scans.mu.Unlock()
	return n + d.scans.badN
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

package localdb

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/flowq/flowq/flowlog"
)

// The plan is how the view reads the dataset's files: text files checked
// before and found plain go to DuckDB's CSV reader (a folder glob when a
// whole folder does), the others through flowq's reader (the scan), Parquet
// files to DuckDB's Parquet reader; one read per format, unioned by name.

// formatReads are the reads of one text format: plain files checked before
// by DuckDB's CSV reader, by whether they have a header line and a name that
// says their partition values, and the rest through flowq's reader.
type formatReads struct {
	format flowlog.Format
	csv    map[csvKey][]File
	scan   []File
	known  map[string]bool // scanned files whose bad lines an earlier run reported
}

type csvKey struct{ header, placed, gzipped bool }

// plan creates (or replaces) the view.
func (d *DB) plan(ctx context.Context) error {
	if err := d.readColdHeaders(); err != nil {
		return err
	}
	var order []*formatReads
	byHeader := map[string]*formatReads{} // by the header line, "" for the fallback format
	reads := func(f File, header string) (*formatReads, error) {
		if r := byHeader[header]; r != nil {
			return r, nil
		}
		format := d.opts.Format
		if header != "" {
			var err error
			if format, err = flowlog.ParseHeader(header); err != nil {
				return nil, fmt.Errorf("%s: %w", f.Path, err)
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
	d.known, d.knownN, d.formats = nil, 0, nil
	var strictErr *BadLinesError
	for _, f := range d.files {
		if !f.Text() {
			continue
		}
		ch, checked, earlier := d.check(f)
		if earlier && ch.Bad > 0 {
			// Found by an earlier run: reported from its check. Bad lines
			// this run finds, the scan reports.
			d.known = append(d.known, ch.BadLines...)
			d.knownN += ch.Bad
			if strictErr == nil {
				strictErr = &BadLinesError{Lines: ch.BadLines}
			}
			strictErr.Count += ch.Bad
		}
		if checked && ch.Records == 0 {
			continue // nothing to read
		}
		header := d.headers[f.Path]
		if checked {
			header = ch.Header
		}
		r, err := reads(f, header)
		if err != nil {
			return err
		}
		if checked && ch.Plain {
			key := csvKey{header: header != "", placed: !f.Unplaced, gzipped: strings.HasSuffix(f.Path, ".gz")}
			r.csv[key] = append(r.csv[key], f)
			continue
		}
		r.scan = append(r.scan, f)
		r.known[f.Path] = earlier
	}
	for _, p := range d.parquet {
		if bad := d.cacheBad[p.abs]; bad.Count > 0 {
			d.known = append(d.known, bad.Lines...)
			d.knownN += bad.Count
			if strictErr == nil {
				strictErr = &BadLinesError{Lines: bad.Lines}
			}
			strictErr.Count += bad.Count
		}
	}
	if d.opts.Strict && strictErr != nil {
		return strictErr
	}
	var sqls []string
	d.globbed = map[string][]string{}
	for _, r := range order {
		d.addFormat(r.format)
		keys := slices.SortedFunc(maps.Keys(r.csv), func(a, b csvKey) int { return strings.Compare(fmt.Sprint(b), fmt.Sprint(a)) })
		for _, key := range keys {
			paths, globbed := compactPaths(r.csv[key], d.listings)
			maps.Copy(d.globbed, globbed)
			sqls = append(sqls, csvSelect(r.format, paths, key.header, key.gzipped, d.partitionSQL(key.placed, r.format)))
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
	if !slices.ContainsFunc(d.formats, f.Equal) {
		d.formats = append(d.formats, f)
	}
}

// readColdHeaders learns the header of the text files not read before. A
// flow log's format is fixed when it is created, so one file per flow log
// tells the format of all of them (reading every file's header would cost a
// first query over many small files a third of its time); the others are
// "assumed". The scan checks each file's own header as it reads it: a file
// that does not fit makes the DB read the headers of its whole flow log and
// plan again (replan), as does a query that fails while files are assumed (it
// may name a column only they have). Files whose names say nothing are read
// one by one.
func (d *DB) readColdHeaders() error {
	seen := map[string]string{} // flow log → the file whose header stands for it
	for _, f := range d.files {
		if !f.Text() {
			continue
		}
		if _, ok := d.headers[f.Path]; ok {
			continue
		}
		if _, checked, _ := d.check(f); checked {
			continue
		}
		key := flowLogKey(f)
		if rep, ok := seen[key]; ok && key != "" {
			d.headers[f.Path] = d.headers[rep]
			d.assumed[f.Path] = true
			continue
		}
		if err := d.readHeaders([]File{f}); err != nil {
			return err
		}
		if _, ok := d.headers[f.Path]; ok {
			seen[key] = f.Path
		}
	}
	return nil
}

// readHeaders reads the header of each unchecked text file, which then is no
// longer assumed. A file that cannot be planned from its header (empty, no
// header and no format given, a header that is not one) is read whole now
// through flowq's reader, so that its lines are counted, and stays out of the
// view.
func (d *DB) readHeaders(files []File) error {
	for _, f := range files {
		delete(d.assumed, f.Path)
		if _, checked, _ := d.check(f); checked || !f.Text() {
			continue
		}
		header, err := readFirstHeader(f.Path)
		var he *headerError
		switch {
		case errors.As(err, &he), err == nil && header == "" && d.opts.Format.Len() == 0, errors.Is(err, flowlog.ErrEmptyFile):
			delete(d.headers, f.Path)
			ch, err := readWhole(f, d.opts.Format)
			if err != nil {
				return err
			}
			for _, b := range ch.BadLines {
				d.scans.badLine(b)
			}
			d.scans.addBad(f.Path, ch.Bad-len(ch.BadLines))
			d.scans.done(f.Path, ch)
		case err != nil:
			return err
		default:
			d.headers[f.Path] = header
		}
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
	clear(d.assumed)
	return true, d.plan(ctx)
}

// replan reads the headers of every assumed file of the flow logs whose
// files did not fit the plan, and creates the view again.
func (d *DB) replan(ctx context.Context, misfits map[string]bool) error {
	logs := map[string]bool{}
	for _, f := range d.files {
		if misfits[f.Path] {
			logs[flowLogKey(f)] = true
		}
	}
	var files []File
	for _, f := range d.files {
		if f.Text() && (misfits[f.Path] || d.assumed[f.Path] && logs[flowLogKey(f)]) {
			files = append(files, f)
		}
	}
	if err := d.readHeaders(files); err != nil {
		return err
	}
	return d.plan(ctx)
}

// flowLogKey names a text file's flow log; "" for a file whose name says nothing.
func flowLogKey(f File) string {
	if f.Unplaced {
		return ""
	}
	return f.Object.Account + "/" + f.Object.Region + "/" + f.Object.FlowLogID
}

// headerError is a file whose header line is not a header flowq can read.
type headerError struct{ err error }

func (e *headerError) Error() string { return e.err.Error() }
func (e *headerError) Unwrap() error { return e.err }

// readFirstHeader returns a text file's header line in canonical form, or ""
// when its first line is a record.
func readFirstHeader(path string) (string, error) {
	f, ok, err := flowlog.ReadFileHeader(path)
	var le *flowlog.LineError
	switch {
	case errors.As(err, &le):
		return "", &headerError{err}
	case errors.Is(err, flowlog.ErrEmptyFile):
		return "", err
	case err != nil:
		return "", &CorruptFileError{File: path, Err: err}
	case !ok:
		return "", nil
	}
	return f.Header(), nil
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
	note := func(format flowlog.Format, n int, example string) {
		for _, fd := range format.Fields() {
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
	for _, r := range reads {
		n, example := len(r.scan), ""
		if n > 0 {
			example = r.scan[0].Path
		}
		for _, files := range r.csv {
			n += len(files)
			if example == "" {
				example = files[0].Path
			}
		}
		note(r.format, n, example)
	}
	for _, p := range d.parquet {
		note(p.format, 1, p.path)
	}
	slices.Sort(names)
	var warnings []string
	for _, name := range names {
		u := byName[name]
		msg := fmt.Sprintf("%s in %d file(s), e.g. %s: not a known field", name, u.files, u.example)
		var ue *flowlog.UnknownFieldError
		if _, err := flowlog.LookupField(name); errors.As(err, &ue) && ue.Suggestion != "" {
			fd, _ := flowlog.Lookup(ue.Suggestion)
			msg += fmt.Sprintf("; did you mean %s? Column %s is NULL in those files", ue.Suggestion, fd.Column())
		}
		warnings = append(warnings, msg+"; it is read as text column "+strings.ReplaceAll(name, "-", "_"))
	}
	for _, p := range d.parquet {
		for _, col := range p.dropped {
			warnings = append(warnings, fmt.Sprintf("%s: column %q is not a flow-log field name: left out", p.path, col))
		}
	}
	d.mu.Lock()
	d.warnings = warnings
	d.mu.Unlock()
}

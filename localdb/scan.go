package localdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/flowq/flowq/flowlog"
	"github.com/flowq/flowq/partitions"
)

// The scan reads text files through flowq's own reader (flowlog.Reader) and
// hands their records to DuckDB as the table function flowq_scan(group). It is
// how the view reads a file the first time (cold) and every file that is not
// plain (bad lines, headers inside, blank lines): one pass checks the gzip
// stream, judges every line exactly as flowlog does, leaves bad lines out
// (counting them) and fills DuckDB's vectors, so a cold query decompresses and
// parses each file once instead of checking it in Go and reading it again in
// DuckDB. Plain files already checked are read by DuckDB's CSV reader, which
// is faster; see Check.

// scanGroup is what one flowq_scan call reads: text files whose records are
// read into the group's format (by field name), plus partition columns.
type scanGroup struct {
	format   flowlog.Format
	files    []File
	parts    []partitions.Column // the layout's partition columns; none for import
	fallback flowlog.Format      // for files without a header line
	// known files' bad lines were reported from their Check: they are left
	// out again but not reported twice.
	known map[string]bool
}

// scans holds the groups a DB's SQL refers to by number, and what reading them
// found. It outlives each query: a file's check is recorded when a query has
// read it to its end.
type scans struct {
	mu      sync.Mutex
	groups  []*scanGroup
	strict  bool
	checked map[string]Check // path → what a whole read found
	bad     []BadLine        // bad lines found, at most maxBadLinesKept a file
	badN    int              // all bad lines found
	perFile map[string]int   // bad lines found per file
	lastBad map[string]int   // the last bad line reported per file: a file read twice is reported once
	failure error            // the first typed error a scan stopped on
	misfits map[string]bool  // files whose header the plan did not expect
}

func newScans(strict bool) *scans {
	return &scans{strict: strict, checked: map[string]Check{}, perFile: map[string]int{},
		lastBad: map[string]int{}, misfits: map[string]bool{}}
}

// add registers a group and returns its number.
func (s *scans) add(g *scanGroup) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.groups = append(s.groups, g)
	return len(s.groups) - 1
}

func (s *scans) group(i int64) (*scanGroup, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if i < 0 || int(i) >= len(s.groups) {
		return nil, fmt.Errorf("flowq_scan(%d): no such group (only the view's own reads use flowq_scan)", i)
	}
	return s.groups[i], nil
}

// badLine reports a bad line found. A scan reads a file's lines in order, so
// a line at or before the last one reported for its file was reported by
// another scan of the same file (a query that reads the view twice).
func (s *scans) badLine(b BadLine) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if b.Line <= s.lastBad[b.File] {
		return
	}
	s.lastBad[b.File] = b.Line
	s.badN++
	s.perFile[b.File]++
	if s.perFile[b.File] <= maxBadLinesKept {
		s.bad = append(s.bad, b)
	}
}

// addBad counts bad lines of a file that are not listed.
func (s *scans) addBad(file string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.badN += n
	s.perFile[file] += n
}

func (s *scans) done(path string, ch Check) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.checked[path] = ch
}

// fail records why a scan stopped, keeping the first reason.
func (s *scans) fail(err error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failure == nil {
		s.failure = err
	}
	return err
}

func (s *scans) misfit(path string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.misfits[path] = true
	return errMisfit
}

// errMisfit stops a query whose plan assumed a file's format wrongly; the DB
// plans again with the file's real header and reruns the query.
var errMisfit = errors.New("a file's header is not the one its flow log's other files have")

// takeFailure returns and clears the recorded failure and misfits.
func (s *scans) takeFailure() (error, map[string]bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	err, m := s.failure, s.misfits
	s.failure, s.misfits = nil, map[string]bool{}
	return err, m
}

// registerScan adds flowq_scan to the connection.
func registerScan(ctx context.Context, conn *sql.Conn, s *scans) error {
	bigint, err := duckdb.NewTypeInfo(duckdb.TYPE_BIGINT)
	if err != nil {
		return err
	}
	fn := duckdb.ParallelChunkTableFunction{
		Config: duckdb.TableFunctionConfig{Arguments: []duckdb.TypeInfo{bigint}},
		BindArgumentsContext: func(ctx context.Context, _ map[string]any, args ...any) (duckdb.ParallelChunkTableSource, error) {
			g, err := s.group(args[0].(int64))
			if err != nil {
				return nil, err
			}
			return newScanSource(ctx, s, g)
		},
	}
	return duckdb.RegisterTableUDF(conn, "flowq_scan", fn)
}

// scanSource is one bound flowq_scan: files are claimed one at a time by
// DuckDB's threads, each filling chunks from its own file.
type scanSource struct {
	ctx     context.Context
	s       *scans
	g       *scanGroup
	columns []duckdb.ColumnInfo
	kinds   []flowlog.Kind
	parts   []partitions.Column
	next    atomic.Int64
}

func newScanSource(ctx context.Context, s *scans, g *scanGroup) (*scanSource, error) {
	src := &scanSource{ctx: ctx, s: s, g: g, parts: g.parts}
	types := map[flowlog.Kind]duckdb.Type{flowlog.String: duckdb.TYPE_VARCHAR, flowlog.Int32: duckdb.TYPE_INTEGER, flowlog.Int64: duckdb.TYPE_BIGINT}
	add := func(name string, t duckdb.Type) error {
		info, err := duckdb.NewTypeInfo(t)
		if err != nil {
			return err
		}
		src.columns = append(src.columns, duckdb.ColumnInfo{Name: name, T: info})
		return nil
	}
	for _, fd := range g.format.Fields() {
		if err := add(fd.Column(), types[fd.Kind]); err != nil {
			return nil, err
		}
		src.kinds = append(src.kinds, fd.Kind)
	}
	for _, c := range src.parts {
		if err := add(c.Name, duckdb.TYPE_VARCHAR); err != nil {
			return nil, err
		}
	}
	return src, nil
}

func (src *scanSource) ColumnInfos() []duckdb.ColumnInfo     { return src.columns }
func (src *scanSource) Cardinality() *duckdb.CardinalityInfo { return nil }
func (src *scanSource) Init() duckdb.ParallelTableSourceInfo {
	return duckdb.ParallelTableSourceInfo{MaxThreads: max(1, min(len(src.g.files), 64))}
}
func (src *scanSource) NewLocalState() any { return &scanState{} }

// scanState is one thread's position: the file it is reading.
type scanState struct {
	file          *File
	opener        flowlog.TextOpener
	rd            *flowlog.Reader
	mapped        flowlog.Format // the format colOf was made for
	mappedHeaders int            // the reader's header count when it was made
	colOf         []int          // field of the file's format → output column, -1 for none
	fieldOf       []int          // output column → field of the file's format, -1 for none
	partVals      []string       // the file's partition values (placed files)
	projected     []bool         // output columns DuckDB asked for
	tsBuf         []byte
	fileBad       []BadLine // the file's first bad lines, for its Check
	badN          int       // the file's bad lines
	records       int64     // the file's records given to DuckDB
}

// FillChunk fills one chunk with records, moving on to the next file as each ends.
func (src *scanSource) FillChunk(local any, chunk duckdb.DataChunk) error {
	st := local.(*scanState)
	if err := src.ctx.Err(); err != nil {
		return err
	}
	if st.projected == nil {
		st.projected = make([]bool, len(src.columns))
		for c := range src.columns {
			_, err := chunk.GetVector(c)
			st.projected[c] = err == nil
		}
	}
	capacity := duckdb.GetDataChunkCapacity()
	row := 0
	for row < capacity {
		if st.file == nil {
			ok, err := src.openNext(st)
			if err != nil {
				return err
			}
			if !ok {
				break
			}
		}
		line, err := st.rd.NextLine()
		switch {
		case err == io.EOF:
			src.finish(st)
			continue
		case err != nil:
			var le *flowlog.LineError
			if !errors.As(err, &le) {
				path := st.file.Path
				src.close(st)
				return src.s.fail(&CorruptFileError{File: path, Err: err})
			}
			if err := src.bad(st, le.Line, le.Error()); err != nil {
				return err
			}
			continue
		}
		if st.rd.Headers != st.mappedHeaders {
			if err := src.remap(st); err != nil {
				return err
			}
		}
		if st.colOf == nil { // the lines after this header cannot be read into the group's columns
			if err := src.bad(st, st.rd.Line(), src.unfit(st)); err != nil {
				return err
			}
			continue
		}
		if err := src.fill(st, chunk, row, line); err != nil {
			return err
		}
		st.records++
		row++
	}
	return chunk.SetSize(row)
}

// openNext claims the next file; false when none is left.
func (src *scanSource) openNext(st *scanState) (bool, error) {
	i := int(src.next.Add(1)) - 1
	if i >= len(src.g.files) {
		return false, nil
	}
	f := &src.g.files[i]
	r, err := st.opener.Open(f.Path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) || errors.Is(err, os.ErrPermission) {
			return false, src.s.fail(fmt.Errorf("read %s: %w", f.Path, err))
		}
		return false, src.s.fail(&CorruptFileError{File: f.Path, Err: err})
	}
	if st.rd == nil {
		st.rd = flowlog.NewReader(r, src.g.fallback)
	} else {
		st.rd.Reset(r, src.g.fallback)
	}
	st.file, st.mapped = f, flowlog.Format{}
	st.colOf, st.fieldOf, st.mappedHeaders = nil, nil, -1
	st.partVals = st.partVals[:0]
	if !f.Unplaced {
		// The view's layout, which may not be the file's own.
		for _, c := range src.parts {
			st.partVals = append(st.partVals, c.Value(f.Object.Account, f.Object.Region, f.Object.Time))
		}
	}
	return true, nil
}

// remap maps the fields of the format now in force onto the group's columns.
// A file that starts with a header with a field the group lacks was planned
// wrongly: the query stops and the DB plans again (errMisfit). A header later
// in the file (files concatenated by hand) with such a field makes the lines
// after it bad lines: a file's columns are those it starts with.
func (src *scanSource) remap(st *scanState) error {
	format := st.rd.Format()
	st.mapped, st.mappedHeaders = format, st.rd.Headers
	st.colOf, st.fieldOf = make([]int, format.Len()), make([]int, len(src.kinds))
	for j := range st.fieldOf {
		st.fieldOf[j] = -1
	}
	for i, fd := range format.Fields() {
		j := src.g.format.Index(fd.Name)
		if j < 0 {
			st.colOf = nil
			if st.rd.Headers <= 1 && st.records == 0 {
				path := st.file.Path
				src.close(st)
				return src.s.misfit(path)
			}
			return nil
		}
		st.colOf[i], st.fieldOf[j] = j, i
	}
	return nil
}

// unfit says why a line after a later header is not read.
func (src *scanSource) unfit(st *scanState) string {
	var extra []string
	for _, fd := range st.rd.Format().Fields() {
		if !src.g.format.Has(fd.Name) {
			extra = append(extra, fd.Name)
		}
	}
	return fmt.Sprintf("line %d: the header at line %d has field(s) %s, which the file's first header lacks; "+
		"flowq reads a file's columns from its first header: split the file at that header",
		st.rd.Line(), st.rd.HeaderLines[len(st.rd.HeaderLines)-1], strings.Join(extra, ", "))
}

// bad records a bad line; in a strict run it stops the query.
func (src *scanSource) bad(st *scanState, line int, msg string) error {
	b := BadLine{File: st.file.Path, Line: line, Err: msg}
	st.badN++
	if len(st.fileBad) < maxBadLinesKept {
		st.fileBad = append(st.fileBad, b)
	}
	if src.g.known[b.File] {
		return nil
	}
	src.s.badLine(b)
	if src.s.strict {
		src.close(st)
		return src.s.fail(&BadLinesError{Count: 1, Lines: []BadLine{b}, Stopped: true})
	}
	return nil
}

// fill writes one record into row of the chunk.
func (src *scanSource) fill(st *scanState, chunk duckdb.DataChunk, row int, line *flowlog.Line) error {
	var err error
	for j, kind := range src.kinds {
		if !st.projected[j] {
			continue
		}
		i := st.fieldOf[j]
		switch {
		case i < 0 || line.Nulls[i]:
			err = chunk.SetValue(j, row, nil)
		case kind == flowlog.String:
			err = duckdb.SetChunkValue(chunk, j, row, line.Field(i))
		case kind == flowlog.Int32:
			err = duckdb.SetChunkValue(chunk, j, row, int32(line.Ints[i]))
		default:
			err = duckdb.SetChunkValue(chunk, j, row, line.Ints[i])
		}
		if err != nil {
			return err
		}
	}
	base := len(src.kinds)
	for k, c := range src.parts {
		j := base + k
		if !st.projected[j] {
			continue
		}
		if len(st.partVals) > 0 {
			err = duckdb.SetChunkValue(chunk, j, row, st.partVals[k])
		} else {
			err = src.partFromEnd(st, chunk, j, row, c, line)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// partFromEnd fills a partition column of a file whose name says nothing of
// its time from the record's end, the time AWS files a record by; account and
// region stay NULL.
func (src *scanSource) partFromEnd(st *scanState, chunk duckdb.DataChunk, j, row int, c partitions.Column, line *flowlog.Line) error {
	end := st.mapped.Index("end")
	if c.Kind != partitions.Time || end < 0 || line.Nulls[end] {
		return chunk.SetValue(j, row, nil)
	}
	st.tsBuf = append(st.tsBuf[:0], c.Value("", "", time.Unix(line.Ints[end], 0))...)
	return duckdb.SetChunkValue(chunk, j, row, st.tsBuf)
}

// finish records what reading a file to its end found.
func (src *scanSource) finish(st *scanState) {
	src.s.done(st.file.Path, newCheck(*st.file, st.rd, st.records, st.fileBad, st.badN))
	src.close(st)
}

// newCheck is what a whole read of a file found.
func newCheck(f File, rd *flowlog.Reader, records int64, bad []BadLine, badN int) Check {
	return Check{Size: f.Size, MTime: f.MTime, CTime: f.CTime, Inode: f.Inode, Header: rd.StartHeader(), Records: records, Bad: badN,
		BadLines: slices.Clone(bad), Plain: plain(rd, badN)}
}

// readWhole reads a file that will not be in the view (no header and no
// format, or empty) through flowq's reader, so that its lines are counted.
func readWhole(f File, fallback flowlog.Format) (Check, error) {
	r, err := flowlog.OpenText(f.Path)
	if err != nil {
		return Check{}, &CorruptFileError{File: f.Path, Err: err}
	}
	defer r.Close()
	rd := flowlog.NewReader(r, fallback)
	var bad []BadLine
	for {
		_, err := rd.NextLine()
		if errors.Is(err, io.EOF) {
			break
		}
		var le *flowlog.LineError
		if errors.As(err, &le) {
			if len(bad) < maxBadLinesKept {
				bad = append(bad, BadLine{File: f.Path, Line: le.Line, Err: le.Error()})
			}
			continue
		}
		if err != nil {
			return Check{}, &CorruptFileError{File: f.Path, Err: err}
		}
	}
	return newCheck(f, rd, rd.Records, bad, rd.Bad), nil
}

// plain reports whether a file read whole is one header line (or none) then
// records, nothing else: what DuckDB's CSV reader reads as flowq's does.
func plain(rd *flowlog.Reader, bad int) bool {
	return bad == 0 && rd.Blank == 0 && !rd.BOM && !rd.CRLF &&
		(rd.Headers == 0 || (rd.Headers == 1 && rd.HeaderLines[0] == 1))
}

func (src *scanSource) close(st *scanState) {
	st.opener.Close()
	st.file, st.fileBad, st.badN, st.records = nil, st.fileBad[:0], 0, 0
}

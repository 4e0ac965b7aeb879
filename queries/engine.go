package queries

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/flowq/flowq/flowlog"
	"github.com/flowq/flowq/partitions"
)

// Engine runs SQL over one dataset of flow logs: a table with a column per
// field and the partition columns of its layout, over a time window fixed
// when the engine was opened. flowq has two: localdb (DuckDB over downloaded
// files) and athenadb (Athena over S3). Run and RunSQL (Stream and StreamSQL,
// for results too large to hold) are how every query reaches one, so that
// checking fields, rendering, limits and provenance are the same whichever
// runs it.
//
// Writing an engine:
//
//  1. Open it over a dataset and a window, once (localdb.Open takes paths
//     and Options.Window). The window chooses what the engine reads: files,
//     partitions. Queries never name another window; a nil window reads
//     everything. Open checks what it can before any query: that the data
//     exists and that it can be read.
//  2. Dataset describes what the engine opened: the Dialect its SQL is
//     written in, the table's name, its Layout (which partition columns it
//     has), the Window, the flow-log Formats it holds, and the Accounts and
//     Regions it is restricted to, if any. Run refuses a query whose fields
//     some format lacks, before anything runs, and renders the query with
//     the dialect, table, layout, window and scope. An engine that
//     knows the formats from samples of the data (localdb reads one file's
//     header per flow log) also implements FormatVerifier.
//  3. Query runs one statement, with its arguments bound to the ? placeholders
//     in order (int64 or string values). It calls page for each page of rows,
//     in order, with the same columns every time, and returns when the last
//     page has been taken; a page error stops it. Pages let a large result
//     be handed over as it arrives (Athena's result pages); an engine that
//     may retry a run before its result is whole hands pages over only once
//     the run has succeeded (localdb does), so no row is given twice. Values are nil (NULL),
//     int64, float64, string, bool, time.Time (UTC), *big.Int (an integer
//     beyond int64) or json.Number (a decimal, its exact digits); other
//     types (intervals, UUIDs) are their text. It returns the provenance only the engine knows (see
//     EngineProvenance). When ctx is done it stops the statement, leaving
//     nothing running, and returns ctx's error. An error names what failed:
//     the file, the execution, the reason.
//  4. Close releases what Open took, and saves what the engine learnt.
//
// An engine may assume that SQL handed to Query by Run was rendered by this
// package for its dialect; SQL from RunSQL is what a user typed, and the
// engine refuses what must not run with a *RefusedError (localdb runs
// read-only queries only).
type Engine interface {
	Dataset() Dataset
	Query(ctx context.Context, sql string, args []any, page func(Page) error) (EngineProvenance, error)
	Close() error
}

// Dataset is what an engine was opened over.
type Dataset struct {
	Dialect Dialect
	Table   string // what queries name in FROM
	Layout  partitions.Layout
	Window  *partitions.Window // nil: every record
	Formats []flowlog.Format
	// Accounts and Regions, when set, are the only partitions a query reads:
	// the window's condition names them (an Athena table whose projection
	// injects them refuses a query that does not).
	Accounts, Regions []string
}

// Page is some rows of a result, in order.
type Page struct {
	Columns []Column
	Rows    [][]any
}

// EngineProvenance is the part of a result's provenance only the engine
// knows. Run and RunSQL add the rest (the query, its hashes, parameters,
// window, limit, rows and timing).
type EngineProvenance struct {
	Engine       string // the engine's name: duckdb, athena
	Files        int    // the files the window selected (local)
	InputBytes   int64  // their size
	ScannedBytes int64  // the bytes the engine says it scanned (Athena)
	BadLines     int    // lines of the input that are not records, left out
	ExecutionID  string // Athena's QueryExecutionId
	Workgroup    string // the Athena workgroup the query ran in
	// EngineTime is the time the engine says it spent on the query (Athena's
	// EngineExecutionTimeInMillis); Run times the whole call itself.
	EngineTime time.Duration
	// CostUSD is what the query costs by the engine's price list, estimated
	// from ScannedBytes; 0 for a local engine.
	CostUSD float64
	// Reused is true when the engine answered with an earlier run's result
	// (Athena's query result reuse) instead of reading the data again.
	Reused bool
	// ResultLocation is where the engine keeps the result (Athena's CSV in S3).
	ResultLocation string
}

// RefusedError is SQL an engine will not run, and why (localdb runs only
// queries that read): the user's to change, not a failure of the engine.
type RefusedError struct{ Reason string }

func (e *RefusedError) Error() string { return e.Reason }

// FormatVerifier is an engine that knows its dataset's formats from samples:
// VerifyFormats reads them all, and Run asks it before refusing a query for a
// field the samples lack.
type FormatVerifier interface {
	VerifyFormats(ctx context.Context) error
}

// Run runs a library query on an engine: it checks that the dataset's
// formats have the query's fields, renders it for the engine's dialect,
// table, layout, window and scope, runs it, and completes the result (the
// limit and the provenance; see Rendered.Finish).
func Run(ctx context.Context, eng Engine, q *Query, params Values) (*Result, error) {
	res := &Result{}
	p, err := Stream(ctx, eng, q, params, res.add)
	if err != nil {
		return nil, err
	}
	res.Provenance = p
	return res, nil
}

// Stream runs a library query as Run does, but hands its rows to page as the
// engine delivers them instead of holding them all: for a result too large
// to keep in memory. page is called at least once, with the columns, and
// gets exactly the rows Run would return (the row the SQL asks for beyond a
// limit is held back). The provenance comes when the last page has gone.
func Stream(ctx context.Context, eng Engine, q *Query, params Values, page func(Page) error) (Provenance, error) {
	started := time.Now()
	ds := eng.Dataset()
	if err := q.CheckFields(ds.Formats); err != nil {
		v, ok := eng.(FormatVerifier)
		if !ok {
			return Provenance{}, err
		}
		if verr := v.VerifyFormats(ctx); verr != nil {
			return Provenance{}, verr
		}
		if ds = eng.Dataset(); q.CheckFields(ds.Formats) != nil {
			return Provenance{}, err
		}
	}
	r, err := q.Render(RenderOptions{Dialect: ds.Dialect, Table: ds.Table, Layout: ds.Layout, Window: ds.Window, Params: params,
		Formats: ds.Formats, Accounts: ds.Accounts, Regions: ds.Regions})
	if err != nil {
		return Provenance{}, err
	}
	lim := &limiter{limit: r.Limit, page: page}
	first := true
	ep, err := eng.Query(ctx, r.SQL, r.Args, func(p Page) error {
		// The engine may have learnt formats while reading (a file unlike
		// its samples): the query's fields must be in every one, and that
		// is known before the first row goes out.
		if first {
			first = false
			if err := q.CheckFields(eng.Dataset().Formats); err != nil {
				return fmt.Errorf("%w (found while reading)", err)
			}
		}
		return lim.take(p)
	})
	if err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return Provenance{}, err
		}
		return Provenance{}, fmt.Errorf("%s (sql %.12s): %w", q.Ref(), r.SHA256(), err)
	}
	p := provenance(ep, lim.rows, started)
	r.finish(&p, lim.truncated)
	return p, nil
}

// RunSQL runs SQL a user wrote, with bound arguments, on an engine, and
// records its text and hash in the provenance.
func RunSQL(ctx context.Context, eng Engine, sql string, args ...any) (*Result, error) {
	res := &Result{}
	p, err := StreamSQL(ctx, eng, sql, args, res.add)
	if err != nil {
		return nil, err
	}
	res.Provenance = p
	return res, nil
}

// StreamSQL runs SQL a user wrote as RunSQL does, handing its rows to page
// as they arrive (see Stream).
func StreamSQL(ctx context.Context, eng Engine, sql string, args []any, page func(Page) error) (Provenance, error) {
	started := time.Now()
	rows := 0
	ep, err := eng.Query(ctx, sql, args, func(p Page) error {
		rows += len(p.Rows)
		return page(p)
	})
	if err != nil {
		return Provenance{}, err
	}
	p := provenance(ep, rows, started)
	p.AdHoc(sql)
	return p, nil
}

// add is a page func that keeps every row.
func (res *Result) add(p Page) error {
	res.Columns = p.Columns
	res.Rows = append(res.Rows, p.Rows...)
	return nil
}

// limiter passes on at most limit rows (every row when limit is 0) and notes
// whether the engine gave more.
type limiter struct {
	limit     int64
	page      func(Page) error
	rows      int
	truncated bool
}

func (l *limiter) take(p Page) error {
	if l.limit > 0 && int64(l.rows+len(p.Rows)) > l.limit {
		l.truncated = true
		p.Rows = p.Rows[:max(l.limit-int64(l.rows), 0)]
	}
	l.rows += len(p.Rows)
	return l.page(p)
}

// provenance is the provenance of a run from what the engine said of it.
func provenance(ep EngineProvenance, rows int, started time.Time) Provenance {
	elapsed := time.Since(started)
	return Provenance{
		Engine: ep.Engine, Files: ep.Files, InputBytes: ep.InputBytes, ScannedBytes: ep.ScannedBytes,
		BadLines: ep.BadLines, ExecutionID: ep.ExecutionID, Workgroup: ep.Workgroup,
		EngineMS: ep.EngineTime.Milliseconds(), CostUSD: ep.CostUSD, Reused: ep.Reused, ResultLocation: ep.ResultLocation,
		Rows: rows, Started: started.UTC(), Elapsed: elapsed, ElapsedMS: elapsed.Milliseconds(),
	}
}

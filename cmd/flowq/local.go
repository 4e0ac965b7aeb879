package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/flowq/flowq/localdb"
	"github.com/flowq/flowq/partitions"
	"github.com/flowq/flowq/queries"
	"github.com/flowq/flowq/report"
)

// windowFlags are --from, --to and --since, shared by the commands that read a
// time window.
type windowFlags struct {
	From, To, Since string
}

func (w *windowFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&w.From, "from", "", "start of the time window: RFC 3339, 2026-01-05T10:00 (UTC) or a date")
	cmd.Flags().StringVar(&w.To, "to", "", "end of the time window, exclusive (default with --since: now)")
	cmd.Flags().StringVar(&w.Since, "since", "", "the window is the last DURATION (90m, 2h, 7d) up to --to or now")
}

// window returns the window the flags describe, or nil when none was given.
func (w *windowFlags) window(now time.Time) (*partitions.Window, error) {
	if w.From == "" && w.To == "" && w.Since == "" {
		return nil, nil
	}
	if w.Since != "" && w.From != "" {
		return nil, usageErrorf("--since and --from both set the start: give one")
	}
	to := now.UTC().Truncate(time.Second)
	if w.To != "" {
		t, err := queries.ParseTime(w.To)
		if err != nil {
			return nil, usageErrorf("--to: %v", err)
		}
		to = t
	} else if w.Since == "" {
		return nil, usageErrorf("--from needs --to (or use --since)")
	}
	var from time.Time
	if w.Since != "" {
		d, err := queries.ParseDuration(w.Since)
		if err != nil {
			return nil, usageErrorf("--since: %v", err)
		}
		from = to.Add(-d)
	} else {
		if w.From == "" {
			return nil, usageErrorf("--to needs --from (or --since)")
		}
		t, err := queries.ParseTime(w.From)
		if err != nil {
			return nil, usageErrorf("--from: %v", err)
		}
		from = t
	}
	win, err := partitions.NewWindow(from, to)
	if err != nil {
		return nil, usageError{err}
	}
	return &win, nil
}

// engineFlags choose the engine a command runs its query on, and configure
// it: the local engine (--local PATH…, --strict) or Athena (--athena and its
// flags, athenaFlags), a time limit, and how much of a result is held
// before it is written.
type engineFlags struct {
	Local       []string // files, folders or globs of downloaded flow logs
	Strict      bool
	Athena      athenaFlags
	Timeout     time.Duration
	StreamAfter int
}

func (e *engineFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringArrayVar(&e.Local, "local", nil, "a file, folder or glob of downloaded flow logs, or a Parquet cache (repeatable)")
	cmd.Flags().BoolVar(&e.Strict, "strict", false, "fail on bad lines instead of reporting them (--local)")
	cmd.Flags().DurationVar(&e.Timeout, "timeout", 0, fmt.Sprintf("stop the query after this long (e.g. 10m) and exit %d; an Athena query is stopped in Athena", exitTimeout))
	cmd.Flags().IntVar(&e.StreamAfter, "stream-after", report.DefaultHold, "rows held before output starts: a longer result is written as it arrives (Athena's pages; the local engine holds its result anyway), a table fitted to the first rows")
	e.Athena.register(cmd)
}

// given records which flags the command line gave, for the rules that
// depend on it.
func (e *engineFlags) given(cmd *cobra.Command) {
	e.Athena.Given = flagsGiven(cmd, append([]string{"strict"}, athenaOnly...)...)
}

// check is the usage rule of the flags: one engine, configured right.
func (e *engineFlags) check() error {
	switch {
	case len(e.Local) == 0 && !e.Athena.Athena:
		return usageErrorf("choose an engine: --local PATH (downloaded files) or --athena (the table in Athena)")
	case len(e.Local) > 0 && e.Athena.Athena:
		return usageErrorf("--local and --athena both choose the engine: give one")
	case e.Athena.Athena && e.Athena.Given["strict"]:
		return usageErrorf("--strict is for --local: Athena does not report the lines it could not read")
	case e.Timeout < 0:
		return usageErrorf("--timeout %s: want a positive duration", e.Timeout)
	case e.StreamAfter < 1:
		return usageErrorf("--stream-after %d: want at least 1 row", e.StreamAfter)
	}
	return e.Athena.check()
}

// writer is the result writer for stdout: on a terminal, a table fits its
// width; past --stream-after rows, rows are written as they arrive.
func (e *engineFlags) writer(f *Factory, format report.Format) *report.Writer {
	io := f.IO
	return report.NewWriter(io.Out, report.Options{Format: format, TTY: io.IsStdoutTTY(), Width: io.TerminalWidth(), Hold: e.StreamAfter})
}

// deadline is the command's context with --timeout.
func (e *engineFlags) deadline(ctx context.Context) (context.Context, context.CancelFunc) {
	if e.Timeout > 0 {
		return context.WithTimeout(ctx, e.Timeout)
	}
	return context.WithCancel(ctx)
}

// failed is the error of a query that did not finish: past --timeout, a
// timeoutError (its own exit code).
func (e *engineFlags) failed(err error) error {
	if e.Timeout > 0 && errors.Is(err, context.DeadlineExceeded) {
		return timeoutError{err: err, after: e.Timeout}
	}
	return err
}

// checkCache is where flowq remembers the text files it has read whole.
func checkCache(f *Factory) string {
	if cache, err := f.CacheDir(); err == nil {
		return filepath.Join(cache, "checked")
	}
	return ""
}

// open opens the engine the flags choose over the window, with the live
// line a running Athena query shows on a terminal (nil otherwise). A local
// dataset with nothing to read in the window is a noDataError saying what
// there is.
func (e *engineFlags) open(ctx context.Context, f *Factory, w *partitions.Window) (queries.Engine, *statusLine, error) {
	if e.Athena.Athena {
		var line *statusLine
		if f.IO.IsStderrTTY() {
			line = &statusLine{w: f.IO.ErrOut}
		}
		db, err := e.Athena.open(ctx, f, w, line)
		return db, line, err
	}
	db, err := localdb.Open(ctx, e.Local, localdb.Options{Strict: e.Strict, Window: w, CheckCache: checkCache(f)})
	if err != nil {
		return nil, nil, err
	}
	if len(db.Files()) == 0 {
		found := db.Found()
		db.Close()
		if found.Files == 0 {
			return nil, nil, noFilesError(e.Local)
		}
		msg := fmt.Sprintf("no file can hold records of %s to %s", w.From.Format(time.RFC3339), w.To.Format(time.RFC3339))
		if !found.First.IsZero() {
			msg += fmt.Sprintf("; the %d files found run from %s to %s", found.Files,
				found.First.Format(time.RFC3339), found.Last.Format(time.RFC3339))
		}
		return nil, nil, noDataError{errors.New(msg)}
	}
	if note := coverage(db.Files(), w); note != "" {
		fmt.Fprintln(f.IO.ErrOut, "note:", note)
	}
	return db, nil, nil
}

// coverageGap is how much of a window the files may leave out at either end
// before coverage says so: less is a quiet hour, more is files not
// downloaded.
const coverageGap = time.Hour

// coverage says when the files found leave out an hour or more of the
// window at its start or end (a folder downloaded for a shorter window):
// the answer then says nothing of those hours. "" when they cover it.
func coverage(files []localdb.File, w *partitions.Window) string {
	var first, end time.Time
	for _, f := range files {
		if f.Unplaced {
			continue
		}
		// A delivered file holds the records that end in its 5-minute
		// window; a Parquet cache's, its whole folder's.
		o := f.Object
		from, to := o.Time, o.Time.Add(partitions.DeliveryWindow)
		if o.IsFolderCache() {
			from = o.Layout.FolderStart(o.Time)
			to = from.Add(o.Layout.Unit())
		}
		if first.IsZero() || from.Before(first) {
			first = from
		}
		if to.After(end) {
			end = to
		}
	}
	if w == nil || first.IsZero() || first.Sub(w.From) < coverageGap && w.To.Sub(end) < coverageGap {
		return ""
	}
	return fmt.Sprintf("the files found hold records ending from %s to %s only, inside the window %s to %s: the answer says nothing of the rest",
		first.Format(time.RFC3339), end.Format(time.RFC3339), w.From.Format(time.RFC3339), w.To.Format(time.RFC3339))
}

// noFilesError says that paths hold no flow-log file.
func noFilesError(paths []string) error {
	return noDataError{fmt.Errorf("no flow-log files (.log.gz, .log, .parquet) under %s", strings.Join(paths, ", "))}
}

// parseParams reads --param k=v flags.
func parseParams(list []string) (map[string]string, error) {
	out := map[string]string{}
	for _, kv := range list {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, usageErrorf("--param %q: want NAME=VALUE", kv)
		}
		if _, dup := out[k]; dup {
			return nil, usageErrorf("--param %s given twice", k)
		}
		out[k] = v
	}
	return out, nil
}

// lookupQuery finds a library query by name or name@version; one the library
// does not hold is a usage error.
func lookupQuery(ref string) (*queries.Query, error) {
	q, err := queries.Default().Get(ref)
	if err != nil {
		return nil, usageError{err}
	}
	return q, nil
}

// resolveQuery finds a library query, parses its --param values and the
// window flags: what run and queries render share. Its errors are usage
// errors; nothing is read.
func resolveQuery(ref string, params []string, wf windowFlags, now time.Time) (*queries.Query, queries.Values, *partitions.Window, error) {
	q, err := lookupQuery(ref)
	if err != nil {
		return nil, nil, nil, err
	}
	given, err := parseParams(params)
	if err != nil {
		return nil, nil, nil, err
	}
	vals, err := q.Resolve(given)
	if err != nil {
		return nil, nil, nil, usageError{err}
	}
	w, err := wf.window(now)
	if err != nil {
		return nil, nil, nil, err
	}
	return q, vals, w, nil
}

// dataReporter is an engine that reads files itself, and so can say what
// it found wrong with them.
type dataReporter interface {
	Warnings() []string
	BadLines() []localdb.BadLine
	BadLineCount() int
}

// reportData writes an engine's warnings about the data to stderr, then the
// first few bad lines and how many more. Under --strict a bad line fails the
// command, which says so; they are not "skipped" then.
func reportData(w io.Writer, eng queries.Engine, strict bool) {
	if r, ok := eng.(dataReporter); ok {
		reportLines(w, r.Warnings(), r.BadLines(), r.BadLineCount(), strict)
	}
}

func reportLines(w io.Writer, warnings []string, bad []localdb.BadLine, badCount int, strict bool) {
	for _, msg := range warnings {
		fmt.Fprintln(w, "warning:", msg)
	}
	if strict {
		return
	}
	for i, b := range bad {
		if i == 5 {
			break
		}
		fmt.Fprintln(w, "bad line skipped:", b)
	}
	if badCount > 5 {
		fmt.Fprintf(w, "… and %d more bad lines (--strict fails on them)\n", badCount-5)
	}
}

// streamer runs a query on an engine, handing its rows to page as they
// arrive (queries.Stream and queries.StreamSQL, with what they run).
type streamer func(ctx context.Context, eng queries.Engine, page func(queries.Page) error) (queries.Provenance, error)

// query opens the engine the flags choose over the window, runs a query on
// it within --timeout, writes the result to stdout as it arrives in the
// format, then the engine's report on the data and the summary on stderr.
func (e *engineFlags) query(ctx context.Context, f *Factory, w *partitions.Window, format report.Format, run streamer) error {
	ctx, cancel := e.deadline(ctx)
	defer cancel()
	eng, line, err := e.open(ctx, f, w)
	if err != nil {
		return e.failed(err)
	}
	out := e.writer(f, format)
	prov, err := run(ctx, eng, func(p queries.Page) error {
		line.clear()
		return out.Page(p)
	})
	line.clear()
	// Close saves what the query learnt of the files, and may warn that it
	// could not: report after it.
	eng.Close()
	reportData(f.IO.ErrOut, eng, e.Strict)
	if err != nil && out.Begun() {
		fmt.Fprintln(f.IO.ErrOut, "flowq: the output written so far is incomplete: the query did not finish")
	}
	if err != nil {
		return e.failed(err)
	}
	if err := out.Close(prov); err != nil {
		return err
	}
	fmt.Fprintln(f.IO.ErrOut, summary(prov))
	return nil
}

// summary is the line on stderr after a result: what was read (the files,
// or what Athena scanned and what that costs), how long it took, and whether
// the query's limit cut the result.
func summary(p queries.Provenance) string {
	what := p.Query
	if what == "" {
		what = "query"
	}
	line := fmt.Sprintf("%s: %d row(s) from %d file(s) in %s", what, p.Rows, p.Files, p.Elapsed.Round(time.Millisecond))
	if p.Engine == "athena" {
		line = fmt.Sprintf("%s: %d row(s) in %s; Athena query %s scanned %s (estimated cost $%.6f)", what, p.Rows,
			p.Elapsed.Round(time.Millisecond), p.ExecutionID, byteSize(p.ScannedBytes), p.CostUSD)
		if p.Reused {
			line = fmt.Sprintf("%s: %d row(s) in %s; Athena query %s reused an earlier result (nothing scanned)", what, p.Rows,
				p.Elapsed.Round(time.Millisecond), p.ExecutionID)
		}
	}
	if p.Truncated {
		line += fmt.Sprintf("; more rows matched: cut at the query's limit of %d (pass -p %s=N for up to N)", p.Limit, p.LimitParam)
	}
	return line
}

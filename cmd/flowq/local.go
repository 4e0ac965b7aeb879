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
// it: today the local engine (--local PATH…, --strict). An engine added later
// is one more flag group here and one more case in open, not a new path
// through every command.
type engineFlags struct {
	Local  []string // files, folders or globs of downloaded flow logs
	Strict bool
}

func (e *engineFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringArrayVar(&e.Local, "local", nil, "a file, folder or glob of downloaded flow logs, or a Parquet cache (repeatable)")
	cmd.Flags().BoolVar(&e.Strict, "strict", false, "fail on bad lines instead of reporting them")
}

// check is the usage rule of the flags: an engine must be chosen.
func (e *engineFlags) check() error {
	if len(e.Local) == 0 {
		return usageErrorf("--local is required: the engine reads downloaded files")
	}
	return nil
}

// checkCache is where flowq remembers the text files it has read whole.
func checkCache(f *Factory) string {
	if cache, err := f.CacheDir(); err == nil {
		return filepath.Join(cache, "checked")
	}
	return ""
}

// open opens the engine the flags choose over the window. A dataset with
// nothing to read in the window is a noDataError saying what there is.
func (e *engineFlags) open(ctx context.Context, f *Factory, w *partitions.Window) (queries.Engine, error) {
	db, err := localdb.Open(ctx, e.Local, localdb.Options{Strict: e.Strict, Window: w, CheckCache: checkCache(f)})
	if err != nil {
		return nil, err
	}
	if len(db.Files()) == 0 {
		found := db.Found()
		db.Close()
		if found.Files == 0 {
			return nil, noFilesError(e.Local)
		}
		msg := fmt.Sprintf("no file can hold records of %s to %s", w.From.Format(time.RFC3339), w.To.Format(time.RFC3339))
		if !found.First.IsZero() {
			msg += fmt.Sprintf("; the %d files found run from %s to %s", found.Files,
				found.First.Format(time.RFC3339), found.Last.Format(time.RFC3339))
		}
		return nil, noDataError{errors.New(msg)}
	}
	return db, nil
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

// writeResult writes a result to stdout in the format: on a terminal, a
// table fits its width.
func writeResult(f *Factory, format report.Format, res *queries.Result) error {
	io := f.IO
	return report.Print(io.Out, res, report.Options{Format: format, TTY: io.IsStdoutTTY(), Width: io.TerminalWidth()})
}

// summary is the line on stderr after a result: what was read, how long it
// took, and whether the query's limit cut the result.
func summary(res *queries.Result) string {
	p := res.Provenance
	what := p.Query
	if what == "" {
		what = "query"
	}
	line := fmt.Sprintf("%s: %d row(s) from %d file(s) in %s", what, p.Rows, p.Files, p.Elapsed.Round(time.Millisecond))
	if p.Truncated {
		line += fmt.Sprintf("; more rows matched: cut at the query's limit of %d (pass -p %s=N for up to N)", p.Limit, p.LimitParam)
	}
	return line
}

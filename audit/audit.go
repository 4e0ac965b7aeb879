// Package audit writes and verifies the compliance deny audit's evidence
// pack: every rejected record of a time window and what they add up to,
// from library queries pinned by name@version, in a folder that proves
// later that nothing in it was changed.
//
// Write runs the queries over any queries.Engine (localdb, athenadb) and
// writes the pack:
//
//   - denies.csv: every deny (deny-export@1), one row each, in the query's
//     total order, streamed to the file slice by slice of the window and never
//     held in memory;
//   - summary.json: the totals (denies, packets, bytes, distinct sources,
//     destinations, interfaces), per day, the top sources, destinations,
//     ports and interfaces, and the logging coverage (NODATA, SKIPDATA, gaps);
//   - report.html: one self-contained page of charts and tables of the
//     summary and the method, its chart library inlined (no network fetch);
//   - manifest.json: flowq's version, the window and the engine, every query
//     run (name@version, SQL SHA-256, parameters, provenance: Athena's
//     QueryExecutionId and data scanned, or the files read), the input files
//     with their SHA-256, the SHA-256 of every other file, and its own.
//
// Verify re-hashes a pack and names each file changed, added or missing.
//
// The package never prints: progress goes to Options.Progress, and errors
// say what the audit was doing.
package audit

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/flowq/flowq/partitions"
	"github.com/flowq/flowq/queries"
)

// The files of a pack.
const (
	DeniesFile   = "denies.csv"
	SummaryFile  = "summary.json"
	ReportFile   = "report.html"
	ManifestFile = "manifest.json"
)

// The library queries a pack runs, pinned: a pack made later runs the same
// SQL, whatever versions the library has gained since.
const (
	DeniesPerDay            = "denies-per-day@1"
	TopRejectedSources      = "top-rejected-sources@1"
	TopRejectedDestinations = "top-rejected-destinations@2"
	TopRejectedPorts        = "top-rejected-ports@1"
	InterfaceRejects        = "interface-rejects@1"
	LoggingCoverage         = "logging-coverage@1"
	NodataSkipdata          = "nodata-skipdata@1"
	DenyExport              = "deny-export@1"
)

// Queries are the queries a pack runs, in the order it runs them.
var Queries = []string{DeniesPerDay, DenyExport, TopRejectedSources, TopRejectedDestinations, TopRejectedPorts,
	InterfaceRejects, LoggingCoverage, NodataSkipdata}

// DefaultTop is how many sources, destinations, ports and interfaces the
// summary and the page rank.
const DefaultTop = 20

// Opener opens an engine over the same data as the audit's engine, for part
// of its window. Write calls it for each slice of deny-export it runs, and
// closes what it returns.
type Opener func(ctx context.Context, w partitions.Window) (queries.Engine, error)

// Options say how Write makes a pack. The zero value of each field is its
// default.
type Options struct {
	// FlowqVersion is the version of flowq that makes the pack, for the
	// manifest.
	FlowqVersion string
	// Inputs are the files the engine reads (the local engine's); the
	// manifest lists each with its size and SHA-256, and Write fails if one
	// changes while it runs. Athena's input is in its provenance instead.
	Inputs []string
	// RedactKey, when set, replaces every address (AddressColumns) in the
	// pack with its keyed hash: HMAC-SHA256 with this key (see ReadKey).
	// The manifest says that the pack is redacted, never the key.
	RedactKey []byte
	// Slice opens an engine over one slice of the window for deny-export: the
	// local engine then reads only the files of that slice. When nil, the
	// audit's engine runs each slice with the slice as its window, which
	// Athena prunes by partition.
	Slice Opener
	// Top is how many sources, destinations, ports and interfaces to rank
	// (default DefaultTop).
	Top int
	// MaxSliceRows is the most denies one deny-export run may return
	// (default and at most queries.MaxLimit): a day with more is exported
	// hour by hour, an hour with more by 5 minutes; a 5-minute slice with
	// more fails the audit rather than cut it.
	MaxSliceRows int
	// Now is the clock of the manifest's times (default time.Now).
	Now func() time.Time
	// Progress, when set, is told what the audit is doing, a line at a time.
	Progress func(msg string)
}

// Pack is a pack that Write wrote.
type Pack struct {
	Dir      string
	Manifest *Manifest
	Summary  *Summary
}

// Write runs the audit over the engine's window and writes the pack into dir,
// which must not exist or be empty (a pack is never mixed with other files).
// When it fails, it removes what it wrote.
func Write(ctx context.Context, eng queries.Engine, dir string, opts Options) (pack *Pack, err error) {
	ds := eng.Dataset()
	if ds.Window == nil {
		return nil, errors.New("audit: the engine has no time window: an audit covers a window (from, to)")
	}
	if opts.MaxSliceRows <= 0 || opts.MaxSliceRows > queries.MaxLimit {
		opts.MaxSliceRows = queries.MaxLimit
	}
	if opts.Top <= 0 {
		opts.Top = DefaultTop
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	made, err := prepareDir(dir)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			removePack(dir, made)
		}
	}()
	a := &auditor{eng: eng, ds: ds, window: *ds.Window, dir: dir, opts: opts, red: newRedactor(opts.RedactKey),
		started: opts.Now().UTC()}
	if err := a.run(ctx); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	return &Pack{Dir: dir, Manifest: a.manifest, Summary: a.summary}, nil
}

// prepareDir makes dir and its missing parents, or checks that it is an
// empty folder; made is the topmost folder it made ("" when dir existed),
// which a failed Write removes.
func prepareDir(dir string) (made string, err error) {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
			if _, err := os.Lstat(d); err == nil {
				break
			}
			made = d
			if filepath.Dir(d) == d {
				break
			}
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", fmt.Errorf("audit: make the pack's folder: %w", err)
		}
		return made, nil
	case err != nil:
		return "", fmt.Errorf("audit: the pack's folder: %w", err)
	case len(entries) > 0:
		return "", fmt.Errorf("audit: %s is not empty (%d entries, e.g. %s): a pack goes into a new or empty folder, never among other files",
			dir, len(entries), entries[0].Name())
	}
	return "", nil
}

// removePack removes what a failed Write wrote: the folders it made, or
// the pack's files from a folder that was there.
func removePack(dir, made string) {
	if made != "" {
		os.RemoveAll(made)
		return
	}
	for _, name := range []string{DeniesFile, SummaryFile, ReportFile, ManifestFile} {
		os.Remove(filepath.Join(dir, name))
	}
}

// auditor is one run of Write.
type auditor struct {
	eng     queries.Engine
	ds      queries.Dataset
	window  partitions.Window
	dir     string
	opts    Options
	red     *redactor
	started time.Time

	runs     []QueryRun
	inputs   []Input
	denies   *denyTotals
	perDay   []dayRow // denies-per-day@1's rows
	summary  *Summary
	manifest *Manifest
}

func (a *auditor) progress(format string, args ...any) {
	if a.opts.Progress != nil {
		a.opts.Progress(fmt.Sprintf(format, args...))
	}
}

// run makes the pack: the inputs' hashes, the denies (planned from their
// count per day, then checked against it), the rankings and the coverage,
// then the summary, the page and, last, the manifest.
func (a *auditor) run(ctx context.Context) error {
	if len(a.opts.Inputs) > 0 {
		a.progress("hashing %d input file(s)", len(a.opts.Inputs))
		inputs, err := hashInputs(ctx, a.opts.Inputs)
		if err != nil {
			return err
		}
		a.inputs = inputs
	}
	if err := a.deniesPerDay(ctx); err != nil {
		return err
	}
	if err := a.exportDenies(ctx); err != nil {
		return err
	}
	if err := a.crossCheck(); err != nil {
		return err
	}
	sum, err := a.rankings(ctx)
	if err != nil {
		return err
	}
	a.summary = sum
	if err := checkInputs(a.inputs); err != nil {
		return err
	}
	if err := writeJSON(filepath.Join(a.dir, SummaryFile), sum); err != nil {
		return err
	}
	a.manifest = a.newManifest()
	if err := writeReport(filepath.Join(a.dir, ReportFile), sum, a.manifest); err != nil {
		return err
	}
	return a.writeManifest()
}

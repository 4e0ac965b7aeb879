package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/flowq/flowq/audit"
	"github.com/flowq/flowq/localdb"
	"github.com/flowq/flowq/partitions"
	"github.com/flowq/flowq/queries"
)

func newCmdAudit(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Compliance evidence: every deny of a window in a pack that proves it was not altered",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newCmdAuditDenies(f, nil), newCmdAuditVerify(f, nil))
	return cmd
}

// AuditDeniesOptions are the inputs of flowq audit denies.
type AuditDeniesOptions struct {
	Factory *Factory
	Context context.Context
	Out     string
	Engine  engineFlags
	Window  windowFlags
	Redact  string // the key file of --redact
	// BuildInfo reads flowq's build information, for the manifest's version
	// (debug.ReadBuildInfo unless a test sets it).
	BuildInfo func() (*debug.BuildInfo, bool)
}

func newCmdAuditDenies(f *Factory, runF func(*AuditDeniesOptions) error) *cobra.Command {
	opts := &AuditDeniesOptions{Factory: f, BuildInfo: debug.ReadBuildInfo}
	cmd := &cobra.Command{
		Use:   "denies (--from T --to T | --since D) --out DIR (--local PATH... | --athena ...) [--redact KEYFILE]",
		Short: "Write an evidence pack of every rejected record of a window",
		Long: `Write an evidence pack into DIR, a new or empty folder: every record that a security group or
network ACL rejected in the window, and what they add up to, from library queries pinned by
name@version:
` + wrapList(audit.Queries, "  ", 96) + `

  denies.csv     every deny, one row each, in a stable total order (deny-export@1, run day by
                 day and checked against denies-per-day@1)
  summary.json   the totals (denies, packets, bytes, sources, destinations, interfaces), per
                 day, the top sources, destinations, ports and interfaces, the logging coverage
  report.html    one self-contained page of charts and tables (no network needed: open it from
                 a file or an email attachment), with the method
  manifest.json  flowq's version, each query's name@version, SQL SHA-256, parameters and
                 provenance (Athena's QueryExecutionIds and data scanned, or the files read
                 with their SHA-256), and the SHA-256 of every other file of the pack

flowq audit verify DIR checks later that no file changed. --redact KEYFILE replaces every
address with a keyed hash (HMAC-SHA256 with the key in the file, at least 16 bytes), the same
for an address wherever it appears, so that a pack can be shared; the manifest says that the
pack is redacted, never the key.`,
		Example: `  flowq audit denies --local ./flows --from 2026-01-05 --to 2026-01-07 --out ./audit-2026-01
  flowq audit denies --athena --database vpc_flow_logs --table flow_logs --since 30d --out ./audit --redact key.txt
  flowq audit verify ./audit-2026-01`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Context = cmd.Context()
			opts.Engine.given(cmd)
			if err := opts.check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return auditDeniesRun(opts)
		},
	}
	opts.Engine.register(cmd)
	cmd.Flags().MarkHidden("stream-after") // the pack's files are written as they come anyway
	opts.Window.register(cmd)
	cmd.Flags().StringVar(&opts.Out, "out", "", "the pack's folder: new, or empty")
	cmd.Flags().StringVar(&opts.Redact, "redact", "", "replace every address with its HMAC-SHA256 under the key in this file")
	return cmd
}

// wrapList writes items, comma-separated, in lines of at most width
// characters after indent.
func wrapList(items []string, indent string, width int) string {
	var lines []string
	line := indent
	for i, it := range items {
		if i < len(items)-1 {
			it += ","
		}
		if len(line)+len(it)+1 > width && line != indent {
			lines = append(lines, strings.TrimRight(line, " "))
			line = indent
		}
		line += it + " "
	}
	return strings.Join(append(lines, strings.TrimRight(line, " ")), "\n")
}

// check applies the usage rules, before anything is read or written.
func (opts *AuditDeniesOptions) check() error {
	if opts.Out == "" {
		return usageErrorf("--out is required: the folder of the pack")
	}
	if err := opts.Engine.check(); err != nil {
		return err
	}
	w, err := opts.Window.window(opts.Factory.Now())
	if err != nil {
		return err
	}
	if w == nil {
		return usageErrorf("an audit covers a time window: give --from and --to, or --since")
	}
	return checkPackFolder(opts.Out)
}

// checkPackFolder refuses an --out that is not a new or empty folder: a
// pack never mixes with other files.
func checkPackFolder(dir string) error {
	st, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return usageErrorf("--out: %v", err)
	}
	if !st.IsDir() {
		return usageErrorf("--out %s is a file: the pack goes into a new or empty folder", dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return usageErrorf("--out: %v", err)
	}
	if len(entries) > 0 {
		return usageErrorf("--out %s is not empty (it holds %s): the pack goes into a new or empty folder, never among other files", dir, entries[0].Name())
	}
	return nil
}

func auditDeniesRun(opts *AuditDeniesOptions) error {
	f := opts.Factory
	w, err := opts.Window.window(f.Now())
	if err != nil {
		return err
	}
	var key []byte
	if opts.Redact != "" {
		if key, err = audit.ReadKey(opts.Redact); err != nil {
			return usageErrorf("--redact: %v", err)
		}
	}
	e := &opts.Engine
	ctx, cancel := e.deadline(opts.Context)
	defer cancel()
	eng, line, err := e.open(ctx, f, w)
	if err != nil {
		return e.failed(err)
	}
	aopts := audit.Options{FlowqVersion: buildVersion(opts.BuildInfo()), RedactKey: key}
	if db, ok := eng.(*localdb.DB); ok {
		for _, file := range db.Files() {
			aopts.Inputs = append(aopts.Inputs, file.Path)
		}
		// Each slice of denies.csv reads only its own files.
		aopts.Slice = func(ctx context.Context, sw partitions.Window) (queries.Engine, error) {
			return localdb.Open(ctx, e.Local, localdb.Options{Strict: e.Strict, Window: &sw, CheckCache: checkCache(f)})
		}
	}
	progress := &progressLine{statusLine: line}
	if f.IO.IsStderrTTY() {
		if progress.statusLine == nil {
			progress.statusLine = &statusLine{w: f.IO.ErrOut}
		}
		aopts.Progress = progress.show
	}
	began := time.Now()
	pack, err := audit.Write(ctx, eng, opts.Out, aopts)
	progress.clear()
	eng.Close()
	reportData(f.IO.ErrOut, eng, e.Strict)
	if err != nil {
		return e.failed(err)
	}
	return packWritten(f, pack, time.Since(began))
}

// progressLine shows what the audit is doing on a terminal's stderr, on the
// line an Athena query's state also uses.
type progressLine struct{ *statusLine }

func (p *progressLine) show(msg string) {
	fmt.Fprintf(p.w, "\r\x1b[Kaudit: %s", msg)
	p.drawn = true
}

// packWritten says on stdout where the pack is, and on stderr what it holds
// and how to open and check it.
func packWritten(f *Factory, pack *audit.Pack, took time.Duration) error {
	abs, err := filepath.Abs(pack.Dir)
	if err != nil {
		abs = pack.Dir
	}
	s, m := pack.Summary, pack.Manifest
	errOut := f.IO.ErrOut
	redacted := ""
	if m.Redaction != nil {
		redacted = ", addresses redacted"
	}
	fmt.Fprintf(errOut, "wrote the audit pack %s in %s: %d denies from %s to %s%s\n", pack.Dir, took.Round(time.Millisecond),
		s.Denies, s.From.Format(time.RFC3339), s.To.Format(time.RFC3339), redacted)
	for _, file := range m.Files {
		fmt.Fprintf(errOut, "  %-14s %s\n", file.Name, byteSize(file.Size))
	}
	fmt.Fprintf(errOut, "  %-14s %d queries, sealed\n", audit.ManifestFile, len(m.Queries))
	if m.Engine.Name == "athena" {
		fmt.Fprintf(errOut, "Athena ran %d queries, which scanned %s (estimated cost $%.6f)\n", len(m.ExecutionIDs), byteSize(m.ScannedBytes), m.EstimatedCostUSD)
	}
	fmt.Fprintf(errOut, "open it:   file://%s (in a browser; it needs no network)\n", filepath.ToSlash(filepath.Join(abs, audit.ReportFile)))
	fmt.Fprintf(errOut, "verify it: flowq audit verify %s\n", pack.Dir)
	fmt.Fprintln(f.IO.Out, pack.Dir)
	return nil
}

// AuditVerifyOptions are the inputs of flowq audit verify.
type AuditVerifyOptions struct {
	Factory *Factory
	Context context.Context
	Dir     string
}

func newCmdAuditVerify(f *Factory, runF func(*AuditVerifyOptions) error) *cobra.Command {
	opts := &AuditVerifyOptions{Factory: f}
	return &cobra.Command{
		Use:   "verify DIR",
		Short: "Check that no file of an audit pack was changed, added or removed",
		Long: `Re-hash every file of the pack in DIR against its manifest.json, and the manifest against its own
seal. Each file is listed on stdout as ok, changed, added, missing or unchecked (no readable
manifest); any but ok exits 1, naming the files. The SHA-256 of manifest.json is the pack's
fingerprint: compare it with one recorded when the pack was made.`,
		Example: `  flowq audit verify ./audit-2026-01`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Context = cmd.Context()
			opts.Dir = args[0]
			if runF != nil {
				return runF(opts)
			}
			return auditVerifyRun(opts)
		},
	}
}

func auditVerifyRun(opts *AuditVerifyOptions) error {
	v, err := audit.Verify(opts.Context, opts.Dir)
	if err != nil {
		return err
	}
	out := opts.Factory.IO.Out
	for _, c := range v.Files {
		line := fmt.Sprintf("%-9s %s", c.Status, c.Name)
		if c.Detail != "" {
			line += ": " + c.Detail
		}
		fmt.Fprintln(out, line)
	}
	if problems := v.Problems(); len(problems) > 0 {
		var named []string
		for _, p := range problems {
			named = append(named, p.Name+" "+string(p.Status))
		}
		return fmt.Errorf("the pack %s does not verify: %s", opts.Dir, strings.Join(named, ", "))
	}
	fmt.Fprintf(opts.Factory.IO.ErrOut, "the pack %s verifies: %d files as manifest.json lists them, and its seal holds; the pack's fingerprint (SHA-256 of manifest.json) is %s\n",
		opts.Dir, len(v.Files)-1, v.ManifestSHA256)
	return nil
}

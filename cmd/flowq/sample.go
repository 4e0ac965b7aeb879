package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/flowq/flowq/flowlog"
	"github.com/flowq/flowq/partitions"
	"github.com/flowq/flowq/sample"
)

// SampleOptions are the inputs of flowq sample.
type SampleOptions struct {
	Factory   *Factory
	Context   context.Context
	Out       string
	Days      int
	Start     string
	Format    string
	Layout    string
	PerHour   bool
	Scenarios []string
	Seed      uint64
	Records   int
	Prefix    string
}

func newCmdSample(f *Factory, runF func(*SampleOptions) error) *cobra.Command {
	opts := &SampleOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "sample --out DIR",
		Short: "Write synthetic flow logs in AWS's S3 layout, with incident scenarios and their truth",
		Long: `Write gzip text flow-log files exactly as AWS lays them out in S3 (keys, file names, header
line), with background traffic and named incident scenarios, and truth.json: the answers the
scenarios imply. The same flags and seed always write the same bytes. Without --scenario, every
scenario the format can tell is staged (one that needs tcp-flags is not in a v2 sample).

Scenarios:
` + scenarioHelp(),
		Example: `  flowq sample --out /tmp/flows --days 2 --format v5 --layout hive --per-hour
  flowq sample --out /tmp/flows --scenario port-scan,ssh-rejected --seed 7`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Context = cmd.Context()
			if opts.Out == "" {
				return usageErrorf("--out is required")
			}
			if _, err := opts.sampleOptions(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return sampleRun(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Out, "out", "", "folder to write into (created if missing)")
	fl.IntVar(&opts.Days, "days", 1, "number of days")
	fl.StringVar(&opts.Start, "start", sample.DefaultStart.Format(time.DateOnly), "first day, YYYY-MM-DD (UTC)")
	fl.StringVar(&opts.Format, "format", "default", "preset ("+strings.Join(flowlog.PresetNames(), ", ")+") or LogFormat string")
	fl.StringVar(&opts.Layout, "layout", "default", "S3 prefixes: default or hive")
	fl.BoolVar(&opts.PerHour, "per-hour", false, "hourly folders")
	fl.StringSliceVar(&opts.Scenarios, "scenario", nil, "scenarios to stage (default all)")
	fl.Uint64Var(&opts.Seed, "seed", 1, "random seed")
	fl.IntVar(&opts.Records, "records", 0, fmt.Sprintf("background records in all (default %d a day)", sample.DefaultRecordsPerDay))
	fl.StringVar(&opts.Prefix, "prefix", "", "bucket prefix before AWSLogs/, e.g. vpc-logs/")
	cmd.RegisterFlagCompletionFunc("format", completePresetFlag)
	cmd.RegisterFlagCompletionFunc("layout", fixed("default", "hive"))
	cmd.RegisterFlagCompletionFunc("scenario", completeScenarios)
	return cmd
}

// scenarioHelp lists the scenarios, each with what it stages and, for one
// that the default format cannot tell, the format version it needs.
func scenarioHelp() string {
	var b strings.Builder
	for _, n := range sample.ScenarioNames() {
		fmt.Fprintf(&b, "  %-20s %s", n, sample.ScenarioDescription(n))
		if v := formatVersion(sample.ScenarioFields(n)); v > 2 {
			fmt.Fprintf(&b, " (needs a v%d format: %s)", v, strings.Join(sample.ScenarioFields(n), ", "))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// formatVersion is the version that has all of the fields.
func formatVersion(fields []string) int {
	v := 2
	for _, name := range fields {
		if fd, ok := flowlog.Lookup(name); ok {
			v = max(v, fd.Version)
		}
	}
	return v
}

// sampleOptions turns flags into the library's options; its errors are the
// usage rules, which RunE applies before anything is written.
func (opts *SampleOptions) sampleOptions() (sample.Options, error) {
	start, err := time.Parse(time.DateOnly, opts.Start)
	if err != nil {
		return sample.Options{}, usageErrorf("--start %q: want YYYY-MM-DD", opts.Start)
	}
	if opts.Days < 1 {
		return sample.Options{}, usageErrorf("--days %d: want at least 1", opts.Days)
	}
	format, err := flowlog.ParseFormat(opts.Format)
	if err != nil {
		return sample.Options{}, usageErrorf("--format: %w", err)
	}
	layout, err := partitions.ParseLayout(opts.Layout, opts.PerHour)
	if err != nil {
		return sample.Options{}, usageErrorf("--layout: %w", err)
	}
	if opts.Records < 0 {
		return sample.Options{}, usageErrorf("--records %d: want 0 or more", opts.Records)
	}
	prefix := opts.Prefix
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	so := sample.Options{Start: start, Days: opts.Days, Format: format, Layout: layout, Scenarios: opts.Scenarios,
		Seed: opts.Seed, Records: opts.Records, Root: prefix}
	if err := so.Check(); err != nil { // unknown scenarios, or one that does not fit in the days
		return sample.Options{}, usageError{err}
	}
	return so, nil
}

func sampleRun(opts *SampleOptions) error {
	so, err := opts.sampleOptions()
	if err != nil {
		return err
	}
	created, err := mkdirNew(opts.Out)
	if err != nil {
		return fmt.Errorf("create the output folder: %w", err)
	}
	began := opts.Factory.Now()
	truth, err := sample.Generate(opts.Context, opts.Out, so)
	if err != nil {
		// A folder this run created holds nothing but a partial sample.
		if created != "" {
			os.RemoveAll(created)
		}
		return fmt.Errorf("generate sample: %w", err)
	}
	fmt.Fprintf(opts.Factory.IO.ErrOut, "wrote %d records in %d files (%s, %s layout) to %s in %s\n",
		truth.Records, truth.Files, versionLabel(so.Format), so.Layout, opts.Out, opts.Factory.Now().Sub(began).Round(time.Millisecond))
	fmt.Fprintf(opts.Factory.IO.Out, "%s\n", opts.Out)
	return nil
}

func versionLabel(f flowlog.Format) string {
	return fmt.Sprintf("v%d, %d fields", f.Version(), f.Len())
}

// mkdirNew makes dir and its missing parents, and returns the topmost folder
// it created ("" when dir existed), so that a failed run can remove what it
// made and nothing else.
func mkdirNew(dir string) (string, error) {
	top := ""
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil {
			break
		}
		top = d
		if filepath.Dir(d) == d {
			break
		}
	}
	return top, os.MkdirAll(dir, 0o755)
}

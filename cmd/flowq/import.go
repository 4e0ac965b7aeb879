package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/flowq/flowq/localdb"
)

// ImportOptions are the inputs of flowq import.
type ImportOptions struct {
	Factory *Factory
	Context context.Context
	Paths   []string
	To      string
	Strict  bool
}

func newCmdImport(f *Factory, runF func(*ImportOptions) error) *cobra.Command {
	opts := &ImportOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "import PATH... --to DIR",
		Short: "Convert downloaded flow logs into a Parquet cache, one file per folder, for fast repeated queries",
		Long: `Convert downloaded flow logs into a Parquet cache under DIR, in the source's folder layout: the
records of each folder (day or hour) and flow log go into one Parquet file in that folder, in
time order, so --local DIR prunes by time window as the source does and gives the same answers.
Parquet sources are copied as they are; text files whose names do not say their time go under
DIR/unplaced/, one Parquet file each.

Every good record is written and the count checked; bad lines are reported (--strict fails on
them). A manifest in DIR (.flowq-import.json) lists the source files of each Parquet file, with
their sizes and modification times: importing again after a new download rewrites only the
folders whose sources changed and leaves the others alone, writes again a cache file that was
lost, and removes one whose sources were deleted, so the cache never answers with data its
source no longer has. Each Parquet file also records the flow-log objects it holds, so that
reading a cache together with its source is refused rather than counted twice; for the same
reason DIR may not be inside an input, nor hold one.`,
		Example: `  flowq import ./flows --to ./flows-parquet
  flowq run top-rejected-destinations --local ./flows-parquet --since 1d`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Context = cmd.Context()
			opts.Paths = args
			if opts.To == "" {
				return usageErrorf("--to is required: the folder of the Parquet cache")
			}
			if runF != nil {
				return runF(opts)
			}
			return importRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.To, "to", "", "folder of the Parquet cache")
	cmd.Flags().BoolVar(&opts.Strict, "strict", false, "fail on bad lines instead of reporting them")
	return cmd
}

func importRun(opts *ImportOptions) error {
	lo := localdb.Options{Strict: opts.Strict, CheckCache: checkCache(opts.Factory)}
	began := opts.Factory.Now()
	st, err := localdb.Import(opts.Context, opts.Paths, opts.To, lo)
	if err != nil {
		return err
	}
	reportLines(opts.Factory.IO.ErrOut, st.Warnings, st.BadLines, st.BadLineCount, opts.Strict)
	removed := ""
	if st.Removed > 0 {
		removed = fmt.Sprintf(", %d removed (their sources are gone)", st.Removed)
	}
	fmt.Fprintf(opts.Factory.IO.Out, "%d file(s): %d converted (%d records), %d copied (already Parquet), %d up to date, %d without records%s; %d bad line(s); %s\n",
		st.Files, st.Written, st.Records, st.Copied, st.UpToDate, st.Empty, removed, st.BadLineCount, opts.Factory.Now().Sub(began).Round(time.Millisecond))
	return nil
}

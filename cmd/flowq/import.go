package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/flowq/flowq/localdb"
)

// ImportOptions are the inputs of flowq import.
type ImportOptions struct {
	Factory *Factory
	Paths   []string
	To      string
	Strict  bool
}

func newCmdImport(f *Factory, runF func(*ImportOptions) error) *cobra.Command {
	opts := &ImportOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "import PATH... --to DIR",
		Short: "Convert downloaded text logs into a Parquet cache for fast repeated queries",
		Long: `Convert text flow logs (.log.gz) into Parquet under DIR, one file per source file at the same
key, so the cache is partitioned like the source and --local DIR reads it with the same answers.
Every good record is written and the count checked; bad lines are reported (--strict fails
on them). Files already converted and not changed since are skipped, so importing again after
a new download converts only the new files.`,
		Example: `  flowq import ./flows --to ./flows-parquet
  flowq run top-rejected-destinations --local ./flows-parquet --since 1d`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			if opts.To == "" {
				return usageErrorf("--to is required: the folder of the Parquet cache")
			}
			if runF != nil {
				return runF(opts)
			}
			return importRun(cmd, opts)
		},
	}
	cmd.Flags().StringVar(&opts.To, "to", "", "folder of the Parquet cache")
	cmd.Flags().BoolVar(&opts.Strict, "strict", false, "fail on bad lines instead of reporting them")
	return cmd
}

func importRun(cmd *cobra.Command, opts *ImportOptions) error {
	lo := localdb.Options{Strict: opts.Strict, CheckCache: checkCache(opts.Factory)}
	began := time.Now()
	st, err := localdb.Import(cmd.Context(), opts.Paths, opts.To, lo)
	if err != nil {
		return err
	}
	reportData(opts.Factory.IO.ErrOut, nil, st.BadLines, st.BadLineCount)
	removed := ""
	if st.Removed > 0 {
		removed = fmt.Sprintf(", %d removed (their sources are gone)", st.Removed)
	}
	fmt.Fprintf(opts.Factory.IO.Out, "%d file(s): %d converted (%d records), %d copied (already Parquet), %d up to date, %d without records%s; %d bad line(s); %s\n",
		st.Files, st.Written, st.Records, st.Copied, st.UpToDate, st.Empty, removed, st.BadLineCount, time.Since(began).Round(time.Millisecond))
	return nil
}

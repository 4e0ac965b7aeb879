package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/flowq/flowq/queries"
	"github.com/flowq/flowq/report"
)

// RunOptions are the inputs of flowq run.
type RunOptions struct {
	Factory *Factory
	Context context.Context
	Query   string // name or name@version
	Engine  engineFlags
	Window  windowFlags
	Params  []string // NAME=VALUE
	Output  report.Format
}

func newCmdRun(f *Factory, runF func(*RunOptions) error) *cobra.Command {
	opts := &RunOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "run NAME[@VERSION] --local PATH... [--from T --to T | --since D] [--param NAME=VALUE]...",
		Short: "Run a library query over downloaded flow logs",
		Long: `Run a query from the library (flowq queries list) in the local DuckDB engine. The time window
reads only the files that can hold its records, then keeps records with end >= from and
start < to. Times are UTC unless a zone is given. -o json adds provenance: the query
name@version, the SQL's SHA-256, the parameters, the engine, the files read and the timing.`,
		Example: `  flowq run top-rejected-destinations --local ./flows --since 2h
  flowq run rejects-on-port@1 --local ./flows --from 2026-01-05 --to 2026-01-06 --param port=22 -o json
  flowq run traffic-between --local ./flows --since 1d --param a=10.0.1.10 --param b=10.0.3.0/24`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: completeQuery,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Context = cmd.Context()
			opts.Query = args[0]
			if err := opts.check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return runRun(opts)
		},
	}
	opts.Engine.register(cmd)
	opts.Window.register(cmd)
	cmd.Flags().StringArrayVarP(&opts.Params, "param", "p", nil, "a query parameter NAME=VALUE (repeatable)")
	cmd.RegisterFlagCompletionFunc("param", completeParam)
	outputFlag(cmd, &opts.Output)
	return cmd
}

// check applies the usage rules: an engine, a query of the library, its
// parameters and the window. runRun resolves them again; nothing is read.
func (opts *RunOptions) check() error {
	if err := opts.Engine.check(); err != nil {
		return err
	}
	_, _, _, err := resolveQuery(opts.Query, opts.Params, opts.Window, opts.Factory.Now())
	return err
}

func runRun(opts *RunOptions) error {
	q, vals, w, err := resolveQuery(opts.Query, opts.Params, opts.Window, opts.Factory.Now())
	if err != nil {
		return err
	}
	eng, err := opts.Engine.open(opts.Context, opts.Factory, w)
	if err != nil {
		return err
	}
	res, err := queries.Run(opts.Context, eng, q, vals)
	// Close saves what the query learnt of the files, and may warn that it
	// could not: report after it.
	eng.Close()
	reportData(opts.Factory.IO.ErrOut, eng, opts.Engine.Strict)
	if err != nil {
		return err
	}
	if err := writeResult(opts.Factory, opts.Output, res); err != nil {
		return err
	}
	fmt.Fprintln(opts.Factory.IO.ErrOut, summary(res))
	return nil
}

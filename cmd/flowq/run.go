package main

import (
	"context"

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
		Use:   "run NAME[@VERSION] (--local PATH... | --athena) [--from T --to T | --since D] [--param NAME=VALUE]...",
		Short: "Run a library query over downloaded flow logs, or in Athena",
		Long: `Run a query from the library (flowq queries list) in the local DuckDB engine (--local) or in
Athena (--athena). The time window reads only the files, or partitions, that can hold its
records, then keeps records with end >= from and start < to. Times are UTC unless a zone is
given. -o json adds provenance: the query name@version, the SQL's SHA-256, the parameters, the
engine, what was read and the timing; in Athena, the QueryExecutionId, the workgroup, the data
scanned, the engine's time and the estimated cost.

In Athena the query runs over --database.--table (made by flowq ddl apply), with the standard
AWS configuration (profile, SSO, environment, AWS_ENDPOINT_URL). Its parameters are
ExecutionParameters, never pasted into the SQL; the table's format is read from Glue and a
query whose fields it lacks is refused before it runs. On a terminal one line on stderr shows
the query's state, time, data scanned and estimated cost; Ctrl-C or --timeout stops the query
in Athena before flowq exits.`,
		Example: `  flowq run top-rejected-destinations --local ./flows --since 2h
  flowq run rejects-on-port@1 --local ./flows --from 2026-01-05 --to 2026-01-06 --param port=22 -o json
  flowq run traffic-between --local ./flows --since 1d --param a=10.0.1.10 --param b=10.0.3.0/24
  flowq run top-rejected-destinations --athena --workgroup primary --database vpc_flow_logs --table flow_logs --since 1h`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: completeQuery,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Context = cmd.Context()
			opts.Query = args[0]
			opts.Engine.given(cmd)
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
	if w := opts.Window; opts.Engine.Athena.Athena && w.From == "" && w.To == "" && w.Since == "" {
		return usageErrorf("--athena needs a time window (--since 1h, or --from and --to): without one the query reads every partition of the table, and Athena bills what it scans")
	}
	_, _, _, err := resolveQuery(opts.Query, opts.Params, opts.Window, opts.Factory.Now())
	return err
}

func runRun(opts *RunOptions) error {
	q, vals, w, err := resolveQuery(opts.Query, opts.Params, opts.Window, opts.Factory.Now())
	if err != nil {
		return err
	}
	return opts.Engine.query(opts.Context, opts.Factory, w, opts.Output,
		func(ctx context.Context, eng queries.Engine, page func(queries.Page) error) (queries.Provenance, error) {
			return queries.Stream(ctx, eng, q, vals, page)
		})
}

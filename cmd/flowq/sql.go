package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/flowq/flowq/queries"
	"github.com/flowq/flowq/report"
)

// SQLOptions are the inputs of flowq sql.
type SQLOptions struct {
	Factory *Factory
	Context context.Context
	Query   string
	Engine  engineFlags
	Window  windowFlags
	Output  report.Format
}

func newCmdSQL(f *Factory, runF func(*SQLOptions) error) *cobra.Command {
	opts := &SQLOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "sql QUERY (--local PATH... | --athena)",
		Short: "Run ad-hoc SQL over downloaded flow logs (the flow_logs view, in DuckDB) or in Athena",
		Long: `Run SQL over the flow_logs view of local files: one typed column per field ('-' is NULL)
plus the layout's partition columns. A time window (--from/--to or --since) reads only the
files that can hold records of that window; filter on start/"end" for the exact window.
Bad lines are counted and reported on stderr; --strict makes them an error.

The SQL only reads: one statement, a query (SELECT, WITH, VALUES, DESCRIBE, SUMMARIZE, SHOW,
EXPLAIN). DuckDB may read the --local files and nothing else: no other file, no extension
installed or loaded, no setting changed. Anything else is refused (exit 2).

With --athena the SQL runs in Athena as written (Trino SQL), in --database; name the table
in it (vpc_flow_logs.flow_logs) and filter on its partition columns to limit what is scanned
(day = '2026/01/05' in the default layout; year, month, day and hour in Hive's).
It must read there too (SELECT, WITH, VALUES, TABLE, SHOW, DESCRIBE, EXPLAIN): a statement
that would change a table or write to S3 is refused (exit 2) before it starts.`,
		Example: `  flowq sql "SELECT dstaddr, count(*) FROM flow_logs WHERE action = 'REJECT' GROUP BY 1 ORDER BY 2 DESC LIMIT 5" --local ./flows
  flowq sql "SELECT count(*) FROM vpc_flow_logs.flow_logs WHERE day = '2026/01/05'" --athena`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Context = cmd.Context()
			opts.Query = args[0]
			opts.Engine.given(cmd)
			opts.Engine.Athena.AdHoc = true
			if err := opts.check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return sqlRun(opts)
		},
	}
	opts.Engine.register(cmd)
	opts.Window.register(cmd)
	outputFlag(cmd, &opts.Output)
	return cmd
}

// check applies the usage rules: an engine and the window. Whether the SQL
// only reads is the engine's to say.
func (opts *SQLOptions) check() error {
	if err := opts.Engine.check(); err != nil {
		return err
	}
	if w := opts.Window; opts.Engine.Athena.Athena && (w.From != "" || w.To != "" || w.Since != "") {
		return usageErrorf("--from, --to and --since choose the files of --local; in Athena, filter on the partition columns (day, …) and start/\"end\" in the SQL")
	}
	if a := opts.Engine.Athena; a.Given["accounts"] || a.Given["regions"] {
		return usageErrorf("--accounts and --regions restrict a library query's partitions; in SQL, filter on aws_account_id and aws_region")
	}
	if strings.TrimSpace(opts.Query) == "" {
		return usageErrorf("the SQL is empty")
	}
	_, err := opts.Window.window(opts.Factory.Now())
	return err
}

func sqlRun(opts *SQLOptions) error {
	w, err := opts.Window.window(opts.Factory.Now())
	if err != nil {
		return err
	}
	return opts.Engine.query(opts.Context, opts.Factory, w, opts.Output,
		func(ctx context.Context, eng queries.Engine, page func(queries.Page) error) (queries.Provenance, error) {
			p, err := queries.StreamSQL(ctx, eng, opts.Query, nil, page)
			if errors.As(err, new(*queries.RefusedError)) {
				return p, usageError{err}
			}
			if err != nil {
				return p, fmt.Errorf("query: %w", err)
			}
			return p, nil
		})
}
